"""Quarantine review: list, show, release and drop held articles and quotes held alone. Every
decision is recorded in `quarantine_decisions`; moving rows out of quarantine happens in one
transaction."""

from __future__ import annotations

import uuid

import pandas as pd

from expectations.suites import Context, check_of, offending_rows
from transforms.corpus import LineCounter
from transforms.records import ARTICLE_TABLES, QuarantineDecisionRecord
from warehouse.ledger import utc_now
from warehouse.report import write_report
from warehouse.schema import QUARANTINE_SCHEMA, REASON_COLUMN, column_names
from warehouse.store import Warehouse, WarehouseError


def list_quarantined(wh: Warehouse) -> pd.DataFrame:
    """What is held, with its failed rules and the latest decision (pending when none): held
    articles (`held` = article, with all their rows), then quotes held alone while their articles
    published (`held` = quote; `id` is the quote_id, `text` the quotation)."""
    return wh.query(f"""
        WITH decided AS (SELECT coalesce(quote_id, article_id) AS id, arg_max(action, decided_at) AS action
                         FROM quarantine_decisions GROUP BY 1),
        held AS (
            SELECT 'article' AS held, a.article_id AS id, a.source_uri, a.title AS text, a.{REASON_COLUMN}
            FROM {QUARANTINE_SCHEMA}.articles a
            UNION ALL
            SELECT 'quote', q.quote_id, a.source_uri, q.text, q.{REASON_COLUMN}
            FROM {QUARANTINE_SCHEMA}.quotes q JOIN articles a USING (article_id))
        SELECT held, id, source_uri, text, {REASON_COLUMN}, coalesce(d.action, 'pending') AS decision
        FROM held LEFT JOIN decided d USING (id)
        ORDER BY held, source_uri, id""")


def held_quote(wh: Warehouse, quote_id: str) -> pd.DataFrame:
    """A quote held alone (its article published), as its quarantine row; empty when none."""
    return wh.query(
        f"SELECT * FROM {QUARANTINE_SCHEMA}.quotes WHERE quote_id = ? "
        "AND article_id IN (SELECT article_id FROM articles)",
        [quote_id],
    )


def _not_held(item_id: str) -> WarehouseError:
    return WarehouseError(f"nothing quarantined has the id {item_id!r} (see `wirehouse quarantine list`)")


def show(
    wh: Warehouse,
    item_id: str,
    languages: frozenset[str],
    max_article_chars: int | None,
    boilerplate_min_articles: int | None = None,
) -> dict[str, pd.DataFrame]:
    """A held article (its row, its decisions, and for every failed rule the rows that failed it,
    found by the rule's own predicate, expectations.suites: the one the audit counts with, over
    the article's held rows) or a held quote (its row and decisions). languages and
    max_article_chars: the supported languages and the characters a body may have
    (Settings.languages, Settings.max_article_chars), as audited; boilerplate_min_articles: when
    given, the residue check also looks for the boilerplate the warehouse's line statistics
    teach (learned_boilerplate)."""
    article = wh.query(f"SELECT * FROM {QUARANTINE_SCHEMA}.articles WHERE article_id = ?", [item_id])
    if article.empty:
        quote = held_quote(wh, item_id)
        if quote.empty:
            raise _not_held(item_id)
        return {
            "quote": quote,
            "decisions": wh.query(
                "SELECT * FROM quarantine_decisions WHERE quote_id = ? ORDER BY decided_at", [item_id]
            ),
        }
    out = {
        "article": article,
        "decisions": wh.query(
            "SELECT * FROM quarantine_decisions WHERE article_id = ? AND quote_id IS NULL "
            "ORDER BY decided_at",
            [item_id],
        ),
    }
    tables = held_rows(wh, item_id)
    boilerplate = (
        learned_boilerplate(wh, tables, boilerplate_min_articles) if boilerplate_min_articles else None
    )
    ctx = Context.of(tables, languages, max_article_chars, boilerplate)
    for rule in str(article[REASON_COLUMN].iloc[0]).split("; "):
        try:
            check_of(rule)
        except KeyError:  # a rule of an older version of the suites: its rows cannot be told apart
            out[rule] = tables.get(rule.split(".", 1)[0], pd.DataFrame())
            continue
        out[rule] = offending_rows(rule, tables, ctx)
    return out


