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
   attributed one in the same paragraph or up to FOLLOW_REACH paragraphs before continues its
   speaker, or that of a named speaker's reported speech since (follow-on).
   Before the cue rules: a transcript's speaker turn opening the quotation (RIVERA: ...); after
   them: "in her words", colon lead-ins (also ending the paragraph before), roundups (Name,
   Outlet: “...”), dash signatures (“...” — Name). Datelines and bracketed party-state tags
   are never speakers; he/she agree with the gender an honorific or title gives.
3. Outside quotations, with a speaker, every reporting or thinking verb of a sentence makes an
   indirect quote of what it reports (`_reported`): its clause (before, after or around it: "The
   plan, she said, failed"), an infinitive ("promised to resign"), an object with its complements
   ("announced a review", "accused the firm of lying") or a cue preposition's object ("called
   for an inquiry"); so does a reporting noun ("Ortiz's claim that ..."), an "according to X"
   sentence without quotation marks, and a transcript turn without marks.
4. Every attribution gets a confidence (0..1) from the evidence that found it (EVIDENCE).

Quotation kinds: direct (a quoted statement), partial (a quoted fragment embedded in the
reporter's clause: preceded by a word that is not the cue), indirect (reported speech), and
scare: quotation marks that name rather than quote (scare quotes, terms, titles of works). A
fragment of at most three words is scare when a naming marker precedes it (so-called, known as,
dubbed, the journal, the film, ... in rules/speech.yaml), when it modifies a following noun, when
it is a capitalised title, or when nobody can be credited with it. Scare quotes get no speaker
and are exempt from the "every quote has a speaker" audit rule. So are a headline followed by its
byline (“...,” by the Ledger's Ada Marsh) and a title or slogan cited with its year in brackets.
A direct quotation with no cue continues the previous speaker (follow-on); a partial quote with
no cue takes the subject of its clause, else (over three words) the last speaker of its
paragraph or the one before. "I" outside quotation marks is the author (AUTHOR).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from transforms.entities import Cluster, EntityAnalysis, normalise_name, strip_titles
from transforms.marks import CLOSING, DOUBLED, OPENING, pair_marks
from transforms.rules import SpeechLexicon, speech_lexicon
from transforms.segment import Span, paragraphs, sentences

if TYPE_CHECKING:  # spaCy loads in the process that parses, not in one that only cleans
    from spacy.tokens import Doc, Token

_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(OPENING | CLOSING))) + "]")

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
OBJECT_DEPS = {"dobj", "iobj", "dative", "pobj", "oprd", "attr"}
# Entity labels that never speak (a weekday next to "said" is when, not who).
NOT_SPEAKERS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}
PLACES = {"GPE", "LOC", "FAC"}
SPEAKER_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
PRONOUNS_PERSON = {"he", "she", "him", "her"}
PRONOUNS_OTHER = {"they", "it", "we", "i"}
AUTHOR = "the author"  # the speaker of a first-person cue outside quotation marks ("I said")
# Indefinite pronouns name no one in particular: "someone shouted", "another said", "some chanted",
# "many believe": the speaker is the phrase as written.
PRONOUNS_INDEFINITE = {
    "someone",
    "somebody",
    "some",
    "another",
    "others",
    "one",
    "many",
    "several",
    "few",
    "both",
    "most",
    "everyone",
    "everybody",
    "anyone",
    "none",
    "all",
    "those",
}
# Honorifics and titles that say a person's gender (pronoun agreement).
GENDERED_TITLES = {
    **dict.fromkeys(
        [
            "mr",
            "sir",
            "lord",
            "king",
            "prince",
            "congressman",
            "councilman",
            "chairman",
            "spokesman",
            "father",
            "brother",
            "uncle",
            "husband",
            "son",
            "businessman",
        ],
        "male",
    ),
    **dict.fromkeys(
        [
            "mrs",
            "ms",
            "miss",
            "dame",
            "lady",
            "queen",
            "princess",
            "congresswoman",
            "councilwoman",
            "chairwoman",
            "spokeswoman",
            "mother",
            "sister",
            "aunt",
            "wife",
            "daughter",
            "businesswoman",
        ],
        "female",
    ),
}
# Confidence of an attribution by the evidence that found it, before the speaker's kind caps it
# (pronoun, description, a name no entity stands for). Set by hand from what each rule rests on,
# then calibrated on development data: the share right per evidence on PolNeAR's train
# compartment (benchmarks/quote_eval.py prints the calibration table), checked on our gold set.
EVIDENCE = {
    "cue_after": 0.95,  # “...,” Ruiz said / said Ruiz: the cue right after the closing mark
    "cue_before": 0.85,  # Ruiz said: “...” / Ruiz said the plan was “...” (words may stand between)
    "cue_far": 0.75,  # a cue later in the sentence, with other words between
    "turn": 0.9,  # RUIZ: ... (a transcript's speaker turn)
    "lead_in": 0.85,  # Ruiz was blunt: “...”
    "dash": 0.85,  # “...” — Ruiz
    "first_named": 0.7,  # Name, Outlet: “...” (no verb)
    "according_to": 0.75,
    "subject": 0.7,  # the subject of the clause that embeds a partial quote
    "follow_same": 0.95,  # no cue, the previous quotation's speaker, same paragraph
    "follow_next": 0.75,  # ... from the paragraph before
    "follow_far": 0.45,  # ... from two or three paragraphs before (FOLLOW_REACH)
    "follow_partial": 0.6,  # a partial quotation with no cue: the last speaker, this paragraph or the last
}
# How many paragraphs back a direct quotation with no cue of its own continues the last speaker
# (the quotations between are that speaker's account, the paragraphs between the reporter's).
FOLLOW_REACH = 3
PARTIAL_FOLLOW_REACH = 1  # ... and a partial quotation with no cue nor subject of its own
CAP_PRONOUN = 0.7
CAP_DESCRIPTION = 0.65  # a description resolved to an entity ("the company" -> the one named before)
UNLINKED_PENALTY = 0.05  # a name that no entity of the article stands for
# Reporting verbs that are a verb and a particle: "Ruiz went on", "Ruiz shot back".
PHRASAL_CUES = frozenset(
    {
        ("go", "on"),
        ("shoot", "back"),
        ("fire", "back"),
        ("chime", "in"),
        ("cry", "out"),
        ("point", "out"),
        ("lash", "out"),
        ("speak", "out"),
        ("weigh", "in"),
        ("hit", "back"),
    }
)
# What asks a share of people and reports their answers ("in a Ledger poll, 31 percent said").
SURVEYS = frozenset({"poll", "survey", "study", "census", "questionnaire"})
# Verbs whose subject, not their object, does what their infinitive says ("Ruiz promised the
# council to explain", "used the debate to demand"); with the others the object does ("prompted Ruiz
# to call", "urged her to say").
SUBJECT_CONTROL = frozenset({"promise", "vow", "pledge", "threaten", "offer", "use", "take", "spend", "need"})
# How far back (characters) a he/she looks for a person who is a subject before the nearest one.
PRONOUN_REACH = 300
MAX_SCARE_WORDS = 3
# Verbs of trying, going on and managing whose infinitive is the act itself ("tried to defend the
# plan", "continued to criticize the levy", "went on to praise Ruiz"), not a purpose.
TRYING_VERBS = frozenset(
    {
        "try",
        "attempt",
        "continue",
        "begin",
        "start",
        "manage",
        "keep",
        "go",
        "move",
        "rush",
        "work",
        "struggle",
    }
)
# Prepositions that take what a stance adjective is about ("critical of", "worried about",
# "optimistic on", "comfortable with", "hostile to").
ADJECTIVE_PREPOSITIONS = frozenset(
    {"of", "about", "on", "with", "to", "toward", "towards", "over", "regarding"}
)
# Prepositions that open the circumstances of a saying, not what was said: "criticized the plan
# during a rally", "denied the charges through his lawyer", "announced the deal after the vote".
CIRCUMSTANCE_PREPOSITIONS = frozenset(
    {
        "during",
        "at",
        "through",
        "after",
        "before",
        "since",
        "until",
        "amid",
        "despite",
        "via",
        "throughout",
        "while",
    }
)
MAX_SUBJECT_TOKENS = 16  # a speaker with an apposition: "Ruiz, a retired teacher from Kilby, said"
MAX_TAG_TOKENS = 6  # a bracketed tag after a name: (D-Ore.), (R), (I-Vt.)
MAX_TITLE_WORDS = 8
TITLE_SMALL_WORDS = {
    "of",
    "the",
    "and",
    "a",
    "an",
    "in",
    "on",
    "for",
    "to",
    "at",
    "with",
    "&",
    "or",
    "from",
    "by",
    "vs",
    "vs.",
}


@dataclass
class Quotation:
    start: int  # first character inside the opening mark
    end: int  # just past the last character before the closing mark (or paragraph end)
    paragraph_index: int
    open_mark: int  # offset of the opening mark


@dataclass
class Attribution:
    speaker: str | None = None
    speaker_entity_id: str | None = None
    speaker_surface: str | None = None
    cue: str | None = None
    according_to: str | None = None
    method: str = "none"
    confidence: float = 0.0  # set by confidence(): how likely the speaker is right, 0..1
    evidence: str = ""  # which rule found it (see EVIDENCE); what the confidence rests on


@dataclass
class Quote:
    start: int
    end: int
    kind: str
    paragraph_index: int
    attribution: Attribution
    continues: int | None = None  # start of the part this one continues (“A,” she said, “B.”)


def find_quotations(body: str) -> list[Quotation]:
    """Quotation spans (content only, marks excluded) over the whole body."""
    result: list[Quotation] = []
    carry: tuple[int, int, int] | None = None  # (content start, mark offset, paragraph) left open
    previous_end = 0
    for para in paragraphs(body):
        pairs = pair_marks(body[para.start : para.end])
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
                _add(
                    result,
                    body,
                    para.start + pair.open + pair.open_width,
                    para.start + pair.end,
                    para.index,
                    para.start + pair.open,
                )
            else:
                carry = (para.start + pair.open + pair.open_width, para.start + pair.open, para.index)
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
    signature = _SIGNATURE.search(body, start, end)
    if signature is not None:
        end = signature.start()  # a pull quote's signature line is not what was said
    if end > start:
        result.append(Quotation(start, end, para_index, mark))


# A pull quote signed on its last line inside the marks ("We will win.\nDana Ruiz, Kilby Ledger."):
# a sentence's end, one line break, and a short line opening with a capital.
_SIGNATURE = re.compile(r"(?<=[.!?])[ \t]*\n[ \t]*[A-Z][^\n.!?]{1,80}(?:\.[^\n.!?]{1,80}){0,3}\.?$")


