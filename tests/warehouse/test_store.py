"""Staging, the atomic publish, quarantine split, locks: on a real DuckDB file."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from transforms.records import ArticleRecord, BatchRecord, FileRecord, QuoteRecord
from warehouse.schema import tables_markdown
from warehouse.store import Warehouse, WarehouseError, WarehouseLocked

PROJECT = Path(__file__).resolve().parents[2]
T0, T1 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC), datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def article(aid: str, body: str) -> ArticleRecord:
    return ArticleRecord(aid, "f" * 64, 0, f"/in/{aid}.txt", None, "T", None, None, body, len(body), 0,
                         "c" + aid, "b1", "r1")


def quote(aid: str, speaker: str | None) -> QuoteRecord:
    return QuoteRecord(f"q-{aid}", aid, "Hi", 1, 3, "direct", speaker, None, speaker, "said", None, 0, "cue")


def file_row(path: str) -> FileRecord:
    return FileRecord("f" * 64, path, 10, "text", "published", None, 1, 1, 0, 0, "r1", "b1")


def batch_row() -> BatchRecord:
    return BatchRecord("b1", "r1", 1, 2, 1, 1, "x", False, T0, T1)


@pytest.fixture(params=["local", "memory"])
def warehouse(request, tmp_path) -> Warehouse:
    """A warehouse staging in its own folder, and one staging to an fsspec URL elsewhere (the
    in-memory filesystem standing in for shared storage: nothing of the batch is written
    locally)."""
    lake = None if request.param == "local" else f"memory://lake-{tmp_path.name}/wh"
    wh = Warehouse(tmp_path / "wh", lake=lake)
    wh.initialise()
    yield wh
    wh.lake.remove()


def test_publish_splits_published_and_quarantined_rows(warehouse):
    tables = {"articles": [article("a1", "“Hi” there"), article("a2", "“Hi” here")],
              "quotes": [quote("a1", "Ana Ruiz"), quote("a2", None)]}
    warehouse.stage("b1", tables)
    warehouse.publish("b1", {"a2": "quotes.speaker_not_null"}, [file_row("/in/a.txt")], batch_row(), [])
    assert warehouse.query("select article_id from articles").article_id.tolist() == ["a1"]
    assert warehouse.query("select article_id, speaker from quotes").values.tolist() == [["a1", "Ana Ruiz"]]
    assert warehouse.query("select article_id, reason from quarantine.articles").values.tolist() == [
        ["a2", "quotes.speaker_not_null"]]
    assert warehouse.query("select article_id, reason from quarantine.quotes").values.tolist() == [
        ["a2", "quotes.speaker_not_null"]]
    # The staged batch moved to the archive; staging is empty.
    assert warehouse.lake.exists("batches", "b1", "articles.parquet")
    assert not warehouse.lake.exists("staging", "b1")
    assert warehouse.lake.read_table("batches", "b1", "articles.parquet").num_rows == 2
    local = sorted(p.name for p in warehouse.root.iterdir())
    assert local == (["batches", "reports", "staging", "wirehouse.duckdb"] if warehouse.lake.is_local
                     else ["reports", "wirehouse.duckdb"])


@pytest.fixture
def fault(monkeypatch):
    """Inject a fault (warehouse.faults) in this process: fault("commit=enospc")."""
    from warehouse import faults

    faults.reset()
    yield lambda spec: monkeypatch.setenv(faults.ENV, spec)
    faults.reset()


def test_a_publish_stopped_inside_its_commit_leaves_nothing_visible_and_the_next_run_commits_it(
    warehouse, fault
):
    warehouse.stage("b1", {"articles": [article("a1", "Body.")]})
    fault("commit=enospc")
    with pytest.raises(OSError, match="No space left on device"):
        warehouse.publish("b1", {}, [file_row("/in/a.txt")], batch_row(), [])
    counts = warehouse.table_counts()
    assert counts["articles"] == 0 and counts["files"] == 0 and counts["batches"] == 0
    # The batch and its publication stay staged; the next run commits them without analysis.
    assert warehouse.lake.exists("staging", "b1", "publication.json")
    fault("")
    assert warehouse.recover_staging() == ["b1"]
    counts = warehouse.table_counts()
    assert (counts["articles"], counts["files"], counts["batches"], counts["stage_timings"]) == (1, 1, 1, 1)
    assert warehouse.lake.list("staging") == []
    assert warehouse.lake.exists("batches", "b1", "articles.parquet")


def test_a_batch_committed_but_not_archived_is_archived_by_the_next_run_not_deleted(warehouse, fault):
    from transforms.records import LineStatRecord

    warehouse.stage("b1", {"articles": [article("a1", "Body.")]})
    fault("committed=eacces")
    stats = [LineStatRecord("ledger.example", "follow us", 2, "Follow us")]
    with pytest.raises(PermissionError):
        warehouse.publish("b1", {}, [file_row("/in/a.txt")], batch_row(), [], stats)
    assert warehouse.table_counts()["articles"] == 1
    assert not warehouse.lake.exists("batches", "b1")
    fault("")
    assert warehouse.recover_staging() == []  # nothing to commit: only the move was left
    assert warehouse.lake.read_table("batches", "b1", "articles.parquet").num_rows == 1
    assert warehouse.lake.list("staging") == []
    # Committing the same batch again adds nothing, not even to the line counts.
    warehouse.stage("b1", {"articles": [article("a1", "Body.")]})
    warehouse.publish("b1", {}, [file_row("/in/a.txt")], batch_row(), [], stats)
    assert warehouse.line_counts(["ledger.example"]) == {("ledger.example", "follow us"): 2}


def test_a_batch_stopped_before_its_publication_was_written_is_removed(warehouse, fault):
    fault("staged=enospc")
    with pytest.raises(OSError):
        warehouse.stage("b1", {"articles": [article("a1", "Body.")]})
    assert warehouse.lake.exists("staging", "b1", "articles.parquet")
    assert warehouse.recover_staging() == []
    assert warehouse.lake.list("staging") == []
    assert warehouse.table_counts()["articles"] == 0


def test_republishing_the_same_rows_adds_nothing(warehouse):
    for _ in range(2):
        warehouse.stage("b1", {"articles": [article("a1", "Body.")]})
        warehouse.publish("b1", {}, [file_row("/in/a.txt")], batch_row(), [])
    counts = warehouse.table_counts()
    assert (counts["articles"], counts["files"], counts["batches"]) == (1, 1, 1)


def test_line_stats_accumulate_across_publishes(warehouse):
    from transforms.records import LineStatRecord

    for batch_id, n in (("b1", 2), ("b2", 3)):
        warehouse.stage(batch_id, {})
        warehouse.publish(batch_id, {}, [], None, [], [LineStatRecord("ledger.example", "follow us", n, "Follow us")])
    assert warehouse.line_counts(["ledger.example", "other"]) == {("ledger.example", "follow us"): 5}


def test_run_lock_is_exclusive(warehouse):
    with warehouse.run_lock():
        with pytest.raises(WarehouseLocked, match=r"locked by another wirehouse run \(pid \d+\)"):
            with Warehouse(warehouse.root).run_lock():
                pass
    with warehouse.run_lock():  # released
        pass


def test_read_only_query_on_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(WarehouseError, match=r"no warehouse at .*nowhere \(run `wirehouse run PATH` first\)"):
        Warehouse(tmp_path / "nowhere").query("select 1")


def test_read_only_connection_refuses_writes(warehouse):
    import duckdb

    with pytest.raises(duckdb.Error, match="read-only"):
        warehouse.query("delete from articles")


def test_tables_doc_is_current():
    assert (PROJECT / "docs" / "tables.md").read_text(encoding="utf-8") == tables_markdown(), (
        "docs/tables.md is stale: regenerate with `python -m warehouse.schema > docs/tables.md`")



def test_an_older_warehouse_gains_new_columns(tmp_path):
    import duckdb

    wh = Warehouse(tmp_path / "old")
    wh.initialise()
    with duckdb.connect(str(wh.db_path)) as con:
        con.execute("DROP VIEW quote_clusters")
        con.execute("ALTER TABLE articles DROP COLUMN language")
        con.execute("ALTER TABLE quarantine.articles DROP COLUMN source")
    wh.initialise()
    cols = set(wh.query("select column_name from duckdb_columns() where table_name = 'articles' "
                        "and schema_name = 'main'").column_name)
    assert {"language", "source"} <= cols
    assert "source" in set(wh.query("select column_name from duckdb_columns() where table_name = 'articles' "
                                    "and schema_name = 'quarantine'").column_name)


def test_an_older_residue_table_is_rebuilt_with_the_position_in_its_key(tmp_path):
    import duckdb

    wh = Warehouse(tmp_path / "old")
    wh.initialise()
    with duckdb.connect(str(wh.db_path)) as con:  # residue as versions before residue sentences made it
        con.execute("DROP TABLE residue")
        con.execute("CREATE TABLE residue (article_id VARCHAR NOT NULL, line_no BIGINT NOT NULL, rule_id VARCHAR "
                    "NOT NULL, text VARCHAR NOT NULL, pipeline_version VARCHAR, PRIMARY KEY (article_id, line_no))")
        con.execute("INSERT INTO residue VALUES ('a1', 3, 'share-bar', 'Share this article', 'v1')")
        con.execute("ALTER TABLE quarantine.residue DROP COLUMN start_in_line")
    wh.initialise()
    assert wh.query("select article_id, line_no, start_in_line, rule_id, text, pipeline_version from residue"
                    ).values.tolist() == [["a1", 3, 0, "share-bar", "Share this article", "v1"]]
    with duckdb.connect(str(wh.db_path)) as con:  # two sentences of one line are two rows
        con.execute("INSERT INTO residue (article_id, line_no, start_in_line, rule_id, text) VALUES "
                    "('a2', 5, 0, 'error-oops', 'Oops!'), ('a2', 5, 6, 'error-try-again', 'Please try again later.')")
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO residue (article_id, line_no, start_in_line, rule_id, text) VALUES "
                        "('a2', 5, 6, 'loading', 'Loading...')")
    assert "start_in_line" in set(wh.query("select column_name from duckdb_columns() where table_name = 'residue' "
                                           "and schema_name = 'quarantine'").column_name)
    wh.initialise()  # and again: nothing left to rebuild
    assert len(wh.query("select * from residue")) == 3


def test_an_older_warehouse_moves_its_per_stage_columns_to_stage_timings(tmp_path):
    import duckdb

    wh = Warehouse(tmp_path / "old")
    wh.root.mkdir()
    with duckdb.connect(str(wh.db_path)) as con:  # batches as versions before stage_timings made it
        con.execute("CREATE TABLE batches (batch_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL, n_files BIGINT "
                    "NOT NULL, n_articles BIGINT NOT NULL, n_published BIGINT NOT NULL, n_quarantined BIGINT "
                    "NOT NULL, staged_path VARCHAR NOT NULL, audit_success BOOLEAN NOT NULL, started_at VARCHAR "
                    "NOT NULL, published_at VARCHAR NOT NULL, seconds_clean DOUBLE, seconds_nlp DOUBLE, "
                    "seconds_publish DOUBLE, PRIMARY KEY (batch_id))")
        con.execute("INSERT INTO batches VALUES ('b1', 'r1', 1, 2, 2, 0, 'x', true, '2026-11-01T08:00:00+00:00', "
                    "'2026-11-01T08:01:00+00:00', 1.5, 7.25, NULL), ('b2', 'r1', 1, 1, 1, 0, 'y', true, "
                    "'2026-11-01T08:01:00+00:00', '2026-11-01T08:02:00+00:00', 0.5, 3.0, 0.2)")
    wh.initialise()
    assert wh.query("select * from stage_timings order by batch_id, stage").values.tolist() == [
        ["b1", "clean", 1.5], ["b1", "nlp", 7.25], ["b2", "clean", 0.5], ["b2", "nlp", 3.0], ["b2", "publish", 0.2]]
    cols = wh.query("select column_name from duckdb_columns() where table_name = 'batches'").column_name.tolist()
    assert not [c for c in cols if c.startswith("seconds_")]
    assert wh.query("select batch_id, n_articles from batches order by 1").values.tolist() == [["b1", 2], ["b2", 1]]
    wh.initialise()  # and again: nothing left to move
    assert len(wh.query("select * from stage_timings")) == 5


def test_the_same_quotation_in_two_sources_is_one_cluster(warehouse):
    def with_quote(aid: str, source: str, text: str, published: str) -> dict:
        body = f"“{text}” Ruiz said."
        a = article(aid, body)
        a.source, a.published, a.published_raw = source, datetime.fromisoformat(published), published
        q = QuoteRecord(f"q{aid}", aid, text, 1, 1 + len(text), "direct", "Ana Ruiz", None, "Ruiz", "said", None, 0,
                        "cue")
        return {"articles": [a], "quotes": [q]}

    first = with_quote("a1", "ledger.example", "We will rebuild the pier, and soon!", "2024-03-02")
    second = with_quote("a2", "wire.example", "We will rebuild the pier and soon", "2024-03-01")
    warehouse.stage("b1", {t: first[t] + second[t] for t in ("articles", "quotes")})
    warehouse.publish("b1", {}, [], None, [])
    clusters = warehouse.query("select cluster_key, speakers, n_quotes, n_articles, n_sources, first_seen "
                               "from quote_clusters")
    assert clusters.values.tolist() == [
        ["we will rebuild the pier and soon", ["Ana Ruiz"], 2, 2, 2, datetime(2024, 3, 1, tzinfo=UTC)]]


def test_publish_without_the_staged_batch_says_where_it_looked(tmp_path):
    """A worker on another machine staged to its own disk: the publisher cannot see the files."""
    warehouse = Warehouse(tmp_path / "wh")
    warehouse.initialise()
    with pytest.raises(WarehouseError, match=r"staged batch b9 is not at .*staging/b9: .*WIREHOUSE_LAKE"):
        warehouse.publish("b9", {}, [], None, [])


def test_unknown_lake_protocol_is_a_clear_error(tmp_path):
    with pytest.raises(WarehouseError, match=r"cannot use 'nosuch://bucket/wh' for staging: .*nosuch"):
        Warehouse(tmp_path / "wh", lake="nosuch://bucket/wh")


def hold_for(path, seconds: float, read_only: bool = False):
    """Another process holding the DuckDB file for a while (writing: a run publishing; read_only:
    a long `wirehouse sql`); returns once it holds it."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; con = duckdb.connect(sys.argv[1], read_only=sys.argv[3] == 'ro'); "
         "print('held', flush=True); time.sleep(float(sys.argv[2])); con.close()",
         str(path), str(seconds), "ro" if read_only else "rw"],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.e2e  # a second process holds the DuckDB file
