"""Reading web archives (.warc, .warc.gz) with FastWARC (resiliparse): the only place WARC
bytes are read. What becomes of each record is decided in transforms/warc.py.

A WARC is read twice, a record at a time, never whole: once when a run scans its inputs
(read_warc: every record's headers, and the payload of those that become articles, checked and
let go; the file's sha256 over the bytes read), giving segments of at most a batch's articles
as released stubs; then each segment when its batch comes (load_warc_part: only its records).
Memory stays that of one batch whatever the file's size.

Compression: a gzip member per record (as crawlers and Common Crawl write them) or a plain WARC
is read from any record's offset; a WARC gzipped whole is one stream whose offsets count
decompressed bytes, so a segment is reached by decompressing from the start.

Damage: a record FastWARC cannot read (a truncated gzip member, a corrupt record) is recorded
with its byte offset, and reading goes on from the next record found after it (the next gzip
member that holds a WARC record, or the next `WARC/1.` line). A truncated record at the end is
what a crawler still writing leaves: reading ends before it, and the next run, once the file
grew, starts there (read_warc's `progress`).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord

from transforms.ingest import ParsedFile
from transforms.parse import GZIP_MAGIC, InputLimits, RawDocument, RejectedInput
from transforms.warc import (
    WarcFilters,
    WarcPart,
    WarcRecordHead,
    in_order,
    segment_offsets,
    skip_reason,
    warc_document,
    warc_format,
)

HASH_CHUNK = 1 << 20  # bytes hashed at a time
RESYNC_WINDOW = 1 << 20  # bytes searched at a time for the next record after a damaged one
FIRST_MEMBER_PROBE = 1 << 16  # compressed bytes read to tell per-record gzip from whole-file gzip
_RECORD_START = b"WARC/1."
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*([0-9]+)")


@dataclass(frozen=True)
class WarcReading:
    """What a run's reading of web archives needs: its filters, the segment size (the batch
    size), and what earlier runs read of each WARC path (path -> [(file_id, warc_end)]: a file
    whose first warc_end bytes still hash to file_id grew, and only its new records are read)."""

    filters: WarcFilters = field(default_factory=WarcFilters)
    segment_size: int = 256
    progress: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def compression_of(path: Path) -> str:
    """none, member (a gzip member per record) or whole (one gzip stream): the first gzip
    member ends, with more data after it, within the first records of a per-record file."""
    with open(path, "rb") as f:
        if f.read(2) != GZIP_MAGIC:
            return "none"
        f.seek(0)
        inflater = zlib.decompressobj(wbits=31)
        out = 0
        while chunk := f.read(FIRST_MEMBER_PROBE):
            try:
                out += len(inflater.decompress(chunk, 1 << 20))
            except zlib.error:
                return "member"  # damaged from the start: reading reports where
            while inflater.unconsumed_tail and not inflater.eof:
                out += len(inflater.decompress(inflater.unconsumed_tail, 1 << 20))
            if inflater.eof:
                return "member" if inflater.unused_data or f.read(1) else "whole"
            if out > 64 << 20:
                return "whole"
        return "whole"  # one gzip stream cut short


class _GzipStream(io.RawIOBase):
    """A whole-file gzip WARC, decompressed, that ends quietly where its data is cut short or
    corrupt (`error` says why, `delivered` how many bytes came out before): FastWARC reads ahead,
    and an exception there would lose the records before the damage too."""

    def __init__(self, path: Path):
        self._file = open(path, "rb")  # noqa: SIM115 (closed by close())
        self._inflater = zlib.decompressobj(wbits=31)
        self._pending = b""
        self.error: Exception | None = None
        self.delivered = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.delivered

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Forward only (decompressing up to the offset), as reading a segment needs."""
        assert whence == io.SEEK_SET and offset >= self.delivered
        while self.delivered < offset and self.read(min(HASH_CHUNK, offset - self.delivered)):
            pass
        return self.delivered

    def read(self, size: int = -1) -> bytes:
        size = HASH_CHUNK if size is None or size < 0 else size
        while len(self._pending) < size and self.error is None:
            chunk = self._file.read(FIRST_MEMBER_PROBE)
            try:
                if not chunk:
                    if not self._inflater.eof and (self.delivered or self._pending or self._file.tell()):
                        raise EOFError("compressed file ended before the end-of-stream marker was reached")
                    break
                self._pending += self._inflater.decompress(chunk)
                while self._inflater.eof and self._inflater.unused_data:  # another member
                    rest = self._inflater.unused_data
                    self._inflater = zlib.decompressobj(wbits=31)
                    self._pending += self._inflater.decompress(rest)
            except (EOFError, zlib.error) as exc:
                self.error = exc
        data, self._pending = self._pending[:size], self._pending[size:]
        self.delivered += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