class _Context:
    """Per-article lookups shared by all quotations."""

    def __init__(
        self,
        doc: Doc,
        entities: EntityAnalysis,
        quotations: list[Quotation],
        sentence_spans: list[Span] | None = None,
        text: str | None = None,
    ):
        self.doc = doc
        self.entities = entities
        self.lex = speech_lexicon()
        self.text = doc.text if text is None else text  # Doc.text is rebuilt on every access: read it once
        self.token_starts = [t.idx for t in doc]
        self.sentences = sentence_spans if sentence_spans is not None else sentences(self.text)
        self._sentence_ends = [s.end for s in self.sentences]
        inside = bytearray(len(self.text) + 1)
        for q in quotations:
            lo = q.open_mark
            hi = min(len(self.text), q.end + 1)
            inside[lo:hi] = b"\x01" * (hi - lo)
        self.inside = inside
        self._proper_nouns: dict[str, list[Token]] | None = None
        self._genders: dict[int, str | None] | None = None

    def proper_nouns(self, text: str) -> list[Token]:
        """The PROPN tokens with this text, in order (indexed on first use: a scan of the whole
        Doc per quotation would cost a long article minutes)."""
        if self._proper_nouns is None:
            self._proper_nouns = {}
            for t in self.doc:
                if t.pos_ == "PROPN":
                    self._proper_nouns.setdefault(t.text, []).append(t)
        return self._proper_nouns.get(text, [])

    def sentence_before(self, sentence: Span) -> Span | None:
        """The last sentence that ends before this one starts, if any."""
        i = bisect_right(self._sentence_ends, sentence.start)
        return self.sentences[i - 1] if i > 0 else None

    def sentence_at(self, char: int) -> Span:
        """The sentence holding char, else the next one (char between sentences), else the last."""
        i = bisect_right(self._sentence_ends, char)
        return self.sentences[min(i, len(self.sentences) - 1)]

    def outside_tokens(self, start: int, end: int) -> list[Token]:
        lo, hi = bisect_left(self.token_starts, start), bisect_left(self.token_starts, end)
        return [t for t in self.doc[lo:hi] if not self.inside[t.idx]]

    def token_after(self, char: int):
        """The first token starting after `char`, or None."""
        i = bisect_right(self.token_starts, char)
        return self.doc[i] if i < len(self.doc) else None

    # --- speaker resolution -------------------------------------------------------------
    def resolve(self, token: Token, before: int, descriptions: bool = True) -> Attribution:
        """Speaker from the subject token of a cue. With descriptions=False a common-noun
        subject ("the minister") is left unresolved."""
        surface = _subject_surface(token)
        lower = token.lower_
        clause = token.head
        while clause.dep_ == "conj" and clause.head.i != clause.i:
            clause = clause.head  # "Ruiz, who is running for mayor and who told the crowd ..."
        if lower in {"who", "that", "which"} and clause.dep_ == "relcl" and clause.head.i != token.i:
            # "Ruiz, who said the plan was “dead”": the one the relative clause is about.
            return self.resolve(clause.head, before, descriptions)
        if lower in PRONOUNS_INDEFINITE and token.pos_ in {"PRON", "DET", "NUM", "ADJ", "NOUN"}:
            return Attribution(speaker=surface, speaker_surface=surface, method="description")
        if token.pos_ == "PRON" or lower in PRONOUNS_PERSON | PRONOUNS_OTHER:
            if lower == "i" and token.text == "I":
                # “...,” I said: outside quotation marks, the first person is the one writing.
                return Attribution(speaker=AUTHOR, speaker_surface=surface, method="pronoun")
            if lower in PRONOUNS_PERSON:
                # Agreement: "he" skips a woman named since, "she" a man (when the article says).
                clash = "female" if lower in {"he", "him"} else "male"
                # A subject named shortly before is the usual antecedent ("Rubio said ... Trump,
                # whom he called ..."), else the nearest person.
                cluster = self.nearest(
                    before,
                    {"PERSON"},
                    acting=True,
                    skip=lambda c: self.gender(c) == clash,
                    reach=PRONOUN_REACH,
                )
                return self._from_cluster(cluster, surface, "pronoun")
            if lower == "they":
                return self._antecedent(token, before, surface, _plural)
            if lower == "it":
                cluster = self.nearest(before, {"ORG"})
                if cluster is None:
                    # "The company wrote in a statement ... It added": a singular subject that
                    # names an organisation or a document, as it resolves.
                    return self._antecedent(token, before, surface, self._organisation_like)
                return self._from_cluster(cluster, surface, "pronoun")
            return Attribution(speaker_surface=surface, method="none")
        if self.entities.cluster_at(token.idx) is None:
            # "Chief executive Hannah Orsini", "union branch chair Dr. Ngozi Ferncastle", "Harbour
            # Master Ruth Okonjo": a title or role with the person's name in apposition or right after.
            names = [c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
            following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
            if not names and following is not None and following.pos_ == "PROPN":
                cluster = self.entities.cluster_at(following.idx)
                if cluster is not None and cluster.label == "PERSON":
                    return self._from_cluster(cluster, surface, "cue")
            if names and token.pos_ != "PROPN":
                found = self.resolve(names[-1], before, descriptions)
                name = _subject_surface(names[-1])
                # "the bureau's director, Ada Marsh, said": the description and the name, as written
                found.speaker_surface = surface if name in surface else f"{surface}, {name}"
                return found
        proper = (token.pos_ == "PROPN" and not token.is_lower) or _modal_name(token)  # not "the secretary"
        parts = _name_tokens(token) if proper else [token]
        # The head word first, then its modifiers nearest first: in "Harbour Master Ruth
        # Okonjo" the model may tag "Harbour Master" as a person of its own.
        for t in [token, *sorted((p for p in parts if p is not token), key=lambda p: token.i - p.i)]:
            cluster = self.entities.cluster_at(t.idx)
            if cluster is not None and cluster.label in {"PERSON", "ORG", "GPE", "NORP"}:
                return self._from_cluster(cluster, surface, "cue")
        if proper:
            cluster = self.entities.person_by_word(token.text, before)
            if cluster is not None:
                return self._from_cluster(cluster, surface, "cue")
            # No entity at all: the fullest name ending in this word written so far.
            candidates = [_name_tokens(t) for t in self.proper_nouns(token.text) if t.idx < before]
            longest = max([*candidates, parts], key=len)
            name = strip_titles(" ".join(t.text for t in longest))
            return Attribution(speaker=name, speaker_surface=surface, method="cue")
        lemma = token.lemma_.lower()
        if not descriptions:
            return Attribution(speaker_surface=surface, method="none")
        if not _definite_singular(token):
            # "schools", "two officials": anonymous or generic, the speaker is the phrase itself.
            return Attribution(speaker=surface, speaker_surface=surface, method="description")
        if any(c.dep_ in {"compound", "poss"} and c.pos_ == "PROPN" for c in token.children) and (
            lemma in self.lex.org_descriptions
        ):
            # "the Biden administration", "the Ruiz campaign": named by its own words, not by
            # whichever organisation was named last.
            return Attribution(speaker=surface, speaker_surface=surface, method="description")
        if lemma in self.lex.spokesperson_nouns:
            # "a spokesman for Wessex Stores said": the organisation speaks.
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in {"for", "of", "at"}):
                for obj in (c for c in prep.children if c.dep_ == "pobj"):
                    cluster = self.entities.cluster_at(obj.idx)
                    if cluster is not None:
                        return self._from_cluster(cluster, surface, "description")
            return self._description(surface, self.nearest(before, {"ORG"}, acting=True))
        if lemma in self.lex.person_descriptions:
            return self._description(surface, self.nearest(before, {"PERSON"}))
        if lemma in self.lex.org_descriptions:
            return self._description(surface, self.nearest(before, {"ORG", "GPE"}, acting=True))
        # An anonymous description ("two officials", "residents"): it is the speaker as written.
        return Attribution(speaker=surface, speaker_surface=surface, method="description")

    def _organisation_like(self, t: Token) -> bool:
        lemma = t.lemma_.lower()
        return t.tag_ == "NN" and (lemma in self.lex.org_descriptions or lemma in self.lex.document_nouns)

    def _antecedent(self, token: Token, before: int, surface: str, fits) -> Attribution:
        """ "they" ("it"): the nearest subject before it that fits (plural; an organisation or
        document), outside quotations and within reach ("Two senators wrote to the board. They
        warned ..."; "Ruiz and Okafor said ... they"), given as that subject resolves; nothing
        when there is none."""
        doc = self.doc
        lo = bisect_left(self.token_starts, max(0, before - 2 * PRONOUN_REACH))
        for t in reversed(doc[lo : token.i]):
            if self.inside[t.idx] or t.dep_ not in SUBJECT_DEPS or t.pos_ == "PRON":
                continue
            if fits(t) and t.ent_type_ not in NOT_SPEAKERS:
                found = self.resolve(t, t.idx)
                if found.speaker:
                    found.method = "pronoun"
                    found.speaker_surface = surface
                    return found
        return Attribution(speaker_surface=surface, method="none")

    def _description(self, surface: str, cluster: Cluster | None) -> Attribution:
        if cluster is None:
            return Attribution(speaker=surface, speaker_surface=surface, method="description")
        return self._from_cluster(cluster, surface, "description")

    def _from_cluster(self, cluster: Cluster | None, surface: str, method: str) -> Attribution:
        if cluster is None:
            return Attribution(speaker_surface=surface, method="none")
        return Attribution(cluster.name, cluster.entity_id, surface, method=method)

    def gender(self, cluster: Cluster) -> str | None:
        """A person's gender as the article marks it: an honorific or gendered title right
        before a mention (Mr., Ms., Mrs., congresswoman, ...); None when it does not."""
        if self._genders is None:
            self._genders = {}
        key = id(cluster)
        if key not in self._genders:
            found = None
            for m in cluster.mentions:
                before = self.text[max(0, m.start - 16) : m.start]
                words = (before + " " + m.text).lower().replace(".", " ").split()
                for w in words:
                    if w in GENDERED_TITLES:
                        found = GENDERED_TITLES[w]
                        break
                if found:
                    break
            self._genders[key] = found
        return self._genders[key]

    def nearest(
        self, before: int, labels: set[str], acting: bool = False, skip=None, reach: int | None = None
    ) -> Cluster | None:
        """Cluster of the nearest mention before `before`, outside quotations, with a label.
        acting: prefer the nearest one that is somewhere the subject of a verb (the company
        that "said" or "announced", not one merely named in passing); reach: only a subject
        within this many characters is preferred."""
        mentions = self.entities.mentions
        best = None
        for i in range(bisect_left(self.entities.starts, before) - 1, -1, -1):  # nearest first
            m = mentions[i]
            if self.inside[m.start] or m.cluster is None or m.cluster.label not in labels:
                continue
            if self.dateline(m.start):
                continue
            if skip is not None and skip(m.cluster):
                continue
            best = best or m.cluster
            if not acting:
                return m.cluster
            if reach is not None and before - m.start > reach:
                return best
            if self._is_subject(m):
                return m.cluster
        return best

    def dateline(self, char: int) -> bool:
        """A dateline mention: in capitals at a paragraph's start, then a dash, comma or bracket
        ("WASHINGTON —", "LONDON (Reuters) -"): where the story was filed, never a speaker."""
        i = bisect_right(self.entities.starts, char) - 1
        if i < 0:
            return False
        m = self.entities.mentions[i]
        if not (m.start <= char < m.end):
            return False
        text = self.text
        if not (m.start == 0 or text[m.start - 1] == "\n"):
            return False
        after = text[m.end : m.end + 48]
        if text[m.start : m.end].isupper() and re.match(r"\s*[—–,(-]", after):
            return True
        # "Washington (AFP) – ...", "Springfield — ...": a place, maybe an agency, then a dash.
        return re.match(r"(?:,\s*[A-Z][\w.]*)?\s*(?:\([^)\n]{1,40}\))?\s*[—–-]{1,2}\s", after) is not None

    def _is_subject(self, m) -> bool:
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        return span is not None and span.root.dep_ in SUBJECT_DEPS

    def according_to(self, tokens: list[Token]) -> tuple[Attribution | None, Token | None]:
        for t in tokens:
            if t.lower_ == "according" and t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ == "to":
                objects = [c for c in self.doc[t.i + 1].children if c.dep_ == "pobj"]
                head = objects[0] if objects else (self.doc[t.i + 2] if t.i + 2 < len(self.doc) else None)
                if head is not None and head.lemma_.lower() in self.lex.document_nouns:
                    # "according to a joint statement from Portugal and Morocco": its author.
                    authors = [
                        o
                        for prep in head.children
                        if prep.dep_ == "prep" and prep.lower_ in {"from", "by", "of"}
                        for o in prep.children
                        if o.dep_ == "pobj"
                    ]
                    if authors:
                        head = authors[0]
                if head is not None:
                    return self.resolve(head, t.idx), head
        return None, None


def _plural(t: Token) -> bool:
    return t.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in t.children)


def _definite_singular(token: Token) -> bool:
    """ "the company", "a spokesman for X", "its operator": one identifiable speaker."""
    if token.tag_ in {"NNS", "NNPS"}:
        return False
    return any(c.dep_ in {"det", "poss"} for c in token.children)


def _determined(token: Token) -> bool:
    """A noun phrase with a determiner, possessive or number ("a man", "the crowd", "21 percent",
    "two officials"): someone in particular, not a generic plural ("schools")."""
    return any(c.dep_ in {"det", "poss", "nummod"} for c in token.children) or token.ent_type_ in {
        "PERCENT",
        "CARDINAL",
    }


def _name_tokens(token: Token) -> list[Token]:
    """The subject token with its compound/flat name parts ("Sergey" + "Lavrov")."""
    parts = [c for c in token.children if c.dep_ in {"compound", "flat"} and c.pos_ == "PROPN"]
    return sorted([*parts, token], key=lambda t: t.i)


def _subject_surface(token: Token) -> str:
    """The subject as written, with its pre-modifiers, an adjacent appositive name ("Chief
    executive Hannah Orsini") and, for a common noun, the phrase that completes it ("a source
    involved in the talks", "the former secretary of state"), without comma-set appositions or
    relative clauses."""
    doc = token.doc
    start = token.left_edge.i
    for i in range(token.i - 1, start - 1, -1):
        if doc[i].is_punct and doc[i].text not in {"-", "–", "’", "'", "."}:
            start = i + 1
            break
    end = token.i
    for child in token.rights:
        if child.i == end + 1 and child.dep_ in {"appos", "compound", "flat"} and child.pos_ == "PROPN":
            end = child.i
    common = token.pos_ == "NOUN" or (token.pos_ == "PROPN" and token.is_lower)  # tagged a name in lower case
    if common or token.lower_ in PRONOUNS_INDEFINITE:  # "someone in the gallery"
        for child in token.rights:
            # "a source involved in the talks"; "a person close to the family", "an official
            # familiar with the inquiry" (an adjective after the noun, with its complement).
            after_adj = child.dep_ == "amod" and any(c.dep_ == "prep" for c in child.children)
            clause = child.dep_ == "acl" and not _finite_acl(child)  # not "a councillor called Ruiz “...”"
            if child.i == end + 1 and (child.dep_ == "prep" or after_adj or clause):
                stop = child.right_edge.i
                cut = next((i for i in range(child.i, stop + 1) if doc[i].text in {",", ";", "(", "—"}), None)
                end = stop if cut is None else cut - 1
                break
        following = doc[end + 1] if end + 1 < len(doc) else None
        if (
            end == token.i
            and token.head.i < token.i
            and following is not None
            and following.dep_ == "prep"
            and following.head.i == token.head.i
            and following.lower_ in {"to", "for", "of", "with", "from"}
        ):
            # “...,” said an adviser to the senator: the parse hangs "to the senator" on the verb.
            stop = following.right_edge.i
            cut = next((i for i in range(following.i, stop + 1) if doc[i].text in {",", ";", "(", "—"}), None)
            end = stop if cut is None else cut - 1
    return normalise_name(doc[start : end + 1].text)


