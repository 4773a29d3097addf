"""The expectation suites, kept as data: one suite per staged table (suite name = table name).

Each :class:`Check` names a Great Expectations expectation type, its keyword arguments, a
plain-words description and our short rule id (``<table>.<what>``), which becomes the
quarantine reason of every article with a failing row.

Checks that compare a row with something outside the row (its article's body, the set of
article ids, ...) run on *derived* boolean columns added to the frame that GX validates:
the predicate is computed in pandas here, GX checks the column is in {True} and does the
counting. A derived value of null means "not applicable" (GX skips nulls in that
expectation): ``text_matches_body`` is null when the offsets are already invalid, so one
bad offset is reported once, as ``<table>.offsets_in_body``.

The residue check (``articles.no_ui_residue``) has a detector of its own, independent of the
cleaning rules: the UI phrases of ``expectations/ui_residue.yaml``, found anywhere in a body, and
the lines the run learned as boilerplate of the article's source (:attr:`Context.boilerplate`).

This module does not import Great Expectations (slow); :mod:`expectations.audit` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import pandas as pd
import yaml

from transforms.copies import NUM_PERM
from transforms.corpus import RULE_ID as BOILERPLATE
from transforms.corpus import line_hash, line_key
from transforms.records import ARTICLE_TABLES, TABLES, columns
from transforms.rules import removal_rule_ids

# GX expectation types used below.
NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_column_values_to_be_unique"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
LENGTHS_BETWEEN = "expect_column_value_lengths_to_be_between"

QUOTE_KINDS = ("direct", "partial", "indirect", "scare")
# Scare quotes, terms and titles are quotation marks that name, not quote: nobody said them.
UNATTRIBUTED_KINDS = frozenset({"scare"})
# A table gets the offset checks when its record has these columns.
OFFSET_COLUMNS = ("start_char", "end_char", "text")


@dataclass(frozen=True)
class Check:
    rule: str
    expectation: str
    description: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    # What a failing row holds back: its whole article (the default), or only the row itself,
    # named by this key column (a quote without a speaker is held alone; its article publishes).
    holds_row: str | None = None

    @property
    def suite(self) -> str:
        return self.rule.split(".", 1)[0]

    @property
    def column_name(self) -> str | None:
        if "column" in self.kwargs:
            return self.kwargs["column"]
        if "column_list" in self.kwargs:
            return ", ".join(self.kwargs["column_list"])
        return None

    def offending(self, frame: pd.DataFrame) -> pd.Series:
        """The rows of an audit frame (:func:`audit_frame`: the table's rows plus the derived
        columns) that this check fails, as a boolean mask: the rows GX counts as unexpected
        (GX skips nulls in every expectation type used here except not-null). Review shows these
        rows; a test holds the mask to GX's unexpected_count for every rule."""
        kw = self.kwargs
        if self.expectation == NOT_NULL:
            return frame[kw["column"]].isna()
        if self.expectation == UNIQUE:
            values = frame[kw["column"]]
            return values.notna() & values.duplicated(keep=False)
        if self.expectation == COMPOUND_UNIQUE:
            keys = frame[list(kw["column_list"])]
            return keys.notna().any(axis=1) & keys.duplicated(keep=False)
        values = frame[kw["column"]]
        present = values.notna()
        if self.expectation == IN_SET:
            return present & ~values.isin(kw["value_set"])
        if self.expectation == LENGTHS_BETWEEN:
            lengths = values.astype(str).str.len()
            too_short = lengths < kw["min_value"] if "min_value" in kw else False
            too_long = lengths > kw["max_value"] if "max_value" in kw else False
            return present & (too_short | too_long)
        raise ValueError(f"{self.rule}: no row predicate for {self.expectation}")