def _open_at(path: Path, compression: str, offset: int) -> BinaryIO:
    # The caller closes it.
    stream: BinaryIO = _GzipStream(path) if compression == "whole" else open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
    if offset:
        stream.seek(offset)  # decompressing up to it for a whole-file gzip
    return stream


def _records(stream: BinaryIO, compression: str) -> Iterator[WarcRecord]:
    return iter(ArchiveIterator(stream, parse_http=True, stream_detect=compression == "member"))


def _head(record: WarcRecord) -> WarcRecordHead:
    http = record.is_http
    return WarcRecordHead(
        record_type=str(record.record_type),
        url=record.headers.get("WARC-Target-URI"),
        date=record.record_date,
        status=record.http_headers.status_code if http else None,
        content_type=(record.http_content_type or "").lower() or None if http else None,
        digest=record.headers.get("WARC-Payload-Digest"),
        length=record.content_length,
    )


def _document(record: WarcRecord, offset: int, head: WarcRecordHead, payload: bytes) -> RawDocument:
    return warc_document(
        offset,
        payload,
        charset=record.http_charset,
        url=head.url,
        record_id=record.record_id,
        date=head.date,
    )


@dataclass(frozen=True)
class _Damage:
    offset: int  # where the record that cannot be read starts
    why: str


@dataclass(frozen=True)
class _End:
    offset: int  # where the last record read ends: the reading ended there, whole


_READ_ERRORS = (OSError, EOFError, zlib.error, ValueError)


def _walk(
    path: Path, compression: str, start: int, size: int
) -> Iterator[tuple[int, WarcRecord, bytes] | _Damage | _End]:
    """(offset, record, payload) for every record from `start` that starts before `size` (the
    file's size when the run looked: what a crawler appends meanwhile is the next run's), and a
    _Damage where one cannot be read, reading on from the next record found after it. Ends with
    an _End where the last record ends, or at damage with no record after it (the truncated
    tail of a file still being written)."""
    position = start
    while True:
        current, done = None, True
        try:
            with _open_at(path, compression, position) as stream:
                for record in _records(stream, compression):
                    if compression != "whole" and record.stream_pos >= size:
                        break
                    current, done = record.stream_pos, False
                    payload = record.reader.read()
                    done = True
                    yield current, record, payload
        except _READ_ERRORS as exc:
            why = str(exc) or type(exc).__name__
            if compression == "whole":  # one deflate stream: nothing after the damage is reachable
                yield _Damage(
                    position if current is None else current,
                    f"{why} (the rest of the gzip stream is unreadable)",
                )
                return
            if current is None or not done:
                damaged = position if current is None else current
            else:  # the record at `current` was read whole: the damage starts where it ends
                found = _record_end(path, compression, current, size)
                if found is None or found >= size:
                    yield _Damage(size if found is None else found, why)
                    return
                damaged = found
            yield _Damage(damaged, why)
            following = _next_record(path, compression, damaged + 1, size)
            if following is None:
                return
            position = following
            continue
        # FastWARC ends quietly at a gzip member or record cut short by the file's end.
        if isinstance(stream, _GzipStream) and stream.error is not None:
            why = str(stream.error) or type(stream.error).__name__
            # The last record began before the data ended: it is the one cut short.
            damaged_at = stream.delivered if current is None else current
            yield _Damage(damaged_at, f"{why} (the rest of the gzip stream is unreadable)")
        elif isinstance(stream, _GzipStream):
            yield _End(stream.delivered)
        else:
            tail = position if current is None else _record_end(path, compression, current, size)
            if tail is not None and tail < size:
                yield _Damage(
                    tail,
                    "an incomplete record at the end (a file still being written is read on from "
                    "here once it grew)",
                )
            else:
                yield _End(size if tail is None else tail)
        return


