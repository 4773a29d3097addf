"""Quarantine review: list, show, release and drop held articles. Every decision is recorded in
`quarantine_decisions`; moving an article's rows out of quarantine happens in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pandas as pd

from expectations.suites import Context, check_of, offending_rows
from transforms.corpus import LineCounter
from transforms.records import ARTICLE_TABLES, QuarantineDecisionRecord
from warehouse.schema import QUARANTINE_SCHEMA, REASON_COLUMN, column_names
from warehouse.store import Warehouse, WarehouseError


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def list_quarantined(wh: Warehouse) -> pd.DataFrame:
    """Held articles with their failed rules and the latest decision (pending when none)."""
    return wh.query(f"""
        SELECT a.article_id, a.source_uri, a.title, a.{REASON_COLUMN},
               coalesce(d.action, 'pending') AS decision
        FROM {QUARANTINE_SCHEMA}.articles a
        LEFT JOIN (SELECT article_id, arg_max(action, decided_at) AS action
                   FROM quarantine_decisions GROUP BY article_id) d USING (article_id)
        ORDER BY a.source_uri, a.article_id""")


def show(
    wh: Warehouse, article_id: str, languages: frozenset[str], boilerplate_min_articles: int | None = None
) -> dict[str, pd.DataFrame]:
    """The article row, its decisions, and for every failed rule the rows that failed it, found
    by the rule's own predicate (expectations.suites: the one the audit counts with) over the
    article's held rows. languages: the supported languages (Settings.languages), as audited;
    boilerplate_min_articles: when given, the residue check also looks for the boilerplate the
    warehouse's line statistics teach (learned_boilerplate)."""
    article = wh.query(f"SELECT * FROM {QUARANTINE_SCHEMA}.articles WHERE article_id = ?", [article_id])
    if article.empty:
        raise WarehouseError(f"no quarantined article {article_id!r} (see `wirehouse quarantine list`)")
    out = {
        "article": article,
        "decisions": wh.query(
            "SELECT * FROM quarantine_decisions WHERE article_id = ? ORDER BY decided_at", [article_id]
        ),
    }
    tables = held_rows(wh, article_id)
    boilerplate = (
        learned_boilerplate(wh, tables, boilerplate_min_articles) if boilerplate_min_articles else None
    )
    ctx = Context.of(tables, languages, boilerplate)
    for rule in str(article[REASON_COLUMN].iloc[0]).split("; "):
        try:
            check_of(rule)
        except KeyError:  # a rule of an older version of the suites: its rows cannot be told apart
            out[rule] = tables.get(rule.split(".", 1)[0], pd.DataFrame())
            continue
        out[rule] = offending_rows(rule, tables, ctx)
    return out


def held_rows(wh: Warehouse, article_id: str) -> dict[str, pd.DataFrame]:
    """The article's rows in every quarantine table, in the published tables' shapes."""
    return {
        t: wh.query(
            f"SELECT {', '.join(column_names(t))} FROM {QUARANTINE_SCHEMA}.{t} WHERE article_id = ?",
            [article_id],
        )
        for t in ARTICLE_TABLES
    }


def learned_boilerplate(
    wh: Warehouse, tables: dict[str, pd.DataFrame], min_articles: int
) -> dict[str, frozenset[int]]:
    """The boilerplate the warehouse's line statistics teach for the sources of these rows'
    articles, learned as a run learns it (transforms.corpus.LineCounter.learned): what the audit's
    residue check looks for besides its UI phrases."""
    sources = sorted({s for s in tables["articles"]["source"] if isinstance(s, str)})
    return LineCounter().learned(wh.line_counts(sources), min_articles)


def decide(wh: Warehouse, article_id: str, action: str, reason: str | None) -> QuarantineDecisionRecord:
    """Record a decision; `released`/`force_released` also move the article's rows to the
    published tables, in the same transaction."""
    decision = QuarantineDecisionRecord(uuid.uuid4().hex[:16], article_id, action, reason, _now())
    with wh.connect() as con:
        row = con.execute(
            f"SELECT count(*) FROM {QUARANTINE_SCHEMA}.articles WHERE article_id = ?", [article_id]
        ).fetchone()
        assert row is not None  # count(*) always returns one row
        held = row[0]
        if not held:
            raise WarehouseError(f"no quarantined article {article_id!r} (see `wirehouse quarantine list`)")
        con.execute("BEGIN TRANSACTION")
        try:
            if action in ("released", "force_released"):
                for table in ARTICLE_TABLES:
                    cols = ", ".join(column_names(table))
                    con.execute(
                        f"INSERT OR IGNORE INTO {table} ({cols}) SELECT {cols} FROM "
                        f"{QUARANTINE_SCHEMA}.{table} WHERE article_id = ?",
                        [article_id],
                    )
                    con.execute(f"DELETE FROM {QUARANTINE_SCHEMA}.{table} WHERE article_id = ?", [article_id])
            Warehouse._insert_records(con, "quarantine_decisions", [decision])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return decision
