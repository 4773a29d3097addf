"""The publisher assembles the ledger, batch, timing and quality rows; a run's counts are read
back from the ledger: on a real DuckDB file."""
from __future__ import annotations

import codecs
import gzip
from datetime import UTC, datetime

import pandas as pd

from expectations import ExpectationOutcome
from transforms.ingest import ParsedFile, parse_file, parsed_from_raw
from transforms.parse import MB, InputLimits, RawDocument
from transforms.records import ArticleRecord
from transforms.ingest import FileCounts
from warehouse.ledger import BatchOutcome, Publisher, file_record, finish_run, read_run
from warehouse.store import Warehouse

T0, T1 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC), datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def rows(frame) -> list[list]:
    return [[None if pd.isna(v) else v for v in row] for row in frame.values.tolist()]


def article(aid: str, file_id: str, body: str) -> ArticleRecord:
    return ArticleRecord(aid, file_id, 0, f"/in/{aid}.txt", None, "T", None, None, body, len(body), 0,
                         f"sha-{body}", "r1-b0001", "r1", "en", "/in")


def test_a_published_batch_and_the_run_counts_read_back_from_the_ledger(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    files = [ParsedFile(f"/in/{n}.txt", n * 64, 10, "text", [RawDocument(0, "text", "x")]) for n in "abcd"]
    bad = ParsedFile("/in/broken.jsonl", "e" * 64, 3, "jsonl", rejected="invalid JSON on line 1")
    publisher = Publisher(wh, "r1", {"sha-seen before"})
    publisher.record_unbatched([bad])
    wh.stage("r1-b0001", {"articles": [article("A", "a" * 64, "kept"), article("B", "b" * 64, "held"),
                                       article("C", "c" * 64, "seen before")]})
    outcome = BatchOutcome(
        batch_id="r1-b0001",
        article_file={"A": "/in/a.txt", "B": "/in/b.txt", "C": "/in/c.txt"},
        contents={"A": "sha-kept", "B": "sha-held", "C": "sha-seen before"},
        versions={},
        signatures={},
        rejected={"/in/d.txt": "record 0: cannot analyse (ValueError: boom)"},
        failed_articles={"B": ["quotes.speaker_not_null"], "C": ["articles.no_ui_residue"]},
        article_lines={},
        outcomes=[ExpectationOutcome("quotes", "expect_column_values_to_be_in_set", "speaker_present",
                                     "every quote has a speaker", "quotes.speaker_not_null", False, 3, 1)],
    )
    publisher.publish(files, outcome, started_at=T0, seconds={"clean": 1.23456, "nlp": 2.5})
    assert set(publisher.known_contents) == {"sha-seen before", "sha-kept", "sha-held"}
    ledger = wh.query("select path, status, reason, n_published, n_quarantined, n_duplicates, batch_id from files order by path")
    assert rows(ledger) == [
        ["/in/a.txt", "published", None, 1, 0, 0, "r1-b0001"],
        ["/in/b.txt", "quarantined", "quotes.speaker_not_null", 0, 1, 0, "r1-b0001"],
        ["/in/broken.jsonl", "rejected", "invalid JSON on line 1", 0, 0, 0, None],
        ["/in/c.txt", "duplicate", "every article was already ingested", 0, 0, 1, "r1-b0001"],
        ["/in/d.txt", "rejected", "record 0: cannot analyse (ValueError: boom)", 0, 0, 0, "r1-b0001"],
    ]
    assert wh.query("select n_articles, n_published, n_quarantined, audit_success from batches").values.tolist() == [
        [2, 1, 1, False]]
    timings = wh.query("select stage, seconds from stage_timings order by stage")
    assert timings.stage.tolist() == ["clean", "nlp", "publish"] and timings.seconds.tolist()[:2] == [1.2346, 2.5]
    assert wh.query("select expectation, unexpected_count from quality_results").values.tolist() == [
        ["quotes.speaker_not_null", 1]]

    summary = read_run(wh, "r1", files_seen=7, already_ingested=["/in/old.txt", "/in/older.txt"], seconds_read=0.5)
    assert (summary.files_seen, summary.already_ingested) == (7, 2)
    assert (summary.published_articles, summary.quarantined_articles, summary.duplicate_files) == (1, 1, 1)
    assert summary.quarantine_reasons == {"quotes.speaker_not_null": 1}
    assert summary.rejected_files == {"/in/broken.jsonl": "invalid JSON on line 1",
                                      "/in/d.txt": "record 0: cannot analyse (ValueError: boom)"}
    assert summary.file_status == {"/in/a.txt": "published", "/in/b.txt": "quarantined", "/in/c.txt": "duplicate",
                                   "/in/d.txt": "rejected", "/in/broken.jsonl": "rejected",
                                   "/in/old.txt": "already ingested", "/in/older.txt": "already ingested"}
    finished = finish_run(wh, "r1", started_at=T0, inputs="/in", files_seen=7, seconds_read=0.5)
    assert finished.report_path.endswith("quality.html")
    assert wh.query("select n_files, n_published, n_quarantined, n_rejected, n_duplicates, seconds_read from runs"
                    ).values.tolist() == [[7, 1, 1, 2, 1, 0.5]]


def test_a_run_left_running_is_recorded_as_interrupted_with_what_its_batches_reached(tmp_path):
    from warehouse.ledger import open_run

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    open_run(wh, "r1", started_at=T0, inputs="/in")
    assert rows(wh.query("select run_id, status, finished_at from runs")) == [["r1", "running", None]]
    # r1 published one batch (a file with one article) and its process died.
    wh.stage("r1-b0001", {"articles": [article("A", "a" * 64, "kept")]})
    publisher = Publisher(wh, "r1", set())
    outcome = BatchOutcome("r1-b0001", {"A": "/in/a.txt"}, {"A": "sha-kept"}, {}, {}, {}, {}, {})
    publisher.publish([ParsedFile("/in/a.txt", "a" * 64, 10, "text", [RawDocument(0, "text", "x")])], outcome,
                      started_at=T0, seconds={})
    open_run(wh, "r2", started_at=T1, inputs="/in")
    runs = wh.query("select run_id, status, finished_at, n_files, n_published from runs order by run_id")
    assert rows(runs) == [["r1", "interrupted", None, 1, 1], ["r2", "running", None, 0, 0]]
    finish_run(wh, "r2", started_at=T1, inputs="/in", files_seen=1, already_ingested=["/in/a.txt"])
    status = wh.query("select run_id, status, finished_at is not null as ended from runs order by run_id")
    assert status.values.tolist() == [["r1", "interrupted", False], ["r2", "completed", True]]


def test_an_older_warehouse_gets_run_statuses_in_place(tmp_path):
    import duckdb

    wh = Warehouse(tmp_path / "wh")
    wh.root.mkdir()
    with duckdb.connect(str(wh.db_path)) as con:  # the runs table as versions before run statuses made it
        con.execute("""CREATE TABLE runs (run_id VARCHAR NOT NULL, flow_run_id VARCHAR, started_at VARCHAR NOT NULL,
                       finished_at VARCHAR NOT NULL, inputs VARCHAR NOT NULL, n_files BIGINT NOT NULL,
                       n_published BIGINT NOT NULL, n_quarantined BIGINT NOT NULL, n_rejected BIGINT NOT NULL,
                       n_duplicates BIGINT NOT NULL, seconds_read DOUBLE, PRIMARY KEY (run_id))""")
        con.execute("INSERT INTO runs VALUES "
                    "('old', NULL, '2026-11-01T08:00:00+00:00', '2026-11-01T09:00:00+00:00', '/in', 3, 2, 1, 0, 0, 0.5)")
    wh.initialise()
    assert wh.query("select run_id, status, finished_at from runs").values.tolist() == [["old", "completed", T1]]
    columns = wh.query("select column_name, is_nullable from duckdb_columns() where table_name = 'runs' "
                       "and column_name in ('status', 'finished_at') order by 1").values.tolist()
    assert columns == [["finished_at", True], ["status", False]]


def test_the_ledger_row_carries_how_the_file_was_decoded_through_reprocessing(tmp_path):
    limits = InputLimits(256 * MB, 200, "WIREHOUSE_MAX_FILE_MB", "WIREHOUSE_MAX_COMPRESSION_RATIO")
    text = "Caf\u00e9 owners \u2014 the council said the bridge would reopen in May. " * 20
    raw = text.encode()
    stray = parse_file("/in/stray.txt", "a" * 64, len(raw) + 1, raw[:20] + b"\x81" + raw[20:], None, limits)
    utf16 = parse_file("/in/bom.txt", "b" * 64, 0, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), None, limits)
    bomb = parse_file("/in/bomb.txt.gz", "c" * 64, 0, gzip.compress(bytes(2 * MB)), None, limits)
    assert (stray.encoding, stray.replaced_bytes) == ("utf-8", 1)
    assert stray.documents[0].content == text[:17] + "\ufffd" + text[17:]  # 20 bytes, 17 characters
    record = file_record(stray, run_id="r1", batch_id="r1-b0001", counts=FileCounts(published=1))
    assert (record.status, record.encoding, record.replaced_bytes) == ("published", "utf-8", 1)

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    publisher = Publisher(wh, "r1", set())
    publisher.record_unbatched([bomb])
    wh.stage("r1-b0001", {"articles": [article("A", "a" * 64, "one"), article("B", "b" * 64, "two")]})
    outcome = BatchOutcome(
        batch_id="r1-b0001",
        article_file={"A": "/in/stray.txt", "B": "/in/bom.txt"},
        contents={"A": "sha-one", "B": "sha-two"},
        versions={}, signatures={}, rejected={}, failed_articles={}, article_lines={}, outcomes=[],
    )
    publisher.publish([stray, utf16], outcome, started_at=T0, seconds={})
    ledger = wh.query("select path, status, reason, encoding, replaced_bytes from files order by path")
    assert rows(ledger) == [
        ["/in/bom.txt", "published", None, "utf-16-le", 0],
        ["/in/bomb.txt.gz", "rejected",
         "decompresses to more than 200 times its size (WIREHOUSE_MAX_COMPRESSION_RATIO)", None, None],
        ["/in/stray.txt", "published", None, "utf-8", 1],
    ]
    # Reprocessing reads the stored documents back with their file's decoding, and keeps it.
    stored = parsed_from_raw(wh.raw_documents())
    assert sorted((f.path, f.encoding, f.replaced_bytes) for f in stored) == [
        ("/in/bom.txt", "utf-16-le", 0), ("/in/stray.txt", "utf-8", 1)]