def _cue_verbs(tokens: list[Token], cues: frozenset[str]) -> list[Token]:
    """Reporting verbs among the tokens: by lemma, or a phrasal "went on" / "shot back" /
    "fired back" / "chimed in" (verb and particle), or "as Ruiz put it"."""
    return [
        t
        for t in tokens
        if t.pos_ in {"VERB", "AUX"}
        and (
            _verb_lemma(t, cues) in cues
            or any(
                (c.dep_ in {"prt", "advmod"} and (t.lemma_.lower(), c.lower_) in PHRASAL_CUES)
                or (t.lemma_.lower() == "put" and c.dep_ == "dobj" and c.lower_ == "it")
                for c in t.children
            )
        )
    ]


def _stance_adjectives(tokens: list[Token], cues: frozenset[str]) -> list[Token]:
    """Adjectives of stance complementing a copula ("was critical of", "is confident that")."""
    return [t for t in tokens if t.pos_ == "ADJ" and t.dep_ == "acomp" and t.lemma_.lower() in cues]


def _verb_lemma(t: Token, cues: frozenset[str]) -> str:
    """The verb's lemma, or the cue it is an inflection of when the model cut a silent "e" off
    with the ending ("hoped", "hoping", "hopes" lemmatised "hop"): the word is that stem plus
    -ed, -es or -ing and the stem plus "e" is a cue while the stem is not."""
    lemma = t.lemma_.lower()
    if lemma not in cues and lemma + "e" in cues and t.lower_ in {lemma + "ed", lemma + "es", lemma + "ing"}:
        return lemma + "e"
    return lemma


def _aged(token: Token) -> bool:
    """ "the 43-year-old": an age standing for a person (the model tags it a date)."""
    return token.pos_ == "ADJ" and token.lower_ == "old" and any(c.dep_ == "det" for c in token.children)


def _share(token: Token) -> bool:
    """ "21 percent said", "about four in 10 said", "two said": a share of those asked, or a number
    of people, as the subject (the model tags it a percentage or a number); not "two of them",
    which points back at whom it counts."""
    back = any(
        p.dep_ == "prep" and p.lower_ == "of" and any(o.pos_ == "PRON" for o in p.children)
        for p in token.children
    )
    return token.ent_type_ in {"PERCENT", "CARDINAL"} and token.dep_ == "nsubj" and not back


def _poll_of(tokens: list[Token]) -> str | None:
    """ "In a Ledger poll released Monday, 31 percent said ...": the poll or survey that reports
    what a share of those asked said, as written."""
    for t in tokens:
        if t.dep_ == "pobj" and t.head.lower_ in {"in", "by"} and t.lemma_.lower() in SURVEYS:
            return _subject_surface(t)
    return None


def _modal_name(token: Token) -> bool:
    """ "Will wrote", "May said": a capitalised modal before an inflected verb is a surname the
    tagger took for an auxiliary (a modal takes the verb's base form)."""
    head = token.head
    return (
        token.tag_ == "MD"
        and token.is_title
        and token.dep_ == "aux"
        and head.i == token.i + 1
        and head.lower_ != head.lemma_.lower()
    )


def _agent_of(verb: Token, allowed: set[int]) -> Token | None:
    """The agent of a passive cue ("was asked by the moderator", "Asked by Ruiz whether ...",
    "was denounced by Brennan as"): the one who speaks, not the grammatical subject."""
    for agent in (c for c in verb.children if c.dep_ == "agent"):
        for obj in agent.children:
            if obj.dep_ == "pobj" and obj.i in allowed and obj.ent_type_ not in NOT_SPEAKERS:
                return obj
    return None


def _subject_of(verb: Token, allowed: set[int]) -> Token | None:
    # Two subjects happen when the parser splits "union branch chair Dr. Ngozi Ferncastle":
    # the proper noun names the speaker.
    candidates = [
        c
        for c in verb.children
        if c.dep_ in SUBJECT_DEPS
        and c.i in allowed
        and (c.ent_type_ not in NOT_SPEAKERS or _aged(c) or (_share(c) and c.i < verb.i))
    ]
    # "Of Okafor, Levane, who ..., said": the parser may make the fronted "Of" the subject; the
    # name set off after its object speaks.
    candidates = [c if c.pos_ != "ADP" else _fronted_of(c) for c in candidates]
    candidates = [c for c in candidates if c.i in allowed]
    # A subject right after another one's "of" phrase is part of it ("Ada Marsh of the group
    # Roots First said", parsed flat): the first one speaks.
    candidates = [
        c
        for c in candidates
        if not any(
            p.dep_ == "prep" and p.lower_ == "of" and p.right_edge.i + 1 == c.left_edge.i
            for d in candidates
            if d.i < c.i
            for p in d.children
        )
    ]
    subjects = sorted(
        candidates,
        # A person before a place ("in Berea, OH, ... Gov. Dana Ruiz said"), then the nearest.
        key=lambda c: (c.pos_ != "PROPN", c.ent_type_ != "PERSON", abs(verb.i - c.i)),
    )
    if subjects:
        return subjects[0]
    named = [c for c in verb.children if c.i in allowed and _modal_name(c)]
    if named:
        return named[0]
    # Conjoined verbs and participles share their head's subject: "Blinken met Lavrov and said
    # ...", "van der Lugt wrote that ..., adding that ...".
    if verb.dep_ in {"conj", "advcl", "xcomp"} and verb.head.pos_ in {"VERB", "AUX"}:
        head = verb.head
        if verb.dep_ == "xcomp" and head.lemma_.lower() not in SUBJECT_CONTROL:
            # "That prompted Ruiz to call the plan ...", "urged the mayor to say ...": the one
            # prompted or urged does the saying.
            objects = [c for c in head.children if c.dep_ == "dobj" and c.i in allowed and c.i < verb.i]
            if objects and objects[0].pos_ in {"PROPN", "NOUN"}:
                return objects[0]
        if (
            verb.dep_ == "advcl"
            and head.dep_ == "ccomp"
            and head.head.pos_ in {"VERB", "AUX"}
            and head.head.i in allowed  # not a verb inside the quotation the parse hung it on
        ):
            # "Cruz said that Trump represents X, stating ...": the participle goes with the
            # reporting clause, not with the reported one it is parsed under.
            head = head.head
        return _subject_of(head, allowed)
    # "Ruiz answered by calling the plan “a fantasy”": the participle after a preposition.
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in {"VERB", "AUX"}:
        return _subject_of(verb.head.head, allowed)
    return None


def _fronted_of(token: Token) -> Token:
    """ "Of Okafor, Levane, who ..., said" parsed with "Of" as the subject: the name set off by a
    comma after the preposition's object (or parsed as that object, with "Okafor" its modifier)."""
    for obj in (c for c in token.children if c.dep_ == "pobj"):
        names = [a for a in obj.children if a.dep_ == "appos" and a.pos_ == "PROPN"]
        if names:
            return names[0]
        if obj.pos_ == "PROPN" and any(t.text == "," for t in token.doc[token.i + 1 : obj.i]):
            return obj
    return token


def _nearby_name(verb: Token, tokens: list[Token], entities: EntityAnalysis) -> Token | None:
    """Fallback when the parse gives the cue no subject: a proper noun or pronoun next to it
    ("said Lavrov", "Lavrov said"), else the first person named before the cue in the window
    ("Kilby Mayor Tobias Wren, who has campaigned ..., said:"), else the first one after it."""
    by_distance = sorted(tokens, key=lambda t: abs(t.i - verb.i))
    for t in by_distance:
        if t.i == verb.i or abs(t.i - verb.i) > 3 or not (t.pos_ == "PROPN" or t.lower_ in PRONOUNS_PERSON):
            continue
        between = verb.doc[min(t.i, verb.i) + 1 : max(t.i, verb.i)]
        if t.i > verb.i and any(b.dep_ == "mark" or b.lower_ in {"that", "whether", "if"} for b in between):
            continue  # "adding that Quillon's ...": a name inside the reported clause
        if t.i > verb.i and t.dep_ in {"poss", "case", *OBJECT_DEPS}:
            continue  # "calling Alwaleed “dopey”": the one spoken about, not the speaker
        listener = t.dep_ in {"compound", "flat"} and t.head.dep_ in OBJECT_DEPS and verb.lemma_ != "say"
        if t.i > verb.i and listener:
            continue  # "tells Fox News": the one told (with "said Rep. Ada Marsh" the parse may err)
        if t.dep_ == "pobj" or (t.head.dep_ == "pobj" and t.dep_ in {"compound", "flat"}):
            continue  # "said Tuesday in Paris, noting": a place or party in a prepositional phrase
        if t.ent_type_ in NOT_SPEAKERS:
            continue  # "Saturday ... said"
        return t
    before = [t for t in tokens if t.i < verb.i]
    after = [t for t in tokens if t.i > verb.i]
    for group in (before, after):
        people = [t for t in group if (c := entities.cluster_at(t.idx)) is not None and c.label == "PERSON"]
        # A person who heads some subject in the parse beats one used as a modifier ("Kilby Mayor").
        for t in sorted(people, key=lambda t: t.dep_ not in SUBJECT_DEPS):
            return t
    return None


def _reported_by(verb: Token, cues: set[int]) -> bool:
    """The verb stands in the reported clause of another cue (not in a relative clause on the
    way up: "the season, which she called “overdue”" is hers to call)."""
    t = verb
    while t.head.i != t.i:
        if t.dep_ == "relcl":
            return False
        own_subject = any(
            c.dep_ in SUBJECT_DEPS
            and (
                c.pos_ == "PROPN"
                # the cue itself, finite, with a subject of its own: "as the heckler yelled"
                or (t is verb and c.pos_ == "NOUN" and _determined(c) and t.tag_ in {"VBD", "VBZ", "VBP"})
            )
            for c in t.children
        )
        if t.dep_ in {"conj", "advcl", "parataxis"} and own_subject:
            # "Cruz said he'd bomb them, and Trump vowed to ...", "Axelrod tweeted after Clinton
            # argued that ...", "“...,” Ruiz said, after Marsh said ...": a clause of its own (also an
            # aside the parse made paratactic), with a speaker of its own.
            return False
        t = t.head
        if t.i in cues:
            return True
    return False


def _issuer(verb: Token, allowed: set[int], documents: frozenset[str]) -> Token | None:
    """ "The campaign sent a message to supporters saying ...", "issued a statement saying",
    "released an ad that urges": a participle or relative clause on a document speaks for
    whoever issued the document, the subject of the verb that governs it (not a name that opens
    the reported clause after the participle)."""
    noun = verb.head
    relative = verb.dep_ == "relcl" and any(
        c.dep_ == "nsubj" and c.lower_ in {"that", "which"} for c in verb.children
    )  # "released a video that said ...", "hoisted a sign that read ..."
    if not (verb.dep_ == "acl" or relative) or noun.dep_ not in OBJECT_DEPS:
        return None
    governing = noun.head.head if noun.dep_ == "pobj" else noun.head  # "sent a message to supporters saying"
    if governing.pos_ not in {"VERB", "AUX"}:
        return None
    if not any(c.dep_ in OBJECT_DEPS and c.lemma_.lower() in documents for c in (noun, *governing.children)):
        return None
    return _subject_of(governing, allowed)


def _misparsed_subject(verb: Token, allowed: set[int]) -> Token | None:
    """ "one councillor called Okafor “a windbag”": the parser may hang the cue on the noun
    before it as a reduced relative ("a councillor [who was] called Okafor"); with two
    complements (whom it calls, and what) the verb is finite and that noun is its subject. So
    it is after a name and a comma ("De Lasio, speaking on the radio, called Ruiz a “blowhard”"):
    a name takes no reduced relative set off that way."""
    noun = verb.head
    if noun.pos_ not in {"NOUN", "PROPN"} or noun.i not in allowed:
        return None
    after_name = (
        verb.dep_ == "acl"
        and noun.pos_ == "PROPN"
        and noun.dep_ != "pobj"  # "speaking on Harbour Radio, called": not the radio
        and noun.i < verb.i
        and verb.doc[verb.i - 1].text == ","
    )
    return noun if _finite_acl(verb) or after_name else None


