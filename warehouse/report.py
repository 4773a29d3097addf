"""The HTML quality report, rendered from the warehouse tables with Jinja2 autoescaping.

We do not publish Great Expectations Data Docs: they write failing values (scraped text) into
the page unescaped. Here every value goes through autoescape, and the page's Content Security
Policy forbids scripts outright.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from warehouse.store import Warehouse

SNIPPET_CHARS = 300
REPORT_NAME = "quality.html"

_env = Environment(loader=PackageLoader("warehouse", "templates"), autoescape=select_autoescape(["html"]))


def when(value: datetime | None) -> str:
    """A time for people: 2026-11-01 08:00:05 UTC (to the second); nothing when missing."""
    if value is None or value != value:  # None, or pandas' NaT for a missing TIMESTAMPTZ
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


_env.filters["when"] = when


def _rows(warehouse: Warehouse, sql: str) -> list[dict]:
    return warehouse.query(sql).to_dict("records")


def report_context(warehouse: Warehouse) -> dict:
    return {
        "warehouse": str(warehouse.root),
        "generated_at": datetime.now(UTC),
        "counts": warehouse.table_counts(),
        "runs": _rows(warehouse, "SELECT * FROM runs ORDER BY started_at DESC LIMIT 50"),
        "expectations": _rows(
            warehouse,
            """
            SELECT suite, expectation, any_value(description) AS description, count(*) AS batches,
                   count(*) FILTER (WHERE NOT success) AS failed_batches,
                   sum(element_count) AS element_count, sum(unexpected_count) AS unexpected_count
            FROM quality_results GROUP BY suite, expectation ORDER BY suite, expectation""",
        ),
        "quarantined": _rows(
            warehouse,
            f"""
            SELECT article_id, source_uri, title, reason, left(body, {SNIPPET_CHARS}) AS snippet
            FROM quarantine.articles ORDER BY source_uri""",
        ),
        "unattributed": _rows(
            warehouse,
            """
            SELECT article_id, text FROM quarantine.quotes WHERE speaker IS NULL
            ORDER BY article_id, start_char""",
        ),
        "files": _rows(
            warehouse, "SELECT path, status, reason FROM files WHERE status <> 'published' ORDER BY path"
        ),
    }


def write_report(warehouse: Warehouse) -> Path:
    """(Re)write reports/quality.html and return its path."""
    html = _env.get_template("report.html").render(**report_context(warehouse))
    warehouse.reports.mkdir(parents=True, exist_ok=True)
    path = warehouse.reports / REPORT_NAME
    # A temporary file of its own (reports may be written by several commands at once), renamed
    # over the report: a reader sees the old report or the new one, never half of one.
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=warehouse.reports, prefix=".quality-", suffix=".tmp", delete=False
    ) as tmp:
        tmp.write(html)
    try:
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, path)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise
    return path
