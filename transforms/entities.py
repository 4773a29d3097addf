"""Named-entity mentions and per-article canonical entities from a spaCy Doc.

Clustering (per article): every multi-word mention starts or joins the cluster with the same
normalised name; a one-word mention joins the cluster of the nearest preceding full name whose
first or last word it equals, and otherwise the cluster with the same name. A cluster's label is
voted over all its mentions, where a one-word mention joined to a PERSON full name by name
match votes PERSON (the small model often calls a bare surname GPE or ORG). The canonical name
is the cluster's longest mention; entity ids hash label and canonical name, so the same person
gets the same id in every article. A multi-word name ending with an organisation word
(rules/entities.yaml: Terminals, Air, Stores, University, ...) is an ORG whatever the votes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from transforms.records import stable_id
from transforms.rules import org_suffixes, speech_lexicon

if TYPE_CHECKING:  # imported where it is used: a process that only cleans never loads spaCy
    from spacy.tokens import Doc

# Labels that name things, in the order preferred when votes tie; numeric and temporal labels
# (DATE, MONEY, ...) are not entities here.
LABEL_PRIORITY = [
    "PERSON",
    "ORG",
    "GPE",
    "NORP",
    "LOC",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
]
NAMED_LABELS = frozenset(LABEL_PRIORITY)

_LEADING_THE = re.compile(r"^(?:the)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


def normalise_name(text: str) -> str:
    """Mention text -> name: leading 'the' and trailing possessive removed, spaces collapsed."""
    text = _POSSESSIVE.sub("", _LEADING_THE.sub("", " ".join(text.split())))
    return text.strip(" ,;:")


def strip_titles(name: str) -> str:
    """Leading titles and roles removed from a person's name: "Treasurer Lena Whitcombe" ->
    "Lena Whitcombe" (titles from rules/speech.yaml; the last word always stays)."""
    words = name.split()
    titles = speech_lexicon().titles
    while len(words) > 1 and words[0].lower().strip(".") in titles:
        words.pop(0)
    return " ".join(words)


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str
    name: str
    cluster: Cluster | None = None

    @property
    def words(self) -> list[str]:
        return self.name.split()


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    name_matched: set[int] = field(default_factory=set)  # ids of mentions joined by name match
    # (name, label, entity_id) once clustering is done (finalise): quote attribution asks for them
    # thousands of times an article, and each answer is a vote over the mentions and a hash.
    final: tuple[str, str, str] | None = field(default=None, repr=False, compare=False)

    def finalise(self) -> None:
        self.final = None
        self.final = (self.name, self.label, self.entity_id)

    @property
    def name(self) -> str:
        if self.final is not None:
            return self.final[0]
        longest = max((m.name for m in self.mentions), key=lambda n: (len(n.split()), len(n)))
        return strip_titles(longest) if self.label == "PERSON" else longest

    @property
    def label(self) -> str:
        if self.final is not None:
            return self.final[1]
        full = max((m.name for m in self.mentions), key=lambda n: (len(n.split()), len(n)))
        if len(full.split()) > 1 and full.split()[-1].lower() in org_suffixes():
            return "ORG"  # "Tidemark Terminals", "Skylark Air": the name says what it is
        votes: Counter[str] = Counter()
        for m in self.mentions:
            votes["PERSON" if id(m) in self.name_matched else m.label] += 1
        return max(votes, key=lambda lab: (votes[lab], -LABEL_PRIORITY.index(lab)))

    @property
    def entity_id(self) -> str:
        if self.final is not None:
            return self.final[2]
        return stable_id(self.label, self.name)

    def words(self) -> tuple[str, str]:
        full = max((m for m in self.mentions if len(m.words) > 1), key=lambda m: len(m.words), default=None)
        if full is None:
            return ("", "")
        return (full.words[0], full.words[-1])


def role_of(cluster: Cluster, doc: Doc) -> str | None:
    """A person's role as the article gives it: title words stripped from a mention ("Treasurer
    Lena Whitcombe"), capitalised title words right before a mention ("Secretary of State Antony
    Blinken", "Russian Foreign Minister Sergey Lavrov"), else a comma-set apposition ("Lavrov, a
    veteran in international diplomacy,")."""
    if cluster.label != "PERSON":
        return None
    for m in sorted(cluster.mentions, key=lambda m: m.start):
        stripped = normalise_name(m.text).split()[: -len(m.name.split()) or None]
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        words: list[str] = []
        i = span.start - 1
        titles = speech_lexicon().titles
        while (
            i >= 0
            and (
                doc[i].is_title
                or (doc[i].is_upper and len(doc[i]) > 1)
                or (doc[i].lower_ in {"of", "for"} and words)
            )
            and (not doc[i].is_sent_start or doc[i].lower_ in titles)
            and doc[i].ent_type_ in {"", "NORP", "ORG", "GPE"}
            and doc[i].pos_ != "PRON"
        ):
            words.insert(0, doc[i].text)
            i -= 1
        while words and words[0].lower() in {"of", "for"}:
            words.pop(0)
        role = " ".join(words + stripped).strip()
        if role:
            return role
    for m in cluster.mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        for child in span.root.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                # The apposition runs to the comma (or the end of its subtree) that closes it.
                end = child.left_edge.i
                while end <= child.right_edge.i and not doc[end].is_punct:
                    end += 1
                if end > child.left_edge.i:
                    return doc[child.left_edge.i : end].text
    return None