def _finite_acl(verb: Token) -> bool:
    """A clause parsed as modifying the noun before it that has two complements (whom it calls,
    and what): a finite verb whose subject is that noun, not a reduced relative."""
    if verb.dep_ != "acl" or verb.head.i > verb.i:
        return False
    return sum(1 for c in verb.children if c.dep_ in {"dobj", "oprd", "attr", "ccomp", "xcomp"}) >= 2


def _inverted_subject(verb: Token, allowed: set[int]) -> Token | None:
    """“How big is it?” asked the boy: a cue right after the quotation with the speaker after
    it, which the parser may take for the verb's object: the first noun of the phrase after it."""
    for t in verb.doc[verb.i + 1 : verb.i + 8]:
        if t.i not in allowed or (t.is_punct and t.text not in {"-", "–"}):
            return None
        if t.pos_ in {"NOUN", "PROPN"} and t.dep_ not in {"compound", "amod", "poss", "npadvmod", "nmod"}:
            return t
        if t.lower_ in PRONOUNS_INDEFINITE and t.pos_ in {"PRON", "NUM", "DET"} and t.head.i == verb.i:
            return t  # “...,” said one of the advisers / said another
        if (
            t.head.i == verb.i
            and t.dep_ != "prep"
            and (
                # "said Skelly" (tagged an adverb), "said the 46-year-old" (an adjective heading it)
                (t.is_title and t.pos_ in {"ADV", "ADJ", "X"})
                or (t.pos_ == "ADJ" and any(c.dep_ == "det" for c in t.children))
            )
        ):
            return t
        if t.pos_ in {"ADP", "ADV", "VERB", "AUX", "SCONJ", "CCONJ"}:
            return None  # "said in a statement", "said pleasantly": no speaker follows
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


def _speaker_tokens(ctx: _Context, tokens: list[Token]) -> set[int]:
    """Indices of the tokens that may be a cue's subject: not a dateline ("WASHINGTON (AFP) —")
    and not inside brackets (a party and state tag: "Sen. Ada Marsh (D-Ore.) said")."""
    allowed = set()
    depth = 0
    doc = ctx.doc
    for t in tokens:
        if t.text == "(":
            # A tag closes within a few tokens; a longer parenthesis ("(“...,” wrote Ruiz, a
            # technician)") is a sentence of its own, whose speaker may be named in it.
            tag = doc[t.i + 1 : t.i + MAX_TAG_TOKENS + 2]
            depth += any(k.text == ")" for k in tag)
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and not (t.pos_ == "PROPN" and ctx.dateline(t.idx)):
            allowed.add(t.i)
    return allowed


def _reported_by_outlet(
    ctx: _Context, reporters: list[Token], verb: Token, allowed: set[int], before: int
) -> str | None:
    """The organisation that reports a speaker's words in the same sentence (Ruiz said: “...”
    the Ledger reported): the source the speaker is known through, as "according to" names it."""
    for other in reporters:
        # "the Ledger reported", "reports the Ledger"
        if other.i == verb.i:
            continue
        subject = _subject_of(other, allowed) or _inverted_subject(other, allowed)
        if subject is None or subject.pos_ != "PROPN":
            continue
        cluster = ctx.entities.cluster_at(subject.idx)
        if cluster is not None and cluster.label == "ORG":
            return cluster.name
    return None


def attribute_in(
    ctx: _Context, tokens: list[Token], before: int, quote_end: int | None = None
) -> Attribution | None:
    """Attribution from the tokens of an attribution window, or None when there is no cue.
    With several cues, the one nearest the quotation (which spans before..quote_end) wins."""
    cue_tokens = _cue_verbs(tokens, ctx.lex.direct_cues)
    reporters = [t for t in cue_tokens if t.lemma_.lower() == "report"]
    # A cue inside another cue's reported clause reports nothing itself ("Ruiz warned that the
    # city would respond by keeping things “predictable”": Ruiz speaks, not the city).
    governing = {t.i for t in cue_tokens}
    # The cue right after the closing mark is the quotation's, however the parse hangs it
    # ("Ruiz cannot say that “from his perspective,” Okafor added"), but for an outlet's report.
    right_after = {
        t.i
        for t in cue_tokens
        if quote_end is not None and t not in reporters and _cue_rank(t, tokens, before, quote_end)[0] == 0
    }
    cue_tokens = [t for t in cue_tokens if t.i in right_after or not _reported_by(t, governing)] or cue_tokens
    if quote_end is not None:
        cue_tokens.sort(key=lambda t: _cue_rank(t, tokens, before, quote_end))
    allowed = _speaker_tokens(ctx, tokens)
    source, source_token = ctx.according_to(tokens)
    fallback = None
    for verb in cue_tokens:
        rank = _cue_rank(verb, tokens, before, quote_end)[0] if quote_end is not None else 1
        nearby = [t for t in tokens if t.i in allowed]
        subject = (
            _agent_of(verb, allowed)
            or (_issuer(verb, allowed, ctx.lex.document_nouns) if verb.dep_ == "relcl" else None)
            or _subject_of(verb, allowed)
            or _issuer(verb, allowed, ctx.lex.document_nouns)
            or _misparsed_subject(verb, allowed)
            or (_inverted_subject(verb, allowed) if rank == 0 and verb.i > 0 else None)
            or _nearby_name(verb, nearby, ctx.entities)
        )
        if subject is None or (source_token is not None and subject.i == source_token.i):
            continue
        if subject.ent_type_ in PLACES and subject.i < verb.i:
            # "In Kilby, Ohio, the governor, Dana Ruiz, said": the parse made the place the
            # subject; a person named between it and the cue speaks.
            people = [
                t for t in tokens if subject.i < t.i < verb.i and t.i in allowed and t.ent_type_ == "PERSON"
            ]
            subject = people[-1] if people else subject
        found = ctx.resolve(subject, before)
        found.cue = verb.text
        found.evidence = ("cue_after", "cue_before", "cue_far")[rank]
        if source is not None:
            found.according_to = source.speaker or source.speaker_surface
        else:
            found.according_to = _reported_by_outlet(ctx, reporters, verb, allowed, before) or (
                _poll_of(tokens) if _share(subject) else None
            )
        if found.speaker_entity_id is not None or found.method == "pronoun" or rank == 0:
            return found  # the cue right after the closing mark speaks for its quotation
        named = subject.is_title and not subject.is_sent_start  # "D’Souza", tagged a common noun
        if found.speaker and (found.method == "cue" or named or _determined(subject)):
            # A name no entity stands for ("D'Souza replied"), or a description with a
            # determiner or a number ("a man yelled", "the crowd chanted", "21 percent said"):
            # the nearest cue's own speaker, not one a later cue names.
            return found
        # A description no entity stands for ("schools"): a later cue may name the speaker.
        fallback = fallback or found
    if fallback is not None:
        return fallback
    if source is not None:
        source.method = "according_to" if source.speaker else source.method
        source.according_to = source.speaker or source.speaker_surface
        source.evidence = "according_to"
        return source
    return None


def extract_quotes(
    doc: Doc, entities: EntityAnalysis, sentence_spans: list[Span] | None = None, body: str | None = None
) -> list[Quote]:
    """Direct, partial and indirect quotes of one article (doc.text is the cleaned body).
    sentence_spans: transforms.segment.sentences(doc.text), and body: doc.text, when the caller
    has them already (Doc.text is rebuilt on every access)."""
    body = doc.text if body is None else body
    quotations = find_quotations(body)
    ctx = _Context(doc, entities, quotations, sentence_spans, body)
    quotes: list[Quote] = []
    reported = sorted(_indirect_quotes(ctx), key=lambda r: r.start)
    reported_starts = [r.start for r in reported]
    previous: Quote | None = None
    for q in quotations:
        first = ctx.sentence_at(q.open_mark)
        last = ctx.sentence_at(max(q.start, q.end - 1))
        window = ctx.outside_tokens(first.start, q.open_mark) + ctx.outside_tokens(q.end, last.end)
        window += _attribution_after(ctx, q, last)
        kind = _kind(body, q, window)
        has_cue = bool(_cue_verbs(window, ctx.lex.direct_cues))
        if (
            (kind == "partial" and _is_term_or_title(ctx, q, has_cue))
            or (kind == "direct" and (_appositive_title(ctx, q) or _told_title(ctx, q)))
            or _mentioned_subject(ctx, q)
            or (kind == "direct" and _title_before_noun(ctx, q))
            or _quoted_heading(ctx, q)
            or _bylined_headline(ctx, q)
        ):
            quotes.append(Quote(q.start, q.end, "scare", q.paragraph_index, Attribution()))
            continue
        found = _speaker_turn(ctx, q.start, q.end)
        if found is not None and not _TURN.match(ctx.text, q.start, q.end):
            # A name in title case and a colon opening the quotation ("Chris Dale: Bad for the
            # city") may be what was chanted or tweeted: a cue outside the marks speaks first.
            found = attribute_in(ctx, window, q.open_mark, q.end) or found
        if found is None:
            found = _signature_line(ctx, q)
        if found is None:
            found = (
                _signed_lead(ctx, first, q)
                or _cue_tagged_noun(ctx, q)
                or attribute_in(ctx, window, q.open_mark, q.end)
            )
        if found is None:
            found = _in_words(ctx, window, q.open_mark)
        if found is None:
            found = _lead_in(ctx, first, q)
        if found is None:
            found = _dash_attribution(ctx, q)
            if found is not None:
                found.evidence = "dash"
        if found is None and kind == "partial":
            # "Wierzbicki dismissed the offer as “too little, too slow”": the clause's subject.
            found = _clause_subject(ctx, first, q)
        if found is None and kind == "direct":
            # “Does that not matter?” after "Quintanilla pressed Carson on the point." in its
            # paragraph: the person that sentence is about asks, not the last speaker.
            found = _paragraph_subject(ctx, first, q, previous)
        # The last speaker: of the previous quotation, or of reported speech since ("Ash argued in
        # his email that the vote was flawed.\n\n“...”": Ash goes on).
        since = ctx.sentence_at(previous.end).end if previous is not None else 0  # not the previous one's
        source = _last_reported(reported, reported_starts, since, q.open_mark) or previous
        gap = q.paragraph_index - source.paragraph_index if source is not None else FOLLOW_REACH + 1
        if (
            found is None
            and source is not None
            and source.attribution.speaker
            and (
                gap <= FOLLOW_REACH
                if kind == "direct"
                else gap <= PARTIAL_FOLLOW_REACH and len(body[q.start : q.end].split()) > MAX_SCARE_WORDS
            )
        ):
            # No cue, no clause subject: the last speaker's account goes on (a partial quotation
            # only from its own paragraph or the one before: “Ruiz said ... But that is “not
            # the same thing as a ban.”").
            prev = source.attribution
            found = Attribution(
                prev.speaker,
                prev.speaker_entity_id,
                prev.speaker_surface,
                None,
                prev.according_to,
                "follow_on",
                evidence=("follow_partial" if kind == "partial" else ("follow_same", "follow_next")[gap])
                if gap <= 1
                else "follow_far",
            )
        if found is None:
            if len(body[q.start : q.end].split()) <= MAX_SCARE_WORDS:
                # A short fragment nobody is credited with: scare quotes, not a quotation.
                quotes.append(Quote(q.start, q.end, "scare", q.paragraph_index, Attribution()))
                continue
            found = Attribution()
        quote = Quote(q.start, q.end, kind, q.paragraph_index, found)
        if previous is not None and _interrupted(ctx, previous, q, first):
            quote.continues = previous.start
            if quote.attribution.speaker is None or quote.attribution.method == "follow_on":
                quote.attribution = previous.attribution
        quotes.append(quote)
        previous = quote
    quotes.extend(reported)
    quotes.sort(key=lambda x: x.start)
    for quote in quotes:
        quote.attribution.confidence = confidence(quote.attribution)
    return quotes


def _last_reported(reported: list[Quote], starts: list[int], after: int, before: int) -> Quote | None:
    """The last reported speech with a named speaker between two offsets, if any."""
    for r in reversed(reported[bisect_left(starts, after) : bisect_left(starts, before)]):
        if r.attribution.speaker and r.attribution.method == "cue":
            return r
    return None


def confidence(a: Attribution) -> float:
    """How likely the attribution's speaker is right (0..1): the evidence's value (EVIDENCE),
    capped for a pronoun or a description resolved to an entity, lowered for a name or a
    description no entity stands for; 0 without a speaker."""
    if not a.speaker:
        return 0.0
    value = EVIDENCE.get(a.evidence, 0.6)
    if a.method == "pronoun":
        value = min(value, CAP_PRONOUN)
    elif a.method == "description" and a.speaker_entity_id is not None:
        value = min(value, CAP_DESCRIPTION)
    elif a.method == "description":
        value -= UNLINKED_PENALTY  # the description as written ("a spokeswoman"): only the cue can err
    elif a.speaker_entity_id is None:
        value -= UNLINKED_PENALTY
    return round(value, 2)


