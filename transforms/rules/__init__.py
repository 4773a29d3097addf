"""Rules kept as data (YAML files beside this module), loaded once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

from transforms.marks import pair_marks

# A line's leading bullet and whitespace are not part of what a rule matches.
LINE_PREFIX = r"[\s•·*‣◦▪–—-]*"
# Where a sentence ends inside a line: terminal punctuation, closing marks, then a space.
_SENTENCE_GAP = re.compile(r"[.!?…][\"”’')\]]*\s+")


@dataclass(frozen=True)
class ResidueRule:
    id: str
    description: str
    pattern: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    # The rule's phrase as a sentence inside a line of prose (a regex), for the rules whose
    # phrase is residue wherever it stands as a sentence of its own; None: whole lines only.
    inline: str | None = None
    # (line, what is left of it once the residue sentences are removed)
    inline_examples: tuple[tuple[str, str], ...] = ()

    @property
    def line_regex(self) -> str:
        """The rule as one whole-line regex, usable on a multi-line body (re.MULTILINE)."""
        return rf"(?im)^{LINE_PREFIX}(?:{self.pattern})\s*$"

    @property
    def compiled(self) -> re.Pattern[str]:
        return _compile(self.line_regex)


@cache
def _compile(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


@lru_cache(maxsize=1)
def residue_rules() -> tuple[ResidueRule, ...]:
    """The residue rule library from residue.yaml, validated (unknown keys are errors)."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("residue.yaml").read_text("utf-8"))
    rules = []
    seen = set()
    for entry in raw["rules"]:
        unknown = set(entry) - {"id", "description", "pattern", "inline", "examples"}
        if unknown:
            raise ValueError(f"residue rule {entry.get('id')!r}: unknown keys {sorted(unknown)}")
        if entry["id"] in seen:
            raise ValueError(f"residue rule id {entry['id']!r} is defined twice")
        seen.add(entry["id"])
        examples = entry.get("examples") or {}
        unknown = set(examples) - {"positive", "negative", "inline"}
        if unknown:
            raise ValueError(f"residue rule {entry['id']!r}: unknown example keys {sorted(unknown)}")
        if bool(entry.get("inline")) != bool(examples.get("inline")):
            raise ValueError(f"residue rule {entry['id']!r}: inline examples go with an inline pattern")
        rule = ResidueRule(
            id=entry["id"],
            description=entry["description"],
            pattern=entry["pattern"],
            positive=tuple(examples.get("positive", ())),
            negative=tuple(examples.get("negative", ())),
            inline=entry.get("inline"),
            inline_examples=tuple((line, kept) for line, kept in examples.get("inline", ())),
        )
        _ = rule.compiled  # fail at load time on a bad regex
        if rule.inline is not None:
            re.compile(rule.inline)
        rules.append(rule)
    return tuple(rules)


def match_residue(line: str) -> ResidueRule | None:
    """The first rule that matches this whole line, or None."""
    matcher, rule_of_group = _residue_matcher()
    match = matcher.match(line)
    if not match:
        return None
    # Every alternative is one outer group, so a match always closes one.
    assert match.lastindex is not None
    return rule_of_group[match.lastindex]


@lru_cache(maxsize=1)
def _residue_matcher() -> tuple[re.Pattern[str], dict[int, ResidueRule]]:
    """Every rule's whole-line regex as one alternation, tried in file order: the first rule
    that matches wins, as when trying them one by one, at one regex call a line."""
    alternatives, rule_of_group = _alternation(
        (rule, f"{LINE_PREFIX}(?:{rule.pattern})\\s*$") for rule in residue_rules()
    )
    return re.compile(f"(?im)^(?:{alternatives})"), rule_of_group


def _alternation(
    rule_patterns: Iterable[tuple[ResidueRule, str]],
) -> tuple[str, dict[int, ResidueRule]]:
    """Regexes as one alternation in which each rule's is one outer group (the last group a
    match closes), and rule_of_group mapping each such group's number to its rule."""
    alternatives = []
    rule_of_group: dict[int, ResidueRule] = {}
    group = 1
    for rule, pattern in rule_patterns:
        alternatives.append(f"({pattern})")
        rule_of_group[group] = rule
        group += 1 + re.compile(pattern).groups
    return "|".join(alternatives), rule_of_group


