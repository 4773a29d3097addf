"""Which web archive records become articles, and a response's payload as a document."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.parse import RejectedInput
from transforms.warc import (
    SKIP_REASONS,
    WarcFilters,
    WarcRecordHead,
    in_order,
    is_warc,
    segment_offsets,
    skip_reason,
    warc_document,
    warc_format,
)

NOV2 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def head(**changes) -> WarcRecordHead:
    values = {
        "record_type": "response",
        "url": "https://news.example.org/a",
        "date": NOV2,
        "status": 200,
        "content_type": "text/html",
        "digest": "sha1:AAAA",
        "length": 5000,
    }
    values.update(changes)
    return WarcRecordHead(**values)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"content_type": "application/xhtml+xml"}, None),
        ({"record_type": "warcinfo"}, "warcinfo"),
        ({"record_type": "request"}, "request"),
        ({"record_type": "metadata"}, "metadata"),
        ({"record_type": "revisit"}, "revisit"),
        ({"record_type": "resource"}, "other_type"),
        ({"status": None}, "not_http"),
        ({"status": 301}, "redirect"),
        ({"status": 308}, "redirect"),
        ({"status": 404}, "not_200"),
        ({"status": 204}, "not_200"),
        ({"content_type": "image/png"}, "not_html"),
        ({"content_type": None}, "not_html"),
        ({"length": 10_001}, "too_large"),
    ],
)
def test_skip_reasons(changes, reason):
    assert skip_reason(head(**changes), WarcFilters(), set(), max_bytes=10_000) == reason


def test_the_same_payload_digest_is_one_article():
    seen: set[str] = set()
    assert skip_reason(head(), WarcFilters(), seen, 10_000) is None
    assert skip_reason(head(url="https://mirror.example.org/a"), WarcFilters(), seen, 10_000) == "same_digest"
    assert skip_reason(head(digest="sha1:BBBB"), WarcFilters(), seen, 10_000) is None
    assert seen == {"sha1:AAAA", "sha1:BBBB"}


def test_a_skipped_record_does_not_take_its_digest():
    seen: set[str] = set()
    assert skip_reason(head(status=404), WarcFilters(), seen, 10_000) == "not_200"
    assert skip_reason(head(), WarcFilters(), seen, 10_000) is None


@pytest.mark.parametrize(
    ("allow", "deny", "url", "passes"),
    [
        ((), (), "https://anything.example/x", True),
        (("example.org",), (), "https://example.org/a", True),
        (("example.org",), (), "https://www.news.example.org/a", True),  # a subdomain
        (("example.org",), (), "https://badexample.org/a", False),  # not a subdomain
        (("example.org",), (), "https://example.org.evil.net/a", False),
        (("*.gov",), (), "https://data.treasury.gov/report", True),
        (("EXAMPLE.ORG",), (), "https://Example.Org/a", True),  # case-insensitive
        (("*://*/politics/*",), (), "https://news.example.org/politics/vote", True),
        (("*://*/politics/*",), (), "https://news.example.org/sport/match", False),
        ((), ("ads.example.org",), "https://ads.example.org/x", False),
        ((), ("ads.example.org",), "https://news.example.org/x", True),
        (("example.org",), ("sport.example.org",), "https://sport.example.org/x", False),  # deny wins
        (("example.org",), (), None, False),
    ],
)
def test_url_filters(allow, deny, url, passes):
    filters = WarcFilters(allow, deny)
    assert filters.url_passes(url) is passes
    expected = None if passes else "filtered_url"
    assert skip_reason(head(url=url), filters, set(), 10_000) == expected


def test_date_range_is_half_open():
    filters = WarcFilters(since=NOV2, until=datetime(2026, 11, 3, tzinfo=UTC))
    assert filters.date_passes(NOV2)
    assert not filters.date_passes(datetime(2026, 11, 2, 7, 59, 59, tzinfo=UTC))
    assert filters.date_passes(datetime(2026, 11, 2, 23, 59, tzinfo=UTC))
    assert not filters.date_passes(datetime(2026, 11, 3, tzinfo=UTC))
    assert not filters.date_passes(None)
    assert WarcFilters().date_passes(None)
    assert (
        skip_reason(head(date=datetime(2026, 11, 4, tzinfo=UTC)), filters, set(), 10_000) == "filtered_date"
    )


def test_reasons_in_their_documented_order():
    counted = in_order({"not_html": 1, "request": 2, "warcinfo": 1, "same_digest": 1, "revisit": 0})
    assert list(counted.items()) == [("warcinfo", 1), ("request", 2), ("not_html", 1), ("same_digest", 1)]
    assert set(counted) <= set(SKIP_REASONS)


def test_the_http_charset_decodes_the_payload():
    page = "<html><body><p>Renée’s café in Dunmere</p></body></html>"
    doc = warc_document(
        1363,
        page.encode("cp1252"),
        charset="windows-1252",
        url="https://dunmere.example.org/cafe",
        record_id="<urn:uuid:1>",
        date=NOV2,
    )
    assert doc.content == page
    assert (doc.record_index, doc.kind, doc.url) == (1363, "html", "https://dunmere.example.org/cafe")
    assert (doc.warc_record_id, doc.warc_date, doc.published) == (
        "<urn:uuid:1>",
        "2026-11-02T08:00:00+00:00",
        None,
    )


def test_iso_8859_1_reads_as_windows_1252_and_koi8_r_as_itself():
    curly = "<p>“Ready,” she said.</p>".encode("cp1252")
    doc = warc_document(0, curly, charset="ISO-8859-1", url=None, record_id=None, date=None)
    assert doc.content == "<p>“Ready,” she said.</p>"
    russian = "<p>Мост открыт</p>"
    doc = warc_document(0, russian.encode("koi8-r"), charset="koi8-r", url=None, record_id=None, date=None)
    assert doc.content == russian


def test_without_a_usable_http_charset_the_page_decides():
    page = '<html><head><meta charset="windows-1252"></head><body><p>Café Orlan ’s</p></body></html>'
    for charset in (None, "no-such-charset", "utf-8"):  # utf-8 does not decode these bytes
        doc = warc_document(0, page.encode("cp1252"), charset=charset, url=None, record_id=None, date=None)
        assert doc.content == page


def test_an_empty_payload_is_unreadable():
    with pytest.raises(RejectedInput, match="empty payload"):
        warc_document(0, b"  \n", charset="utf-8", url=None, record_id=None, date=None)


def test_names_and_segments():
    assert [is_warc(n) for n in ("a.warc", "CC-NEWS-1.warc.gz", "a.warc.json", "a.html")] == [
        True,
        True,
        False,
        False,
    ]
    assert (warc_format("a.warc"), warc_format("a.WARC.GZ")) == ("warc", "warc+gzip")
    assert segment_offsets([10, 20, 30, 40, 50], 2) == [(10, 20), (30, 40), (50,)]
    assert segment_offsets([], 2) == []