def _paragraph_subject(
    ctx: _Context, sentence: Span, q: Quotation, previous: Quote | None
) -> Attribution | None:
    """The person heading the main clause of the sentence before the quotation in its paragraph
    (a name, or a description of a person as written: "The party leader recalled ..."), when that
    sentence holds no quotation and names someone other than the previous speaker."""
    opens_sentence = not ctx.text[sentence.start : q.open_mark].strip()
    prior = ctx.sentence_before(sentence) if opens_sentence else sentence
    if prior is None or ctx.inside.find(1, prior.start, q.open_mark) != -1:
        return None
    if prior.paragraph_index != q.paragraph_index and not (
        # “...” opening a paragraph after one that ends with a sentence about a person, with no
        # quotation in that paragraph: "Ruiz praised the plan.\n\n“We need it.”"
        opens_sentence
        and prior.paragraph_index == q.paragraph_index - 1
        and (previous is None or previous.paragraph_index < prior.paragraph_index)
    ):
        return None
    tokens = ctx.outside_tokens(prior.start, min(prior.end, q.open_mark))
    subjects = [
        t
        for t in tokens
        if t.dep_ in SUBJECT_DEPS
        and t.head.dep_ == "ROOT"
        and (t.pos_ == "PROPN" or (t.pos_ == "NOUN" and t.lemma_.lower() in ctx.lex.person_descriptions))
    ]
    if not subjects:
        return None
    found = ctx.resolve(subjects[0], q.open_mark, descriptions=False)  # "The chair, Ada Marsh, ...": Marsh
    if found.speaker is None and subjects[0].pos_ == "NOUN":
        # "The party leader recalled ...": the description as written, not whoever was named last
        found = Attribution(speaker=found.speaker_surface, speaker_surface=found.speaker_surface)
    elif found.speaker_entity_id is None:
        return None
    if previous is not None and found.speaker == previous.attribution.speaker:
        return None
    found.method = "subject"
    found.evidence = "subject"
    return found


def _attribution_after(ctx: _Context, q: Quotation, last: Span) -> list[Token]:
    """“How do you do it?” Ruiz said to the crowd.: the segmenter ends a sentence at the question
    mark inside the quotation; the next sentence, when it starts right after the closing mark
    with a reporting verb among its first words, is the quotation's attribution."""
    nxt = ctx.sentence_at(last.end + 1) if last.end < len(ctx.text) else None
    if nxt is None or nxt.start <= last.start or nxt.paragraph_index != last.paragraph_index:
        return []
    # The quotation may end in an inner quotation: “... ‘What can I do?’”
    last_mark = ctx.text[q.start : q.end].rstrip("’'‘ ")[-1:]
    if ctx.text[q.end : nxt.start].strip(" ”\"»'’?!.,…") or not last_mark or last_mark not in "?!.…":
        return []
    if ctx.text[ctx.sentence_at(q.open_mark).start : q.open_mark].strip(" \t\n(["):
        # Ruiz said the plan was “dead.” He added: “...”: a quotation inside its own sentence
        # has its attribution there; the next sentence's cue is the next quotation's.
        return []
    tokens = ctx.outside_tokens(nxt.start, nxt.end)
    cues = _cue_verbs(tokens, ctx.lex.direct_cues)
    if any(t.i + 1 < len(ctx.doc) and ctx.doc[t.i + 1].text == ":" for t in cues):
        return []  # “...?” He added: “...”: the cue introduces what follows it
    if _cue_verbs(tokens[:4], ctx.lex.direct_cues):
        return tokens
    # "Miller, a retired worker from the plant, said into the phone.": the words before the cue
    # are all its subject.
    for verb in _cue_verbs(tokens[:MAX_SUBJECT_TOKENS], ctx.lex.direct_cues):
        subject = {t.i for c in verb.children if c.dep_ in SUBJECT_DEPS for t in c.subtree}
        if subject and all(t.i in subject or t.is_punct for t in tokens if t.i < verb.i):
            return tokens
    return []


def _interrupted(ctx: _Context, previous: Quote, q: Quotation, sentence: Span) -> bool:
    """“First part,” she said, “second part.”: the previous part ends with a comma inside its
    marks, in the same sentence, and only its attribution (a cue, no full stop) stands between."""
    body = ctx.text
    if previous.end <= sentence.start or previous.paragraph_index != q.paragraph_index:
        return False
    between = body[previous.end : q.open_mark]
    # The reporter's comma sits inside the marks (“part,”) or, British style, outside (“part”,).
    if not re.match(r',[”"»]|[”"»],', between):
        return False
    gap = ctx.outside_tokens(previous.end, q.open_mark)
    return bool(_cue_verbs(gap, ctx.lex.direct_cues)) and not any(t.text in {".", "!", "?"} for t in gap)


def _is_term_or_title(ctx: _Context, q: Quotation, has_cue: bool) -> bool:
    """A short embedded fragment (at most MAX_SCARE_WORDS words) that names rather than quotes:
    after a naming marker (the so-called "northern levy", known as "shrinkflation", the journal
    "Crop Frontiers"), used as a modifier right before a noun in a sentence without a reporting
    verb (a "tram to nowhere" project, 310,000 "Trailhand" pickups), or a capitalised title
    without sentence punctuation."""
    body = ctx.text
    words = body[q.start : q.end].split()
    if len(words) > MAX_SCARE_WORDS:
        return _is_title(ctx, q, words)
    before = " ".join(body[max(0, q.open_mark - 40) : q.open_mark].lower().split())
    before = before.removesuffix(" the").removesuffix(" a")
    if any(
        before.endswith(marker) and (len(before) == len(marker) or not before[-len(marker) - 1].isalnum())
        for marker in ctx.lex.naming_markers
    ):
        return True
    after = []
    token = ctx.token_after(q.end)
    while token is not None and (token.is_punct or token.is_space) and token.i + 1 < len(ctx.doc):
        token = ctx.doc[token.i + 1]
    if token is not None and not token.is_punct and not token.is_space:
        after = [token]
    if (
        after
        and after[0].pos_ == "NOUN"
        and body[q.end : after[0].idx].rstrip(" ") in {"”", '"', "»"}
        and (not has_cue or all(w[:1].isupper() for w in words))
    ):
        return True  # a “tram to nowhere” project; a “Daily Roundup” host, whatever the verbs
    return _is_title(ctx, q, words)


def _mentioned_subject(ctx: _Context, q: Quotation) -> bool:
    """A short fragment (at most MAX_SCARE_WORDS words) opening its sentence as the subject of the
    reporter's verb after it (“Drawdown” has been the policy since 1990; “Harbor Kings” (2011) is
    a remake): the words are mentioned, as a term or a title, not said."""
    words = ctx.text[q.start : q.end].split()
    after = ctx.text[q.end : q.end + 3].lstrip('”"»')
    opens = not ctx.text[ctx.sentence_at(q.open_mark).start : q.open_mark].strip(" \t\n([")
    if len(words) > MAX_SCARE_WORDS or not opens or ctx.text[q.end - 1] in ",.!?" or after[:1] == ",":
        return False
    lo, hi = bisect_left(ctx.token_starts, q.start), bisect_left(ctx.token_starts, q.end)
    for t in ctx.doc[lo:hi]:
        head = t.head
        if (
            t.dep_ in SUBJECT_DEPS
            and head.idx >= q.end
            and head.pos_ in {"VERB", "AUX"}
            and not _cue_verbs([head], ctx.lex.direct_cues)
        ):
            return True
    return False


def _quoted_heading(ctx: _Context, q: Quotation) -> bool:
    """A paragraph that is nothing but a quoted label or heading: a word and a colon (“Related:”)
    or a line in capitals (“VOTERS WILL DECIDE”): layout, not a quotation."""
    text = ctx.text[q.start : q.end]
    line_start = ctx.text.rfind("\n", 0, q.open_mark) + 1
    line_end = ctx.text.find("\n", q.end)
    line_end = len(ctx.text) if line_end < 0 else line_end
    if ctx.text[line_start : q.open_mark].strip() or ctx.text[q.end : line_end].strip(' \t”"».'):
        return False
    label = len(text.split()) == 1 and text.endswith(":")
    capitals = len(text.split()) >= 3 and text.isupper()
    return label or capitals


def _title_before_noun(ctx: _Context, q: Quotation) -> bool:
    """A capitalised title opening its sentence as the modifier of the noun right after the
    closing mark (“Harbor Kings” star Tobias Wren said ...; “Dawn Desk” host ...): the programme
    the person is known by, not a quotation."""
    words = ctx.text[q.start : q.end].split()
    if not words or len(words) > MAX_TITLE_WORDS or not words[0][:1].isupper():
        return False
    before = ctx.text[ctx.sentence_at(q.open_mark).start : q.open_mark]
    if ctx.text[q.end - 1] in ",.;:!?" or before.strip(" \t\n(["):
        return False
    token = ctx.token_after(q.end)
    while token is not None and token.is_punct and token.idx < q.end + 2 and token.i + 1 < len(ctx.doc):
        token = ctx.doc[token.i + 1]
    return (
        token is not None
        and token.pos_ == "NOUN"
        and token.text.islower()
        and ctx.text[q.end : token.idx].rstrip(" ") in {"”", '"', "»"}
    )


def _appositive_title(ctx: _Context, q: Quotation) -> bool:
    """A title set off by commas or brackets (his memoir, “Rising Tides,” sold well; the film
    (“Harbour Lights”) opened): the comma makes it look direct, the words make it a title."""
    body = ctx.text
    words = body[q.start : q.end].split()
    if not words or body[: q.open_mark].rstrip()[-1:] not in {",", "("}:
        return False
    if len(words) < 2:
        # One word after the noun it names (the thriller, “Bloodline,”), not after a name.
        noun = [t for t in ctx.outside_tokens(max(0, q.open_mark - 40), q.open_mark) if not t.is_punct]
        if not noun or noun[-1].pos_ != "NOUN":
            return False
    after = body[q.end : q.end + 4].lstrip('”"» ')
    return after[:1] in {",", ")"} and _is_title(ctx, q, words)


def _told_title(ctx: _Context, q: Quotation) -> bool:
    """Ruiz told “Morning Call,”: the one told is a listener, here a programme's title."""
    previous = [t for t in ctx.outside_tokens(max(0, q.open_mark - 40), q.open_mark) if not t.is_punct]
    words = ctx.text[q.start : q.end].split()
    return bool(previous) and previous[-1].lemma_.lower() == "tell" and _is_title(ctx, q, words)


def _bylined_headline(ctx: _Context, q: Quotation) -> bool:
    """A headline with its byline (a newsletter's roundup: “Pier to close in May,” by the
    Ledger's Ada Marsh), or a title or slogan cited with its year in brackets (“No to the levy”
    (2009), “Harbour Lights” (1998)): named, not quoted. So is the excerpt of the article such
    a roundup cites after the byline and a colon (..., by the Ledger's Ada Marsh: “The pier
    will close ...”), or after its writer and publication (From Ada Marsh writing at the
    Ledger:): the article's text, not anyone's statement. So is a headline cited in brackets with
    its source (“Pier to close,” Kilby Ledger, Thursday)."""
    return (
        _BYLINE.match(ctx.text, q.end) is not None
        or _DATED.match(ctx.text, q.end) is not None
        or _EXCERPT.search(ctx.text, max(0, q.open_mark - 120), q.open_mark) is not None
        or _WRITING_AT.search(ctx.text, max(0, q.open_mark - 120), q.open_mark) is not None
        or (ctx.text[q.open_mark - 1 : q.open_mark] == "(" and _CITED.match(ctx.text, q.end) is not None)
    )


def _is_title(ctx: _Context, q: Quotation, words: list[str]) -> bool:
    """A title of a work, show or programme in quotation marks: every word capitalised but the
    small ones (of, the, and, ...), at most MAX_TITLE_WORDS, no sentence punctuation at its end
    (but the full stop of a title that ends its sentence: on the Ledger's “Morning Call.”), and no
    reporting verb right before it (chanted “Dump Ruiz”; told, whose object is a listener, may)."""
    body = ctx.text
    stripped = [w.strip(".,;:!?") for w in words]
    previous = [t for t in ctx.outside_tokens(max(0, q.open_mark - 40), q.open_mark) if not t.is_punct]
    last = previous[-1] if previous else None
    # A programme's title after a possessive ("on the Ledger's “Morning Call.”") may end its
    # sentence with a full stop; a name after "as" or "the" may not (“the governor as “Chris.”").
    embedded = last is not None and last.tag_ == "POS" and len(words) >= 2
    if len(words) > MAX_TITLE_WORDS or body[q.end - 1] in "!?" or (body[q.end - 1] == "." and not embedded):
        return False
    if not all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in TITLE_SMALL_WORDS or (w.isalpha() and len(w) <= 2)
        for w in stripped
        if w
    ):
        return False  # "de", "la", "y" in a title in another language count as small words
    if len(words) > MAX_SCARE_WORDS and not stripped[0][:1].isupper():
        return False
    return last is None or last.lemma_.lower() == "tell" or not _cue_verbs([last], ctx.lex.direct_cues)