def residue_sentences(line: str) -> list[tuple[int, int, ResidueRule]]:
    """The UI residue sentences inside one normalised line that no rule removes whole, by the
    rules' inline patterns (file order, the first that matches wins), as [start, end) spans with
    their rule, in order. A residue sentence starts the line (after a bullet) or follows the end
    of a sentence, is followed by the line's end or by a sentence (not by a lower-case word going
    on with it), and stands outside quotation marks: quoted words are what someone said."""
    matcher, rule_of_group = _sentence_matcher()
    if not rule_of_group or matcher.search(line) is None:  # a quick no for nearly every line
        return []
    quotations = pair_marks(line)
    spans: list[tuple[int, int, ResidueRule]] = []
    for start in (0, *(gap.end() for gap in _SENTENCE_GAP.finditer(line))):
        if spans and start < spans[-1][1]:
            continue
        match = matcher.match(line, start)
        if match is None or any(q.open < start <= q.end for q in quotations):
            continue
        following = line[match.end() :]
        if following.strip() and not (following[0].isspace() and not following.lstrip()[0].islower()):
            continue
        assert match.lastindex is not None  # each rule is one outer group
        spans.append((start, match.end(), rule_of_group[match.lastindex]))
    return spans


@lru_cache(maxsize=1)
def _sentence_matcher() -> tuple[re.Pattern[str], dict[int, ResidueRule]]:
    """The rules' inline patterns as one alternation, matched where a sentence starts."""
    alternatives, rule_of_group = _alternation(
        (rule, rule.inline) for rule in residue_rules() if rule.inline is not None
    )
    return re.compile(f"(?i){LINE_PREFIX}(?:{alternatives})"), rule_of_group


@dataclass(frozen=True)
class SpeechLexicon:
    direct_cues: frozenset[str]
    indirect_cues: frozenset[str]
    attitude_cues: frozenset[str]
    object_cues: frozenset[str]
    preposition_cues: frozenset[tuple[str, str]]
    adjective_cues: frozenset[str]
    reporting_nouns: frozenset[str]
    person_descriptions: frozenset[str]
    org_descriptions: frozenset[str]
    titles: frozenset[str]
    spokesperson_nouns: frozenset[str]
    document_nouns: frozenset[str]
    naming_markers: frozenset[str]


@lru_cache(maxsize=1)
def speech_lexicon() -> SpeechLexicon:
    """Reporting verbs (by lemma) and speaker-describing nouns from speech.yaml."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("speech.yaml").read_text("utf-8"))
    expected = {
        "direct",
        "indirect",
        "attitude",
        "indirect_objects",
        "indirect_prepositions",
        "indirect_adjectives",
        "reporting_nouns",
        "person_descriptions",
        "org_descriptions",
        "titles",
        "spokesperson_nouns",
        "document_nouns",
        "naming_markers",
    }
    if set(raw) != expected:
        raise ValueError(f"speech.yaml: expected keys {sorted(expected)}, got {sorted(raw)}")
    return SpeechLexicon(
        direct_cues=frozenset(raw["direct"]),
        indirect_cues=frozenset(raw["indirect"]),
        attitude_cues=frozenset(raw["attitude"]),
        object_cues=frozenset(raw["indirect_objects"]),
        preposition_cues=frozenset(tuple(p.split()) for p in raw["indirect_prepositions"]),
        adjective_cues=frozenset(raw["indirect_adjectives"]),
        reporting_nouns=frozenset(raw["reporting_nouns"]),
        person_descriptions=frozenset(raw["person_descriptions"]),
        org_descriptions=frozenset(raw["org_descriptions"]),
        titles=frozenset(raw["titles"]),
        spokesperson_nouns=frozenset(raw["spokesperson_nouns"]),
        document_nouns=frozenset(raw["document_nouns"]),
        naming_markers=frozenset(raw["naming_markers"]),
    )


@lru_cache(maxsize=1)
def line_rules() -> dict[str, str]:
    """Heuristic and statistical line-removal rules (line_rules.yaml): id -> description."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("line_rules.yaml").read_text("utf-8"))
    result: dict[str, str] = {}
    for entry in raw["rules"]:
        if set(entry) != {"id", "description"}:
            raise ValueError(
                f"line rule {entry.get('id')!r}: expected keys id and description, got {sorted(entry)}"
            )
        if entry["id"] in result or entry["id"] in {r.id for r in residue_rules()}:
            raise ValueError(f"line rule id {entry['id']!r} is defined twice")
        result[entry["id"]] = entry["description"]
    return result


def removal_rule_ids() -> list[str]:
    """Every id a cleaner may record in the residue table."""
    return [r.id for r in residue_rules()] + list(line_rules())


@lru_cache(maxsize=1)
def org_suffixes() -> frozenset[str]:
    """Last words of organisation names (entities.yaml), lowercased."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("entities.yaml").read_text("utf-8"))
    if set(raw) != {"org_suffixes"}:
        raise ValueError(f"entities.yaml: expected the key org_suffixes, got {sorted(raw)}")
    return frozenset(w.lower() for w in raw["org_suffixes"])
