"""Web archives (WARC) -> documents: which records become articles, why the others are skipped,
and a response's HTML payload as a RawDocument. Pure decisions on what the WARC reader
(warehouse/warc.py, the only place WARC bytes are read) found in a record's headers.

A record becomes an article when it is a `response` with HTTP status 200, an HTML payload, a
payload digest not seen before in its file, and a target URI and WARC-Date the run's filters
(WarcFilters) let through. Every other record is skipped and counted under one reason
(SKIP_REASONS), on its file's ledger row (files.skipped_records) and in the run summary.
"""

from __future__ import annotations

import codecs
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from transforms.parse import RawDocument, RejectedInput, decode_text

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")

# Why a record is not an article, in the order they are checked; a skipped record counts once.
SKIP_REASONS: dict[str, str] = {
    "warcinfo": "the file's own description (warcinfo record)",
    "request": "the crawler's HTTP request",
    "metadata": "crawl metadata",
    "revisit": "a revisit: the payload was stored earlier (no payload here)",
    "other_type": "another record type (resource, conversion, continuation)",
    "not_http": "a response without an HTTP status line (DNS, FTP, ...)",
    "redirect": "an HTTP redirect (3xx)",
    "not_200": "an HTTP status other than 200 or a redirect (404, 500, ...)",
    "not_html": "a payload that is not HTML (images, PDF, JSON, ...)",
    "too_large": "a payload larger than WIREHOUSE_MAX_FILE_MB",
    "filtered_url": "its target URI is outside WIREHOUSE_WARC_ALLOW / inside WIREHOUSE_WARC_DENY",
    "filtered_date": "its WARC-Date is outside WIREHOUSE_WARC_FROM .. WIREHOUSE_WARC_TO",
    "same_digest": "the same payload digest as an earlier response in the file (one article)",
    "unreadable_payload": "an HTML payload that is empty or that no charset decodes",
}
_TYPE_REASONS = {"warcinfo", "request", "metadata", "revisit"}


def is_warc(name: str) -> bool:
    """A web archive by its name: .warc or .warc.gz."""
    return name.lower().endswith(WARC_SUFFIXES)


def warc_format(name: str) -> str:
    """files.format of a web archive: warc, or warc+gzip."""
    return "warc+gzip" if name.lower().endswith(".gz") else "warc"


@dataclass(frozen=True)
class WarcFilters:
    """Which responses a run takes: target URIs matching an `allow` pattern (every URI when
    there is none) and no `deny` pattern, with a WARC-Date in [since, until) (either open).

    A pattern is a shell-style glob, case-insensitive: without a `/` it is a domain, matching
    the URI's host and its subdomains (`example.com` matches www.example.com; `*.gov`); with a
    `/` it matches the whole URI (`*://*/politics/*`)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def url_passes(self, url: str | None) -> bool:
        if not self.allow and not self.deny:
            return True
        url = (url or "").strip()
        if self.allow and not any(_matches(p, url) for p in self.allow):
            return False
        return not any(_matches(p, url) for p in self.deny)

    def date_passes(self, when: datetime | None) -> bool:
        if self.since is None and self.until is None:
            return True
        if when is None:
            return False
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)


def _matches(pattern: str, url: str) -> bool:
    pattern = pattern.strip().lower()
    if "/" in pattern:
        return fnmatch.fnmatchcase(url.lower(), pattern)
    host = (urlsplit(url).hostname or "").lower()
    parts = host.split(".")
    return any(fnmatch.fnmatchcase(".".join(parts[i:]), pattern) for i in range(len(parts)))


@dataclass(frozen=True)
class WarcRecordHead:
    """What the reader found in a record's WARC and HTTP headers (no payload)."""

    record_type: str  # warcinfo, response, request, revisit, metadata, resource, ...
    url: str | None  # WARC-Target-URI
    date: datetime | None  # WARC-Date, aware
    status: int | None  # HTTP status code; None when the payload is not HTTP
    content_type: str | None  # the HTTP Content-Type's media type, lowercase
    digest: str | None  # WARC-Payload-Digest
    length: int  # the record's content length in bytes