@dataclass
class EntityAnalysis:
    mentions: list[Mention]  # in order, never overlapping (spaCy's entities)
    clusters: list[Cluster]

    @cached_property
    def starts(self) -> list[int]:
        """Each mention's start, in order (mentions are looked up by offset thousands of times)."""
        return [m.start for m in self.mentions]

    def cluster_at(self, char: int) -> Cluster | None:
        i = bisect_right(self.starts, char) - 1
        if i >= 0 and char < self.mentions[i].end:
            return self.mentions[i].cluster
        return None

    def person_by_word(self, word: str, before: int | None = None) -> Cluster | None:
        """The PERSON cluster whose full name starts or ends with `word` (nearest full-name
        mention before `before` when several match)."""
        word = normalise_name(word)
        best = None
        for cluster in self.clusters:
            if cluster.label != "PERSON":
                continue
            first, last = cluster.words()
            if word and word in (first, last):
                starts = [m.start for m in cluster.mentions if before is None or m.start < before]
                key = max(starts) if starts else -1
                if best is None or key > best[0]:
                    best = (key, cluster)
        return best[1] if best else None


def analyse_entities(doc: Doc) -> EntityAnalysis:
    from spacy.tokens import Span

    mentions = []
    cues = speech_lexicon().direct_cues
    for ent in doc.ents:
        while len(ent) > 1 and ent.label_ == "PERSON" and _is_cue_word(ent[0].lower_, cues):
            # "Stated Warrick Obi:": the reporting verb is not part of the name.
            ent = Span(doc, ent.start + 1, ent.end, label=ent.label_)
        name = normalise_name(ent.text)
        if ent.label_ not in NAMED_LABELS or not name:
            continue
        if ent.label_ == "PERSON":
            name = strip_titles(name)
        mentions.append(Mention(ent.start_char, ent.end_char, ent.text, ent.label_, name))
    clusters: list[Cluster] = []
    by_name: dict[str, Cluster] = {}

    def join_own_name(m: Mention) -> None:
        cluster = by_name.get(m.name.lower())
        if cluster is None:
            cluster = by_name[m.name.lower()] = Cluster()
            clusters.append(cluster)
        cluster.mentions.append(m)
        m.cluster = cluster

    # Pass 1: full names (several words) found the clusters.
    for m in mentions:
        if len(m.words) > 1:
            join_own_name(m)
    # Pass 2: one-word mentions join a person's full name, else their own name's cluster.
    full_names = _full_names(clusters)
    for m in mentions:
        if m.cluster is not None:
            continue
        target = _full_name_for(m, full_names)
        if target is None:
            join_own_name(m)
            continue
        target.mentions.append(m)
        target.name_matched.add(id(m))
        m.cluster = target
    for cluster in clusters:
        cluster.finalise()
    return EntityAnalysis(mentions, clusters)


def _is_cue_word(word: str, cues: frozenset[str]) -> bool:
    """A reporting verb in any regular form (state, stated, states): the model, which tags a
    capitalised "Stated" as a proper noun, gives it no lemma."""
    return any(form in cues for form in (word, word[:-1], word[:-2], word[:-3]) if len(form) > 2)


def _full_names(clusters: list[Cluster]) -> dict[str, tuple[list[int], list[Cluster]]]:
    """First or last word -> (starts, clusters) of the multi-word PERSON mentions with that word,
    in text order: what one-word mentions join (_full_name_for), looked up by word."""
    found: dict[str, list[tuple[int, Cluster]]] = {}
    for cluster in clusters:
        for x in cluster.mentions:
            if len(x.words) > 1 and x.label == "PERSON":
                for word in {x.words[0], x.words[-1]}:
                    found.setdefault(word, []).append((x.start, cluster))
    return {
        word: ([start for start, _ in pairs], [cluster for _, cluster in pairs])
        for word, pairs in ((w, sorted(p, key=lambda pair: pair[0])) for w, p in found.items())
    }


def _full_name_for(m: Mention, full_names: dict[str, tuple[list[int], list[Cluster]]]) -> Cluster | None:
    """Nearest (preceding first, else following) multi-word PERSON mention whose first or last
    word equals this one-word mention."""
    if m.name not in full_names:
        return None
    starts, clusters = full_names[m.name]
    i = bisect_right(starts, m.start)
    return clusters[i - 1] if i > 0 else clusters[0]
