"""spaCy's attribute ruler, compiled: the model's own patterns and attributes, applied with the same
result for every token, found by a table lookup instead of spaCy's Matcher.

The attribute ruler of the English pipelines (en_core_web_sm: 179 patterns) maps each token's
fine-grained tag to its part of speech and morphology, with exceptions by word and dependency
("but" as an adverb, "i" as a subject, "gon na"). spaCy runs its Matcher over every token, and the
patterns' IN / NOT_IN / REGEX predicates are Python calls: 11-13% of the whole pipeline's time on
real news, more than the tagger and the parser's own transitions. Which single-token patterns match
a token depends only on a few of its attributes (tag, lowercase form, dependency, whether it is
space), so the matches are worked out once per such combination and looked up after; patterns of
several tokens are checked from their first token's entry. The attributes set are the ruler's own,
applied in its order (later patterns win), so the Doc is the same, token for token
(tests/transforms/test_attribute_ruler.py compares every token's annotation with spaCy's).

A model whose ruler uses something this does not handle (another token attribute, an operator such
as "OP") keeps spaCy's: `compile_attribute_ruler` says why and changes nothing."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

FACTORY = "wirehouse_attribute_ruler"
# Pattern keys handled, with the spaCy attribute each is matched on (TEXT is ORTH).
KEYS = {
    "TAG": "TAG",
    "LOWER": "LOWER",
    "ORTH": "ORTH",
    "TEXT": "ORTH",
    "NORM": "NORM",
    "DEP": "DEP",
    "IS_SPACE": "IS_SPACE",
}
BOOLEAN_KEYS = {"IS_SPACE"}
# Keys a token pattern can be looked up by (an exact value or IN values), first found wins.
INDEX_KEYS = ("LOWER", "ORTH", "TEXT", "NORM", "TAG", "DEP")
# Distinct attribute combinations remembered; past it the table starts again (a long `serve`).
MAX_REMEMBERED = 200_000

Value = str | bool
Predicate = Callable[[Value], bool]


class Unsupported(ValueError):
    """The ruler's patterns use something the compiled form does not handle."""


def _predicate(key: str, spec: Any) -> Predicate:
    """A token pattern's test on one attribute, as spaCy's Matcher does it: equality, IN, NOT_IN,
    REGEX (re.search on the string)."""
    if isinstance(spec, dict):
        tests = [_operator(key, op, value) for op, value in spec.items()]
        return lambda v: all(test(v) for test in tests)
    if isinstance(spec, bool) if key in BOOLEAN_KEYS else isinstance(spec, str):
        return functools.partial(operator.eq, spec)
    raise Unsupported(f"the value {spec!r} of {key}")


def _operator(key: str, op: str, value: Any) -> Predicate:
    if op in ("IN", "NOT_IN"):
        values = frozenset(value)
        return values.__contains__ if op == "IN" else lambda v: v not in values
    if op == "REGEX" and key not in BOOLEAN_KEYS:
        pattern = re.compile(value)
        return lambda v: pattern.search(str(v)) is not None
    raise Unsupported(f"the operator {op!r} on {key}")


class _TokenPattern:
    """One token of one pattern: its place, and its tests by position in the attribute row."""

    __slots__ = ("pattern", "position", "tests")

    def __init__(self, pattern: int, position: int, tests: list[tuple[int, Predicate]]):
        self.pattern, self.position, self.tests = pattern, position, tests


