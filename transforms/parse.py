"""Raw input bytes -> documents (one per article), or a clear rejection.

Formats are detected from the file name (suffix, after an optional `.gz`) and the gzip magic
number: plain-text page copies (`.txt`, `.text`, no suffix), HTML (`.html`, `.htm`), JSON Lines
(`.jsonl`, `.ndjson`) and JSON (`.json`: one object or a list of objects) in the news-please
style (`title`, `maintext` or `text`, `html`, `url`, `date_publish`, `authors`).

What a file may cost is bounded (InputLimits): gzip data is decompressed a chunk at a time and
rejected as soon as it passes the size or ratio limit. Bytes are decoded per file (decode_text):
a byte order mark decides; else UTF-8; else, for HTML, the charset its <meta> declares; else
UTF-8 with a few stray bytes replaced; else Windows-1252 when there is too little to detect a
charset from; else the charset charset-normalizer detects.
"""

from __future__ import annotations

import codecs
import gzip
import io
import itertools
import json
import re
import zlib
from dataclasses import dataclass
from typing import TypedDict

import charset_normalizer

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES
SUPPORTED_TEXT = "reads .txt, .text, no suffix, .html, .htm, .jsonl, .ndjson, .json, each also .gz"
# A JSON record is an article when it has at least one of these (news-please's fields); one with
# none of them (a config file, a test's expectations) rejects its file instead of becoming an
# empty article.
ARTICLE_FIELDS = ("title", "maintext", "text", "html", "url")
GZIP_MAGIC = b"\x1f\x8b"
MB = 1_000_000
# The compression ratio is only checked once this much has come out: small files that compress
# well (a page of repeated markup) are fine.
RATIO_FLOOR_BYTES = 1 * MB
GUNZIP_CHUNK = 1 << 16  # bytes decompressed at a time (held besides what came out before)
# Byte order marks, UTF-32 first (its little-endian mark starts with UTF-16's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SNIFF_BYTES = 4096  # where NUL bytes mean binary data, and where HTML declares its charset
# UTF-8 text with at most one invalid byte in this many (at least one) keeps its text, the
# invalid bytes replaced by U+FFFD (mostly_utf8).
REPLACEABLE_ONE_IN = 1000
# Charset detection needs material: text with fewer non-ASCII bytes than this, each alone among
# ASCII bytes (accented letters, curly quotes: not the runs of a Cyrillic or Greek word), is read
# as Windows-1252 when that decodes it.
FEW_LEGACY_BYTES = 16
# Detected charsets that decode the bytes to the same text as the best match are equivalent;
# Windows-1252, the web's default for unlabelled Western text, is named when it is one of them.
PREFERRED_CHARSETS = ("cp1252",)
# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# HTML labels that browsers read as another charset (WHATWG Encoding Standard).
_HTML_LABEL_MEANS = {"ascii": "cp1252", "iso8859-1": "cp1252"}
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # an invalid byte after surrogateescape
_NON_ASCII = re.compile("[^\x00-\x7f]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_HIGH_PAIR = re.compile(rb"[\x80-\xff]{2}")


class _CommonFields(TypedDict):
    """The RawDocument fields every record kind shares (_parse_records)."""

    record_index: int
    title: str | None
    url: str | None
    authors: str | None
    published: str | None


class RejectedInput(ValueError):
    """The whole file cannot be read or parsed; the message is the rejection reason."""


@dataclass(frozen=True)
class InputLimits:
    """What reading one input file may cost (built from Settings in one place,
    Settings.input_limits): its bytes as read or decompressed (max_bytes), and for gzip data the
    decompressed size over the compressed size (max_ratio), checked once more than ratio_floor
    bytes came out. The names are the settings a rejection reason tells the user to change."""

    max_bytes: int
    max_ratio: float
    max_bytes_name: str = "max_bytes"
    max_ratio_name: str = "max_ratio"
    ratio_floor: int = RATIO_FLOOR_BYTES

    def size_limit(self) -> str:
        """The size limit as a rejection reason names it: '256 MB (WIREHOUSE_MAX_FILE_MB)'."""
        return f"{self.max_bytes / MB:g} MB ({self.max_bytes_name})"


@dataclass(frozen=True)
class Decoded:
    """A file's text, the Python codec that decoded it, and how many invalid bytes were replaced."""

    text: str
    encoding: str
    replaced_bytes: int = 0


@dataclass
class RawDocument:
    """One article as found in the input, before cleaning."""

    record_index: int
    kind: str  # "text" (page copy), "html" or "fields" (already-extracted main text)
    content: str  # page text, HTML, or main text, depending on kind
    title: str | None = None
    url: str | None = None
    authors: str | None = None
    published: str | None = None
    warc_record_id: str | None = None  # a WARC response: its WARC-Record-ID
    warc_date: str | None = None  # ... and its WARC-Date (ISO 8601): the publication date fallback


@dataclass
class RawInput:
    """One input file parsed: its documents, and how its bytes were decoded."""

    documents: list[RawDocument]
    encoding: str
    replaced_bytes: int = 0


def split_suffix(name: str) -> tuple[str, bool]:
    """(format suffix, gzip-compressed) for a file name: 'a.jsonl.gz' -> ('.jsonl', True)."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[: -len(".gz")]
    dot = lower.rfind(".")
    slash = max(lower.rfind("/"), lower.rfind("\\"))
    suffix = lower[dot:] if dot > slash else ""
    return suffix, compressed


def detect_format(name: str) -> str:
    suffix, compressed = split_suffix(name)
    base = (
        "html"
        if suffix in HTML_SUFFIXES
        else "jsonl"
        if suffix in JSONL_SUFFIXES
        else "json"
        if suffix in JSON_SUFFIXES
        else "text"
    )
    return base + ("+gzip" if compressed else "")


def gunzip(data: bytes | bytearray, limits: InputLimits) -> bytearray:
    """Decompress gzip data (every member of a multi-member file) a chunk at a time, rejecting it
    as soon as it passes a limit: what it holds is at most the size limit (in a buffer that grows
    by an eighth at a time) and a chunk."""
    if data[:2] != GZIP_MAGIC:
        raise RejectedInput("named .gz but not gzip data (bad magic number)")
    ratio_ceiling = max(limits.ratio_floor, limits.max_ratio * len(data))
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(GUNZIP_CHUNK):
                if len(out) + len(chunk) > limits.max_bytes:
                    raise RejectedInput(f"decompresses to more than {limits.size_limit()}")
                out += chunk
                if len(out) > ratio_ceiling:
                    raise RejectedInput(
                        f"decompresses to more than {limits.max_ratio:g} times its size "
                        f"({limits.max_ratio_name})"
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise RejectedInput(f"corrupt gzip data: {exc}") from None
    return out


def decode_text(data: bytes | bytearray, html: bool = False) -> Decoded:
    """Bytes -> text, per file: a byte order mark (UTF-8, UTF-16 or UTF-32) decides; data without
    one with NUL bytes near its start is binary; else UTF-8; else, for HTML, the charset its
    <meta> declares (when it decodes the bytes); else UTF-8 with a few invalid bytes replaced
    (mostly_utf8); else Windows-1252 when there is too little to detect from (few_western_bytes);
    else the charset charset-normalizer detects. Data nothing decodes is rejected."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, bom, encoding)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise RejectedInput("binary content (NUL bytes), not a text, HTML or JSON file")
    kept = _strictly(data, "utf-8")
    declared = declared_charset(data) if html and kept is None else None
    if declared == "utf-8":  # the page says UTF-8 and is not quite: its stray bytes are replaced
        kept = utf8_replaced(data)
    elif declared is not None:
        kept = _strictly(data, declared)
    kept = kept or mostly_utf8(data)
    if kept is None and few_western_bytes(data):
        kept = _strictly(data, "cp1252")
    if kept is not None:
        return kept
    detected = charset_normalizer.from_bytes(data)
    best = detected.best()
    if best is None:
        raise RejectedInput("not text in any encoding: not UTF-8, and no charset detected")
    equivalent = {
        charset
        for match in detected
        if (match.chaos, match.coherence) == (best.chaos, best.coherence)
        for charset in match.could_be_from_charset
    }
    encoding = codecs.lookup(next((c for c in PREFERRED_CHARSETS if c in equivalent), best.encoding)).name
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        raise RejectedInput(
            f"not text in any encoding: detected as {encoding}, but {exc.reason} at byte {exc.start}"
        ) from None


def _strictly(data: bytes | bytearray, encoding: str) -> Decoded | None:
    try:
        return Decoded(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_with_bom(data: bytes | bytearray, bom: bytes, encoding: str) -> Decoded:
    body = data[len(bom) :]
    try:
        return Decoded(body.decode(encoding.removesuffix("-sig")), encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":
            return utf8_replaced(body, encoding)
        raise RejectedInput(
            f"starts with a {encoding.removesuffix('-sig')} byte order mark but is not "
            f"{encoding.removesuffix('-sig')} ({exc.reason} at byte {exc.start + len(bom)})"
        ) from None


def utf8_replaced(data: bytes | bytearray, encoding: str = "utf-8") -> Decoded:
    """UTF-8 data with each invalid byte replaced by U+FFFD (one per byte, counted)."""
    escaped = data.decode("utf-8", "surrogateescape")  # each invalid byte -> one lone surrogate
    text, replaced = _ESCAPED_BYTE.subn("\ufffd", escaped)
    return Decoded(text, encoding, replaced)


def mostly_utf8(data: bytes | bytearray) -> Decoded | None:
    """utf8_replaced(data) when the data is UTF-8 with stray bytes: fewer of them than the
    characters that do decode as multi-byte UTF-8, or few (at most one in REPLACEABLE_ONE_IN
    bytes, at least one). None otherwise, for detection to decide; also when the rest is plain
    ASCII and the invalid bytes are Windows-1252 characters: that charset is then more likely."""
    decoded = utf8_replaced(data)
    replaced = decoded.replaced_bytes
    # Non-ASCII characters counted up to 2 * replaced + 1: multi-byte ones are those not replaced.
    non_ascii = sum(1 for _ in itertools.islice(_NON_ASCII.finditer(decoded.text), 2 * replaced + 1))
    multibyte = non_ascii - replaced
    if multibyte > replaced:
        return decoded
    if replaced > max(1, len(data) // REPLACEABLE_ONE_IN):
        return None
    if multibyte == 0 and _strictly(data, "cp1252") is not None:
        return None
    return decoded


def few_western_bytes(data: bytes | bytearray) -> bool:
    """Too few non-ASCII bytes to detect a charset from (FEW_LEGACY_BYTES), each alone among ASCII."""
    high = sum(1 for _ in itertools.islice(_HIGH_BYTE.finditer(data), FEW_LEGACY_BYTES))
    return high < FEW_LEGACY_BYTES and _HIGH_PAIR.search(data) is None


def declared_charset(html: bytes | bytearray) -> str | None:
    """The Python codec of the charset an HTML page declares in a <meta> near its start (as
    browsers read the label: ISO-8859-1 and ASCII mean Windows-1252); None when it declares
    none, an unknown one, or one that is not ASCII-compatible (UTF-16/32, UTF-7: a page whose
    bytes are read here has no BOM, so it cannot be one)."""
    match = _META_CHARSET.search(html[:SNIFF_BYTES])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32", "utf-7")):
        return None
    return _HTML_LABEL_MEANS.get(name, name)


def parse_raw(name: str, data: bytes | bytearray, limits: InputLimits) -> RawInput:
    """Parse one input file's bytes into documents. Raises RejectedInput with the reason."""
    suffix, compressed = split_suffix(name)
    if suffix not in SUPPORTED_SUFFIXES:
        raise RejectedInput(f"unsupported file type {suffix!r} ({SUPPORTED_TEXT})")
    if len(data) > limits.max_bytes:
        raise RejectedInput(f"larger than {limits.size_limit()}")
    if compressed or data[:2] == GZIP_MAGIC:
        data = gunzip(data, limits)
    decoded = decode_text(data, html=suffix in HTML_SUFFIXES)
    del data
    text = decoded.text
    if not text or text.isspace():
        raise RejectedInput("empty file")
    if suffix in HTML_SUFFIXES:
        documents = [RawDocument(0, "html", text)]
    elif suffix in JSONL_SUFFIXES:
        documents = _parse_records(_json_lines(text))
    elif suffix in JSON_SUFFIXES:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RejectedInput(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
        records = value if isinstance(value, list) else [value]
        if not records:
            raise RejectedInput("no JSON records")
        documents = _parse_records(records)
    else:
        documents = [RawDocument(0, "text", text)]
    return RawInput(documents, decoded.encoding, decoded.replaced_bytes)


def _json_lines(text: str) -> list:
    records = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise RejectedInput(f"invalid JSON on line {line_no}: {exc.msg} (column {exc.colno})") from None
    if not records:
        raise RejectedInput("no JSON records")
    return records


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    value = str(value).strip()
    return value or None


def _parse_records(records: list) -> list[RawDocument]:
    """news-please style objects -> documents. A record with article fields but no text gets an
    empty body: it is not dropped here, the audit quarantines it with its reason. A record with
    none of ARTICLE_FIELDS is not an article: its file is rejected."""
    documents = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise RejectedInput(f"record {index} is a JSON {type(record).__name__}, expected an object")
        if not any(name in record for name in ARTICLE_FIELDS):
            keys = ", ".join(list(record)[:5]) + (", ..." if len(record) > 5 else "")
            raise RejectedInput(
                f"record {index} is not an article: it has none of the fields "
                f"{', '.join(ARTICLE_FIELDS)} (it has {keys or 'no fields'})"
            )
        common: _CommonFields = {
            "record_index": index,
            "title": _as_text(record.get("title")),
            "url": _as_text(record.get("url")),
            "authors": _as_text(record.get("authors")),
            "published": _as_text(record.get("date_publish") or record.get("published")),
        }
        main = record.get("maintext") if record.get("maintext") is not None else record.get("text")
        if main is None and record.get("html"):
            documents.append(RawDocument(kind="html", content=str(record["html"]), **common))
        else:
            documents.append(RawDocument(kind="fields", content=str(main or ""), **common))
    return documents
