"""`wirehouse sql`'s query (Warehouse.user_query) writes nowhere: the statement check refuses
every statement that is not read-only, and the connection it runs on reaches no other file.
A real warehouse, a second warehouse beside it and the files a query could aim at, all checked
byte for byte after each refusal."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from transforms.records import ArticleRecord, QuoteRecord
from warehouse.schema import column_names
from warehouse.store import USER_QUERY_CONFIG, QueryRefused, Warehouse

REFUSED = "wirehouse sql runs read-only queries; {} statements are not allowed"


def publish_one(wh: Warehouse, aid: str, title: str = "Depot opens") -> None:
    body = "“We open in May,” Ana Ruiz said."
    article = ArticleRecord(aid, "f" * 64, 0, f"/in/{aid}.txt", None, title, None, None, body, len(body), 0,
                            f"c{aid}", "b1", "r1", "en", "/in")
    quote = QuoteRecord(f"q-{aid}", aid, "We open in May", 1, 15, "direct", "Ana Ruiz", None, "Ana Ruiz", "said",
                        None, 0, "cue")
    wh.stage("b1", {"articles": [article], "quotes": [quote]})
    wh.publish("b1", {}, [], None, [])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A folder holding: wh/ (one published article and quote, its archived batch, a report and
    run.lock), other/ (another warehouse), link.duckdb (a hard link to wh's file), export/ (a
    DuckDB export of other) and local.csv. Shared by the module's tests: each one checks that
    it changed nothing."""
    tmp_path = tmp_path_factory.mktemp("site")
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    publish_one(wh, "a1")
    (wh.reports / "quality.html").write_text("<html>report</html>", encoding="utf-8")
    with wh.run_lock():
        pass
    other = Warehouse(tmp_path / "other")
    other.initialise()
    publish_one(other, "o1")
    os.link(wh.db_path, tmp_path / "link.duckdb")
    with duckdb.connect(str(other.db_path)) as con:
        con.execute(f"EXPORT DATABASE '{tmp_path / 'export'}'")
    (tmp_path / "local.csv").write_text("a,b\n1,x\n2,y\n", encoding="utf-8")
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root and the sha256 of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# (statement, with {d} for the site folder) -> what the refusal names
REFUSALS = {
    "ATTACH '{d}/other/wirehouse.duckdb' AS o (READ_WRITE)": "ATTACH",
    "ATTACH '{d}/link.duckdb' AS l (READ_WRITE)": "ATTACH",  # the warehouse's own file by another name
    "DETACH wirehouse": "DETACH",
    "COPY (SELECT 1) TO '{d}/wh/reports/quality.html'": "COPY",
    "COPY quotes TO '{d}/wh/batches/b1/quotes.parquet' (FORMAT parquet)": "COPY",
    "COPY (SELECT 'x') TO '{d}/wh/run.lock'": "COPY",
    "COPY quotes FROM '{d}/local.csv'": "COPY",
    "EXPORT DATABASE '{d}/exported'": "EXPORT",
    "IMPORT DATABASE '{d}/export'": "IMPORT (PRAGMA)",
    "COPY FROM DATABASE wirehouse TO memory": "COPY (PRAGMA)",
    "INSTALL httpfs": "INSTALL (LOAD)",
    "LOAD httpfs": "LOAD",
    "LOAD '{d}/evil.duckdb_extension'": "LOAD",
    "SET enable_external_access = true": "SET",
    "RESET threads": "RESET (SET)",
    "SET VARIABLE v = 1": "SET",
    "USE memory": "USE (SET)",
    "PRAGMA profile_output = '{d}/wh/run.lock'": "PRAGMA (SET)",
    "PRAGMA enable_profiling": "PRAGMA enable_profiling",
    "PRAGMA disable_checkpoint_on_shutdown": "PRAGMA disable_checkpoint_on_shutdown",
    "CHECKPOINT": "CHECKPOINT (CALL)",
    "FORCE CHECKPOINT": "FORCE (CALL)",
    "CALL checkpoint()": "CALL",
    "CALL pragma_version()": "CALL",
    "INSERT INTO runs (run_id) VALUES ('x')": "INSERT",
    "UPDATE quotes SET speaker = NULL": "UPDATE",
    "DELETE FROM quotes": "DELETE",
    "TRUNCATE quotes": "TRUNCATE (DELETE)",
    "DROP TABLE quotes": "DROP",
    "CREATE TABLE t AS SELECT 1": "CREATE",
    "CREATE MACRO m() AS 1": "CREATE",
    "ALTER TABLE quotes ADD COLUMN x INT": "ALTER",
    "COMMENT ON TABLE quotes IS 'x'": "COMMENT (ALTER)",
    "BEGIN TRANSACTION": "BEGIN (TRANSACTION)",
    "VACUUM": "VACUUM",
    "PREPARE p AS SELECT 1": "PREPARE",
    "UPDATE EXTENSIONS": "UPDATE EXTENSIONS",
    "EXPLAIN ANALYZE COPY quotes TO '{d}/wh/run.lock'": "EXPLAIN COPY",
    "EXPLAIN (FORMAT json) DELETE FROM quotes": "EXPLAIN DELETE",
    "SELECT 1; COPY quotes TO '{d}/wh/run.lock'": "COPY",  # a second statement
    "-- only a comment\nCOPY quotes TO '{d}/wh/run.lock'": "COPY",  # after a comment
    "/* SELECT */ COPY quotes TO '{d}/wh/run.lock'": "COPY",
    "SELECT 'é'; /* é */ ATTACH '{d}/other/wirehouse.duckdb' (READ_WRITE)": "ATTACH",
}


