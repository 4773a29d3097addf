"""The HTML quality report: one self-contained file, rendered from the warehouse tables.

Every value goes through Jinja2's autoescape; the charts are Altair specifications rendered to
inline SVG in process by vl-convert (`warehouse/charts.py`), so the page loads nothing and runs
no script: its Content Security Policy allows no source at all but its one style block, by hash.
We do not publish Great Expectations Data Docs: they write failing values (scraped text) into
the page unescaped.

What the page holds: headline counts; over runs (articles by outcome, held share by rule,
quotes attributed, residue removed by rule, time per article by stage); by source; quotes
(speakers and quotation clusters over runs); a drill-down for every held article and quote (the
failing rule, the offending text highlighted in its context, the reviewer's decision, the
commands to release or drop it); the runs, with runs that found nothing new folded into one
line; the audit rules; files not published.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shlex
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from warehouse.store import Warehouse

SNIPPET_CHARS = 300  # start of a body shown when no span is to blame
CONTEXT_CHARS = 160  # characters shown on each side of highlighted text
CONTEXT_LINES = 12  # removed lines shown for a body left empty
REPORT_NAME = "quality.html"
CHART_CACHE = ".charts"  # under reports/: each chart's SVG under the hash of its specification
RUNS_CHARTED = 30  # the latest runs that found something are charted; the runs table has all
HELD_SHOWN = 200  # held articles and quotes given a drill-down (newest first)
TOP_RESIDUE_RULES = 8  # residue rules charted by name; the rest as "other rules"
TOP_SPEAKERS = 6  # speakers charted over runs
TOP_SOURCES = 20  # sources charted
SPEAKERS_PER_SOURCE = 3
CLUSTERS_SHOWN = 15
STAGE_ORDER = ("read", "clean", "nlp", "rules", "stage", "audit", "publish")

_env = Environment(
    loader=PackageLoader("warehouse", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def when(value: datetime | None) -> str:
    """A time for people: 2026-11-01 08:00:05 UTC (to the second); nothing when missing."""
    if value is None or value != value:  # None, or pandas' NaT for a missing TIMESTAMPTZ
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def count(value: Any) -> str:
    """A count for people: 1,234 (never 1234.0); nothing when missing."""
    if value is None or value != value:
        return ""
    return f"{int(value):,}"


def duration(seconds: Any) -> str:
    """Whole seconds (3 s), minutes and seconds past a minute (2 min 05 s); <1 s below one."""
    if seconds is None or seconds != seconds:
        return ""
    if seconds < 1:
        return "<1 s"
    whole = round(seconds)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"


_env.filters["when"] = when
_env.filters["count"] = count
_env.filters["duration"] = duration


def _percent(share: float) -> str:
    from warehouse.charts import percent

    return percent(share)


_env.filters["percent"] = _percent


# --- reading -----------------------------------------------------------------------------------


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).fetch_df()


def _has_number_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    """Whether the table has this column, holding numbers (warehouses made by other versions
    may lack it)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND column_name = ? "
        "AND data_type IN ('DOUBLE', 'FLOAT', 'REAL', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT') "
        "OR (schema_name = ? AND table_name = ? AND column_name = ? AND data_type LIKE 'DECIMAL%')",
        [schema, table, column] * 2,
    ).fetchone()
    return bool(row and row[0])


# Articles and quotes whatever became of them: published or held.
ALL_ARTICLES = """(SELECT article_id, run_id, source, false AS held FROM articles
                   UNION ALL SELECT article_id, run_id, source, true FROM quarantine.articles)"""


@dataclass
class Run:
    run_id: str
    number: int  # 1-based, in order of start
    started_at: datetime
    finished_at: datetime | None
    status: str
    n_files: int
    n_published: int
    n_quarantined: int
    n_rejected: int
    n_duplicates: int
    n_batches: int
    seconds_read: float | None

    @property
    def label(self) -> str:
        return f"#{self.number} {self.started_at.astimezone(UTC):%m-%d %H:%M}"

    @property
    def nothing_new(self) -> bool:
        """A completed run that found nothing to read (every file unchanged)."""
        return (
            self.status == "completed"
            and self.n_batches == 0
            and not (self.n_published or self.n_quarantined or self.n_rejected or self.n_duplicates)
        )

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None or self.finished_at != self.finished_at:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass
class Fold:
    """Consecutive runs that found nothing new, shown as one line of the runs table."""

    runs: list[Run]

    @property
    def first(self) -> Run:
        return self.runs[0]

    @property
    def last(self) -> Run:
        return self.runs[-1]