def _record_end(path: Path, compression: str, offset: int, size: int) -> int | None:
    """Where the record at `offset`, read whole, ends: its gzip member's end (per-record gzip),
    or past its headers, its Content-Length and the two line breaks after the block (plain)."""
    if compression != "member":
        with open(path, "rb") as f:
            f.seek(offset)
            head = f.read(RESYNC_WINDOW)
        blank = head.find(b"\r\n\r\n")
        length = _CONTENT_LENGTH.search(head[: max(blank, 0)])
        if blank == -1 or length is None:
            return _next_record(path, compression, offset + 1, size)
        return offset + blank + 4 + int(length.group(1)) + 4
    inflater = zlib.decompressobj(wbits=31)
    with open(path, "rb") as f:
        f.seek(offset)
        consumed = 0
        while not inflater.eof and (chunk := f.read(HASH_CHUNK)):
            inflater.decompress(chunk, 1 << 16)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, 1 << 16)
            consumed += len(chunk)
        return offset + consumed - len(inflater.unused_data) if inflater.eof else size


def _next_record(path: Path, compression: str, after: int, size: int) -> int | None:
    """The offset of the first record starting at or after `after`: a gzip member whose data
    begins with a WARC record (per-record gzip), or a `WARC/1.` line (plain)."""
    marker = GZIP_MAGIC + b"\x08" if compression == "member" else _RECORD_START
    with open(path, "rb") as f:
        at = after
        while at < size:
            f.seek(at)
            window = f.read(RESYNC_WINDOW + len(marker))
            found = window.find(marker)
            while found != -1:
                candidate = at + found
                if _starts_record(f, candidate, compression):
                    return candidate
                found = window.find(marker, found + 1)
            at += RESYNC_WINDOW
    return None


def _starts_record(f: BinaryIO, offset: int, compression: str) -> bool:
    f.seek(max(offset - 1, 0))
    head = f.read(4096 + 1)
    if compression != "member":
        return offset == 0 or head[:1] == b"\n"
    try:
        return (
            zlib.decompressobj(wbits=31).decompress(head[1 if offset else 0 :], 16).startswith(_RECORD_START)
        )
    except zlib.error:
        return False


def _file_hash(path: Path, end: int, hasher=None, begin: int = 0):
    """sha256 of the file's bytes [begin, end) fed to `hasher` (a new one by default)."""
    hasher = hasher or hashlib.sha256()
    with open(path, "rb") as f:
        f.seek(begin)
        left = end - begin
        while left > 0 and (chunk := f.read(min(HASH_CHUNK, left))):
            hasher.update(chunk)
            left -= len(chunk)
    return hasher


def read_warc(path: Path, limits: InputLimits, reading: WarcReading) -> list[ParsedFile]:
    """Scan one web archive: its segments (released ParsedFile stubs, each with a WarcPart), or
    one ParsedFile without documents when no record becomes an article, or a rejected one. Never
    raises. A file that grew since an earlier run (reading.progress) is read from where that run
    ended, under a new file_id (the sha256 of its bytes up to the end of its last record)."""
    fmt = warc_format(str(path))
    path_id = hashlib.sha256(str(path).encode()).hexdigest()
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return [ParsedFile(str(path), path_id, 0, fmt, rejected="not a regular file")]
        compression = compression_of(path)
        start, hasher = _resume_point(path, compression, st.st_size, reading.progress.get(str(path), []))
        return _scan(path, fmt, st, compression, start, hasher, limits, reading)
    except OSError as exc:
        return [ParsedFile(str(path), path_id, 0, fmt, rejected=f"cannot read file: {exc.strerror or exc}")]