def _claim_owner(ctx: _Context, q: Quotation) -> Attribution | None:
    """A partial quote in what a reporting noun reports ("Ruiz's accusation that Okafor is playing
    the “blame game”", "the contention of Ruiz that the rules are “unfair”"): whose claim it is,
    the noun's possessor or the name after its "of", "by" or "from"."""
    t = ctx.token_after(q.open_mark)
    for ancestor in t.ancestors if t is not None else ():
        if ctx.inside[ancestor.idx]:
            continue
        if ancestor.pos_ != "NOUN" or ancestor.lemma_.lower() not in ctx.lex.reporting_nouns:
            continue
        if ancestor.i > t.i:
            return None  # the quotation before its noun modifies it ("the “blame game” claim")
        owners = [c for c in ancestor.children if c.dep_ == "poss" and not ctx.inside[c.idx]] + [
            o
            for p in ancestor.children
            if p.dep_ == "prep" and p.lower_ in {"of", "by", "from"} and p.i < t.i
            for o in p.children
            if o.dep_ == "pobj" and o.pos_ == "PROPN" and not ctx.inside[o.idx]
        ]
        if owners:
            found = ctx.resolve(owners[0], q.open_mark)
            if found.speaker:
                found.method = "subject"
                found.evidence = "subject"
                return found
        return None
    return None


def _clause_subject(ctx: _Context, sentence: Span, q: Quotation) -> Attribution | None:
    """The person or organisation heading the subject of the clause that embeds a partial quote."""
    owner = _claim_owner(ctx, q)
    if owner is not None:
        return owner
    tokens = ctx.outside_tokens(sentence.start, q.open_mark)
    heads = [t for t in tokens if t.dep_ in SUBJECT_DEPS and t.head.dep_ in {"ROOT", "conj", "ccomp"}]
    # First the subject of the nearest clause above the quotation in the parse ("That's why he
    # wanted to “go an extra step”": he), then the main clause's.
    governing = []
    t = ctx.token_after(q.open_mark)
    for _ in range(12):
        if t is None or t.head.i == t.i:
            break
        t = t.head
        if ctx.inside[t.idx] or t.pos_ not in {"VERB", "AUX"}:
            continue
        subjects = [
            c for c in t.children if c.dep_ in SUBJECT_DEPS and c.idx < q.open_mark and not ctx.inside[c.idx]
        ]
        if subjects:
            governing = subjects[:1]
            break
    for subject in [*heads[:1], *(g for g in governing if g not in heads[:1])]:
        # "The agency declined to detail the inquiry's “specific focus”": a definite description
        # ("the agency", "the ad", "the statement") is the source as written.
        described = subject.pos_ == "NOUN" and _definite_singular(subject)
        found = ctx.resolve(subject, q.open_mark, descriptions=described)
        named = found.speaker and (found.method in {"pronoun", "description"} or subject.pos_ == "PROPN")
        if found.speaker_entity_id is not None or named:
            found.method = "subject"
            found.evidence = "subject"
            return found
    return None


def _signed_lead(ctx: _Context, sentence: Span, q: Quotation) -> Attribution | None:
    """ "Turnout held up in the north - Ines Moreau: “...”": the name after the dash speaks, whatever
    the verbs of the roundup's line before it ("Pollsters agree - Ines Moreau:")."""
    lead = ctx.text[sentence.start : q.open_mark].rstrip()
    signed = _ROUNDUP_NAME.search(lead)
    if signed is None:
        return None
    tokens = ctx.outside_tokens(sentence.start + signed.start(1), sentence.start + signed.end(1))
    named = _first_named(ctx, tokens) or _proper_name(ctx, tokens, q.open_mark)
    if named is not None and named.speaker:
        named.evidence = "first_named"
        return named
    return None


def _lead_in(ctx: _Context, sentence: Span, q: Quotation) -> Attribution | None:
    """A quotation introduced by a colon without a reporting verb, in its own sentence
    ("Taverner was blunt: “...”") or at the end of the previous sentence of the paragraph: the
    speaker is the subject of the introducing clause."""
    lead = ctx.text[sentence.start : q.open_mark].rstrip()
    if lead.endswith(":"):
        start, end = sentence.start, q.open_mark
    elif lead.endswith(",") and any(
        t.lemma_.lower() in ctx.lex.document_nouns for t in ctx.outside_tokens(sentence.start, q.open_mark)
    ):
        start, end = sentence.start, q.open_mark  # "Ruiz issued a statement, “...”"
    else:
        prior = ctx.sentence_before(sentence)
        opens_paragraph = not ctx.text[sentence.start : q.open_mark].strip()
        if prior is None or not (
            prior.paragraph_index == sentence.paragraph_index
            or (opens_paragraph and prior.paragraph_index == sentence.paragraph_index - 1)
        ):
            return None
        if not ctx.text[prior.start : prior.end].rstrip().endswith(":"):
            return _said_before(ctx, prior, q) if opens_paragraph or not lead else None
        # "Ruiz said:" or "Said Ruiz:" at the end of the sentence, or of the paragraph, before.
        start, end = prior.start, prior.end
    tokens = ctx.outside_tokens(start, end)
    named_from = _FROM_NAME.search(ctx.text, start, end)
    if named_from is not None:
        # "... - More from Ada Marsh and Tom Reed:": whoever the words come from.
        words = ctx.outside_tokens(named_from.start(1), named_from.end(1))
        found = _first_named(ctx, words) or _proper_name(ctx, words, q.open_mark)
        if found is not None and found.speaker:
            found.evidence = "first_named"
            return found
    found = attribute_in(ctx, tokens, start)
    if found is None:
        # The main clause's subject ("When Ruiz retired, the council released this statement:").
        subjects = sorted(
            (t for t in tokens if t.dep_ in SUBJECT_DEPS),
            key=lambda t: (t.head.dep_ in {"advcl", "relcl", "acl"}, t.head.dep_ != "ROOT"),
        )
        if subjects:
            found = ctx.resolve(subjects[0], q.open_mark)
    if found is not None and found.speaker:
        found.evidence = found.evidence if found.evidence.startswith("cue") else "lead_in"
    else:
        # No verb: a roundup's "Name, Outlet:" or "And from Name:": the first person named, else
        # a name no entity stands for ("Rep. Ada Marsh (D-Ore.):").
        unbracketed = [t for t in tokens if t.i in _speaker_tokens(ctx, tokens)]
        named = _first_named(ctx, tokens)
        if named is None and not any(t.pos_ in {"VERB", "AUX"} for t in tokens):
            named = _proper_name(ctx, unbracketed, q.open_mark)
        if named is not None and named.speaker:
            found = named
            found.evidence = "first_named"
    return found


def _said_before(ctx: _Context, prior: Span, q: Quotation) -> Attribution | None:
    """“...” right after a sentence whose reporting verb has nothing reported in it ("Ruiz said in
    a statement. “...”"): what follows is what was said."""
    if ctx.inside.find(1, prior.start, prior.end) != -1:
        return None
    tokens = ctx.outside_tokens(prior.start, prior.end)
    verbs = [
        v
        for v in _cue_verbs(tokens, ctx.lex.direct_cues)
        if v.lemma_.lower()
        in {"say", "tell", "write", "add", "state", "explain", "respond", "reply", "answer"}
        and not any(c.dep_ in {"ccomp", "dobj", "xcomp", "advcl", "conj"} for c in v.children)
    ]
    if not verbs:
        return None
    found = attribute_in(ctx, tokens, prior.start)
    if found is not None and found.speaker:
        found.evidence = "lead_in"
        return found
    return None


def _first_named(ctx: _Context, tokens: list[Token]) -> Attribution | None:
    """The first person (else organisation) named in the tokens, not a dateline."""
    for labels in ({"PERSON"}, {"ORG"}):
        for t in tokens:
            cluster = ctx.entities.cluster_at(t.idx)
            if cluster is not None and cluster.label in labels and not ctx.dateline(t.idx):
                found = ctx._from_cluster(cluster, _subject_surface(t), "cue")
                return found
    return None


_ROUNDUP_NAME = re.compile(r"[-–—]\s*([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*:$")
_FROM_NAME = re.compile(  # "More from Ada Marsh and Tom Reed:"
    r"\bfrom[ \t]+([A-Z][\w.'’-]*(?:[ \t]+(?:and[ \t]+)?[A-Z][\w.'’-]*){0,5})[ \t]*:[ \t]*$"
)
_NAMED_TURN = re.compile(r"((?:[A-Z][\w'’.-]+ ){0,3}[A-Z][\w'’.-]+):[ \t]+(?=\S)")
_BYLINE = re.compile(
    r'[,.]?[”"»][,.]?[ \t]+by[ \t]+(?:the[ \t]+)?'
    r"(?:[A-Z][\w.&-]*[ \t]+){0,3}[A-Z][\w.&-]*(?:['’]s?)[ \t]+[A-Z]"
)
_EXCERPT = re.compile(
    r'[,.]?[”"»][,.]?[ \t]+by[ \t]+(?:the[ \t]+)?'
    r"(?:[A-Z][\w.&'’-]*[ \t]+){0,4}[A-Z][\w.&'’-]*[ \t]*:[ \t]*$"
)
_WRITING_AT = re.compile(r"\bwriting (?:at|in|for) (?:the )?[A-Z][^\n:]{0,60}:\s*$")
# A headline cited in brackets with its source: (“Pier to close,” Kilby Ledger, Thursday)
_CITED = re.compile(r'(?:,[”"»]|[”"»],)[ \t]+[A-Z][^()\n,]{0,40},[^()\n]{1,40}\)')
_DATED = re.compile(r'[.!?]?[”"»][ \t]*\((?:[^()\n]{0,40}[ \t])?(?:1[89]|20)\d\d\)')
_DASH = re.compile(r"[ \t]*[.,]?[ \t]*(?:\n\n)?[ \t]*[-–—]+[ \t]*(?=\S)")
_TURN = re.compile(r"((?:[A-Z][A-Za-z'’.-]*\.? ){0,3}[A-Z][A-Z'’.-]+):[ \t]+(?=\S)")


def _in_words(ctx: _Context, window: list[Token], before: int) -> Attribution | None:
    """ "in her words", "in Ruiz's own words", "to quote Ruiz": whose words they are."""
    for t in window:
        if t.lower_ == "words" and t.head.lower_ == "in":
            owners = [c for c in t.children if c.dep_ == "poss"]
            if owners:
                found = ctx.resolve(owners[0], before)
                if found.speaker:
                    found.evidence = "lead_in"
                    return found
    return None


def _cue_tagged_noun(ctx: _Context, q: Quotation) -> Attribution | None:
    """“...,” the document states / the email read / the two write: right after the closing mark,
    a short phrase ending in a reporting verb the tagger took for a noun (its subject parsed as
    the noun's modifiers): the phrase before it speaks, as written or as the entity it names."""
    token = ctx.token_after(q.end - 1)
    while token is not None and token.is_punct and token.idx < q.end + 4 and token.i + 1 < len(ctx.doc):
        token = ctx.doc[token.i + 1]
    if token is None or token.idx > q.end + 4 or token.pos_ not in {"DET", "PRON", "PROPN", "NUM"}:
        return None
    if not any(c in ",?!" for c in ctx.text[q.end - 1 : token.idx]):
        return None  # the quotation ends its sentence: what follows is not its attribution
    phrase: list[Token] = []
    for t in ctx.doc[token.i : token.i + MAX_TAG_TOKENS]:
        if t.pos_ in {"VERB", "AUX"} or (t.is_punct and t.text not in {"-", "–"}) or t.is_space:
            return None
        cue = t.pos_ == "NOUN" and t.tag_ in {"NN", "NNS"} and t.lemma_.lower() in ctx.lex.direct_cues
        following = ctx.doc[t.i + 1] if t.i + 1 < len(ctx.doc) else None
        if cue and following is not None and following.pos_ == "NOUN":
            # "the email read", "the post reads": of two cue words in a row the last is the cue.
            cue = following.lemma_.lower() not in ctx.lex.direct_cues
        if phrase and cue:
            if following is not None and not (following.is_punct or following.pos_ in {"ADP", "ADV"}):
                return None  # "the report said", "the state budget": the noun heads a phrase
            rest = ctx.doc[t.i + 1 : t.i + 1 + MAX_SUBJECT_TOKENS]
            clause = rest[: next((k for k, r in enumerate(rest) if r.is_punct), len(rest))]
            if any(r.pos_ in {"VERB", "AUX"} for r in clause):
                return None  # "a welcome message on the website reads": the verb comes later
            break
        phrase.append(t)
    else:
        return None
    surface = normalise_name(ctx.text[phrase[0].idx : phrase[-1].idx + len(phrase[-1].text)])
    for p in phrase:
        cluster = ctx.entities.cluster_at(p.idx)
        if cluster is not None and cluster.label in SPEAKER_LABELS and not ctx.dateline(p.idx):
            found = ctx._from_cluster(cluster, surface, "cue")
            break
    else:
        found = Attribution(speaker=surface, speaker_surface=surface, method="description")
    found.cue = ctx.doc[phrase[-1].i + 1].text
    found.evidence = "cue_after"
    return found