@dataclass(frozen=True)
class Context:
    """What a derived column may look at besides its own table."""

    bodies: Mapping[str, Any]  # article_id -> body (first article row with that id)
    article_ids: frozenset
    entity_keys: frozenset  # (article_id, entity_id) pairs of the entities table
    languages: frozenset = frozenset({"en"})  # languages the NLP stages support (a setting)
    max_article_chars: int | None = None  # characters a body may have (a setting); None: any
    # source -> line key hashes the run learned as that source's boilerplate
    # (transforms.corpus.LineCounter.learned); empty when the audit is not given them
    boilerplate: Mapping[str, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        tables: Mapping[str, pd.DataFrame],
        languages: frozenset = frozenset({"en"}),
        max_article_chars: int | None = None,
        boilerplate: Mapping[str, frozenset[int]] | None = None,
    ) -> Context:
        articles = tables["articles"]
        keyed = articles[articles["article_id"].notna()].drop_duplicates("article_id")
        entities = tables["entities"]
        return cls(
            bodies=dict(zip(keyed["article_id"], keyed["body"], strict=True)),
            article_ids=frozenset(keyed["article_id"]),
            entity_keys=frozenset(zip(entities["article_id"], entities["entity_id"], strict=True)),
            languages=frozenset(languages),
            max_article_chars=max_article_chars,
            boilerplate=boilerplate or {},
        )


@dataclass(frozen=True)
class Derived:
    """A helper column added to a table's frame before validation."""

    column: str
    compute: Callable[[pd.DataFrame, Context], list]
    dtype: Literal["boolean"] = "boolean"  # pandas nullable boolean: null = not applicable


# --- derived predicates (plain Python over the rows; the batch is small) -------------------------


def _offset(value: Any) -> int | None:
    """An offset as int, or None when missing or not a whole number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if pd.isna(value):
            return None
        as_int = int(value)
    except (TypeError, ValueError):
        return None
    return as_int if as_int == value else None


def _span(body: Any, start: Any, end: Any) -> tuple[int, int] | None:
    """(start, end) when 0 <= start < end <= len(body), else None."""
    s, e = _offset(start), _offset(end)
    if not isinstance(body, str) or s is None or e is None:
        return None
    return (s, e) if 0 <= s < e <= len(body) else None


def offsets_in_body(frame: pd.DataFrame, ctx: Context) -> list:
    # A row whose article is not in the batch has no body: its offsets cannot be valid.
    return [
        _span(ctx.bodies.get(a), s, e) is not None
        for a, s, e in zip(frame["article_id"], frame["start_char"], frame["end_char"], strict=True)
    ]


def text_matches_body(frame: pd.DataFrame, ctx: Context) -> list:
    out: list[bool | None] = []
    for a, s, e, text in zip(
        frame["article_id"], frame["start_char"], frame["end_char"], frame["text"], strict=True
    ):
        body = ctx.bodies.get(a)
        span = _span(body, s, e)
        if span is None:
            out.append(None)
        else:
            assert body is not None  # _span gives a span only within a str body
            out.append(body[span[0] : span[1]] == text)
    return out


def article_exists(frame: pd.DataFrame, ctx: Context) -> list:
    return [a in ctx.article_ids for a in frame["article_id"]]


def entity_exists(frame: pd.DataFrame, ctx: Context) -> list:
    return [key in ctx.entity_keys for key in zip(frame["article_id"], frame["entity_id"], strict=True)]


def speaker_present(frame: pd.DataFrame, ctx: Context) -> list:
    out: list[bool | None] = []
    for kind, speaker in zip(frame["kind"], frame["speaker"], strict=True):
        if isinstance(kind, str) and kind in UNATTRIBUTED_KINDS:
            out.append(None)  # not applicable
        else:
            out.append(isinstance(speaker, str) and bool(speaker))
    return out


def language_supported(frame: pd.DataFrame, ctx: Context) -> list:
    # Null language (too little text to tell) is not applicable: empty bodies fail on their own.
    return [
        None if lang is None or (not isinstance(lang, str) and pd.isna(lang)) else lang in ctx.languages
        for lang in frame["language"]
    ]


def length_within_limit(frame: pd.DataFrame, ctx: Context) -> list:
    # No limit, or no body (articles.body_not_null reports that): not applicable.
    limit = ctx.max_article_chars
    return [
        len(body) <= limit if limit is not None and isinstance(body, str) else None for body in frame["body"]
    ]


@dataclass(frozen=True)
class UiPhrase:
    """A UI phrase of expectations/ui_residue.yaml, with the examples a test runs."""

    id: str
    description: str
    pattern: str
    held: tuple[str, ...]
    passed: tuple[str, ...]


@lru_cache(maxsize=1)
def ui_phrases() -> tuple[UiPhrase, ...]:
    """The gate's UI phrases (ui_residue.yaml beside this module), validated."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("ui_residue.yaml").read_text("utf-8"))
    phrases = []
    for entry in raw["phrases"]:
        examples = entry.get("examples") or {}
        unknown = set(entry) - {"id", "description", "pattern", "examples"}
        unknown |= set(examples) - {"held", "passed"}
        if unknown:
            raise ValueError(f"UI phrase {entry.get('id')!r}: unknown keys {sorted(unknown)}")
        re.compile(entry["pattern"])  # fail at load time on a bad regex
        phrases.append(
            UiPhrase(
                entry["id"],
                entry["description"],
                entry["pattern"],
                tuple(examples.get("held", ())),
                tuple(examples.get("passed", ())),
            )
        )
    if len({p.id for p in phrases}) != len(phrases):
        raise ValueError("ui_residue.yaml: a phrase id is used twice")
    return tuple(phrases)