class CompiledAttributeRuler:
    """A pipeline component doing what the attribute ruler it was compiled from does."""

    def __init__(self, name: str = "attribute_ruler"):
        self.name = name
        self._empty()

    def _empty(self) -> None:
        self._attrs: list[dict] = []  # attribute id -> the normalised attributes it sets
        self._patterns: list[tuple[int, int, int]] = []  # pattern -> (attribute id, length, index)
        self._keys: list[str] = []  # the attribute row's keys
        self._index: dict[tuple[int, Value], list[_TokenPattern]] = {}
        self._always: list[_TokenPattern] = []  # token patterns with no exact value to look up by
        self._known: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}

    def compile(self, stock: Any) -> CompiledAttributeRuler:
        """Take the patterns and attributes of spaCy's AttributeRuler `stock`; raise Unsupported
        when they use something not handled here."""
        rules = stock.patterns  # attribute id i -> {"patterns": [...], "attrs": ..., "index": ...}
        self._empty()  # compiled again: nothing of before is kept
        self._attrs = list(stock.attrs)
        if len(rules) != len(self._attrs):
            raise Unsupported("patterns and attributes out of step")
        self._keys = sorted(
            {key for rule in rules for alt in rule["patterns"] for token in alt for key in token}
        )
        for key in self._keys:
            if key not in KEYS:
                raise Unsupported(f"the key {key!r}")
        position = {key: i for i, key in enumerate(self._keys)}
        for attr_id, rule in enumerate(rules):
            for alt in rule["patterns"]:
                length, index = len(alt), rule["index"]
                if not alt or not -length <= index < length:
                    raise Unsupported(f"the index {index} of a pattern of {length} tokens")
                pattern = len(self._patterns)
                self._patterns.append((attr_id, length, index % length))
                for j, token in enumerate(alt):
                    tests = [(position[key], _predicate(key, spec)) for key, spec in token.items()]
                    self._file(_TokenPattern(pattern, j, tests), token, position)
        return self

    def _file(self, entry: _TokenPattern, token: dict, position: dict[str, int]) -> None:
        for key in INDEX_KEYS:
            spec = token.get(key)
            if isinstance(spec, str):
                values: Iterable[str] = (spec,)
            elif isinstance(spec, dict) and set(spec) == {"IN"}:
                values = dict.fromkeys(spec["IN"])
            else:
                continue
            for value in values:
                self._index.setdefault((position[key], value), []).append(entry)
            return
        self._always.append(entry)

    def _matches(self, row: tuple[Value, ...]) -> tuple[tuple[int, int], ...]:
        """(pattern, position) of every token pattern a token with these attributes matches."""
        found = list(self._always)
        for i, value in enumerate(row):
            found.extend(self._index.get((i, value), ()))
        return tuple(
            sorted((e.pattern, e.position) for e in found if all(test(row[i]) for i, test in e.tests))
        )

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens._retokenize import set_token_attrs  # what spaCy's ruler applies with

        if not len(doc):
            return doc
        strings = doc.vocab.strings
        known = self._known
        if len(known) > MAX_REMEMBERED:
            known.clear()
        array = doc.to_array([KEYS[key] for key in self._keys]).astype("uint64")
        rows: list[list[int]] = array.reshape(len(doc), -1).tolist()  # one key gives a 1-D array
        boolean = [key in BOOLEAN_KEYS for key in self._keys]
        per_token = []
        for ids in rows:
            key = tuple(ids)
            matched = known.get(key)
            if matched is None:
                row = tuple(bool(v) if b else strings[v] for v, b in zip(ids, boolean, strict=True))
                matched = known[key] = self._matches(row)
            per_token.append(matched)
        applied: list[list[int]] = [[] for _ in rows]
        for start, matched in enumerate(per_token):
            for pattern, position in matched:
                if position:
                    continue
                attr_id, length, index = self._patterns[pattern]
                if length == 1 or (
                    start + length <= len(rows)
                    and all((pattern, j) in per_token[start + j] for j in range(1, length))
                ):
                    applied[start + index].append(attr_id)
        for i, attr_ids in enumerate(applied):
            for attr_id in sorted(attr_ids):  # spaCy's order: later patterns win
                set_token_attrs(doc[i], self._attrs[attr_id])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def _make(nlp: Language, name: str) -> CompiledAttributeRuler:
    return CompiledAttributeRuler(name)


def compile_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> str | None:
    """Replace the pipeline's attribute ruler `name` with its compiled form, in place. Returns
    None when done (or when there is none), else why it was kept as it is."""
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler

    stock = nlp.get_pipe(name) if name in nlp.pipe_names else None
    if not isinstance(stock, AttributeRuler):
        return None
    try:
        CompiledAttributeRuler(name).compile(stock)  # before anything changes
    except Unsupported as exc:
        return f"its patterns use {exc}"
    if not Language.has_factory(FACTORY):
        Language.factory(FACTORY, func=_make)
    compiled = nlp.replace_pipe(name, FACTORY)
    assert isinstance(compiled, CompiledAttributeRuler)
    compiled.compile(stock)
    return None
