"""Web archives for the tests, written with warcio's WARCWriter (the library's writer, not ours).

The pages are written here, for these tests: short news articles about fictional places and
people."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGE = """<html><head><meta charset="{meta}"><title>{title}</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1>
{paragraphs}
</article><footer>Contact us</footer></body></html>"""

ARTICLES = {
    "bridge": (
        "Harbour bridge reopens after repairs",
        [
            "The old harbour bridge in Velmont reopened on Tuesday after eight months of repairs "
            "that closed the main road into the town centre.",
            "“We kept every original stone we could,” said Ilse Marwood, the engineer who led the "
            "work for the county council.",
            "Traffic was light on the first morning, but shop owners on Quay Street said they "
            "expected customers to return within weeks.",
        ],
    ),
    "library": (
        "New library opens its doors in Orlan",
        [
            "Orlan's new central library opened on Saturday with a queue that stretched around the "
            "square before the doors were unlocked at nine.",
            "“A town this size deserved a proper library, and now it has one,” said Tomas Greve, "
            "the head librarian, who has worked in Orlan for twenty years.",
            "The building holds forty thousand books, a children's floor and a café run by "
            "volunteers from the neighbourhood association.",
        ],
    ),
    "ferry": (
        "Ferry service to Kessel island resumes",
        [
            "The ferry between Brannock and Kessel island resumed its winter timetable on Monday "
            "after storms kept both boats in harbour for most of last week.",
            "“The crossings are safe again, and we have added an extra sailing on Fridays,” said "
            "Maren Oduya, who manages the ferry company.",
            "Islanders said the cancellations had left the shop short of bread and milk for three "
            "days, and the school had closed early on Thursday.",
        ],
    ),
    "market": (
        "Café owners in Dunmere welcome the market's return",
        [
            "The Saturday market in Dunmere returned to the old square this weekend for the first "
            "time since the paving works began in the spring.",
            "“It feels like the town has its heart back,” said Renée Fabre, who runs a café on the "
            "corner of the square and sold out of pastries before noon.",
            "Forty stalls took part, and the council said it would keep the square closed to cars "
            "every Saturday morning until the end of the year.",
        ],
    ),
}


def page(name: str, meta: str = "utf-8") -> str:
    title, paragraphs = ARTICLES[name]
    return PAGE.format(meta=meta, title=title, paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs))


@dataclass
class Rec:
    """One record to write: kind response, request, revisit, metadata or resource."""

    kind: str
    url: str
    payload: bytes = b""
    status: str = "200 OK"
    content_type: str | None = "text/html; charset=utf-8"
    date: str | None = None  # WARC-Date, e.g. 2026-11-02T08:00:00Z
    extra_http: tuple[tuple[str, str], ...] = ()


def html(
    name: str, url: str, *, charset: str = "utf-8", date: str | None = None, declared: bool = True
) -> Rec:
    """A 200 response with the article's page, encoded in `charset` (declared in the HTTP header)."""
    content_type = f"text/html; charset={charset}" if declared else "text/html"
    return Rec(
        "response", url, page(name, meta=charset).encode(charset), content_type=content_type, date=date
    )


def write_warc(
    path: Path, records: list[Rec], *, gzip_records: bool = True, gzip_whole: bool = False
) -> list[int]:
    """Write a WARC (a warcinfo record, then `records`) and return each record's byte offset
    (the warcinfo's first; in the decompressed stream when the whole file is gzipped)."""
    data, offsets = warc_bytes(records, gzip_records=gzip_records and not gzip_whole)
    path.write_bytes(gzip.compress(data, mtime=0) if gzip_whole else data)
    return offsets


def warc_bytes(
    records: list[Rec], *, gzip_records: bool = True, info: bool = True
) -> tuple[bytes, list[int]]:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip_records)
    offsets = []
    if info:
        offsets.append(buf.tell())
        writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "wirehouse tests"}))
    for r in records:
        offsets.append(buf.tell())
        warc_headers = {"WARC-Date": r.date} if r.date else None
        if r.kind in ("response", "revisit"):
            headers = [("Content-Type", r.content_type)] if r.content_type else []
            http = StatusAndHeaders(r.status, headers + list(r.extra_http), protocol="HTTP/1.1")
        elif r.kind == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        else:
            http = None
        if r.kind == "revisit":
            record = writer.create_revisit_record(
                r.url,
                digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                refers_to_uri=r.url,
                refers_to_date="2026-11-01T00:00:00Z",
                http_headers=http,
            )
        else:
            record = writer.create_warc_record(
                r.url,
                r.kind,
                payload=io.BytesIO(r.payload),
                http_headers=http,
                warc_content_type="application/warc-fields" if r.kind == "metadata" else None,
            )
        if warc_headers:
            record.rec_headers.replace_header("WARC-Date", r.date)
        writer.write_record(record)
    return buf.getvalue(), offsets