@lru_cache(maxsize=1)
def _ui_matcher() -> tuple[re.Pattern[str], list[str]]:
    """Every phrase as one named group of one alternation: one search a body."""
    phrases = ui_phrases()
    alternation = "|".join(f"(?P<p{i}>{p.pattern})" for i, p in enumerate(phrases))
    return re.compile(f"(?im){alternation}"), [p.id for p in phrases]


def ui_residue(body: str, boilerplate: frozenset[int] = frozenset()) -> str | None:
    """What UI residue a body holds, by the gate's own detector: the id of the first UI phrase
    found anywhere in it, else corpus-boilerplate when one of its lines is among the learned
    boilerplate (line key hashes of its source), else None."""
    found = ui_residue_span(body, boilerplate)
    return None if found is None else found[0]


def ui_residue_span(body: str, boilerplate: frozenset[int] = frozenset()) -> tuple[str, int, int] | None:
    """ui_residue with where it stands: (rule id, start, end) of the first UI phrase found in the
    body, else of its first line among the learned boilerplate; None when the body holds none
    (what the quality report highlights for articles.no_ui_residue)."""
    matcher, ids = _ui_matcher()
    found = matcher.search(body)
    if found is not None:
        assert found.lastgroup is not None  # every alternative is a named group
        return ids[int(found.lastgroup[1:])], found.start(), found.end()
    if boilerplate:
        start = 0
        for with_end in body.splitlines(keepends=True):
            line = with_end.splitlines()[0]
            if line_hash(line_key(line)) in boilerplate:
                return BOILERPLATE, start, start + len(line)
            start += len(with_end)
    return None


def ui_residue_free(frame: pd.DataFrame, ctx: Context) -> list:
    out: list[bool | None] = []
    for body, source in zip(frame["body"], frame["source"], strict=True):
        if not isinstance(body, str):
            out.append(None)  # a missing body is reported by articles.body_not_null
            continue
        learned = ctx.boilerplate.get(source, frozenset()) if isinstance(source, str) else frozenset()
        out.append(ui_residue(body, learned) is None)
    return out


def n_chars_matches(frame: pd.DataFrame, ctx: Context) -> list:
    out: list[bool | None] = []
    for body, n in zip(frame["body"], frame["n_chars"], strict=True):
        if body is None or (not isinstance(body, str) and pd.isna(body)):
            out.append(None)  # a missing body is reported by articles.body_not_null
        else:
            out.append(isinstance(body, str) and _offset(n) == len(body))
    return out


def signature_well_formed(frame: pd.DataFrame, ctx: Context) -> list:
    """A signature of NUM_PERM uint32 and a positive shingle count."""
    return [
        isinstance(sig, bytes) and len(sig) == 4 * NUM_PERM and (_offset(n) or 0) > 0
        for sig, n in zip(frame["signature"], frame["n_shingles"], strict=True)
    ]


# --- check builders ------------------------------------------------------------------------------


def _derived_true(table: str, derived: Derived, what: str, description: str) -> tuple[Derived, Check]:
    return derived, Check(
        f"{table}.{what}", IN_SET, description, {"column": derived.column, "value_set": [True]}
    )


def offset_checks(table: str, noun: str) -> list[tuple[Derived, Check]]:
    """The offset checks, shared by every table with start_char/end_char/text."""
    return [
        _derived_true(
            table,
            Derived("offsets_in_body", offsets_in_body),
            "offsets_in_body",
            f"every {noun} lies inside its article's body: 0 <= start_char < end_char <= len(body)",
        ),
        _derived_true(
            table,
            Derived("text_matches_body", text_matches_body),
            "text_matches_body",
            f"every {noun}'s text equals body[start_char:end_char]",
        ),
    ]