def _dash_attribution(ctx: _Context, q: Quotation) -> Attribution | None:
    """A quotation followed by a dash and a name, in its paragraph or opening the next one
    (“...” — Ruiz, speaking on Friday / “...”\n\n-Commissioner Ruiz): the person named."""
    close = q.end
    while close < len(ctx.text) and ctx.text[close] in "”\"»'":
        close += 1
    dash = _DASH.match(ctx.text, close)
    if dash is None:
        return None
    after = ctx.token_after(dash.end() - 1)
    if after is None:
        return None
    tokens = [t for t in ctx.doc[after.i : after.i + 6] if not t.is_space]
    cut = next((k for k, t in enumerate(tokens) if t.text in {",", ".", "(", "\n"}), len(tokens))
    return _first_named(ctx, tokens[:cut]) or _proper_name(ctx, tokens[:cut], q.open_mark)


def _signature_line(ctx: _Context, q: Quotation) -> Attribution | None:
    """A pull quote signed on the line under it, inside its marks (“We will win.\nDana Ruiz,
    Kilby Ledger.”): the person named before the first comma (find_quotations ends the
    quotation before that line)."""
    if ctx.text[q.end : q.end + 1] != "\n":
        return None
    line_end = ctx.text.find("\n", q.end + 1)
    line_end = len(ctx.text) if line_end < 0 else line_end
    tokens = [t for t in ctx.outside_tokens(q.end, line_end) if not t.is_space]
    cut = next((k for k, t in enumerate(tokens) if t.text in {",", "(", '"', "”"}), len(tokens))
    found = _first_named(ctx, tokens[:cut]) or _proper_name(ctx, tokens[:cut], q.open_mark)
    if found is not None:
        found.evidence = "dash"
    return found


def _proper_name(ctx: _Context, tokens: list[Token], before: int) -> Attribution | None:
    """A run of proper nouns that is no entity: the name as written, joined to a person named
    before when its last word is one's first or last name."""
    names = [t for t in tokens if t.pos_ == "PROPN" or (t.is_title and t.pos_ in {"NOUN", "ADJ", "X"})]
    if not names:
        return None
    return ctx.resolve(names[-1], before)


def _speaker_turn(ctx: _Context, start: int, end: int, quoted: bool = True) -> Attribution | None:
    """A transcript's speaker turn opening the quotation ("RIVERA: ...", "MS. RIVERA: ..."):
    the name in capitals before the colon. quoted=False: a paragraph outside quotation marks
    (a headline or roundup line "Dana Ruiz: The plan is dead")."""
    turn = _TURN.match(ctx.text, start, end)
    if turn is None or not any(c.isupper() for c in turn.group(1).split()[-1][1:]):
        # “Dana Ruiz: We asked twice.”: a person the model knows, in title case, then a colon.
        named = _NAMED_TURN.match(ctx.text, start, end)
        if named is None or (quoted and not ctx.inside[start]):
            return None
        name = normalise_name(named.group(1))
        cluster = ctx.entities.cluster_at(named.start(1))
        span = ctx.doc.char_span(*named.span(1), alignment_mode="expand")
        words = list(span) if span is not None else []
        if cluster is not None and cluster.label == "PERSON":
            found = ctx._from_cluster(cluster, name, "cue")
        elif len(words) >= 2 and all(t.pos_ == "PROPN" for t in words):
            found = Attribution(speaker=strip_titles(name), speaker_surface=name, method="cue")
        else:
            return None
        found.evidence = "turn"
        return found
    last = turn.group(1).split()[-1].strip(".")
    cluster = ctx.entities.person_by_word(last.title(), start) or ctx.entities.person_by_word(last, start)
    surface = normalise_name(turn.group(1))
    if cluster is not None:
        found = ctx._from_cluster(cluster, surface, "cue")
    else:
        found = Attribution(speaker=strip_titles(surface).title(), speaker_surface=surface, method="cue")
    found.evidence = "turn"
    return found


def _kind(body: str, q: Quotation, window: list[Token]) -> str:
    """partial when the quotation continues the reporter's clause: the word before the opening
    mark is not a reporting verb and not a clause boundary, or the quotation starts in lower
    case after a word."""
    before = body[: q.open_mark].rstrip()
    prev_word = [t for t in window if t.idx + len(t.text) <= q.open_mark]
    # The full stop of an initial or abbreviation inside the sentence ends no clause before a
    # short fragment (Gov. C.L. "Butch" Otter): the sentence's words before the mark are the
    # reporter's. (A sentence the segmenter did not end, "wrote on X. “Every account ...”", is
    # longer.)
    abbreviation = (
        before[-1:] == "."
        and bool(prev_word)
        and not prev_word[-1].is_punct
        and len(body[q.start : q.end].split()) <= MAX_SCARE_WORDS
    )
    if not before or (before[-1] in '.!?:,;—–-(\n"”“' and not abbreviation):
        return "direct"
    if (
        prev_word
        and _cue_verbs(prev_word[-1:], speech_lexicon().direct_cues)
        and body[q.start : q.start + 1].isupper()
    ):
        return "direct"
    return "partial"


def _indirect_quotes(ctx: _Context) -> list[Quote]:
    """Reported speech outside quotation marks: for every cue of a sentence (speech, attitude,
    object and preposition cues of rules/speech.yaml) its subject and what it reports
    (`_reported`); for every reporting noun its owner and complement; an "according to X"
    sentence. The content is the quote (the content span), as far as it stays in its sentence;
    content holding a quotation is a partial quote's, not indirect speech."""
    result = []
    lex = ctx.lex
    cues = (
        lex.indirect_cues | lex.attitude_cues | lex.object_cues | {verb for verb, _ in lex.preposition_cues}
    )
    turns: set[int] = set()  # paragraphs that are a transcript's speaker turn
    # Quotations in doubled apostrophes (''…'', newspaper archive copy) set quoted words into a
    # reported clause ("Ruiz said the plan was ''dead on arrival''"): the clause is still the
    # reported speech, its content span running through the quoted words, as the news corpora
    # annotate it; the quoted words are also a partial quote of their own.
    doubled = bytearray(len(ctx.text) + 1)
    for q in find_quotations(ctx.text):
        if ctx.text[q.open_mark : q.open_mark + 2] in DOUBLED:
            doubled[q.open_mark : q.end + 2] = b"\x01" * (min(len(ctx.text), q.end + 2) - q.open_mark)
    for para in paragraphs(ctx.text):
        # "RIVERA: ..." in a transcript; "Dana Ruiz: The Plan Is Dead" as a headline or roundup line.
        turn = _TURN.match(ctx.text, para.start, para.end) or _NAMED_TURN.match(
            ctx.text, para.start, para.end
        )
        if turn is None or ctx.inside.find(1, para.start, para.end) != -1:
            continue
        found = _speaker_turn(ctx, para.start, para.end, quoted=False)
        if found is not None and found.speaker:
            # "RIVERA: We never agreed to that.": the turn, without its speaker, is what was said.
            end = para.end
            while end > turn.end() and ctx.text[end - 1].isspace():
                end -= 1
            if end > turn.end():
                result.append(Quote(turn.end(), end, "indirect", para.index, found))
                turns.add(para.index)
    for sentence in ctx.sentences:
        if sentence.paragraph_index in turns:
            continue
        marked = ctx.inside.find(1, sentence.start, sentence.end) != -1 or bool(
            _QUOTE_MARK.search(ctx.text, sentence.start, sentence.end)
        )
        tokens = ctx.outside_tokens(sentence.start, sentence.end)
        allowed = {t.i for t in tokens}
        # the clause's span may run through quoted words in ''…'' (not through “…”)
        set_in = (
            {t.i for t in ctx.doc[tokens[0].i :] if t.idx < sentence.end and doubled[t.idx]}
            if marked and tokens and doubled.find(1, sentence.start, sentence.end) != -1
            else set()
        )
        spans: set[tuple[int, int]] = set()
        verbs = _cue_verbs(tokens, cues)
        governing = {v.i for v in verbs}
        for verb in verbs + _stance_adjectives(tokens, lex.adjective_cues):
            content = _reported(verb, ctx.lex)
            if content is None:
                continue
            heads, how = content
            if verb.pos_ == "ADJ":  # "Ruiz was critical of the plan": the copula's subject
                subject = _subject_of(verb.head, allowed)
            else:
                subject = (
                    _subject_of(verb, allowed)
                    or _quantity_subject(verb, allowed)
                    or _participle_owner(verb, allowed)
                    # "The plan is dead, said Ruiz": the speaker after the cue
                    or (_inverted_subject(verb, allowed) if heads[0].i < verb.i else None)
                )
            if subject is None or ctx.dateline(subject.idx):
                continue  # "HALDEN —" files, not speaks
            if (
                how not in {"clause", "around"}
                and subject.pos_ != "PROPN"
                and not (verb.dep_ in {"conj", "advcl"} and subject.lower_ in {"he", "she"})
                and _reported_by(verb, governing)
            ):
                # "the company said it would offer redeployment", "she said the group plans to
                # compare ...": part of what the outer speaker said, whose "it" or "the group"
                # is a guess; a named subject reports on its own ("she said Ruiz backed the plan"),
                # and so does a person's second act, joined to the first or set beside it rather
                # than reported by it ("she said it failed and accused the board of ...", "he
                # urged a recount, saying ... as he praised the clerks").
                continue
            if how != "clause" and any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children):
                continue  # "is expected to win": the subject is what is reported on, not who reports
            if (
                how in {"object", "preposition"}
                and verb.dep_ in {"xcomp", "advcl"}
                and verb.head.lemma_.lower() not in lex.indirect_cues | lex.attitude_cues
                and not (verb.dep_ == "xcomp" and verb.head.lemma_.lower() in TRYING_VERBS)
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
            ):
                # "appeared on the show to defend the plan": what she went to do, not what she said
                # ("tried to defend the plan", "went on to praise it" are her saying it)
                continue
            if marked and any(
                (ctx.inside[t.idx] and t.i not in set_in) or _QUOTE_MARK.match(t.text)
                for h in heads
                for t in h.subtree
            ):
                continue
            found = ctx.resolve(subject, sentence.start)
            if not found.speaker and subject.lower_ == "they":
                found = _plural_antecedent(ctx, subject) or found
            if (
                not found.speaker
                and subject.pos_ == "PRON"
                and subject.lower_ in PRONOUNS_INDEFINITE | {"i", "we"}
            ):
                # "Some argue that ...", "Many believe ...": anonymous, the speaker as written.
                found = Attribution(
                    speaker=found.speaker_surface, speaker_surface=found.speaker_surface, method="description"
                )
            if not found.speaker:
                continue  # kept only with a speaker: an entity, or a description as written
            if how in {"object", "preposition"} and not _holds_views(ctx, subject):
                continue  # "the 2016 convention focused on jobs": an event holds no view
            if how not in {"clause", "around"} and found.method == "description" and found.speaker_entity_id:
                # "The company expects to finish by May" far from any "said": which company is the
                # nearest one named, a guess a reporting verb does not back; the words as written.
                found = Attribution(found.speaker_surface, None, found.speaker_surface, method="description")
            first = heads[0].i < verb.i
            # A clause before its cue ends at the cue ("The plan failed, the mayor said"); one the
            # attribution is set into keeps it ("The plan, the mayor said, failed").
            cut = verb.i if first else None
            if how == "around":
                cut = verb.left_edge.i if verb.right_edge.i >= heads[0].right_edge.i else None
            span = _clause_span(heads, allowed | set_in, before=cut)
            if set_in and span and not any(span[0] <= t.idx < span[1] and t.is_alpha for t in tokens):
                span = None  # all quoted: the quotation itself, not a clause around it
            if not span or span in spans:
                continue
            spans.add(span)
            found.cue = verb.text
            found.evidence = "cue_after" if first else "cue_before"
            result.append(Quote(span[0], span[1], "indirect", sentence.paragraph_index, found))
        for noun in tokens:
            if noun.pos_ != "NOUN" or noun.lemma_.lower() not in lex.reporting_nouns:
                continue
            complement = _noun_content(noun)
            owner = _noun_owner(noun, allowed) if complement is not None else None
            if complement is None or owner is None or ctx.dateline(owner.idx):
                continue
            if marked and any(ctx.inside[t.idx] or _QUOTE_MARK.match(t.text) for t in complement.subtree):
                continue
            found = ctx.resolve(owner, sentence.start)
            span = _clause_span([complement], allowed) if found.speaker and _holds_views(ctx, owner) else None
            if not span or span in spans:
                continue
            spans.add(span)
            found.cue = noun.text
            found.evidence = "cue_before"
            result.append(Quote(span[0], span[1], "indirect", sentence.paragraph_index, found))
        if not marked:
            source, head = ctx.according_to(tokens)
            if source is not None and source.speaker and head is not None:
                # "According to the report, the plan failed": the sentence without the phrase.
                according = next(t for t in tokens if t.lower_ == "according")
                to = head.doc[according.i + 1]
                phrase = {according.i, *(t.i for t in to.subtree), *(t.i for t in according.subtree)}
                rest = [t for t in tokens if t.i not in phrase and not t.is_space]
                while rest and rest[0].is_punct:
                    rest.pop(0)
                while rest and rest[-1].is_punct:
                    rest.pop()
                if len(rest) >= 3:
                    source.method = "according_to"
                    source.evidence = "according_to"
                    source.according_to = source.speaker
                    start, end = rest[0].idx, rest[-1].idx + len(rest[-1].text)
                    result.append(Quote(start, end, "indirect", sentence.paragraph_index, source))
    return result


