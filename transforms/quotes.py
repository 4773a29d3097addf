"""Quotations and their speakers.

1. `find_quotations` pairs double quotation marks (typographic “ ”, „, « », and straight ")
   paragraph by paragraph. A paragraph that ends inside a quotation continues it when the next
   paragraph opens with a quotation mark (the news habit for multi-paragraph quotes); otherwise
   the quotation ends with its paragraph. Single quotes/apostrophes never take part.
2. `attribute` finds the speaker of each quotation from the parsed text around it (outside any
   quotation) in the sentence where it starts and the sentence where it ends: a reporting verb
   (by lemma, rules/speech.yaml) and its subject, an inverted subject ("said Lavrov"), or an
   "according to X" phrase. Subjects resolve to the article's canonical entities; pronouns to the
   nearest preceding PERSON named outside quotations; descriptions ("the minister") to the
   nearest preceding entity of the described kind. A quotation with no cue right after an
   attributed one in the same or the previous paragraph continues its speaker (follow-on).
3. Sentences without quotation marks whose reporting verb has a clausal complement and a
   resolvable subject are indirect quotes.

Quotation kinds: direct (a quoted statement), partial (a quoted fragment embedded in the
reporter's clause: preceded by a word that is not the cue), indirect (reported speech).
Quoted fragments of at most three words with no cue in their sentence and no quotation to
follow on are scare quotes or titles and are not returned.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Token

from transforms.entities import Cluster, EntityAnalysis, normalise_name, strip_titles
from transforms.rules import speech_lexicon
from transforms.marks import CLOSING, OPENING, pair_marks
from transforms.segment import Span, paragraphs, sentences

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
PRONOUNS_PERSON = {"he", "she", "him", "her"}
PRONOUNS_OTHER = {"they", "it", "we", "i"}
MAX_SCARE_WORDS = 3


@dataclass
class Quotation:
    start: int  # first character inside the opening mark
    end: int  # just past the last character before the closing mark (or paragraph end)
    paragraph_index: int
    open_mark: int  # offset of the opening mark


@dataclass
class Attribution:
    speaker: Optional[str] = None
    speaker_entity_id: Optional[str] = None
    speaker_surface: Optional[str] = None
    cue: Optional[str] = None
    according_to: Optional[str] = None
    method: str = "none"


@dataclass
class Quote:
    start: int
    end: int
    kind: str
    paragraph_index: int
    attribution: Attribution


def find_quotations(body: str) -> list[Quotation]:
    """Quotation spans (content only, marks excluded) over the whole body."""
    result: list[Quotation] = []
    carry: Optional[tuple[int, int, int]] = None  # (content start, mark offset, paragraph) left open
    previous_end = 0
    for para in paragraphs(body):
        pairs = pair_marks(body[para.start:para.end])
        if carry is not None:
            if pairs and pairs[0].open == 0:
                # Continued: the re-opening mark is part of the quotation's span.
                first = pairs.pop(0)
                if first.closed or pairs:
                    _add(result, body, carry[0], para.start + first.end, carry[2], carry[1])
                    carry = None
            else:
                _add(result, body, carry[0], previous_end, carry[2], carry[1])
                carry = None
        for pair in pairs:
            if pair.closed or pair is not pairs[-1]:
                _add(result, body, para.start + pair.open + 1, para.start + pair.end, para.index, para.start + pair.open)
            else:
                carry = (para.start + pair.open + 1, para.start + pair.open, para.index)
        previous_end = para.end
    if carry is not None:
        _add(result, body, carry[0], previous_end, carry[2], carry[1])
    return result


def _add(result, body, start, end, para_index, mark):
    # Trim whitespace, and the reporter's trailing comma, inside the marks.
    while start < end and body[start].isspace():
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] == ","):
        end -= 1
    if end > start:
        result.append(Quotation(start, end, para_index, mark))


class _Context:
    """Per-article lookups shared by all quotations."""

    def __init__(self, doc: Doc, entities: EntityAnalysis, quotations: list[Quotation]):
        self.doc = doc
        self.entities = entities
        self.lex = speech_lexicon()
        self.sentences = sentences(doc.text)
        inside = bytearray(len(doc.text) + 1)
        for q in quotations:
            lo = q.open_mark
            hi = min(len(doc.text), q.end + 1)
            inside[lo:hi] = b"\x01" * (hi - lo)
        self.inside = inside

    def sentence_at(self, char: int) -> Span:
        for s in self.sentences:
            if s.start <= char < s.end or char < s.start:
                return s
        return self.sentences[-1]

    def outside_tokens(self, start: int, end: int) -> list[Token]:
        return [t for t in self.doc if start <= t.idx < end and not self.inside[t.idx]]

    # --- speaker resolution -------------------------------------------------------------
    def resolve(self, token: Token, before: int, descriptions: bool = True) -> Attribution:
        """Speaker from the subject token of a cue. With descriptions=False a common-noun
        subject ("the minister") is left unresolved."""
        surface = _subject_surface(token)
        lower = token.lower_
        if token.pos_ == "PRON" or lower in PRONOUNS_PERSON | PRONOUNS_OTHER:
            if lower in PRONOUNS_PERSON:
                cluster = self.nearest(before, {"PERSON"})
                return self._from_cluster(cluster, surface, "pronoun")
            if lower in {"it", "they"}:
                cluster = self.nearest(before, {"ORG"}) if lower == "it" else None
                return self._from_cluster(cluster, surface, "pronoun")
            return Attribution(speaker_surface=surface, method="none")
        if token.pos_ != "PROPN":
            # "Chief executive Hannah Orsini": a common-noun head with the name in apposition.
            names = [c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
            if names:
                found = self.resolve(names[-1], before, descriptions)
                found.speaker_surface = surface
                return found
        for t in _name_tokens(token) if token.pos_ == "PROPN" else [token]:
            cluster = self.entities.cluster_at(t.idx)
            if cluster is not None and cluster.label in {"PERSON", "ORG", "GPE", "NORP"}:
                return self._from_cluster(cluster, surface, "cue")
        if token.pos_ == "PROPN":
            cluster = self.entities.person_by_word(token.text, before)
            if cluster is not None:
                return self._from_cluster(cluster, surface, "cue")
            name = strip_titles(" ".join(t.text for t in _name_tokens(token)))
            return Attribution(speaker=name, speaker_surface=surface, method="cue")
        lemma = token.lemma_.lower()
        if not descriptions:
            return Attribution(speaker_surface=surface, method="none")
        if lemma in self.lex.person_descriptions:
            return self._description(surface, self.nearest(before, {"PERSON"}))
        if lemma in self.lex.org_descriptions:
            return self._description(surface, self.nearest(before, {"ORG", "GPE"}))
        # An anonymous description ("two officials", "residents"): it is the speaker as written.
        return Attribution(speaker=surface, speaker_surface=surface, method="description")

    def _description(self, surface: str, cluster: Cluster | None) -> Attribution:
        if cluster is None:
            return Attribution(speaker=surface, speaker_surface=surface, method="description")
        return self._from_cluster(cluster, surface, "description")

    def _from_cluster(self, cluster: Cluster | None, surface: str, method: str) -> Attribution:
        if cluster is None:
            return Attribution(speaker_surface=surface, method="none")
        return Attribution(cluster.name, cluster.entity_id, surface, method=method)

    def nearest(self, before: int, labels: set[str]) -> Cluster | None:
        """Cluster of the nearest mention before `before`, outside quotations, with a label."""
        best = None
        for m in self.entities.mentions:
            if m.start >= before or self.inside[m.start]:
                continue
            if m.cluster is not None and m.cluster.label in labels:
                best = m.cluster
        return best

    def according_to(self, tokens: list[Token]) -> tuple[Optional[Attribution], Optional[Token]]:
        for t in tokens:
            if t.lower_ == "according" and t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ == "to":
                objects = [c for c in self.doc[t.i + 1].children if c.dep_ == "pobj"]
                head = objects[0] if objects else (self.doc[t.i + 2] if t.i + 2 < len(self.doc) else None)
                if head is not None:
                    return self.resolve(head, t.idx), head
        return None, None


def _name_tokens(token: Token) -> list[Token]:
    """The subject token with its compound/flat name parts ("Sergey" + "Lavrov")."""
    parts = [c for c in token.children if c.dep_ in {"compound", "flat"} and c.pos_ == "PROPN"]
    return sorted(parts + [token], key=lambda t: t.i)


def _subject_surface(token: Token) -> str:
    """The subject as written, with its pre-modifiers and an adjacent appositive name
    ("Chief executive Hannah Orsini"), without comma-set appositions or relative clauses."""
    doc = token.doc
    start = token.left_edge.i
    for i in range(token.i - 1, start - 1, -1):
        if doc[i].is_punct:
            start = i + 1
            break
    end = token.i
    for child in token.rights:
        if child.i == end + 1 and child.dep_ in {"appos", "compound", "flat"} and child.pos_ == "PROPN":
            end = child.i
    return normalise_name(doc[start:end + 1].text)


def _cue_verbs(tokens: list[Token], cues: frozenset[str]) -> list[Token]:
    return [t for t in tokens if t.pos_ in {"VERB", "AUX"} and t.lemma_.lower() in cues]


def _subject_of(verb: Token, allowed: set[int]) -> Optional[Token]:
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS and child.i in allowed:
            return child
    # Conjoined verbs share the subject: "Blinken met Lavrov and said ...".
    if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
        for child in verb.head.children:
            if child.dep_ in SUBJECT_DEPS and child.i in allowed:
                return child
    return None


def _nearby_name(verb: Token, tokens: list[Token], entities: EntityAnalysis) -> Optional[Token]:
    """Fallback when the parse gives the cue no subject: a proper noun or pronoun next to it
    ("said Lavrov", "Lavrov said"), else the first person named before the cue in the window
    ("Kilby Mayor Tobias Wren, who has campaigned ..., said:"), else the first one after it."""
    by_distance = sorted(tokens, key=lambda t: abs(t.i - verb.i))
    for t in by_distance:
        if t.i != verb.i and abs(t.i - verb.i) <= 3 and (t.pos_ == "PROPN" or t.lower_ in PRONOUNS_PERSON):
            return t
    before = [t for t in tokens if t.i < verb.i]
    after = [t for t in tokens if t.i > verb.i]
    for group in (before, after):
        people = [t for t in group if (c := entities.cluster_at(t.idx)) is not None and c.label == "PERSON"]
        # A person who heads some subject in the parse beats one used as a modifier ("Kilby Mayor").
        for t in sorted(people, key=lambda t: t.dep_ not in SUBJECT_DEPS):
            return t
    return None


def _cue_rank(verb: Token, tokens: list[Token], before: int, quote_end: int) -> tuple[int, int]:
    """Order cues for a quotation: first a cue right after the closing mark (`,” X said` /
    `,” said X`: only punctuation and the cue's subject in between), then cues before the
    quotation, nearest first, then any later cue, nearest first."""
    if verb.idx >= quote_end:
        between = [t for t in tokens if quote_end <= t.idx < verb.idx]
        subject = {t.i for c in verb.children if c.dep_ in SUBJECT_DEPS for t in c.subtree}
        if all(t.is_punct or t.i in subject for t in between) and len(between) <= 8:
            return (0, verb.idx - quote_end)
        return (2, verb.idx - quote_end)
    return (1, before - verb.idx)


def attribute_in(ctx: _Context, tokens: list[Token], before: int, quote_end: Optional[int] = None) -> Optional[Attribution]:
    """Attribution from the tokens of an attribution window, or None when there is no cue.
    With several cues, the one nearest the quotation (which spans before..quote_end) wins."""
    cue_tokens = _cue_verbs(tokens, ctx.lex.direct_cues)
    if quote_end is not None:
        cue_tokens.sort(key=lambda t: _cue_rank(t, tokens, before, quote_end))
    allowed = {t.i for t in tokens}
    source, source_token = ctx.according_to(tokens)
    for verb in cue_tokens:
        subject = _subject_of(verb, allowed) or _nearby_name(verb, tokens, ctx.entities)
        if subject is None or (source_token is not None and subject.i == source_token.i):
            continue
        found = ctx.resolve(subject, before)
        found.cue = verb.text
        if source is not None:
            found.according_to = source.speaker or source.speaker_surface
        return found
    if source is not None:
        source.method = "according_to" if source.speaker else source.method
        source.according_to = source.speaker or source.speaker_surface
        return source
    return None


def extract_quotes(doc: Doc, entities: EntityAnalysis) -> list[Quote]:
    """Direct, partial and indirect quotes of one article (doc.text is the cleaned body)."""
    body = doc.text
    quotations = find_quotations(body)
    ctx = _Context(doc, entities, quotations)
    quotes: list[Quote] = []
    previous: Optional[Quote] = None
    for q in quotations:
        first = ctx.sentence_at(q.open_mark)
        last = ctx.sentence_at(max(q.start, q.end - 1))
        window = ctx.outside_tokens(first.start, q.open_mark) + ctx.outside_tokens(q.end, last.end)
        found = attribute_in(ctx, window, q.open_mark, q.end)
        kind = _kind(body, q, window)
        if found is None:
            found = _lead_in(ctx, first, q)
        if found is None and previous is not None and previous.attribution.speaker \
                and q.paragraph_index - previous.paragraph_index <= 1:
            prev = previous.attribution
            found = Attribution(prev.speaker, prev.speaker_entity_id, prev.speaker_surface, None,
                                prev.according_to, "follow_on")
        if found is None:
            if len(body[q.start:q.end].split()) <= MAX_SCARE_WORDS:
                continue  # scare quotes or a title: not a quotation to attribute
            found = Attribution()
        quote = Quote(q.start, q.end, kind, q.paragraph_index, found)
        quotes.append(quote)
        previous = quote
    quotes.extend(_indirect_quotes(ctx))
    quotes.sort(key=lambda x: x.start)
    return quotes


def _lead_in(ctx: _Context, sentence: Span, q: Quotation) -> Optional[Attribution]:
    """A quotation introduced by a colon without a reporting verb, in its own sentence
    ("Taverner was blunt: “...”") or at the end of the previous sentence of the paragraph: the
    speaker is the subject of the introducing clause."""
    if ctx.doc.text[sentence.start:q.open_mark].rstrip().endswith(":"):
        start, end = sentence.start, q.open_mark
    else:
        prior = [s for s in ctx.sentences if s.paragraph_index == sentence.paragraph_index and s.end <= sentence.start]
        if not prior or not ctx.doc.text[prior[-1].start:prior[-1].end].rstrip().endswith(":"):
            return None
        start, end = prior[-1].start, prior[-1].end
    tokens = ctx.outside_tokens(start, end)
    found = attribute_in(ctx, tokens, start)
    if found is None:
        subjects = [t for t in tokens if t.dep_ in SUBJECT_DEPS]
        if subjects:
            found = ctx.resolve(subjects[0], q.open_mark)
    return found


def _kind(body: str, q: Quotation, window: list[Token]) -> str:
    """partial when the quotation continues the reporter's clause: the word before the opening
    mark is not a reporting verb and not a clause boundary, or the quotation starts in lower
    case after a word."""
    before = body[:q.open_mark].rstrip()
    if not before or before[-1] in ".!?:,;—–-(\n\"”“":
        return "direct"
    prev_word = [t for t in window if t.idx + len(t.text) <= q.open_mark]
    if prev_word and prev_word[-1].lemma_.lower() in speech_lexicon().direct_cues and body[q.start:q.start + 1].isupper():
        return "direct"
    return "partial"


def _indirect_quotes(ctx: _Context) -> list[Quote]:
    """Reported speech in sentences without quotation marks: subject + reporting verb + clause."""
    result = []
    for sentence in ctx.sentences:
        if any(ctx.inside[sentence.start:sentence.end]) or any(
            ch in OPENING or ch in CLOSING for ch in ctx.doc.text[sentence.start:sentence.end]
        ):
            continue
        tokens = ctx.outside_tokens(sentence.start, sentence.end)
        allowed = {t.i for t in tokens}
        for verb in _cue_verbs(tokens, ctx.lex.indirect_cues):
            clause = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
            subject = _subject_of(verb, allowed)
            if not clause or subject is None:
                continue
            found = ctx.resolve(subject, sentence.start, descriptions=False)
            if found.speaker_entity_id is None:
                continue  # indirect speech is kept only with a speaker we can name
            span = sorted(clause[0].subtree, key=lambda t: t.i)
            span = [t for t in span if not (t.dep_ == "mark" and t.i == span[0].i)]
            while span and span[-1].is_punct:
                span.pop()
            if not span:
                continue
            start, end = span[0].idx, span[-1].idx + len(span[-1].text)
            found.cue = verb.text
            result.append(Quote(start, end, "indirect", sentence.paragraph_index, found))
            break
    return result