@pytest.mark.parametrize("allow_local_files", [False, True], ids=["default", "allow-local-files"])
@pytest.mark.parametrize("statement", list(REFUSALS))
def test_a_statement_that_is_not_read_only_is_refused_and_touches_nothing(site, statement, allow_local_files):
    before = snapshot(site)
    with pytest.raises(QueryRefused) as refused:
        Warehouse(site / "wh").user_query(statement.format(d=site), allow_local_files=allow_local_files)
    assert str(refused.value) == REFUSED.format(REFUSALS[statement])
    assert snapshot(site) == before
    assert Warehouse(site / "wh").query("SELECT quote_id FROM quotes").quote_id.tolist() == ["q-a1"]
    assert Warehouse(site / "other").query("SELECT quote_id FROM quotes").quote_id.tolist() == ["q-o1"]


@pytest.mark.parametrize("sql, message", [
    ("SELECT 1; SELECT 2", "wirehouse sql runs one statement at a time; got 2"),
    ("", "wirehouse sql runs one statement at a time; got none"),
    ("-- nothing", "wirehouse sql runs one statement at a time; got none"),
])
def test_one_statement_at_a_time(site, sql, message):
    with pytest.raises(QueryRefused) as refused:
        Warehouse(site / "wh").user_query(sql)
    assert str(refused.value) == message


def test_read_only_statements_run(site):
    wh = Warehouse(site / "wh")
    assert wh.user_query("SELECT speaker, count(*) AS n FROM quotes GROUP BY 1").values.tolist() == [["Ana Ruiz", 1]]
    assert wh.user_query("WITH q AS (SELECT * FROM quotes) FROM q SELECT quote_id").quote_id.tolist() == ["q-a1"]
    assert wh.user_query("VALUES (1, 'x')").values.tolist() == [[1, "x"]]
    assert wh.user_query("DESCRIBE quotes").column_name.tolist() == column_names("quotes")
    assert wh.user_query("PRAGMA table_info('quotes')").name.tolist() == column_names("quotes")
    assert "quotes" in wh.user_query("SHOW TABLES").name.tolist()
    assert wh.user_query("SUMMARIZE SELECT n_chars FROM articles")[["column_name", "count"]].values.tolist() == [
        ["n_chars", 1]]
    assert wh.user_query("PRAGMA version").library_version.tolist() == [f"v{duckdb.__version__}"]
    for explain in ("EXPLAIN SELECT * FROM quotes", "EXPLAIN ANALYZE SELECT * FROM quotes",
                    "EXPLAIN (FORMAT json) SELECT 1", "/* why */ EXPLAIN (SELECT 1)"):
        assert len(wh.user_query(explain)) == 1, explain


@pytest.mark.parametrize("query, target", [
    ("SELECT * FROM read_csv('{d}/local.csv') ORDER BY a", "{d}/local.csv"),
    ("SELECT * FROM '{d}/local.csv' ORDER BY a", "{d}/local.csv"),
    ("SELECT * EXCLUDE (filename) FROM read_csv('{d}/*.csv', filename = true) ORDER BY a", "{d}/*.csv"),
])
def test_local_files_are_read_only_with_the_option(site, query, target):
    wh = Warehouse(site / "wh")
    with pytest.raises(duckdb.PermissionException) as refused:
        wh.user_query(query.format(d=site))
    target = target.format(d=site)
    assert str(refused.value).splitlines()[0] == (
        f'Permission Error: Cannot access file "{target}" - file system operations are disabled by configuration')
    assert wh.user_query(query.format(d=site), allow_local_files=True).values.tolist() == [[1, "x"], [2, "y"]]


