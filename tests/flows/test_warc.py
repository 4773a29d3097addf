"""Web archives through the real flow: one ledger row per WARC whose articles span batches, the
lineage of every article, skipped records counted by reason, reruns, a WARC that grows, filters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flows.runner import run_ingest
from flows.settings import Settings
from tests.warc_files import Rec, html, warc_bytes
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # the whole flow, with Prefect's temporary server

PROJECT = Path(__file__).resolve().parents[2]
RECORDS = [
    Rec("request", "https://news.example.org/bridge"),
    html("bridge", "https://news.example.org/bridge", date="2026-11-02T08:00:00Z"),
    Rec("response", "https://news.example.org/old", status="301 Moved Permanently", content_type=None),
    html(
        "library",
        "https://www.orlan.example.net/library",
        charset="windows-1252",
        date="2026-11-02T09:00:00Z",
    ),
    html("bridge", "https://mirror.example.org/bridge", date="2026-11-02T09:30:00Z"),  # the same payload
    Rec("response", "https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
    Rec("revisit", "https://news.example.org/bridge"),
    html("ferry", "https://ferry.example.com/news", date="2026-11-03T10:00:00Z"),
]
SKIPPED = {"warcinfo": 1, "request": 1, "revisit": 1, "redirect": 1, "not_html": 1, "same_digest": 1}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    root = tmp_path_factory.mktemp("warc")
    data, offsets = warc_bytes(RECORDS)
    path = root / "in" / "CC-NEWS-20261102.warc.gz"
    path.parent.mkdir()
    path.write_bytes(data)
    settings = Settings(dir=root / "wh", batch_size=2)  # three articles: two batches
    summary = run_ingest([str(path.parent)], settings)
    return path, offsets, settings, summary


def test_articles_of_one_warc_span_batches_under_one_ledger_row(crawl):
    path, _, settings, summary = crawl
    assert (summary.files_seen, summary.published_articles, summary.quarantined_articles) == (1, 3, 0)
    assert (summary.warc_records, summary.skipped_records, summary.rejected_files) == (9, SKIPPED, {})
    wh = Warehouse(settings.warehouse_dir)
    files = wh.query("SELECT * FROM files").to_dict("records")
    assert len(files) == 1
    row = files[0]
    size = path.stat().st_size
    assert {k: row[k] for k in ("path", "status", "format", "n_articles", "n_published", "n_records")} == {
        "path": str(path),
        "status": "published",
        "format": "warc+gzip",
        "n_articles": 3,
        "n_published": 3,
        "n_records": 9,
    }
    assert (row["size_bytes"], row["warc_start"], row["warc_end"]) == (size, 0, size)
    assert json.loads(row["skipped_records"]) == SKIPPED
    assert row["warc_errors"] is None
    batches = wh.query("SELECT batch_id, n_articles FROM batches ORDER BY batch_id").values.tolist()
    assert [n for _, n in batches] == [2, 1]
    assert row["batch_id"] == batches[-1][0]  # the row comes with the last segment


def test_every_article_is_traced_to_its_record(crawl):
    path, offsets, settings, _ = crawl
    wh = Warehouse(settings.warehouse_dir)
    rows = wh.query(
        "SELECT source_uri, record_index, url, warc_record_id, warc_date, published, published_raw, title "
        "FROM articles ORDER BY record_index"
    ).to_dict("records")
    assert [(r["source_uri"], r["record_index"], r["url"]) for r in rows] == [
        (f"{path}#{offsets[2]}", offsets[2], "https://news.example.org/bridge"),
        (f"{path}#{offsets[4]}", offsets[4], "https://www.orlan.example.net/library"),
        (f"{path}#{offsets[8]}", offsets[8], "https://ferry.example.com/news"),
    ]
    assert [r["title"] for r in rows] == [
        "Harbour bridge reopens after repairs",
        "New library opens its doors in Orlan",
        "Ferry service to Kessel island resumes",
    ]
    # The pages give no date: the WARC-Date is the publication time.
    assert [r["warc_date"].isoformat() for r in rows] == [
        "2026-11-02T08:00:00+00:00",
        "2026-11-02T09:00:00+00:00",
        "2026-11-03T10:00:00+00:00",
    ]
    assert [r["published"] for r in rows] == [r["warc_date"] for r in rows]
    assert [r["published_raw"] for r in rows] == [r["warc_date"].isoformat() for r in rows]
    # The record named is the one with that URI in the file (read back with warcio, another reader).
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as f:
        ids = {
            r.rec_headers.get_header("WARC-Record-ID"): r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(f)
        }
    assert [ids[r["warc_record_id"]] for r in rows] == [r["url"] for r in rows]
    body = wh.query("SELECT body FROM articles WHERE url LIKE '%orlan%'").body[0]
    assert "a café run by volunteers" in body  # windows-1252, as the HTTP header declares
    quotes = wh.query("SELECT speaker FROM quotes WHERE kind = 'direct' ORDER BY speaker").speaker.tolist()
    assert quotes == ["Ilse Marwood", "Maren Oduya", "Tomas Greve"]


def test_a_rerun_skips_the_warc_and_a_grown_warc_ingests_only_its_new_records(crawl):
    path, _, settings, _ = crawl
    wh = Warehouse(settings.warehouse_dir)
    counts = wh.table_counts()
    again = run_ingest([str(path)], settings)
    assert (again.already_ingested, again.published_articles, again.warc_records) == (1, 0, 0)
    assert {t: n for t, n in wh.table_counts().items() if t != "runs"} == {
        t: n for t, n in counts.items() if t != "runs"
    }

    before = path.stat().st_size
    more, more_offsets = warc_bytes(
        [
            Rec("request", "https://dunmere.example.org/market"),
            html("market", "https://dunmere.example.org/market", date="2026-11-04T07:00:00Z"),
        ],
        info=False,
    )
    with open(path, "ab") as f:  # the crawler wrote two more records
        f.write(more)
    grown = run_ingest([str(path)], settings)
    assert (grown.published_articles, grown.warc_records, grown.skipped_records) == (1, 2, {"request": 1})
    rows = wh.query(
        "SELECT n_articles, n_records, warc_start, warc_end FROM files ORDER BY warc_start"
    ).values.tolist()
    assert rows == [[3, 9, 0, before], [1, 2, before, before + len(more)]]
    market = wh.query("SELECT record_index, url FROM articles WHERE url LIKE '%market%'").values.tolist()
    assert market == [[before + more_offsets[1], "https://dunmere.example.org/market"]]
    assert wh.query("SELECT count(*) AS n FROM articles").n[0] == 4


def test_filters_from_the_command_line(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes(RECORDS)[0])
    wirehouse = [sys.executable, "-m", "flows.cli", "run", str(path), "-w", str(tmp_path / "wh")]
    done = subprocess.run(
        [*wirehouse, "--deny", "ferry.example.com", "--from", "2026-11-02T08:30Z"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "articles published:    2" in out  # the library, and the bridge's mirror (crawled later)
    assert "WARC records read:     9 (7 skipped, not articles)" in out
    reasons = ("warcinfo", "request", "revisit", "redirect", "not_html", "filtered_url", "filtered_date")
    listed = [line.strip() for line in out.splitlines() if " × " in line]
    assert listed == [f"1 × {r}" for r in reasons]
    wh = Warehouse(tmp_path / "wh")
    urls = wh.query("SELECT url FROM articles ORDER BY url").url.tolist()
    assert urls == ["https://mirror.example.org/bridge", "https://www.orlan.example.net/library"]

    bad = subprocess.run(
        [*wirehouse, "--from", "yesterday"], capture_output=True, text=True, cwd=PROJECT, timeout=120
    )
    assert bad.returncode == 2
    assert (
        "--from takes an ISO 8601 date or time (2026-11-01, 2026-11-01T08:00Z), not 'yesterday'" in bad.stderr
    )
