"""Time columns are TIMESTAMPTZ (timestamp[us, UTC] in Arrow and the staged Parquet), an older
warehouse's VARCHAR times are upgraded in place, and `since` compares times, not strings: on
real DuckDB files."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.records import ARTICLE_TABLES, ArticleRecord, FileRecord, RawDocumentRecord, RunRecord
from transforms.times import parse_time
from warehouse.schema import arrow_schema, ddl
from warehouse.store import Warehouse, WarehouseError

PROJECT = Path(__file__).resolve().parents[2]
TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE"
TIME_COLUMNS = {
    ("main", "runs", "started_at"), ("main", "runs", "finished_at"),
    ("main", "batches", "started_at"), ("main", "batches", "published_at"),
    ("main", "quarantine_decisions", "decided_at"),
    ("main", "articles", "published"), ("quarantine", "articles", "published"),
    ("history", "articles", "published"), ("main", "copies", "published"),
    *(("history", table, "superseded_at") for table in ARTICLE_TABLES),
    ("main", "articles", "warc_date"), ("quarantine", "articles", "warc_date"), ("history", "articles", "warc_date"),
}

# The tables with times as the version before typed times created them (docs/tables.md of that version).
ARTICLE_COLUMNS = (
    "article_id VARCHAR NOT NULL, file_id VARCHAR NOT NULL, record_index BIGINT NOT NULL, source_uri VARCHAR NOT "
    "NULL, url VARCHAR, title VARCHAR, authors VARCHAR, published VARCHAR, body VARCHAR NOT NULL, n_chars BIGINT NOT "
    "NULL, n_residue_lines BIGINT NOT NULL, content_sha256 VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, run_id "
    "VARCHAR NOT NULL, language VARCHAR, source VARCHAR, pipeline_version VARCHAR"
)
OLD_TABLES = [
    "CREATE TABLE runs (run_id VARCHAR NOT NULL, flow_run_id VARCHAR, started_at VARCHAR NOT NULL, finished_at "
    "VARCHAR, inputs VARCHAR NOT NULL, status VARCHAR NOT NULL, n_files BIGINT NOT NULL, n_published BIGINT NOT "
    "NULL, n_quarantined BIGINT NOT NULL, n_rejected BIGINT NOT NULL, n_duplicates BIGINT NOT NULL, seconds_read "
    "DOUBLE, PRIMARY KEY (run_id))",
    "CREATE TABLE batches (batch_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL, n_files BIGINT NOT NULL, n_articles "
    "BIGINT NOT NULL, n_published BIGINT NOT NULL, n_quarantined BIGINT NOT NULL, staged_path VARCHAR NOT NULL, "
    "audit_success BOOLEAN NOT NULL, started_at VARCHAR NOT NULL, published_at VARCHAR NOT NULL, "
    "PRIMARY KEY (batch_id))",
    "CREATE TABLE quarantine_decisions (decision_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, action VARCHAR "
    "NOT NULL, reason VARCHAR, decided_at VARCHAR NOT NULL, PRIMARY KEY (decision_id))",
    f"CREATE TABLE articles ({ARTICLE_COLUMNS}, PRIMARY KEY (article_id))",
    "CREATE SCHEMA quarantine",
    f"CREATE TABLE quarantine.articles ({ARTICLE_COLUMNS}, reason VARCHAR NOT NULL)",
    "CREATE VIEW quote_clusters AS SELECT min(published) AS first_seen FROM articles",  # a view reading a time
]
ARTICLE_VALUES = "'f', 0, 'x.txt', NULL, 'T', NULL, {published}, 'Body.', 5, 0, 'c-{aid}', 'b1', 'r1', 'en', 'x', 'v1'"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def rows(frame: pd.DataFrame) -> list[list]:
    return [[None if v is None or v is pd.NaT or v != v else v for v in row] for row in frame.values.tolist()]


# Tables of versions after typed times: an older warehouse lacks them (initialise creates them).
NEWER_TABLES = tuple(f"CREATE TABLE IF NOT EXISTS {t}" for t in ("minhashes ", "copies ", "history."))


def old_warehouse(root: Path, started_at: str = "2026-11-01T08:00:00+00:00") -> Warehouse:
    """A warehouse of the version before typed times, with the ISO strings that version wrote
    (its utc_now: +00:00; a 'Z' and another offset, as hands or other tools write them) and source
    dates as inputs gave them."""
    wh = Warehouse(root)
    wh.root.mkdir(parents=True)
    with duckdb.connect(str(wh.db_path)) as con:
        for statement in OLD_TABLES:
            con.execute(statement)
        for statement in ddl():  # the tables whose shape did not change, as today's
            if statement.startswith("CREATE TABLE") and not statement.startswith(NEWER_TABLES):
                con.execute(statement)
        con.execute(f"INSERT INTO runs VALUES ('r1', NULL, '{started_at}', '2026-11-01T08:05:30Z', '/in', "
                    "'completed', 1, 1, 0, 0, 0, 0.5), ('r2', NULL, '2026-11-02T09:00:00+01:00', NULL, '/in', "
                    "'interrupted', 0, 0, 0, 0, 0, NULL)")
        con.execute("INSERT INTO batches VALUES ('b1', 'r1', 1, 1, 1, 0, 'x', true, '2026-11-01T08:00:01+00:00', "
                    "'2026-11-01T08:05:29Z')")
        con.execute("INSERT INTO quarantine_decisions VALUES ('d1', 'q1', 'kept', NULL, '2026-11-03T10:15:00+00:00')")
        for aid, published in [("a1", "'2024-03-01'"), ("a2", "'2024-03-02T10:30:00Z'"), ("a3", "'Nov. 3, 2021'"),
                               ("a4", "NULL")]:
            con.execute(f"INSERT INTO articles VALUES ('{aid}', {ARTICLE_VALUES.format(published=published, aid=aid)})")
        for aid, published in [("q1", "'2024-03-04T12:00:00+02:00'"), ("q2", "'yesterday'")]:
            con.execute(f"INSERT INTO quarantine.articles VALUES "
                        f"('{aid}', {ARTICLE_VALUES.format(published=published, aid=aid)}, 'quotes.speaker_not_null')")
    return wh


def column_types(wh: Warehouse) -> set[tuple[str, str, str, str, bool]]:
    return set(wh.query("SELECT schema_name, table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
                        "WHERE NOT internal AND table_name IN (SELECT table_name FROM duckdb_tables())"
                        ).itertuples(index=False, name=None))


def test_an_older_warehouse_s_varchar_times_become_timestamptz_in_place(tmp_path):
    wh = old_warehouse(tmp_path / "old")
    wh.initialise()

    fresh = Warehouse(tmp_path / "fresh")
    fresh.initialise()
    assert column_types(wh) == column_types(fresh)  # the same columns, types and nullability as a new warehouse
    assert {c[:3] for c in column_types(wh) if c[3] == TIMESTAMPTZ} == TIME_COLUMNS
    assert {c[:4] for c in column_types(wh) if c[2] == "published_raw"} == {
        (schema, "articles", "published_raw", "VARCHAR") for schema in ("main", "quarantine", "history")}

    runs = wh.query("SELECT run_id, started_at, finished_at FROM runs ORDER BY run_id")
    assert str(runs.started_at.dtype) == "datetime64[us, UTC]"
    assert rows(runs) == [["r1", utc(2026, 11, 1, 8, 0), utc(2026, 11, 1, 8, 5, 30)],
                          ["r2", utc(2026, 11, 2, 8, 0), None]]
    assert rows(wh.query("SELECT batch_id, started_at, published_at FROM batches")) == [
        ["b1", utc(2026, 11, 1, 8, 0, 1), utc(2026, 11, 1, 8, 5, 29)]]
    assert rows(wh.query("SELECT decision_id, decided_at FROM quarantine_decisions")) == [
        ["d1", utc(2026, 11, 3, 10, 15)]]
    # A source's date: its text moves to published_raw, whole; published is the time it names, if any.
    articles = wh.query("SELECT article_id, published, published_raw FROM articles ORDER BY article_id")
    assert rows(articles) == [
        ["a1", utc(2024, 3, 1), "2024-03-01"],
        ["a2", utc(2024, 3, 2, 10, 30), "2024-03-02T10:30:00Z"],
        ["a3", None, "Nov. 3, 2021"],
        ["a4", None, None],
    ]
    held = wh.query("SELECT article_id, published, published_raw FROM quarantine.articles ORDER BY article_id")
    assert rows(held) == [["q1", utc(2024, 3, 4, 10, 0), "2024-03-04T12:00:00+02:00"], ["q2", None, "yesterday"]]
    # ... read by the rule new rows are read by (transforms/article.py).
    for article_id, published, raw in rows(articles) + rows(held):
        assert published == parse_time(raw), article_id

    first_seen = "SELECT column_type FROM (DESCRIBE quote_clusters) WHERE column_name = 'first_seen'"
    assert wh.query(first_seen).column_type.tolist() == [TIMESTAMPTZ]  # the real view again, over times
    with pytest.raises(duckdb.ConstraintException, match="primary key"), wh.connect() as con:
        con.execute("INSERT INTO runs SELECT * FROM runs WHERE run_id = 'r1'")  # the key survived the upgrade
    wh.initialise()  # nothing left to upgrade
    assert rows(wh.query("SELECT published_raw FROM articles WHERE article_id = 'a3'")) == [["Nov. 3, 2021"]]
    assert column_types(wh) == column_types(fresh)


def test_a_time_wirehouse_wrote_that_names_no_time_stops_the_upgrade_before_anything_changes(tmp_path):
    wh = old_warehouse(tmp_path / "old", started_at="t0")
    with pytest.raises(WarehouseError) as raised:
        wh.initialise()
    assert str(raised.value) == (
        f"cannot upgrade {wh.db_path}: runs.started_at holds 1 value(s) that name no time, such as 't0': "
        "correct them (an ISO 8601 time) and run again; nothing was changed")
    # Nothing changed: every time is still the text it was, and no column was added.
    assert {c[:3] for c in column_types(wh) if c[3] == TIMESTAMPTZ} == set()
    assert not {c for c in column_types(wh) if c[2] == "published_raw"}
    assert wh.query("SELECT started_at FROM runs ORDER BY run_id").started_at.tolist() == [
        "t0", "2026-11-02T09:00:00+01:00"]
    assert wh.query("SELECT published FROM quarantine.articles ORDER BY article_id").published.tolist() == [
        "2024-03-04T12:00:00+02:00", "yesterday"]


def test_times_are_utc_timestamps_in_arrow_and_in_the_staged_parquet(tmp_path):
    utc_us = pa.timestamp("us", tz="UTC")
    assert {(t, f.name) for t in ("runs", "batches", "quarantine_decisions", "articles", "copies")
            for f in arrow_schema(t) if f.type == utc_us} == {(t, c) for s, t, c in TIME_COLUMNS if s != "history"}
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    body = "The depot opens in May."
    a = ArticleRecord("a1", "f" * 64, 0, "/in/a1.txt", None, "T", None, parse_time("2024-03-02T12:30:00.25+02:00"),
                      body, len(body), 0, "c1", "b1", "r1", published_raw="2024-03-02T12:30:00.25+02:00")
    wh.stage("b1", {"articles": [a]})
    staged = pq.read_table(wh.root / "staging" / "b1" / "articles.parquet")
    assert staged.schema.field("published").type == utc_us
    assert staged.column("published").to_pylist() == [utc(2024, 3, 2, 10, 30, 0, 250000)]
    wh.publish("b1", {}, [], None, [])
    assert rows(wh.query("SELECT published, published_raw FROM articles")) == [
        [utc(2024, 3, 2, 10, 30, 0, 250000), "2024-03-02T12:30:00.25+02:00"]]


def test_since_compares_times_not_strings(tmp_path):
    """Two runs a second apart; `since` in another offset or without one selects by the instant."""
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    started = {"early": utc(2026, 11, 1, 7, 59, 59), "late": utc(2026, 11, 1, 8, 0)}
    with wh.connect() as con:
        Warehouse._insert_records(con, "runs", [
            RunRecord(r, None, t, t, "/in", "completed", 1, 1, 0, 0, 0) for r, t in started.items()])
        Warehouse._insert_records(con, "files", [
            FileRecord(r * 4, f"/in/{r}.txt", 1, "text", "published", None, 1, 1, 0, 0, r, f"{r}-b1")
            for r in started])
        Warehouse._insert_records(con, "raw_documents", [
            RawDocumentRecord(r * 4, 0, f"/in/{r}.txt", "text", "text", "x", None, None, None, None)
            for r in started])

    def since(text: str) -> list[str]:
        return sorted(Path(d["path"]).stem for d in wh.raw_documents(since=parse_time(text), content=False))

    assert since("2026-11-01") == ["early", "late"]
    assert since("2026-11-01T08:00") == ["late"]
    assert since("2026-11-01T09:00+01:00") == ["late"]  # as text it sorts after both and would select none
    assert since("2026-11-01T03:00-05:00") == ["late"]  # as text it sorts before both and would select both
    assert since("2026-11-01T08:00:00.000001Z") == []
    assert len(wh.raw_documents(content=False)) == 2


@pytest.mark.e2e  # the CLI as subprocesses, each in another time zone
def test_the_machine_s_time_zone_changes_no_time(tmp_path):
    """Text without an offset is UTC and times are shown in UTC, whatever TZ says: an upgrade
    under New York's zone, a query under Tokyo's."""
    wh = old_warehouse(tmp_path / "old")
    with duckdb.connect(str(wh.db_path)) as con:
        con.execute("UPDATE articles SET published = '2024-03-01 10:00' WHERE article_id = 'a1'")
    empty = tmp_path / "empty"
    empty.mkdir()

    def wirehouse(zone: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flows.cli", *args, "-w", str(wh.root)], capture_output=True,
                              text=True, cwd=PROJECT, timeout=300, env={**os.environ, "TZ": zone})

    upgraded = wirehouse("America/New_York", "run", str(empty))  # nothing to read: the ledger's answer, upgraded
    assert upgraded.returncode == 0, upgraded.stderr
    shown = wirehouse("Asia/Tokyo", "sql", "SELECT published FROM articles WHERE article_id = 'a1' UNION ALL "
                      "SELECT started_at FROM runs WHERE run_id = 'r1' ORDER BY 1", "-f", "csv")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == "published\n2024-03-01T10:00:00+00:00\n2026-11-01T08:00:00+00:00\n"
