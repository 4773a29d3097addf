"""Reading web archives written by warcio's WARCWriter: per-record gzip, whole-file gzip and plain
files, damaged records, files that grow, and segments read again for their batches."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.warc_files import Rec, html, warc_bytes, write_warc
from transforms.parse import InputLimits
from transforms.warc import WarcFilters
from warehouse.ledger import FileCounts, WarcFiles, file_record
from warehouse.warc import WarcReading, compression_of, load_warc_part, read_warc

LIMITS = InputLimits(max_bytes=1_000_000, max_ratio=200)

# Every kind of record a news crawl holds; 3 of its 11 records (with the warcinfo) become articles.
RECORDS = [
    Rec("request", "https://news.example.org/bridge"),
    html("bridge", "https://news.example.org/bridge", date="2026-11-02T08:00:00Z"),
    html(
        "library",
        "https://www.orlan.example.net/library",
        charset="windows-1252",
        date="2026-11-02T09:00:00Z",
    ),
    html("bridge", "https://mirror.example.org/bridge"),  # the same payload digest
    Rec("response", "https://news.example.org/old", status="301 Moved Permanently", content_type=None),
    Rec("response", "https://news.example.org/missing", b"<html>gone</html>", status="404 Not Found"),
    Rec("response", "https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
    Rec("revisit", "https://news.example.org/bridge"),
    Rec("metadata", "https://news.example.org/bridge", b"fetchTimeMs: 120\r\n"),
    html("ferry", "https://ferry.example.com/news", date="2026-11-03T10:00:00Z"),
]
SKIPPED = {
    "warcinfo": 1,
    "request": 1,
    "metadata": 1,
    "revisit": 1,
    "redirect": 1,
    "not_200": 1,
    "not_html": 1,
    "same_digest": 1,
}


def scan(path: Path, **reading) -> list:
    return read_warc(path, LIMITS, WarcReading(**reading))


@pytest.mark.parametrize(
    ("gzip_records", "gzip_whole", "compression", "fmt"),
    [
        (True, False, "member", "warc+gzip"),
        (False, True, "whole", "warc+gzip"),
        (False, False, "none", "warc"),
    ],
)
def test_every_compression_reads_the_same_articles(tmp_path, gzip_records, gzip_whole, compression, fmt):
    name = "crawl.warc.gz" if fmt == "warc+gzip" else "crawl.warc"
    path = tmp_path / name
    offsets = write_warc(path, RECORDS, gzip_records=gzip_records, gzip_whole=gzip_whole)
    assert compression_of(path) == compression
    files = scan(path)
    assert len(files) == 1
    f = files[0]
    assert (f.format, f.n_documents, f.documents, f.rejected) == (fmt, 3, [], None)  # a released stub
    warc = f.warc
    assert warc.offsets == (offsets[2], offsets[3], offsets[10])
    assert (warc.compression, warc.n_records, warc.n_articles, warc.start, warc.errors) == (
        compression,
        11,
        3,
        0,
        (),
    )
    assert dict(warc.skipped) == SKIPPED
    loaded = load_warc_part(f)
    assert loaded.released_count is None and loaded.rejected is None
    docs = loaded.documents
    assert [d.record_index for d in docs] == list(warc.offsets)
    assert [d.url for d in docs] == [
        "https://news.example.org/bridge",
        "https://www.orlan.example.net/library",
        "https://ferry.example.com/news",
    ]
    assert [d.warc_date for d in docs] == [
        "2026-11-02T08:00:00+00:00",
        "2026-11-02T09:00:00+00:00",
        "2026-11-03T10:00:00+00:00",
    ]
    assert all(d.kind == "html" and d.warc_record_id.startswith("<urn:uuid:") for d in docs)
    assert "a café run by volunteers" in docs[1].content  # windows-1252, as the HTTP header says


def test_file_id_is_the_sha256_of_the_bytes_read(tmp_path):
    import hashlib

    path = tmp_path / "a.warc.gz"
    write_warc(path, RECORDS)
    f = scan(path)[0]
    assert f.file_id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (f.size_bytes, f.warc.end) == (path.stat().st_size, path.stat().st_size)


def test_segments_of_the_batch_size(tmp_path):
    path = tmp_path / "a.warc.gz"
    offsets = write_warc(path, RECORDS)
    files = scan(path, segment_size=2)
    assert [f.warc.offsets for f in files] == [(offsets[2], offsets[3]), (offsets[10],)]
    assert [(f.warc.last, f.n_documents) for f in files] == [(False, 2), (True, 1)]
    assert len({f.file_id for f in files}) == 1
    assert [d.url for d in load_warc_part(files[1]).documents] == ["https://ferry.example.com/news"]


def test_filters(tmp_path):
    path = tmp_path / "a.warc.gz"
    offsets = write_warc(path, RECORDS)
    since = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    f = scan(path, filters=WarcFilters(deny=("ferry.example.com",), since=since))[0]
    # The bridge was crawled before `since` and the ferry is denied; the bridge's mirror (crawled
    # when the test wrote it) is an article now: the digest rule saw no earlier copy.
    assert f.warc.offsets == (offsets[3], offsets[4])
    without_digest = {k: v for k, v in SKIPPED.items() if k != "same_digest"}
    assert dict(f.warc.skipped) == {**without_digest, "filtered_url": 1, "filtered_date": 1}
    assert list(dict(f.warc.skipped))[-2:] == ["filtered_url", "filtered_date"]  # SKIP_REASONS order


def test_a_truncated_gzip_member_is_recorded_and_the_rest_is_read(tmp_path):
    data, offsets = warc_bytes(RECORDS)
    cut = offsets[3]  # the library's member: 60 bytes left of it
    kept = 60
    damaged = data[:cut] + data[cut : cut + kept] + data[offsets[4] :]
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(damaged)
    f = scan(path)[0]
    shift = offsets[4] - cut - kept
    assert f.warc.offsets == (offsets[2], offsets[10] - shift)
    assert len(f.warc.errors) == 1 and f.warc.errors[0].startswith(f"at byte {cut}: ")
    assert f.warc.end == len(damaged)  # records after the damage were read to the end
    assert [d.url for d in load_warc_part(f).documents] == [
        "https://news.example.org/bridge",
        "https://ferry.example.com/news",
    ]


def test_a_corrupt_plain_record_is_recorded_and_the_rest_is_read(tmp_path):
    data, offsets = warc_bytes(RECORDS, gzip_records=False)
    at = offsets[3]
    damaged = data[:at] + b"XXXX/1.1" + data[at + 8 :]  # its WARC/1.x line broken
    path = tmp_path / "damaged.warc"
    path.write_bytes(damaged)
    f = scan(path)[0]
    assert f.warc.offsets == (offsets[2], offsets[10])
    assert f.warc.errors == (f"at byte {at}: Invalid WARC header",)
    assert (f.warc.n_records, f.warc.end) == (10, len(damaged))


def test_a_truncated_tail_ends_the_reading_before_it_and_the_grown_file_reads_only_new_records(tmp_path):
    first, offsets = warc_bytes(RECORDS[:3])
    more, more_offsets = warc_bytes(
        [
            html("ferry", "https://ferry.example.com/news"),
            html("market", "https://dunmere.example.org/market"),
        ],
        info=False,
    )
    path = tmp_path / "live.warc.gz"
    path.write_bytes(first + more[: more_offsets[1] + 50])  # a crawler half way through the market page
    f = scan(path)[0]
    ferry = len(first)
    market = len(first) + more_offsets[1]
    assert f.warc.offsets == (offsets[2], offsets[3], ferry)
    assert f.warc.end == market  # the truncated record is where the next reading starts
    assert f.warc.errors and f.warc.errors[0].startswith(f"at byte {market}: ")
    import hashlib

    assert f.file_id == hashlib.sha256(path.read_bytes()[:market]).hexdigest()

    path.write_bytes(first + more)  # the crawler finished the record
    grown = scan(path, progress={str(path): [(f.file_id, f.warc.end)]})[0]
    assert (grown.warc.start, grown.warc.offsets, grown.warc.n_records, grown.warc.errors) == (
        market,
        (market,),
        1,
        (),
    )
    assert grown.file_id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [d.url for d in load_warc_part(grown).documents] == ["https://dunmere.example.org/market"]
    # A file whose earlier bytes changed is not a grown one: it is read from the start.
    path.write_bytes(more + first)
    changed = scan(path, progress={str(path): [(f.file_id, f.warc.end)]})[0]
    assert changed.warc.start == 0


def test_a_file_that_changed_before_its_batch_rejects_the_segment(tmp_path):
    path = tmp_path / "a.warc.gz"
    write_warc(path, RECORDS)
    f = scan(path)[0]
    write_warc(path, list(reversed(RECORDS)))
    loaded = load_warc_part(f)
    assert loaded.rejected == "the file changed while this run read it; the next run reads it again"


def test_not_a_web_archive_is_rejected(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("just some notes\n", encoding="utf-8")
    assert [f.rejected for f in scan(path)] == ["not a readable web archive (at byte 0: Invalid WARC header)"]
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(gzip.compress(b""))
    assert [f.rejected for f in scan(path)] == ["not a readable web archive (no WARC records)"]


def test_a_warc_without_articles_is_one_file_without_documents(tmp_path):
    path = tmp_path / "requests.warc.gz"
    write_warc(path, [Rec("request", "https://a.example.org/"), Rec("revisit", "https://a.example.org/")])
    files = scan(path)
    assert [(f.n_documents, f.released_count, f.warc.offsets, f.warc.last) for f in files] == [
        (0, None, (), True)
    ]
    assert dict(files[0].warc.skipped) == {"warcinfo": 1, "request": 1, "revisit": 1}
    # Released with the run's other files (past WIREHOUSE_HOLD_MB), it loads as it is.
    released = files[0].released()
    assert released.released_count == 0
    assert load_warc_part(released) == replace(files[0], released_count=None)


def test_one_ledger_row_per_warc_with_the_counts_of_every_segment(tmp_path):
    path = tmp_path / "a.warc.gz"
    write_warc(path, RECORDS)
    first, last = scan(path, segment_size=2)
    parts = WarcFiles()
    assert (
        parts.add(first, FileCounts(published=1, quarantined=1, reasons=["articles.body_not_empty"])) is None
    )
    f, counts = parts.add(replace(last, rejected=None), FileCounts(published=1))
    row = file_record(f, run_id="r1", batch_id="b2", counts=counts)
    assert (row.status, row.reason, row.n_articles, row.n_published, row.n_quarantined) == (
        "quarantined",
        "articles.body_not_empty",
        3,
        2,
        1,
    )
    assert (row.n_records, row.warc_start, row.warc_end, row.warc_errors) == (
        11,
        0,
        path.stat().st_size,
        None,
    )
    assert json.loads(row.skipped_records) == SKIPPED
    # A segment whose analysis failed is named in warc_errors; the file is not rejected.
    parts = WarcFiles()
    parts.add(replace(first, rejected="record 7: cannot clean (ValueError: x)"), FileCounts())
    f, counts = parts.add(last, FileCounts(published=1))
    row = file_record(f, run_id="r1", batch_id="b2", counts=counts)
    offsets = first.warc.offsets
    assert (row.status, row.warc_errors) == (
        "published",
        f"records at bytes {offsets[0]}..{offsets[1]}: record 7: cannot clean (ValueError: x)",
    )


def test_a_whole_file_gzip_cut_short_keeps_the_records_before_the_damage(tmp_path):
    data, offsets = warc_bytes(RECORDS, gzip_records=False)
    whole = gzip.compress(data, mtime=0)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    f = scan(path)[0]
    assert f.warc.compression == "whole"
    assert f.warc.offsets == (offsets[2], offsets[3])
    (error,) = f.warc.errors
    assert error.startswith(f"at byte {f.warc.end}: ") and error.endswith(
        "(the rest of the gzip stream is unreadable)"
    )
    assert offsets[3] < f.warc.end <= offsets[9]
    assert [d.url for d in load_warc_part(f).documents] == [
        "https://news.example.org/bridge",
        "https://www.orlan.example.net/library",
    ]


def test_records_written_after_the_run_looked_are_left_for_the_next_run(tmp_path):
    from warehouse.warc import _End, _walk

    path = tmp_path / "live.warc.gz"
    offsets = write_warc(path, RECORDS)
    # The file held three records when the run took its size; the crawler wrote the rest since.
    walked = list(_walk(path, "member", 0, offsets[3]))
    assert [item[0] for item in walked[:-1]] == offsets[:3]
    assert walked[-1] == _End(offsets[3])