def _resume_point(path: Path, compression: str, size: int, earlier: list[tuple[str, int]]):
    """(offset to read from, sha256 of the bytes before it): where the furthest earlier version
    of the file that is still its prefix ended; (0, a new hash) when none is."""
    if compression != "whole":
        for file_id, end in sorted(earlier, key=lambda e: -e[1]):
            if 0 < end <= size:
                hasher = _file_hash(path, end)
                if hasher.hexdigest() == file_id:
                    return end, hasher
    return 0, hashlib.sha256()


def _scan(path, fmt, st, compression, start, hasher, limits, reading) -> list[ParsedFile]:
    seen: set[str] = set()
    reasons: Counter[str] = Counter()  # reason -> records skipped
    errors: list[str] = []
    offsets: list[int] = []
    n_records, end = 0, start  # end: where the whole records read end (an _End, or damage)
    for item in _walk(path, compression, start, st.st_size):
        if isinstance(item, _End):
            end = item.offset
            continue
        if isinstance(item, _Damage):
            errors.append(f"at byte {item.offset}: {item.why}")
            offsets = [o for o in offsets if o < item.offset]  # a record cut short is no article
            end = item.offset  # what came before it is whole
            continue
        offset, record, payload = item
        n_records += 1
        if str(record.record_type) in ("unknown", "no_type"):
            errors.append(f"at byte {offset}: not a valid WARC record (no WARC-Type)")
            continue
        head = _head(record)
        reason = skip_reason(head, reading.filters, seen, limits.max_bytes)
        if reason is None:
            try:
                _document(record, offset, head, payload)
            except RejectedInput:
                reason = "unreadable_payload"
        if reason is not None:
            reasons[reason] += 1
        else:
            offsets.append(offset)
    path_id = hashlib.sha256(str(path).encode()).hexdigest()
    if n_records == 0 and start == 0:
        why = errors[0] if errors else "no WARC records"
        return [
            ParsedFile(
                str(path),
                path_id,
                st.st_size,
                fmt,
                rejected=f"not a readable web archive ({why})",
                mtime_ns=st.st_mtime_ns,
            )
        ]
    if compression == "whole":
        file_id = _file_hash(path, st.st_size).hexdigest()
    else:
        file_id = _file_hash(path, end, hasher, begin=start).hexdigest()
    skipped = tuple(in_order(reasons).items())
    parts = segment_offsets(offsets, reading.segment_size) or [()]
    return [
        ParsedFile(
            str(path),
            file_id,
            st.st_size,
            fmt,
            mtime_ns=st.st_mtime_ns,
            released_count=len(part) if part else None,
            warc=WarcPart(
                offsets=part,
                compression=compression,
                last=number == len(parts) - 1,
                n_articles=len(offsets),
                n_records=n_records,
                start=start,
                end=end,
                skipped=skipped,
                errors=tuple(errors),
            ),
        )
        for number, part in enumerate(parts)
    ]


def load_warc_part(f: ParsedFile) -> ParsedFile:
    """A released segment with its documents read (its records only, going round damage the scan
    found); a record no longer where the scan found it rejects the segment (the file changed
    while the run read it)."""
    warc = f.warc
    assert warc is not None
    if not warc.offsets:  # a WARC without articles, released with the run's other files
        return replace(f, released_count=None)
    wanted = set(warc.offsets)
    got: dict[int, RawDocument] = {}
    path = Path(f.path)
    begin = warc.offsets[0]
    try:
        while True:
            seen = None
            try:
                with _open_at(path, warc.compression, begin) as stream:
                    for record in _records(stream, warc.compression):
                        seen = record.stream_pos
                        if seen in wanted:
                            got[seen] = _document(record, seen, _head(record), record.reader.read())
                        if seen >= warc.offsets[-1]:
                            break
                break
            except _READ_ERRORS:
                if warc.compression == "whole":
                    raise
                after = begin if seen is None else seen
                later = [o for o in warc.offsets if o > after]
                if not later:
                    break
                begin = later[0]
    except (*_READ_ERRORS, RejectedInput) as exc:
        return replace(f, rejected=f"cannot read its records again: {exc}", released_count=None)
    if list(got) != list(warc.offsets):
        return replace(
            f,
            rejected="the file changed while this run read it; the next run reads it again",
            released_count=None,
        )
    return replace(f, documents=list(got.values()), released_count=None)