def skip_reason(
    head: WarcRecordHead, filters: WarcFilters, seen_digests: set[str], max_bytes: int
) -> str | None:
    """Why this record is not an article (a key of SKIP_REASONS), or None when it is one. A new
    response's digest is added to seen_digests."""
    if head.record_type != "response":
        return head.record_type if head.record_type in _TYPE_REASONS else "other_type"
    if head.status is None:
        return "not_http"
    if 300 <= head.status < 400:
        return "redirect"
    if head.status != 200:
        return "not_200"
    if (head.content_type or "") not in HTML_TYPES:
        return "not_html"
    if head.length > max_bytes:
        return "too_large"
    if not filters.url_passes(head.url):
        return "filtered_url"
    if not filters.date_passes(head.date):
        return "filtered_date"
    if head.digest:
        if head.digest in seen_digests:
            return "same_digest"
        seen_digests.add(head.digest)
    return None


def in_order(counts: Mapping[str, int]) -> dict[str, int]:
    """reason -> records skipped, in SKIP_REASONS order, without zeros (what
    files.skipped_records holds, as JSON)."""
    return {r: counts[r] for r in SKIP_REASONS if counts.get(r)}


def warc_document(
    offset: int,
    payload: bytes,
    *,
    charset: str | None,
    url: str | None,
    record_id: str | None,
    date: datetime | None,
) -> RawDocument:
    """A response's HTML payload as a document (kind html, cleaned like an .html file). The
    charset the HTTP Content-Type declares decodes it when it names a known codec and decodes the
    bytes; else the page is decoded as an HTML file is (transforms.parse.decode_text: a BOM,
    UTF-8, its <meta charset>, detection). Raises RejectedInput when nothing decodes it."""
    text = None
    codec = _codec(charset)
    if codec is not None:
        try:
            text = payload.decode(codec)
        except UnicodeDecodeError:
            text = None
    if text is None:
        text = decode_text(payload, html=True).text
    if not text.strip():
        raise RejectedInput("empty payload")
    return RawDocument(
        record_index=offset,
        kind="html",
        content=text,
        url=url,
        warc_record_id=record_id,
        warc_date=date.isoformat() if date is not None else None,
    )


def _codec(charset: str | None) -> str | None:
    """The Python codec of an HTTP charset label (ISO-8859-1 and ASCII read as Windows-1252, as
    browsers do); None when there is none or it is unknown."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except LookupError:
        return None
    return {"ascii": "cp1252", "iso8859-1": "cp1252"}.get(name, name)


@dataclass(frozen=True)
class WarcPart:
    """One segment of a web archive on its way through a batch (ParsedFile.warc): the byte
    offsets of its records that become articles (at most a batch's worth), and what the reading
    found in the whole file, which its ledger row records once, with the last segment.

    compression: none, member (a gzip member per record: any record can be read by seeking to
    it) or whole (the file is one gzip stream: offsets count decompressed bytes)."""

    offsets: tuple[int, ...]
    compression: str
    last: bool  # the file's last segment: the file's ledger row is written with it
    n_articles: int  # the file's records that become articles, over all its segments
    n_records: int  # records read from start to end
    start: int  # byte offset reading started at (where an earlier version ended, for a WARC that grew)
    end: int  # byte offset reading ended at: the end of the last complete record
    skipped: tuple[tuple[str, int], ...] = ()  # (reason, records), SKIP_REASONS order
    errors: tuple[str, ...] = ()  # corrupt records and truncated members, with their offsets


def segment_offsets(offsets: list[int], size: int) -> list[tuple[int, ...]]:
    """A WARC's article offsets cut into segments of at most `size` (the batch size): each
    segment goes through one batch, so a large WARC streams through the usual batches."""
    return [tuple(offsets[i : i + size]) for i in range(0, len(offsets), size)]