def test_glob_and_read_parquet_with_the_option_only(site):
    wh = Warehouse(site / "wh")
    archived = f"{site}/wh/batches/b1/quotes.parquet"
    for query in (f"SELECT quote_id FROM read_parquet('{archived}')", f"SELECT file FROM glob('{site}/*.csv')"):
        with pytest.raises(duckdb.PermissionException, match="file system operations are disabled"):
            wh.user_query(query)
    assert wh.user_query(f"SELECT quote_id FROM read_parquet('{archived}')", True).quote_id.tolist() == ["q-a1"]
    assert wh.user_query(f"SELECT file FROM glob('{site}/*.csv')", True).file.tolist() == [f"{site}/local.csv"]


def test_local_files_means_local_only(site):
    """With --allow-local-files no extension is installed or loaded for a URL, no Python variable
    is read as a table, and no setting can be changed."""
    wh = Warehouse(site / "wh")
    with pytest.raises(duckdb.Error) as refused:
        wh.user_query("SELECT * FROM read_csv('https://example.com/x.csv')", allow_local_files=True)
    assert str(refused.value).splitlines()[0] == (
        "File https://example.com/x.csv requires the extension httpfs to be loaded")
    settings = ("SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', "
                "'autoinstall_known_extensions', 'autoload_known_extensions', 'python_enable_replacements', "
                "'lock_configuration') ORDER BY name")
    for allow_local_files in (False, True):
        assert dict(wh.user_query(settings, allow_local_files).values.tolist()) == {
            "autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
            "enable_external_access": str(allow_local_files).lower(), "lock_configuration": "true",
            "python_enable_replacements": "false"}


NO_FILES = 'Permission Error: Cannot access file "{}" - file system operations are disabled by configuration'
LOCKED = 'Invalid Input Error: Cannot change configuration option "{}" - the configuration has been locked'
READ_ONLY = ('Invalid Input Error: Cannot execute statement of type "{}" on database "wirehouse" which is '
             'attached in read-only mode!')
# statement -> the first line of the connection's own refusal
CONNECTION_REFUSALS = {
    "ATTACH '{d}/other/wirehouse.duckdb' AS o (READ_WRITE)": NO_FILES.format("{d}/other/wirehouse.duckdb"),
    "ATTACH '{d}/link.duckdb' AS l (READ_WRITE)": NO_FILES.format("{d}/link.duckdb"),
    "COPY (SELECT 1) TO '{d}/wh/reports/quality.html'": NO_FILES.format("{d}/wh/reports/quality.html"),
    "COPY quotes TO '{d}/wh/batches/b1/quotes.parquet' (FORMAT parquet)":
        NO_FILES.format("{d}/wh/batches/b1/quotes.parquet"),
    # (the first table DuckDB exports: the history schema sorts before main)
    "EXPORT DATABASE '{d}/exported'": NO_FILES.format("{d}/exported/history_articles.csv"),
    "SELECT * FROM read_text('{d}/local.csv')": NO_FILES.format("{d}/local.csv"),
    "SET enable_external_access = true": LOCKED.format("enable_external_access"),
    "SET lock_configuration = false": LOCKED.format("lock_configuration"),
    # (not INSTALL: were this wall down, that would download)
    "LOAD '{d}/evil.duckdb_extension'": "Permission Error: Loading external extensions is disabled through configuration",
    "INSERT INTO runs (run_id) VALUES ('x')": READ_ONLY.format("INSERT"),
    "UPDATE quotes SET speaker = NULL": READ_ONLY.format("UPDATE"),
    "DELETE FROM quotes": READ_ONLY.format("DELETE"),
    "DROP TABLE quotes": READ_ONLY.format("DROP"),
    "CREATE TABLE t AS SELECT 1": READ_ONLY.format("CREATE"),
}


@pytest.mark.parametrize("statement", list(CONNECTION_REFUSALS))
def test_the_connection_itself_refuses_without_the_statement_check(site, statement):
    """The second wall: a statement that got past the check would still fail on the connection
    user_query opens (read-only, no external access, configuration locked)."""
    before = snapshot(site)
    with Warehouse(site / "wh").connect(read_only=True, config=USER_QUERY_CONFIG) as con, \
            pytest.raises(duckdb.Error) as refused:
        con.execute(statement.format(d=site))
    assert str(refused.value).splitlines()[0] == CONNECTION_REFUSALS[statement].format(d=site)
    assert snapshot(site) == before


def test_the_plain_read_only_connection_still_refuses_writes(site):
    """Warehouse.query (the reports', the summary's) keeps its read-only connection."""
    for statement in ("INSERT INTO runs (run_id) VALUES ('x')", "UPDATE quotes SET speaker = NULL",
                      "DELETE FROM quotes", "DROP TABLE quotes", "CREATE TABLE t AS SELECT 1"):
        with pytest.raises(duckdb.InvalidInputException) as refused:
            Warehouse(site / "wh").query(statement)
        assert str(refused.value).splitlines()[0] == READ_ONLY.format(statement.split()[0])