def read_runs(con: duckdb.DuckDBPyConnection) -> list[Run]:
    frame = _frame(
        con,
        """SELECT r.*, (SELECT count(*) FROM batches b WHERE b.run_id = r.run_id) AS n_batches
           FROM runs r ORDER BY started_at, run_id""",
    )
    return [
        Run(
            r["run_id"],
            i,
            r["started_at"],
            None if pd.isna(r["finished_at"]) else r["finished_at"],
            r["status"],
            int(r["n_files"]),
            int(r["n_published"]),
            int(r["n_quarantined"]),
            int(r["n_rejected"]),
            int(r["n_duplicates"]),
            int(r["n_batches"]),
            None if pd.isna(r["seconds_read"]) else float(r["seconds_read"]),
        )
        for i, r in enumerate(frame.to_dict("records"), start=1)
    ]


def fold_runs(runs: list[Run]) -> list[Run | Fold]:
    """The runs, newest first, with every stretch of consecutive runs that found nothing new
    folded into one Fold (a single such run stays a Run)."""
    out: list[Run | Fold] = []
    stretch: list[Run] = []
    for run in [*runs, None]:
        if run is not None and run.nothing_new:
            stretch.append(run)
            continue
        if len(stretch) > 1:
            out.append(Fold(stretch))
        else:
            out.extend(stretch)
        stretch = []
        if run is not None:
            out.append(run)
    return out[::-1]


# --- over runs -----------------------------------------------------------------------------------