def test_a_quote_without_a_speaker_is_held_alone_and_its_article_publishes(tmp_path):
    from transforms.records import QuoteRecord

    def quote(qid: str, aid: str) -> QuoteRecord:
        return QuoteRecord(qid, aid, "kept", 0, 4, "direct", None, None, None, None, None, 0, "none")

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    files = [ParsedFile(f"/in/{n}.txt", n * 64, 10, "text", [RawDocument(0, "text", "x")]) for n in "ab"]
    wh.stage("r1-b0001", {"articles": [article("A", "a" * 64, "kept"), article("B", "b" * 64, "held")],
                          "quotes": [quote("qA", "A"), quote("qB", "B")]})
    outcome = BatchOutcome(
        batch_id="r1-b0001", article_file={"A": "/in/a.txt", "B": "/in/b.txt"},
        contents={"A": "sha-kept", "B": "sha-held"}, versions={}, signatures={}, rejected={},
        failed_articles={"B": ["articles.no_ui_residue"]}, article_lines={},
        held_quotes={"qA": ("A", "quotes.speaker_not_null"), "qB": ("B", "quotes.speaker_not_null")},
    )
    Publisher(wh, "r1", set()).publish(files, outcome, started_at=T0, seconds={})
    assert wh.query("select article_id from articles").article_id.tolist() == ["A"]
    assert wh.query("select count(*) as n from quotes").n[0] == 0
    # qA alone, with its own reason; qB with its held article, under the article's reason.
    assert wh.query("select quote_id, reason from quarantine.quotes order by 1").values.tolist() == [
        ["qA", "quotes.speaker_not_null"], ["qB", "articles.no_ui_residue"]]
    assert wh.query("select path, status from files order by 1").values.tolist() == [
        ["/in/a.txt", "published"], ["/in/b.txt", "quarantined"]]
    assert wh.query("select n_published, n_quarantined, n_quotes_quarantined from batches").values.tolist() == [
        [1, 1, 1]]
    summary = read_run(wh, "r1", files_seen=2, already_ingested=[], seconds_read=0.0)
    assert (summary.published_articles, summary.quarantined_articles, summary.quarantined_quotes) == (1, 1, 1)