def held_rows(wh: Warehouse, item_id: str) -> dict[str, pd.DataFrame]:
    """What a re-audit of a held item looks at, in the published tables' shapes: a held
    article's rows in every quarantine table; for a quote held alone, its published article's
    rows with the quote among them."""
    quote = held_quote(wh, item_id)
    if quote.empty:
        schema, article_id = QUARANTINE_SCHEMA, item_id
    else:
        schema, article_id = "main", str(quote["article_id"].iloc[0])
    tables = {
        t: wh.query(
            f"SELECT {', '.join(column_names(t))} FROM {schema}.{t} WHERE article_id = ?", [article_id]
        )
        for t in ARTICLE_TABLES
    }
    if not quote.empty:
        tables["quotes"] = pd.concat([tables["quotes"], quote[column_names("quotes")]], ignore_index=True)
    return tables


def learned_boilerplate(
    wh: Warehouse, tables: dict[str, pd.DataFrame], min_articles: int
) -> dict[str, frozenset[int]]:
    """The boilerplate the warehouse's line statistics teach for the sources of these rows'
    articles, learned as a run learns it (transforms.corpus.LineCounter.learned): what the audit's
    residue check looks for besides its UI phrases."""
    sources = sorted({s for s in tables["articles"]["source"] if isinstance(s, str)})
    return LineCounter().learned(wh.line_counts(sources), min_articles)


def decide(
    wh: Warehouse,
    item_id: str,
    action: str,
    reason: str | None,
    still_held: dict[str, str] | None = None,
) -> QuarantineDecisionRecord:
    """Record a decision on a held article or a quote held alone; `released`/`force_released`
    also move its rows to the published tables and bring its file's ledger row up to date, in the
    same transaction; the quality report is rewritten after. still_held: quote_id ->
    reason of the article's quotes that a re-audit holds alone (they stay in quarantine.quotes
    while the article publishes)."""
    quote = held_quote(wh, item_id)
    is_quote = not quote.empty
    article_id = str(quote["article_id"].iloc[0]) if is_quote else item_id
    schema = "main" if is_quote else QUARANTINE_SCHEMA
    found = wh.query(
        f"SELECT file_id, content_sha256 FROM {schema}.articles WHERE article_id = ?", [article_id]
    )
    if found.empty:
        raise _not_held(item_id)
    file_id, content = str(found["file_id"].iloc[0]), str(found["content_sha256"].iloc[0])
    decision = QuarantineDecisionRecord(
        uuid.uuid4().hex[:16], article_id, action, reason, utc_now(), item_id if is_quote else None, content
    )
    with wh.connect() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            if action in ("released", "force_released"):
                Warehouse.release_rows(
                    con,
                    [] if is_quote else [item_id],
                    [item_id] if is_quote else [],
                    keep_quotes=list(still_held or {}),
                )
                for quote_id, why in (still_held or {}).items():  # held alone from now on
                    con.execute(
                        f"UPDATE {QUARANTINE_SCHEMA}.quotes SET {REASON_COLUMN} = ? WHERE quote_id = ?",
                        [why, quote_id],
                    )
                Warehouse.recount_files(con, [file_id])
            Warehouse._insert_records(con, "quarantine_decisions", [decision])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    write_report(wh)  # the report shows every decision as soon as it is made
    return decision


def release(
    wh: Warehouse,
    item_id: str,
    languages: frozenset[str],
    max_article_chars: int | None,
    reason: str | None = None,
    boilerplate_min_articles: int | None = None,
) -> QuarantineDecisionRecord:
    """Publish a held article or quote: on the reviewer's word with a reason (force_released),
    else after a re-audit with the current rules (expectations.audit_batch over held_rows; the
    residue check with the boilerplate learned_boilerplate teaches when boilerplate_min_articles
    is given):
    released when it passes, kept (with the rules that failed again) when not. A released
    article's quotes that the re-audit holds alone stay held, while the article publishes."""
    if reason:
        return decide(wh, item_id, "force_released", reason)
    from expectations import audit_batch

    tables = held_rows(wh, item_id)
    boilerplate = (
        learned_boilerplate(wh, tables, boilerplate_min_articles) if boilerplate_min_articles else None
    )
    result = audit_batch(tables, languages, max_article_chars, boilerplate)
    if held_quote(wh, item_id).empty:
        failed = sorted({r for rules in result.failed_articles.values() for r in rules})
        still_held = {q: "; ".join(rules) for q, rules in result.failed_rows.items()}
    else:  # its article is published: only the quote's own rules decide
        failed, still_held = result.failed_rows.get(item_id, []), {}
    if failed:
        return decide(wh, item_id, "kept", "; ".join(failed))
    note = f"; {len(still_held)} of its quotes held alone" if still_held else ""
    return decide(wh, item_id, "released", "re-audit passed" + note, still_held=still_held)