def _by_run(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Rows of charted runs only, with their run label, in run order and then by their text
    columns: a GROUP BY returns its groups in any order (DuckDB's threads), and a chart's data
    (its rows and the hash its SVG is cached under) must not change with it."""
    frame = frame[frame["run_id"].isin(labels)].copy()
    frame["run"] = frame["run_id"].map(labels)
    position = {run_id: i for i, run_id in enumerate(labels)}
    texts = [
        c for c in frame.columns if c not in ("run", "run_id") and pd.api.types.is_string_dtype(frame[c])
    ]
    return frame.sort_values(
        ["run_id", *texts],
        key=lambda s: s.map(position) if s.name == "run_id" else s.astype(str),
        kind="stable",
    ).reset_index(drop=True)


def over_runs(con: duckdb.DuckDBPyConnection, charted: list[Run]) -> dict[str, Any]:
    from warehouse import charts

    labels = {r.run_id: r.label for r in charted}
    order = [r.label for r in charted]
    figures: dict[str, Any] = {}

    outcomes = pd.DataFrame(
        [
            (r.label, outcome, n)
            for r in charted
            for outcome, n in (
                ("published", r.n_published),
                ("held", r.n_quarantined),
                ("duplicate files", r.n_duplicates),
                ("rejected files", r.n_rejected),
            )
        ],
        columns=["run", "outcome", "n"],
    )
    figures["outcomes"] = charts.stacked_counts(
        "chart-outcomes",
        "Articles published and held, files skipped or rejected, per run",
        "Stacked bars, one per run: articles published, articles held in quarantine, input files "
        "skipped as duplicates and input files rejected.",
        outcomes,
        "run",
        order,
        "outcome",
        "n",
        charts.OUTCOME_COLOURS,
        y_title="articles / files",
    )

    # Held share by rule: the audit's own counts (rows failed of rows checked, per run), and the
    # articles the circuit breaker held whole.
    from expectations.results import BREAKER_RULE

    rules = _frame(
        con,
        """SELECT run_id, expectation AS rule, sum(element_count)::BIGINT AS checked,
                  sum(unexpected_count)::BIGINT AS failed
           FROM quality_results GROUP BY ALL HAVING sum(unexpected_count) > 0""",
    )
    breaker = _frame(
        con,
        f"""SELECT a.run_id, '{BREAKER_RULE}' AS rule,
                   (SELECT sum(n_articles) FROM batches b WHERE b.run_id = a.run_id)::BIGINT AS checked,
                   count(*)::BIGINT AS failed
            FROM quarantine.articles a WHERE reason LIKE '{BREAKER_RULE}%' GROUP BY ALL""",
    )
    held = _by_run(pd.concat([rules, breaker], ignore_index=True), labels)
    if not held.empty:
        held["share"] = held["failed"] / held["checked"]
        held["of"] = [
            f"{int(f):,} of {int(c):,} rows" for f, c in zip(held["failed"], held["checked"], strict=True)
        ]
        held = held.sort_values(["run", "rule"], key=lambda s: s.map(order.index) if s.name == "run" else s)
        figures["held"] = charts.grouped_shares(
            "chart-held",
            "Held share by rule, per run",
            "Bars per run, one per audit rule that failed in it: the share of the rows it checked "
            "that failed it (a failing row holds its article, or the quote alone).",
            held,
            "run",
            order,
            "rule",
            "share",
            "of",
            "rows failed",
        )

    # Quotes attributed (scare quotes, terms and titles excepted: nobody said them).
    confidence = _has_number_column(con, "main", "quotes", "confidence")
    held_confidence = confidence and _has_number_column(con, "quarantine", "quotes", "confidence")
    main_value, held_value = ("confidence" if c else "NULL" for c in (confidence, held_confidence))
    quotes = _frame(
        con,
        f"""WITH q AS (SELECT article_id, speaker, kind, {main_value} AS confidence FROM quotes
                       UNION ALL
                       SELECT article_id, speaker, kind, {held_value} FROM quarantine.quotes)
            SELECT a.run_id, count(*)::BIGINT AS quotes,
                   count(q.speaker)::BIGINT AS attributed,
                   avg(q.confidence) FILTER (WHERE q.speaker IS NOT NULL) AS confidence
            FROM q JOIN {ALL_ARTICLES} a USING (article_id)
            WHERE q.kind IS DISTINCT FROM 'scare' GROUP BY ALL""",
    )
    quotes = _by_run(quotes, labels)
    # Charted when some attribution has one (quotes published before confidence was recorded have none).
    confidence = confidence and bool(quotes["confidence"].notna().any())
    if not quotes.empty:
        lines = [
            (
                r["run"],
                "quotes attributed",
                r["attributed"] / r["quotes"],
                f"{int(r['attributed']):,} of {int(r['quotes']):,}",
            )
            for r in quotes.to_dict("records")
        ]
        if confidence:
            lines += [
                (
                    r["run"],
                    "mean attribution confidence",
                    float(r["confidence"]),
                    f"{int(r['attributed']):,} attributed quotes",
                )
                for r in quotes.to_dict("records")
                if r["confidence"] == r["confidence"] and r["confidence"] is not None
            ]
        frame = pd.DataFrame(lines, columns=["run", "measure", "share", "of"])
        frame = frame.sort_values("run", key=lambda s: s.map(order.index), kind="stable")
        figures["quotes"] = charts.line_points(
            "chart-quotes",
            "Quotes attributed" + (" and attribution confidence" if confidence else "") + ", per run",
            "Points per run joined by a line: the share of quotations (scare quotes excepted) "
            "credited to a speaker"
            + (", and the mean confidence of those attributions." if confidence else "."),
            frame,
            "run",
            order,
            "measure",
            "share",
            "share",
            share=True,
            detail="of",
            note="" if confidence else "Attribution confidence is not recorded by this warehouse's version.",
        )

    residue = _frame(
        con,
        f"""SELECT a.run_id, r.rule_id AS rule, count(*)::BIGINT AS n
            FROM (SELECT article_id, rule_id FROM residue
                  UNION ALL SELECT article_id, rule_id FROM quarantine.residue) r
            JOIN {ALL_ARTICLES} a USING (article_id) GROUP BY ALL""",
    )
    residue = _by_run(residue, labels)
    if not residue.empty:
        totals = residue.groupby("rule")["n"].sum().sort_values(ascending=False, kind="stable")
        ranked = sorted(totals.index, key=lambda r: (-totals[r], r))
        top = ranked if len(ranked) <= TOP_RESIDUE_RULES + 1 else ranked[:TOP_RESIDUE_RULES]
        others = len(ranked) - len(top)
        residue["rule"] = residue["rule"].where(residue["rule"].isin(top), f"{others} other rules")
        residue = residue.groupby(["run", "rule"])["n"].sum().reset_index()
        names = top + ([f"{others} other rules"] if others else [])
        residue = residue.sort_values(
            ["run", "rule"], key=lambda s: s.map(order.index) if s.name == "run" else s.map(names.index)
        )
        figures["residue"] = charts.stacked_counts(
            "chart-residue",
            "Residue removed by rule, per run",
            "Stacked bars, one per run: lines and sentences the cleaning removed, by the rule that "
            "removed them (the most frequent rules by name).",
            residue,
            "run",
            order,
            "rule",
            "n",
            dict(zip(names, charts.PALETTE * 2, strict=False)),
            y_title="lines removed",
        )

    timings = _frame(
        con,
        """SELECT b.run_id, t.stage, sum(t.seconds) AS seconds
           FROM stage_timings t JOIN batches b USING (batch_id) GROUP BY ALL""",
    )
    read = pd.DataFrame(
        [(r.run_id, "read", r.seconds_read) for r in charted if r.seconds_read],
        columns=["run_id", "stage", "seconds"],
    )
    articles = dict(con.execute("SELECT run_id, sum(n_articles)::BIGINT FROM batches GROUP BY 1").fetchall())
    timings = _by_run(pd.concat([timings, read], ignore_index=True), labels)
    timings = timings[timings["run_id"].map(lambda r: bool(articles.get(r)))]
    if not timings.empty:
        timings = timings.groupby(["run_id", "run", "stage"])["seconds"].sum().reset_index()
        timings["ms"] = [
            round(1000 * s / articles[r]) for r, s in zip(timings["run_id"], timings["seconds"], strict=True)
        ]
        stages = [s for s in STAGE_ORDER if s in set(timings["stage"])] + sorted(
            set(timings["stage"]) - set(STAGE_ORDER)
        )
        timings = timings.sort_values(
            ["run", "stage"], key=lambda s: s.map(order.index) if s.name == "run" else s.map(stages.index)
        )
        figures["timings"] = charts.stacked_counts(
            "chart-timings",
            "Milliseconds per article by stage, per run",
            "Stacked bars, one per run: the time each stage took, divided by the articles the run "
            "audited, in milliseconds.",
            timings,
            "run",
            order,
            "stage",
            "ms",
            dict(zip(stages, charts.PALETTE, strict=False)),
            y_title="ms per article",
            note="Stages of different batches overlap in a run (a pipeline around spaCy), so the "
            "stages add up to more than the wall-clock time per article.",
        )
    return figures


# --- by source ----------------------------------------------------------------------------------


@dataclass
class Source:
    name: str
    articles: int
    held: int
    boilerplate_lines: int  # distinct lines removed as the source's learned boilerplate
    boilerplate_removed: int  # how many times
    speakers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def held_share(self) -> float:
        return self.held / self.articles if self.articles else 0.0


def by_source(con: duckdb.DuckDBPyConnection) -> tuple[list[Source], Any]:
    from transforms.corpus import RULE_ID as BOILERPLATE
    from warehouse import charts

    frame = _frame(
        con,
        f"""WITH a AS {ALL_ARTICLES},
            bp AS (SELECT a.source, count(DISTINCT r.text)::BIGINT AS lines, count(*)::BIGINT AS removed
                   FROM (SELECT article_id, text FROM residue WHERE rule_id = ?
                         UNION ALL SELECT article_id, text FROM quarantine.residue WHERE rule_id = ?) r
                   JOIN a USING (article_id) GROUP BY ALL)
            SELECT coalesce(a.source, '(unknown)') AS source, count(*)::BIGINT AS articles,
                   count(*) FILTER (WHERE a.held)::BIGINT AS held,
                   coalesce(any_value(bp.lines), 0)::BIGINT AS lines,
                   coalesce(any_value(bp.removed), 0)::BIGINT AS removed
            FROM a LEFT JOIN bp ON bp.source IS NOT DISTINCT FROM a.source
            GROUP BY ALL ORDER BY articles DESC, source""",
        [BOILERPLATE, BOILERPLATE],
    )
    speakers = _frame(
        con,
        f"""SELECT source, speaker, n FROM (
                SELECT coalesce(a.source, '(unknown)') AS source, q.speaker, count(*)::BIGINT AS n,
                       row_number() OVER (PARTITION BY coalesce(a.source, '(unknown)')
                                          ORDER BY count(*) DESC, q.speaker) AS rank
                FROM quotes q JOIN articles a USING (article_id)
                WHERE q.speaker IS NOT NULL GROUP BY 1, 2)
            WHERE rank <= {SPEAKERS_PER_SOURCE} ORDER BY source, rank""",
    )
    top: dict[str, list[tuple[str, int]]] = {}
    for r in speakers.to_dict("records"):
        top.setdefault(r["source"], []).append((r["speaker"], int(r["n"])))
    sources = [
        Source(
            r["source"],
            int(r["articles"]),
            int(r["held"]),
            int(r["lines"]),
            int(r["removed"]),
            top.get(r["source"], []),
        )
        for r in frame.to_dict("records")
    ]
    if not sources:
        return sources, None
    shown = sources[:TOP_SOURCES]
    data = pd.DataFrame(
        [
            (s.name, outcome, n)
            for s in shown
            for outcome, n in (("published", s.articles - s.held), ("held", s.held))
        ],
        columns=["source", "outcome", "articles"],
    )
    figure = charts.horizontal_stacked(
        "chart-sources",
        "Articles by source",
        "Horizontal bars, one per source (a site's host name, else the dump folder): its articles "
        "published and held.",
        data,
        "source",
        [s.name for s in shown],
        "outcome",
        "articles",
        {k: charts.OUTCOME_COLOURS[k] for k in ("published", "held")},
        x_title="articles",
        note=f"The {TOP_SOURCES} sources with the most articles." if len(sources) > TOP_SOURCES else "",
    )
    return sources, figure


# --- quotes --------------------------------------------------------------------------------------


def quotes_over_runs(con: duckdb.DuckDBPyConnection, charted: list[Run]) -> dict[str, Any]:
    from warehouse import charts

    labels = {r.run_id: r.label for r in charted}
    order = [r.label for r in charted]
    figures: dict[str, Any] = {}
    speakers = _by_run(
        _frame(
            con,
            f"""WITH top AS (SELECT speaker FROM quotes WHERE speaker IS NOT NULL
                             GROUP BY 1 ORDER BY count(*) DESC, speaker LIMIT {TOP_SPEAKERS})
                SELECT a.run_id, q.speaker, count(*)::BIGINT AS quotes
                FROM quotes q JOIN articles a USING (article_id) JOIN top USING (speaker) GROUP BY ALL""",
        ),
        labels,
    )
    if not speakers.empty:
        speakers = speakers.sort_values(
            ["run", "speaker"], key=lambda s: s.map(order.index) if s.name == "run" else s
        )
        figures["speakers"] = charts.line_points(
            "chart-speakers",
            f"Quotes of the {TOP_SPEAKERS} most quoted speakers, per run",
            "Points per run joined by a line, one line per speaker: the quotations published in "
            "the run credited to each of the most quoted speakers.",
            speakers,
            "run",
            order,
            "speaker",
            "quotes",
            "quotes",
            note="A run without a point for a speaker published no quotation of theirs.",
        )
    clusters = _by_run(
        _frame(
            con,
            """SELECT first_ingested_run AS run_id,
                      CASE WHEN n_articles > 1 THEN 'quoted in several articles'
                           ELSE 'quoted in one article' END AS spread,
                      count(*)::BIGINT AS clusters
               FROM quote_clusters GROUP BY ALL""",
        ),
        labels,
    )
    if not clusters.empty:
        figures["clusters"] = charts.stacked_counts(
            "chart-clusters",
            "New quotations per run, by how widely they recur",
            "Stacked bars, one per run: distinct quotations (clustered by their normalised text) "
            "first published in the run, split by whether more than one article quotes them.",
            clusters,
            "run",
            order,
            "spread",
            "clusters",
            {"quoted in one article": "#4c78a8", "quoted in several articles": "#f58518"},
            y_title="quotations",
        )
    return figures


def top_clusters(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return _frame(
        con,
        f"""SELECT text, speakers, n_quotes, n_articles, n_sources, first_seen
            FROM quote_clusters WHERE n_articles > 1 OR len(speakers) > 1
            ORDER BY n_articles DESC, n_sources DESC, len(speakers) DESC, text LIMIT {CLUSTERS_SHOWN}""",
    ).to_dict("records")


# --- held items ----------------------------------------------------------------------------------


@dataclass
class Evidence:
    """What failed a rule, in its context: `marked` is the offending text (may be empty)."""

    note: str
    before: str = ""
    marked: str = ""
    after: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)  # (rule, text) of removed lines


@dataclass
class Held:
    kind: str  # article | quote
    item_id: str
    source_uri: str
    title: str
    run_id: str
    rules: list[tuple[str, str]]  # (rule id, what it checks)
    evidence: list[Evidence]
    decisions: list[dict]
    commands: list[tuple[str, str]]  # (what it does, command line)

    @property
    def decision(self) -> str:
        return self.decisions[-1]["action"] if self.decisions else "pending"


def in_context(body: str, start: int, end: int, note: str) -> Evidence:
    """body[start:end] marked, with up to CONTEXT_CHARS around it cut at word boundaries."""
    left = max(0, start - CONTEXT_CHARS)
    if left > 0:
        space = body.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    right = min(len(body), end + CONTEXT_CHARS)
    if right < len(body):
        space = body.rfind(" ", end, right)
        right = space if space >= 0 else right
    return Evidence(
        note,
        ("…" if left > 0 else "") + body[left:start],
        body[start:end],
        body[end:right] + ("…" if right < len(body) else ""),
    )


def _start_of(body: str, note: str) -> Evidence:
    return Evidence(note, body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else ""))


def _boilerplate_line(con: duckdb.DuckDBPyConnection, body: str, source: str | None) -> Evidence | None:
    """The body's line most often seen in its source's articles (line_stats): for a body held as
    learned boilerplate, a line the run learned as such."""
    from transforms.corpus import line_key

    if not source:
        return None
    lines, start = [], 0
    for with_end in body.splitlines(keepends=True):
        line = with_end.splitlines()[0]
        lines.append((line_key(line), start, start + len(line)))
        start += len(with_end)
    keys = pd.DataFrame({"line_key": [k for k, _, _ in lines]}, dtype="string")
    con.register("report_keys", keys)
    try:
        seen = dict(
            con.execute(
                "SELECT line_key, n_articles FROM line_stats WHERE source = ? "
                "AND line_key IN (SELECT line_key FROM report_keys)",
                [source],
            ).fetchall()
        )
    finally:
        con.unregister("report_keys")
    best = max(lines, key=lambda k: seen.get(k[0], 0), default=None)
    if best is None or not seen.get(best[0]):
        return None
    return in_context(
        body,
        best[1],
        best[2],
        f"a line seen in {seen[best[0]]:,} articles of {source}: learned as the source's boilerplate",
    )


def article_evidence(
    con: duckdb.DuckDBPyConnection, rule: str, article: dict, tables: dict[str, pd.DataFrame]
) -> list[Evidence]:
    """What failed `rule` in a held article: the offending span in the body, else what the rule
    looked at. tables: the article's held rows per table (offending_rows finds the rows a rule
    failed, by the rule's own predicate, as `wirehouse quarantine show` does)."""
    from expectations.results import BREAKER_RULE
    from expectations.suites import Context, check_of, offending_rows, ui_residue_span

    body = article["body"] or ""
    if rule.startswith(BREAKER_RULE):
        return [_start_of(body, f"the whole batch was held: {rule}")]
    if rule == "articles.no_ui_residue":
        found = ui_residue_span(body)
        if found is not None:
            return [
                in_context(body, found[1], found[2], f"UI phrase {found[0]} (expectations/ui_residue.yaml)")
            ]
        learned = _boilerplate_line(con, body, article.get("source"))
        return [learned] if learned else [_start_of(body, "residue the gate found when it audited the batch")]
    if rule == "articles.language_supported":
        return [_start_of(body, f"language detected: {article.get('language')}")]
    if rule == "articles.length_within_limit":
        return [_start_of(body, f"the body has {len(body):,} characters; it was not analysed")]
    if rule in ("articles.body_not_empty", "articles.body_not_null"):
        removed = tables["residue"].sort_values(["line_no", "start_in_line"])
        lines = [(r["rule_id"], r["text"]) for r in removed.to_dict("records")]
        note = "the body is empty after cleaning"
        if lines:
            note += f": every line was removed ({len(lines):,}), by these rules"
        return [Evidence(note, lines=lines[:CONTEXT_LINES])]
    try:
        check_of(rule)
    except KeyError:  # a rule of an older version of the suites
        return [_start_of(body, "a rule this version no longer has")]
    if rule.startswith("articles."):
        return [_start_of(body, "")]
    rows = offending_rows(rule, tables, Context.of(tables))
    out = []
    for r in rows.head(5).to_dict("records"):
        start, end = r.get("start_char"), r.get("end_char")
        if isinstance(start, int | float) and isinstance(end, int | float) and 0 <= start < end <= len(body):
            out.append(in_context(body, int(start), int(end), f"{rule.split('.')[0][:-1]} row"))
        else:
            shown = {k: v for k, v in r.items() if k not in ("article_id", "pipeline_version")}
            out.append(Evidence(", ".join(f"{k}: {v}" for k, v in shown.items())))
    return out or [_start_of(body, "")]


def _commands(item_id: str, root: Path) -> list[tuple[str, str]]:
    where = f"--warehouse {shlex.quote(str(root))}"
    return [
        ("see it", f"wirehouse quarantine show {item_id} {where}"),
        (
            "re-audit with the current rules, publish if it passes",
            f"wirehouse quarantine release {item_id} {where}",
        ),
        ("publish on your word", f'wirehouse quarantine release {item_id} --reason "…" {where}'),
        ("drop it", f'wirehouse quarantine drop {item_id} --reason "…" {where}'),
    ]


def held_items(con: duckdb.DuckDBPyConnection, root: Path) -> tuple[list[Held], int]:
    """The newest HELD_SHOWN held articles and quotes held alone with their evidence, and how
    many are held in all."""
    from expectations.suites import describe
    from transforms.records import ARTICLE_TABLES
    from warehouse.schema import column_names

    described = {d["rule"]: d["description"] for d in describe()}
    articles = _frame(
        con,
        f"""SELECT article_id, source_uri, title, reason, body, language, source, run_id
            FROM quarantine.articles ORDER BY run_id DESC, source_uri, article_id LIMIT {HELD_SHOWN}""",
    )
    quotes = _frame(
        con,
        f"""SELECT q.quote_id, q.article_id, q.start_char, q.end_char, q.reason, a.body, a.source_uri,
                   a.title, a.run_id
            FROM quarantine.quotes q JOIN articles a USING (article_id)
            ORDER BY a.run_id DESC, a.source_uri, q.start_char LIMIT {HELD_SHOWN}""",
    )
    total = con.execute(
        "SELECT (SELECT count(*) FROM quarantine.articles) + (SELECT count(*) FROM quarantine.quotes q "
        "WHERE article_id IN (SELECT article_id FROM articles))"
    ).fetchone()
    decisions = _frame(con, "SELECT * FROM quarantine_decisions ORDER BY decided_at")
    by_item: dict[str, list[dict]] = {}
    for d in decisions.to_dict("records"):
        key = d["quote_id"] if isinstance(d["quote_id"], str) else d["article_id"]
        by_item.setdefault(key, []).append(d)

    ids = pd.DataFrame({"article_id": articles["article_id"]}, dtype="string")
    con.register("report_held", ids)
    try:
        rows = {
            t: _frame(
                con,
                f"SELECT {', '.join(column_names(t))} FROM quarantine.{t} "
                "WHERE article_id IN (SELECT article_id FROM report_held)",
            )
            for t in ARTICLE_TABLES
        }
    finally:
        con.unregister("report_held")
    grouped = {t: dict(tuple(frame.groupby("article_id"))) for t, frame in rows.items()}
    empty = {t: frame.iloc[0:0] for t, frame in rows.items()}

    def rules_of(reason: str) -> list[tuple[str, str]]:
        return [(r, described.get(r, "")) for r in str(reason).split("; ")]

    out: list[Held] = []
    for a in articles.to_dict("records"):
        tables = {t: grouped[t].get(a["article_id"], empty[t]) for t in ARTICLE_TABLES}
        evidence = [e for rule, _ in rules_of(a["reason"]) for e in article_evidence(con, rule, a, tables)]
        out.append(
            Held(
                "article",
                a["article_id"],
                a["source_uri"],
                a["title"] or "",
                a["run_id"],
                rules_of(a["reason"]),
                evidence,
                by_item.get(a["article_id"], []),
                _commands(a["article_id"], root),
            )
        )
    for q in quotes.to_dict("records")[: max(0, HELD_SHOWN - len(out))]:
        out.append(
            Held(
                "quote",
                q["quote_id"],
                q["source_uri"],
                q["title"] or "",
                q["run_id"],
                rules_of(q["reason"]),
                [
                    in_context(
                        q["body"], int(q["start_char"]), int(q["end_char"]), "the quotation, in its article"
                    )
                ],
                by_item.get(q["quote_id"], []),
                _commands(q["quote_id"], root),
            )
        )
    return out, int(total[0]) if total else 0


# --- the page ------------------------------------------------------------------------------------


def report_context(warehouse: Warehouse) -> dict:
    root = warehouse.root.resolve()
    with warehouse.connect(read_only=True) as con:
        runs = read_runs(con)
        with_data = [r for r in runs if not r.nothing_new]
        charted = with_data[-RUNS_CHARTED:]
        figures = over_runs(con, charted) if charted else {}
        sources, source_figure = by_source(con)
        quote_figures = quotes_over_runs(con, charted) if charted else {}
        held, n_held = held_items(con, root)
        totals = dict(
            zip(
                ("articles", "held_articles", "quotes", "held_quotes", "speakers", "rejected"),
                con.execute(
                    """SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quarantine.articles),
                              (SELECT count(*) FROM quotes),
                              (SELECT count(*) FROM quarantine.quotes
                               WHERE article_id IN (SELECT article_id FROM articles)),
                              (SELECT count(DISTINCT speaker) FROM quotes),
                              (SELECT count(*) FROM files WHERE status = 'rejected')"""
                ).fetchone()
                or (),
                strict=True,
            )
        )
        context = {
            "warehouse": str(root),
            "generated_at": datetime.now(UTC),
            "totals": totals,
            "runs": fold_runs(runs),
            "n_runs": len(runs),
            "n_nothing_new": len(runs) - len(with_data),
            "n_charted": len(charted),
            "n_with_data": len(with_data),
            "figures": figures,
            "sources": sources,
            "source_figure": source_figure,
            "quote_figures": quote_figures,
            "clusters": top_clusters(con),
            "held": held,
            "n_held": n_held,
            "expectations": _frame(
                con,
                """SELECT suite, expectation, any_value(description) AS description,
                          count(*)::BIGINT AS batches,
                          count(*) FILTER (WHERE NOT success)::BIGINT AS failed_batches,
                          sum(element_count)::BIGINT AS element_count,
                          sum(unexpected_count)::BIGINT AS unexpected_count
                   FROM quality_results GROUP BY suite, expectation
                   ORDER BY unexpected_count DESC, suite, expectation""",
            ).to_dict("records"),
            "files": _frame(
                con,
                f"""SELECT path, status, reason FROM files WHERE status <> 'published'
                    ORDER BY status, path LIMIT {HELD_SHOWN}""",
            ).to_dict("records"),
            "n_files_unpublished": (
                con.execute("SELECT count(*) FROM files WHERE status <> 'published'").fetchone() or (0,)
            )[0],
        }
    context["counts"] = warehouse.table_counts()
    from warehouse import charts

    shown = [*figures.values(), *([source_figure] if source_figure else []), *quote_figures.values()]
    charts.render_all(shown, warehouse.reports / CHART_CACHE)
    return context


STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


def render_report(context: dict) -> str:
    """The page, with its Content Security Policy naming its one style block by hash."""
    html = _env.get_template("report.html").render(**context)
    styles = STYLE_BLOCK.findall(html)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'" for s in styles
    )
    return html.replace("__STYLE_HASHES__", hashes, 1)


def write_report(warehouse: Warehouse) -> Path:
    """(Re)write reports/quality.html and return its path."""
    html = render_report(report_context(warehouse))
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