def test_readers_built_from_settings_wait_for_a_writer(tmp_path):
    import time

    from flows.settings import Settings

    settings = Settings(dir=tmp_path / "wh", lock_wait_seconds=20)
    wh = Warehouse.from_settings(settings)
    wh.initialise()
    holder = hold_for(wh.db_path, 2)
    started = time.monotonic()
    assert wh.query("SELECT count(*) AS n FROM articles")["n"].tolist() == [0]  # `report`, `quarantine`, `sql`
    assert time.monotonic() - started > 0.5  # it waited for the writer instead of failing
    holder.wait(timeout=30)
    impatient = Warehouse.from_settings(settings.model_copy(update={"lock_wait_seconds": 0}))
    holder = hold_for(wh.db_path, 3)
    with pytest.raises(WarehouseLocked, match=r"is held by pid \d+ \(python -c import duckdb, sys, time;"):
        impatient.query("SELECT 1")
    holder.wait(timeout=30)


@pytest.mark.e2e  # a second process holds the DuckDB file
def test_a_publish_that_readers_hold_up_stays_staged_and_the_next_run_commits_it(tmp_path, caplog):
    from transforms.ingest import ParsedFile
    from transforms.parse import RawDocument
    from warehouse.ledger import BatchOutcome, Publisher, open_run

    wh = Warehouse(tmp_path / "wh", write_wait_seconds=1)
    wh.initialise()
    open_run(wh, "r1", started_at=T0, inputs="/in")
    wh.stage("r1-b0001", {"articles": [article("a1", "Body.")]})
    publisher = Publisher(wh, "r1", set())
    outcome = BatchOutcome("r1-b0001", {"a1": "/in/a1.txt"}, {"a1": "ca1"}, {}, {}, {}, {}, {})
    files = [ParsedFile("/in/a1.txt", "f" * 64, 10, "text", [RawDocument(0, "text", "Body.")])]
    reader = hold_for(wh.db_path, 4, read_only=True)
    with caplog.at_level("INFO", logger="wirehouse"):
        publisher.publish(files, outcome, started_at=T0, seconds={"nlp": 1.0})
    assert publisher.deferred == ["r1-b0001"]
    notes = [r.getMessage() for r in caplog.records]
    assert notes[0].startswith("waiting up to 1 s for pid ") and "(python -c import duckdb" in notes[0]
    assert notes[-1].startswith("batch r1-b0001 stays staged for the next run to publish: ")
    assert set(publisher.known_contents) == {"ca1"}  # later batches of the run see its bodies
    reader.wait(timeout=30)
    assert wh.table_counts()["articles"] == 0 and wh.lake.exists("staging", "r1-b0001", "publication.json")
    from warehouse.ledger import finish_run  # the run finishes with the batch staged

    finish_run(wh, "r1", started_at=T0, inputs="/in", files_seen=1, deferred_batches=publisher.deferred)
    assert wh.query("select n_published from runs").n_published.tolist() == [0]
    open_run(wh, "r2", started_at=T1, inputs="/in")
    assert wh.query("select article_id from articles").article_id.tolist() == ["a1"]
    assert wh.query("select path, status, run_id from files").values.tolist() == [["/in/a1.txt", "published", "r1"]]
    runs = wh.query("select run_id, status, n_published from runs order by run_id").values.tolist()
    assert runs == [["r1", "completed", 1], ["r2", "running", 0]]
    assert wh.lake.list("staging") == [] and wh.lake.exists("batches", "r1-b0001", "articles.parquet")
