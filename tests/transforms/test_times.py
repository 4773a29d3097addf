"""The one rule that reads a time from text: exact results, and DuckDB's reading of an older
warehouse's text (warehouse.schema's upgrade) agreeing with Python's on every case."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from transforms.times import iso_time_sql, parse_time

READ = [
    ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),  # a date: its midnight, UTC
    ("2026-11-01T08:00", datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),  # no offset: UTC
    ("2026-11-01 08:00:05", datetime(2026, 11, 1, 8, 0, 5, tzinfo=UTC)),
    ("2026-11-01T08:00:05.5", datetime(2026, 11, 1, 8, 0, 5, 500000, tzinfo=UTC)),
    ("2026-11-01T08:00:05.123456Z", datetime(2026, 11, 1, 8, 0, 5, 123456, tzinfo=UTC)),
    ("2026-11-01T08:00:00+00:00", datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
    ("2026-11-01T08:00+01", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
    ("2026-11-01T08:00+0100", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
    ("2026-11-01T08:00-05:30", datetime(2026, 11, 1, 13, 30, tzinfo=UTC)),
    (" 2026-11-01\n", datetime(2026, 11, 1, tzinfo=UTC)),
    ("2024-02-29", datetime(2024, 2, 29, tzinfo=UTC)),
]
NOT_TIMES = [
    "yesterday", "11/01/2026", "Nov. 3, 2021", "Tuesday", "20261101", "2026-11-01Z", "2026-02-30", "2026-13-01",
    "2026-11-01T24:00", "2026-11-01T08:60", "2026-11-01T08:00:60", "2026-11-01T08:00:05.1234567",
    "2026-11-01T08:00+24:00", "2026-11-01T08:00 Europe/Berlin", "2026-11-01t08:00", "0999-01-01", "", None,
]


@pytest.mark.parametrize(("text", "expected"), READ)
def test_iso_dates_and_times_are_read_in_utc(text, expected):
    value = parse_time(text)
    assert value == expected and value.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", NOT_TIMES)
def test_anything_else_is_no_time(text):
    assert parse_time(text) is None


def test_duckdb_reads_every_text_as_python_does():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # as Warehouse.connect sets it
    con.execute("CREATE TABLE t (i INTEGER, c VARCHAR)")
    texts = [text for text, _ in READ] + NOT_TIMES
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    read = [value for _, value in con.execute(f"SELECT i, {iso_time_sql('c')} FROM t ORDER BY i").fetchall()]
    assert read == [parse_time(text) for text in texts]
    assert read[: len(READ)] == [expected for _, expected in READ] and set(read[len(READ):]) == {None}
