"""Validate a staged batch with Great Expectations (GX Core 1.x) on pandas frames.

GX runs on pandas, not on the DuckDB file: GX over DuckDB SQL fails every expectation (see
STACK_NOTES.md). The GX context, its pandas data source, one dataframe asset + batch definition
per table and the suites are built once per process (``import great_expectations`` alone costs
~2.5 s); each :func:`audit_batch` call only hands new frames to the cached batch definitions.

Each suite is validated once with result_format BASIC (success, element_count, unexpected_count:
these are the outcomes). Only an expectation that failed is validated again, alone, with
COMPLETE and ``unexpected_index_column_names=["article_id"]``, and its unexpected rows are mapped
to article ids from GX's own ``unexpected_index_list``. On the pandas engine GX 1.24 returns
that list uncapped in COMPLETE mode (``unexpected_list``, the failing *values*, is capped at 200,
and ``exclude_unexpected_values`` keeps them out of the result altogether); the audit checks
the list has exactly ``unexpected_count`` entries and raises :class:`AuditError` if a GX upgrade
changes that. Data Docs are never built: they would write scraped text into HTML unescaped.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from expectations.results import AuditResult, ExpectationOutcome
from expectations.suites import Context, audit_frame, suites
from transforms.records import columns

DATASOURCE_NAME = "wirehouse_staged"
BATCH_DEFINITION_NAME = "whole_frame"

# First pass, whole suite: success and counts only (GX plans every metric per expectation, which
# costs ~15-25 ms each whatever the data size; BASIC skips the row-list metrics).
SUMMARY_FORMAT: dict[str, Any] = {"result_format": "BASIC"}
# Second pass, only for the expectations that failed: COMPLETE, the whole unexpected_index_list.
# exclude_unexpected_values: the list holds only the article ids (one {"article_id": [...]} entry),
# never the failing text itself.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["article_id"],
    "exclude_unexpected_values": True,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}


class AuditError(RuntimeError):
    """The audit itself could not run (bad input frames, an expectation raised, GX changed)."""


@dataclass
class _Runtime:
    context: Any  # great_expectations EphemeralDataContext
    batch_definitions: dict[str, Any]  # table -> BatchDefinition
    gx_suites: dict[str, Any]  # table -> ExpectationSuite
    gx_expectations: dict[str, Any]  # rule id -> Expectation (a member of its suite)


_lock = threading.Lock()  # a GX context is not meant to be shared between threads


# Modules GX imports at start-up for expectations these suites never use (the distribution
# tests' `from scipy import stats`: ~0.5 s of the ~2.3 s GX costs a process). They are imported
# lazily: the module object exists, and is executed on first use of one of its attributes.
DEFERRED_IMPORTS = ("scipy.stats",)


def _defer(name: str) -> None:
    """Make `name` a lazily executed module (importlib.util.LazyLoader) unless it is loaded."""
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        # Bound on its package too, as an import would: `from scipy import stats` then takes it
        # from there, without the import system's look at the module (which would execute it).
        setattr(sys.modules[parent], child, module)


@lru_cache(maxsize=1)
def _runtime() -> _Runtime:
    for name in DEFERRED_IMPORTS:
        _defer(name)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.registry import get_expectation_impl

    # GX logs at INFO on context creation ("Created temporary directory ... for ephemeral docs
    # site"); a clean run prints nothing of that.
    # GX sets INFO on some of its own module loggers, so the parent's level is not enough.
    for name in ["great_expectations", *logging.root.manager.loggerDict]:
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    # TQDM_DISABLE is not honoured by GX; this is.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(name=DATASOURCE_NAME)
    batch_definitions, gx_suites, gx_expectations = {}, {}, {}
    for table, suite in suites().items():
        asset = source.add_dataframe_asset(name=table)
        batch_definitions[table] = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)
        expectations = [
            get_expectation_impl(check.expectation)(
                **check.kwargs, description=check.description, meta={"rule": check.rule}
            )
            for check in suite.checks
        ]
        gx_suites[table] = gx.ExpectationSuite(name=table, expectations=expectations)
        for e in gx_suites[table].expectations:
            assert e.meta is not None  # built above with meta={"rule": ...}
            gx_expectations[e.meta["rule"]] = e
    return _Runtime(context, batch_definitions, gx_suites, gx_expectations)


def warm_up() -> None:
    """Import GX and build the context now (a flow can call this at start-up)."""
    with _lock:
        _runtime()


def _check_input(tables: Mapping[str, pd.DataFrame]) -> None:
    missing_tables = [t for t in suites() if t not in tables]
    if missing_tables:
        raise AuditError(f"audit_batch: missing table(s) {missing_tables}")
    for table, suite in suites().items():
        frame = tables[table]
        if not isinstance(frame, pd.DataFrame):
            raise AuditError(f"audit_batch: {table} is a {type(frame).__name__}, not a DataFrame")
        missing = [c for c in columns(suite.record) if c not in frame.columns]
        if missing:
            raise AuditError(f"audit_batch: {table} lacks column(s) {missing}")
        clash = [d.column for d in suite.derived if d.column in frame.columns]
        if clash:
            raise AuditError(f"audit_batch: {table} already has derived column(s) {clash}")


def _failing_ids(rule: str, result: Mapping[str, Any], column: str = "article_id") -> list[Any]:
    """The `column` value (article id, or a held row's key) of every unexpected row, from GX's
    unexpected_index_list."""
    ids: list[Any] = []
    for entry in result.get("unexpected_index_list") or []:
        if not isinstance(entry, Mapping) or column not in entry:
            raise AuditError(f"{rule}: unexpected_index_list entry without {column}: {entry!r}")
        value = entry[column]
        # With exclude_unexpected_values GX gives one {"article_id": [id, ...]} entry; without it,
        # one {"<column>": value, "article_id": id} entry per row. Accept both.
        if isinstance(value, list):
            ids.extend(value)
        else:
            ids.append(value)
    if len(ids) != result.get("unexpected_count", 0):
        raise AuditError(
            f"{rule}: GX listed {len(ids)} failing rows for unexpected_count "
            f"{result.get('unexpected_count')}; the row list is capped or changed shape"
        )
    return ids


def _exception_message(info: Any) -> str | None:
    """The error of an expectation that raised, else None.

    GX 1.24 gives either {"raised_exception": ..., "exception_message": ...} or, when a metric
    failed, a dict of such dicts keyed by metric id.
    """
    if not isinstance(info, Mapping):
        return None
    if "raised_exception" in info:
        return str(info.get("exception_message")) if info.get("raised_exception") else None
    for nested in info.values():
        message = _exception_message(nested)
        if message is not None:
            return message
    return None


def audit_batch(
    tables: Mapping[str, pd.DataFrame],
    languages: frozenset = frozenset({"en"}),
    max_article_chars: int | None = None,
    boilerplate: Mapping[str, frozenset[int]] | None = None,
) -> AuditResult:
    """Validate every table of a staged batch with its suite.

    ``tables`` maps each article table (articles, paragraphs, sentences, entities, mentions,
    quotes, residue) to a frame with the record's columns (empty frames are fine). Returns one
    outcome per expectation, in suite order; article_id -> sorted failed rule ids for every
    article owning a row that failed a rule holding its article; and row key -> rule ids for the
    rows failing a rule that holds the row alone (Check.holds_row). Rows whose article_id (or
    key) is null count in the outcomes only.
    ``languages``: the ISO 639-1 codes an article may be in (articles.language_supported).
    ``max_article_chars``: the characters a body may have (articles.length_within_limit; None:
    any). ``boilerplate``: source -> line key hashes the run learned as boilerplate
    (transforms.corpus.LineCounter.learned), which articles.no_ui_residue also looks for.
    """
    _check_input(tables)
    ctx = Context.of(tables, languages, max_article_chars, boilerplate)
    outcomes: list[ExpectationOutcome] = []
    failed: dict[str, set[str]] = defaultdict(set)
    failed_rows: dict[str, set[str]] = defaultdict(set)
    with _lock:
        runtime = _runtime()
        for table, suite in suites().items():
            frame = audit_frame(suite, tables[table], ctx)
            batch = runtime.batch_definitions[table].get_batch(batch_parameters={"dataframe": frame})
            validation = batch.validate(runtime.gx_suites[table], result_format=SUMMARY_FORMAT)
            by_rule = {r.expectation_config.meta["rule"]: r for r in validation.results}
            for check in suite.checks:
                res = by_rule[check.rule]
                error = _exception_message(res.exception_info)
                if error is not None:
                    raise AuditError(f"{check.rule} ({check.expectation}) on {table} raised: {error}")
                result = res.result or {}
                unexpected = int(result.get("unexpected_count", 0) or 0)
                outcomes.append(
                    ExpectationOutcome(
                        suite=table,
                        expectation=check.expectation,
                        column_name=check.column_name,
                        description=check.description,
                        rule=check.rule,
                        success=bool(res.success),
                        element_count=int(result.get("element_count", len(frame)) or 0),
                        unexpected_count=unexpected,
                    )
                )
                if unexpected:
                    key = check.holds_row or "article_id"
                    detail = batch.validate(
                        runtime.gx_expectations[check.rule],
                        result_format={**RESULT_FORMAT, "unexpected_index_column_names": [key]},
                    )
                    error = _exception_message(detail.exception_info)
                    if error is not None:
                        raise AuditError(f"{check.rule} ({check.expectation}) on {table} raised: {error}")
                    if (detail.result or {}).get("unexpected_count") != unexpected:
                        raise AuditError(f"{check.rule}: the two validation passes disagree")
                    for value in _failing_ids(check.rule, detail.result, key):
                        if not pd.isna(value):
                            (failed_rows if check.holds_row else failed)[str(value)].add(check.rule)
    return AuditResult(
        outcomes=outcomes,
        failed_articles={a: sorted(rules) for a, rules in sorted(failed.items())},
        failed_rows={k: sorted(rules) for k, rules in sorted(failed_rows.items())},
    )