def _held_alone(item: tuple[Derived, Check], key: str) -> tuple[Derived, Check]:
    """A check whose failing rows are held one by one (by their key column), not their article."""
    derived, check = item
    return derived, replace(check, holds_row=key)


def _article_exists(table: str, noun: str) -> tuple[Derived, Check]:
    return _derived_true(
        table,
        Derived("article_exists", article_exists),
        "article_exists",
        f"every {noun} belongs to an article of the batch",
    )


def _not_null(table: str, column: str, description: str) -> Check:
    return Check(f"{table}.{column}_not_null", NOT_NULL, description, {"column": column})


def _key_unique(table: str, index_column: str, description: str) -> Check:
    return Check(
        f"{table}.{index_column}_unique",
        COMPOUND_UNIQUE,
        description,
        {"column_list": ["article_id", index_column]},
    )


# Singular noun of each child table, for descriptions.
NOUNS = {
    "paragraphs": "paragraph",
    "sentences": "sentence",
    "entities": "entity",
    "mentions": "mention",
    "quotes": "quote",
    "residue": "residue line",
    "minhashes": "signature",
}


def _suite_items() -> dict[str, list]:
    """Per table: its Derived columns and Checks, in report order."""
    items: dict[str, list] = {
        "articles": [
            _not_null("articles", "article_id", "every article has an id"),
            Check(
                "articles.article_id_unique", UNIQUE, "no two articles share an id", {"column": "article_id"}
            ),
            _not_null("articles", "body", "every article has a body"),
            Check(
                "articles.body_not_empty",
                LENGTHS_BETWEEN,
                "no article body is empty",
                {"column": "body", "min_value": 1},
            ),
            _derived_true(
                "articles",
                Derived("ui_residue_free", ui_residue_free),
                "no_ui_residue",
                "no body holds UI residue anywhere, by the gate's own detector (not the cleaning rules): "
                "a phrase of expectations/ui_residue.yaml, or a line the run learned as its source's "
                "boilerplate",
            ),
            _derived_true(
                "articles",
                Derived("n_chars_matches", n_chars_matches),
                "n_chars_matches_body",
                "n_chars equals the length of body",
            ),
            _derived_true(
                "articles",
                Derived("language_supported", language_supported),
                "language_supported",
                "the body's language is one the NLP stages support (WIREHOUSE_LANGUAGES, default en)",
            ),
            _derived_true(
                "articles",
                Derived("length_within_limit", length_within_limit),
                "length_within_limit",
                "the body is at most WIREHOUSE_MAX_ARTICLE_CHARS characters long (a longer one is held "
                "whole, not analysed)",
            ),
        ],
        "paragraphs": [
            _key_unique("paragraphs", "paragraph_index", "paragraph_index is unique within an article"),
        ],
        "sentences": [
            _key_unique("sentences", "sentence_index", "sentence_index is unique within an article"),
        ],
        "entities": [
            _key_unique("entities", "entity_id", "an entity appears once per article"),
            _not_null("entities", "name", "every entity has a name"),
            _not_null("entities", "label", "every entity has a label"),
        ],
        "mentions": [
            _key_unique("mentions", "mention_index", "mention_index is unique within an article"),
            _derived_true(
                "mentions",
                Derived("entity_exists", entity_exists),
                "entity_exists",
                "every mention's entity_id is an entity of its article",
            ),
        ],
        "quotes": [
            Check("quotes.quote_id_unique", UNIQUE, "no two quotes share an id", {"column": "quote_id"}),
            _held_alone(
                _derived_true(
                    "quotes",
                    Derived("speaker_present", speaker_present),
                    "speaker_not_null",
                    "every quote has a speaker (scare quotes, terms and titles excepted)",
                ),
                "quote_id",
            ),
            _not_null("quotes", "kind", "every quote has a kind"),
            Check(
                "quotes.kind_known",
                IN_SET,
                "quote kind is direct, partial, indirect or scare",
                {"column": "kind", "value_set": list(QUOTE_KINDS)},
            ),
        ],
        "residue": [
            _not_null("residue", "rule_id", "every removed line names the rule that removed it"),
            Check(
                "residue.rule_id_known",
                IN_SET,
                "every residue rule_id is a rule of residue.yaml or line_rules.yaml",
                {"column": "rule_id", "value_set": removal_rule_ids()},
            ),
        ],
        "minhashes": [
            Check(
                "minhashes.article_id_unique",
                UNIQUE,
                "an article has one signature",
                {"column": "article_id"},
            ),
            _derived_true(
                "minhashes",
                Derived("signature_well_formed", signature_well_formed),
                "signature_well_formed",
                f"every signature holds {NUM_PERM} hash values of a body with words",
            ),
        ],
    }
    for table, noun in NOUNS.items():
        items[table].append(_article_exists(table, noun))
        if set(OFFSET_COLUMNS) <= set(columns(TABLES[table])):
            items[table].extend(offset_checks(table, noun))
    return items


