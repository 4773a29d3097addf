"""Raw input bytes -> documents (one per article), or a clear rejection.

Formats are detected from the file name (suffix, after an optional `.gz`) and the gzip magic
number: plain-text page copies (`.txt`, `.text`, no suffix), HTML (`.html`, `.htm`), JSON Lines
(`.jsonl`, `.ndjson`) and JSON (`.json`: one object or a list of objects) in the news-please
style (`title`, `maintext` or `text`, `html`, `url`, `date_publish`, `authors`).

What a file may cost is bounded (InputLimits): gzip data is decompressed a chunk at a time and
rejected as soon as it passes the size or ratio limit.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from dataclasses import dataclass
from typing import TypedDict

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES
GZIP_MAGIC = b"\x1f\x8b"
MB = 1_000_000
# The compression ratio is only checked once this much has come out: small files that compress
# well (a page of repeated markup) are fine.
RATIO_FLOOR_BYTES = 1 * MB
GUNZIP_CHUNK = 1 << 16  # bytes decompressed at a time (held besides what came out before)


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


def decode_text(data: bytes | bytearray) -> str:
    """Bytes -> str: UTF-8 (BOM tolerated), else Windows-1252; binary data is rejected."""
    if b"\x00" in data[:4096]:
        raise RejectedInput("binary content (NUL bytes), not a text, HTML or JSON file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise RejectedInput(
                f"not valid UTF-8 or Windows-1252 text ({exc.reason} at byte {exc.start})"
            ) from None


def parse_raw(name: str, data: bytes | bytearray, limits: InputLimits) -> list[RawDocument]:
    """Parse one input file's bytes into documents. Raises RejectedInput with the reason."""
    suffix, compressed = split_suffix(name)
    if suffix not in SUPPORTED_SUFFIXES:
        raise RejectedInput(f"unsupported file type {suffix!r}")
    if len(data) > limits.max_bytes:
        raise RejectedInput(f"larger than {limits.size_limit()}")
    if compressed or data[:2] == GZIP_MAGIC:
        data = gunzip(data, limits)
    if not data or data.isspace():
        raise RejectedInput("empty file")
    text = decode_text(data)
    if suffix in HTML_SUFFIXES:
        return [RawDocument(0, "html", text)]
    if suffix in JSONL_SUFFIXES:
        return _parse_records(_json_lines(text))
    if suffix in JSON_SUFFIXES:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RejectedInput(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
        records = value if isinstance(value, list) else [value]
        if not records:
            raise RejectedInput("no JSON records")
        return _parse_records(records)
    return [RawDocument(0, "text", text)]


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
    """news-please style objects -> documents. A record without any text field gets an empty
    body: it is not dropped here, the audit quarantines it with its reason."""
    documents = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise RejectedInput(f"record {index} is a JSON {type(record).__name__}, expected an object")
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