def _reported(verb: Token, lex: SpeechLexicon) -> tuple[list[Token], str] | None:
    """What a cue reports, as the head tokens of its content and how it was found: its clause
    (any cue: "said the plan failed"), an infinitive with the object before it (a speech or
    attitude verb: "promised to resign", "urged voters to stay home"), its object with that
    object's complement (an object cue: "announced his resignation", "called the plan a
    disaster"), or the object of its preposition ("called for a recount")."""
    lemma = _verb_lemma(verb, lex.indirect_cues | lex.attitude_cues | lex.object_cues)
    children = list(verb.children)
    if verb.pos_ == "ADJ":
        # "critical of the plan", "confident that it will pass", "eager to debate"
        after = [c for c in children if c.i > verb.i]
        for c in after:
            if c.dep_ in {"ccomp", "xcomp"} and c.pos_ in {"VERB", "AUX"}:
                return [c], "clause" if c.dep_ == "ccomp" else "infinitive"
            if c.dep_ == "prep" and c.lower_ in ADJECTIVE_PREPOSITIONS:
                objects = [o for o in c.children if o.dep_ in {"pobj", "pcomp"}]
                if objects:
                    return [objects[0]], "preposition"
        return None
    clause = [
        c
        for c in children
        if c.pos_ in {"VERB", "AUX"}
        and (
            c.dep_ == "ccomp"
            # "asked the mayor whether the plan would pass": parsed as an adverbial clause
            or (
                c.dep_ == "advcl"
                and c.i > verb.i
                and any(m.dep_ == "mark" and m.lower_ in {"whether", "if"} for m in c.children)
            )
        )
    ]
    phrasal = any(c.dep_ in {"prt", "advmod"} and (lemma, c.lower_) in PHRASAL_CUES for c in children)
    if clause and (phrasal or lemma in lex.indirect_cues | lex.attitude_cues):
        return clause[:1], "clause"
    if verb.dep_ == "parataxis" and verb.head.pos_ in {"VERB", "AUX"} and lemma in lex.indirect_cues:
        # "The plan, she said, was never costed" / "It failed, he said.": the sentence the
        # attribution is set into is what was said.
        return [verb.head], "around"
    after = [c for c in children if c.i > verb.i]
    infinitive = [c for c in after if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
    if infinitive and lemma in lex.indirect_cues | lex.attitude_cues:
        objects = [c for c in after if c.dep_ == "dobj" and c.i < infinitive[0].i]
        return [*objects[:1], infinitive[0]], "infinitive"
    objects = [c for c in after if c.dep_ == "dobj"]
    if objects and lemma in lex.object_cues:
        # A pronoun object ("quote it at meetings", "denied this") points at what was said
        # elsewhere: it reports nothing itself, unless a complement says it ("described himself
        # as a moderate", "called it a disgrace", "accused him of lying"; not "at meetings").
        rest = _rest_of_phrase(after, objects[0])
        if objects[0].pos_ != "PRON" or any(
            r.dep_ in {"oprd", "xcomp", "ccomp", "acomp"}
            or (r.dep_ == "prep" and r.lower_ in {"as", "of", "for"})
            for r in rest
        ):
            return [objects[0], *rest], "object"
    for prep in after:
        if prep.dep_ == "prep" and (lemma, prep.lower_) in lex.preposition_cues:
            objects = [c for c in prep.children if c.dep_ in {"pobj", "pcomp"}]
            if objects:
                return [objects[0], *_rest_of_phrase(after, prep)], "preposition"
    return None


def _rest_of_phrase(after: list[Token], content: Token) -> list[Token]:
    """The cue's complements after its object: "accused the mayor of lying", "called on the
    council to act", "praised the plan as overdue" (not its adverbs, conjuncts, punctuation, a
    when: "on Monday", or the circumstances of the saying: "during a rally", "through his
    lawyer", "after the vote")."""
    skip = {"punct", "cc", "conj", "advmod", "npadvmod", "parataxis", "mark", "dep", "advcl"}
    return [
        c
        for c in after
        if c.i > content.i
        and c.dep_ not in skip
        and not (c.dep_ == "prep" and c.lower_ in CIRCUMSTANCE_PREPOSITIONS)
        and not (c.dep_ == "prep" and any(o.ent_type_ in {"DATE", "TIME"} for o in c.children))
    ]


def _noun_content(noun: Token) -> Token | None:
    """What a reporting noun reports: its clause ("the claim that taxes would fall"), its
    infinitive ("a promise to resign") or the object of its preposition ("support for the plan")."""
    for c in noun.children:
        # An acl needs its "that" or "to": "the plan approved on Monday" reports nothing.
        introduced = c.dep_ == "ccomp" or any(g.dep_ in {"mark", "aux"} and g.i < c.i for g in c.children)
        if c.i > noun.i and c.dep_ in {"acl", "ccomp"} and c.pos_ in {"VERB", "AUX"} and introduced:
            return c
    for c in noun.children:
        if (
            c.i > noun.i
            and c.dep_ == "prep"
            and c.lower_ in {"for", "of", "about", "on", "against", "over"}  # "commitment to the town": no
        ):
            objects = [o for o in c.children if o.dep_ in {"pobj", "pcomp"}]
            if objects:
                return objects[0]
    return None


def _noun_owner(noun: Token, allowed: set[int]) -> Token | None:
    """Whose claim, call or support it is: the possessor ("Ruiz's call"), the agent ("a claim by
    Ruiz", "a statement from the council"), else the subject of the verb that has the noun as its
    object ("Ruiz voiced support for ...", "the council made the decision to ...")."""
    for c in noun.children:
        if c.dep_ == "poss" and c.i in allowed:
            return c
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in {"by", "from"}:
            for o in c.children:
                if o.dep_ == "pobj" and o.i in allowed:
                    return o
    if noun.dep_ == "dobj" and noun.head.pos_ in {"VERB", "AUX"}:
        return _subject_of(noun.head, allowed)
    return None


def _holds_views(ctx: _Context, subject: Token) -> bool:
    """Whether the subject of a stance cue (an object, preposition or noun cue) may hold a view:
    not a place, facility, event, law or work the article names ("the 2016 convention focused on
    jobs", "the Affordable Care Act sought to ..."); a person, organisation, country or group,
    or any description, may."""
    cluster = ctx.entities.cluster_at(subject.idx)
    return cluster is None or cluster.label in {"PERSON", "ORG", "NORP", "GPE"}


def _plural_antecedent(ctx: _Context, pronoun: Token) -> Attribution | None:
    """Who "they" are: the nearest plural noun before it (within PRONOUN_REACH characters,
    outside quotations) that is the subject of a verb ("Union leaders met on Monday. They said
    ..."), as the article names it."""
    for t in reversed(ctx.doc[max(0, pronoun.i - 80) : pronoun.i]):
        if pronoun.idx - t.idx > PRONOUN_REACH:
            break
        if t.tag_ in {"NNS", "NNPS"} and t.dep_ in SUBJECT_DEPS and not ctx.inside[t.idx]:
            found = ctx.resolve(t, t.idx)
            return found if found.speaker else None
    return None


def _participle_owner(verb: Token, allowed: set[int]) -> Token | None:
    """Who speaks through a participle on a noun: the subject of the active verb whose object or
    in/with-object the noun is ("Ruiz issued a statement saying ...", "the council ran ads
    attacking the plan", "Ruiz wrote in a letter urging ..."), else the noun itself when it is a
    subject ("a group backing the mayor has spent ...", "ads claiming the plan failed aired")."""
    noun = verb.head
    if verb.dep_ != "acl" or verb.tag_ != "VBG" or noun.pos_ not in {"NOUN", "PROPN"}:
        return None
    if noun.dep_ == "dobj" and noun.head.pos_ in {"VERB", "AUX"}:
        return _active_subject(noun.head, allowed)
    if noun.dep_ == "pobj" and noun.head.lower_ in {"in", "with"} and noun.head.head.pos_ in {"VERB", "AUX"}:
        return _active_subject(noun.head.head, allowed)
    if noun.dep_ in SUBJECT_DEPS and noun.i in allowed and noun.ent_type_ not in NOT_SPEAKERS:
        return noun
    return None


def _active_subject(verb: Token, allowed: set[int]) -> Token | None:
    """The subject of an active verb: who issued or wrote ("the plan was based on research
    showing ...": the plan is what the research is about, not its author)."""
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children):
        return None
    return _subject_of(verb, allowed)


def _quantity_subject(verb: Token, allowed: set[int]) -> Token | None:
    """A share or number of people as the subject ("47 percent said they would vote", "six in
    ten say"): poll findings, their speaker the phrase as written."""
    for c in verb.children:
        if _share(c) and c.i in allowed:
            return c
    return None


def _gloss_at_end(span: list[Token]) -> int:
    """Where a comma-set gloss that runs to the end of a content span starts ("criticized Ruiz,
    a former mayor of Kilby", "said the plan would pass, which it did not"): the writer's
    description of someone named, not what was said; the span's length when there is none."""
    for k in range(1, len(span) - 1):
        if span[k].text != ",":
            continue
        t = span[k + 1]
        for a in (t, *t.ancestors):
            if a.i < span[0].i or a.i > span[-1].i:
                break
            if (
                a.left_edge.i == t.i
                and a.right_edge.i >= span[-1].i
                and (
                    (
                        a.dep_ == "appos" and not any(d.dep_ == "cc" for d in a.subtree)
                    )  # not a list: "Israel, the deal and ..."
                    or (a.dep_ == "relcl" and t.lower_ in {"who", "which", "whose", "whom"})
                )
            ):
                return k
    return len(span)


def _clause_span(heads: list[Token], allowed: set[int], before: int | None = None) -> tuple[int, int] | None:
    """Character span of a reported clause (or an object with its complement): the heads'
    subtrees within the allowed tokens (the sentence, outside quotations), contiguous from the
    first token, without a leading "that" and without trailing punctuation; before: the cue's
    token index when the clause comes first."""
    span = sorted({t for head in heads for t in head.subtree if t.i in allowed}, key=lambda t: t.i)
    if before is not None:
        span = [t for t in span if t.i < before]
    # The parse may run a clause on across a paragraph break into the next quotation, which
    # would give it that quotation's offsets (and quote id): stop at the first gap that leaves
    # the allowed tokens or breaks a line. A gap of words the cue governs ("noted limited gains
    # so far in pay and continued risks", "The plan, she said, failed") is filled: the content
    # is one stretch of text.
    for k in range(1, len(span)):
        gap = range(span[k - 1].i + 1, span[k].i)
        if any(g not in allowed or "\n" in span[0].doc[g].text for g in gap):
            span = span[:k]
            break
    if span:
        span = list(span[0].doc[span[0].i : span[-1].i + 1])
    span = [t for t in span if not (t.dep_ == "mark" and t.i == span[0].i)]
    span = span[: _gloss_at_end(span)]
    while span and (span[-1].is_punct or span[-1].is_space or span[-1].dep_ == "cc"):
        span.pop()  # ", and" before the next clause of the sentence is not what was said
    while span and (span[0].is_punct or span[0].is_space):
        span.pop(0)
    if len(span) < 2 and not (span and span[0].pos_ == "PROPN"):
        return None  # one word reports nothing, unless it names whom a stance is about ("endorsed Ruiz")
    return span[0].idx, span[-1].idx + len(span[-1].text)