@dataclass(frozen=True)
class Suite:
    name: str  # = table name
    checks: tuple[Check, ...]
    derived: tuple[Derived, ...]

    @property
    def record(self) -> type:
        return TABLES[self.name]


@lru_cache(maxsize=1)
def suites() -> dict[str, Suite]:
    """table -> Suite, for every article table (ARTICLE_TABLES), built once."""
    out = {}
    for table, entries in _suite_items().items():
        checks, derived = [], []
        for entry in entries:
            if isinstance(entry, tuple):
                derived.append(entry[0])
                checks.append(entry[1])
            else:
                checks.append(entry)
        record_columns = set(columns(TABLES[table]))
        clash = {d.column for d in derived} & record_columns
        if clash:
            raise ValueError(f"derived column(s) {sorted(clash)} of {table} shadow record columns")
        rules = [c.rule for c in checks]
        if len(rules) != len(set(rules)):
            raise ValueError(f"suite {table}: a rule id is used twice")
        if any(c.suite != table for c in checks):
            raise ValueError(f"suite {table}: a rule id does not start with {table}.")
        out[table] = Suite(table, tuple(checks), tuple(derived))
    if set(out) != set(ARTICLE_TABLES):
        raise ValueError(f"suites {sorted(out)} do not match the article tables {ARTICLE_TABLES}")
    return {table: out[table] for table in ARTICLE_TABLES}


def audit_frame(suite: Suite, frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """The frame GX validates: the table's rows (fresh 0..n-1 index) plus the derived columns."""
    out = frame.reset_index(drop=True)
    if suite.derived:
        out = out.copy(deep=False)
        for derived in suite.derived:
            out[derived.column] = pd.array(derived.compute(out, ctx), dtype=derived.dtype)
    return out


def check_of(rule: str) -> Check:
    """The check declared under a rule id; KeyError for an unknown one."""
    return _checks_by_rule()[rule]


@lru_cache(maxsize=1)
def _checks_by_rule() -> dict[str, Check]:
    return {c.rule: c for s in suites().values() for c in s.checks}


def offending_rows(rule: str, tables: Mapping[str, pd.DataFrame], ctx: Context) -> pd.DataFrame:
    """The rows of `tables` (one frame per article table, as audited) that fail `rule`, with the
    table's own columns: what the audit counted against them."""
    check = check_of(rule)
    suite = suites()[check.suite]
    frame = tables[suite.name].reset_index(drop=True)
    mask = check.offending(audit_frame(suite, frame, ctx))
    return frame[mask.to_numpy(dtype=bool)]


def rule_ids() -> list[str]:
    """Every rule id, in report order."""
    return [c.rule for s in suites().values() for c in s.checks]


def describe() -> list[dict[str, Any]]:
    """The suites as plain rows (for docs and reports)."""
    return [
        {
            "suite": s.name,
            "rule": c.rule,
            "expectation": c.expectation,
            "column_name": c.column_name,
            "description": c.description,
            "holds": f"the {NOUNS[s.name]}" if c.holds_row else "the article",
        }
        for s in suites().values()
        for c in s.checks
    ]


__all__ = [
    "QUOTE_KINDS",
    "Check",
    "Context",
    "Derived",
    "Suite",
    "audit_frame",
    "check_of",
    "describe",
    "offending_rows",
    "offset_checks",
    "rule_ids",
    "suites",
    "ui_phrases",
    "ui_residue",
    "ui_residue_span",
]
