"""Input files and batches: pure decisions, no I/O (the ledger rows they end in are assembled
by warehouse/ledger.py).

Every input file ends in exactly one status (file_status, the one rule the ledger's rows are
written and recounted by):
- rejected: the file could not be read or parsed (reason says why);
- duplicate: the same bytes were already ingested from another path (earlier or in this run),
  or every article it holds was already ingested (same cleaned body) or is a copy of one;
- quarantined: at least one of its articles is held in quarantine (the others may be published);
- superseded: none of its articles is published or held any more, and newer versions replaced
  some (they are in history);
- published: all its new articles passed the audit.
A file already in the ledger at the same path with the same bytes is skipped entirely: a rerun
adds no rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from transforms.parse import InputLimits, RawDocument, RejectedInput, detect_format, parse_raw
from transforms.warc import WarcPart


@dataclass
class ParsedFile:
    path: str
    file_id: str
    size_bytes: int
    format: str
    documents: list[RawDocument] = field(default_factory=list)
    rejected: str | None = None
    duplicate_of: str | None = None
    mtime_ns: int | None = None
    new_version: bool = False  # the path was ingested before with other bytes
    released_count: int | None = None  # set by released(): how many documents there were
    encoding: str | None = None  # the codec that decoded its bytes (None when rejected)
    replaced_bytes: int | None = None  # invalid bytes replaced while decoding
    warc: WarcPart | None = None  # a web archive's segment: its records and what reading it found

    @property
    def n_documents(self) -> int:
        return len(self.documents) if self.released_count is None else self.released_count

    def released(self) -> ParsedFile:
        """This file without its documents (their count kept): what a run holds of a file between
        reading it for the line statistics and reading it again for its batch, so memory does not
        grow with the corpus."""
        return replace(self, documents=[], released_count=self.n_documents)


@dataclass
class FileCounts:
    """A file's articles by where they are: published, held, replaced by newer versions, or
    skipped (duplicates, of which copies of another document), and the rules the held ones
    failed ("; "-joined per article)."""

    published: int = 0
    quarantined: int = 0
    duplicates: int = 0
    copies: int = 0
    superseded: int = 0
    reasons: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a web archive's segments that failed

    def add(self, other: FileCounts) -> None:
        """Count another part of the same file (a web archive's segments, batch by batch)."""
        for name in ("published", "quarantined", "duplicates", "copies", "superseded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reasons += other.reasons
        self.errors += other.errors


def file_status(f: ParsedFile, c: FileCounts) -> tuple[str, str | None]:
    """(status, reason) of a file's ledger row (see the module docstring), from the file's own
    failure (rejected, duplicate bytes) and where its articles are."""
    if f.rejected is not None:
        return "rejected", f.rejected
    if f.duplicate_of is not None:
        return "duplicate", f"same bytes as {f.duplicate_of}"
    if c.quarantined:
        rules = {rule for reason in c.reasons for rule in reason.split("; ")}
        return "quarantined", "; ".join(sorted(rules)) or None
    if c.published == 0 and c.superseded > 0:
        return "superseded", None
    if c.published == 0 and c.duplicates > 0:
        if c.copies == 0:
            return "duplicate", "every article was already ingested"
        if c.copies == c.duplicates:
            return "duplicate", "every article is a copy of a published one (see copies)"
        return "duplicate", "every article was already ingested or is a copy of a published one (see copies)"
    return "published", None


def reloaded(released: ParsedFile, fresh: ParsedFile) -> ParsedFile:
    """A released file read again for its batch: the fresh documents with the decisions taken on
    the first reading (duplicate, new version). Bytes that changed in between reject the file
    for this run: the ledger keeps the first reading's size and mtime, so the next run reads it
    again."""
    if fresh.rejected is None and fresh.file_id != released.file_id:
        return replace(
            released, rejected="the file changed while this run read it; the next run reads it again"
        )
    return replace(released, documents=fresh.documents, rejected=fresh.rejected, released_count=None)


def mark_versions(files: Iterable[ParsedFile], known_paths: set[str]) -> list[ParsedFile]:
    """The files, those whose path the ledger already has (with other bytes) flagged as a new
    version. Their lines do not count again in the corpus statistics (versions of one story
    would otherwise make the story itself look like boilerplate). A web archive that grew is no
    new version: only its new records are read."""
    return [
        replace(f, new_version=f.path in known_paths and not (f.warc is not None and f.warc.start > 0))
        for f in files
    ]


def unchanged(stat: tuple[int, int] | None, seen: set[tuple[int, int]]) -> bool:
    """A file whose (size, mtime) matches a ledger row of the same path is not read again."""
    return stat is not None and stat in seen


def parse_file(
    path: str,
    file_id: str,
    size_bytes: int,
    data: bytes | None,
    read_error: str | None,
    limits: InputLimits,
    mtime_ns: int | None = None,
) -> ParsedFile:
    """Parse one input file; a read or parse failure becomes a rejection reason, never an exception."""
    parsed = ParsedFile(path, file_id, size_bytes, detect_format(path), mtime_ns=mtime_ns)
    if read_error is not None:
        parsed.rejected = read_error
        return parsed
    try:
        raw = parse_raw(path, data or b"", limits)
        parsed.documents, parsed.encoding = raw.documents, raw.encoding
        parsed.replaced_bytes = raw.replaced_bytes
    except RejectedInput as exc:
        parsed.rejected = str(exc)
    except RecursionError:
        parsed.rejected = "input nested too deeply to parse"
    return parsed


def mark_duplicates(files: Iterable[ParsedFile], known: dict[str, str]) -> list[ParsedFile]:
    """The files, those whose bytes were already ingested (known: file_id -> path) or appear
    earlier among them marked as duplicates (duplicate_of)."""
    seen = dict(known)
    marked = []
    for f in files:
        if f.rejected is None and f.file_id in seen and seen[f.file_id] != f.path:
            f = replace(f, duplicate_of=seen[f.file_id])
        seen.setdefault(f.file_id, f.path)
        marked.append(f)
    return marked


RAMP_MIN_BATCH = 64  # batch sizes under this are not ramped (a test's tiny batches, say)


def plan_batches(
    files: list[ParsedFile], batch_size: int, parallel: int = 1, ramp: bool = False
) -> list[list[ParsedFile]]:
    """Group files into batches of at most about `batch_size` articles, as even as files allow
    (a file never spans batches): 264 articles at 256 make two batches of 132, not 256 and 8.
    parallel: the number of batches in flight at once; the batch count is rounded up to a
    multiple of it so no worker idles while another finishes a lone last batch.

    ramp (one worker's pipeline, more articles than one batch holds): the first batches are an
    eighth, a quarter and half of batch_size, then even batches of the rest, so the parse starts
    after cleaning a few dozen articles instead of a whole batch."""
    total = sum(f.n_documents for f in files)
    if total == 0:
        return [files] if files else []
    head: list[int] = []
    if ramp and parallel == 1 and batch_size >= RAMP_MIN_BATCH and total > batch_size:
        size = batch_size // 8
        while size < batch_size and sum(head) + size < total:
            head.append(size)
            size *= 2
    rest = total - sum(head)
    n_batches = -(-rest // batch_size)
    n_batches = -(-n_batches // parallel) * parallel
    targets = iter([*head, *[-(-rest // min(n_batches, rest))] * n_batches])
    batches: list[list[ParsedFile]] = []
    current: list[ParsedFile] = []
    count = 0
    target = next(targets)
    for f in files:
        current.append(f)
        count += f.n_documents
        if count >= target:
            batches.append(current)
            current, count = [], 0
            target = next(targets, target)
    if current:
        batches.append(current)
    return batches


def source_uri(f: ParsedFile, doc: RawDocument) -> str:
    return f"{f.path}#{doc.record_index}" if f.format.startswith(("jsonl", "json", "warc")) else f.path


def parsed_from_raw(rows: list[dict]) -> list[ParsedFile]:
    """Stored raw documents (with their file's ledger size and mtime) back into parsed files.
    Rows without content (Warehouse.raw_documents(content=False)) give released files
    (ParsedFile.released): their documents counted, to be loaded when their batch comes."""
    files: dict[tuple[str, str], ParsedFile] = {}
    for r in sorted(rows, key=lambda r: (r["path"], r["file_id"], r["record_index"])):
        key = (r["file_id"], r["path"])
        if key not in files:
            files[key] = ParsedFile(
                r["path"],
                r["file_id"],
                r["size_bytes"],
                r["format"],
                mtime_ns=r.get("mtime_ns"),
                released_count=None if "content" in r else 0,
                encoding=r.get("encoding"),
                replaced_bytes=r.get("replaced_bytes"),
            )
        f = files[key]
        if f.released_count is not None:
            f.released_count += 1
            continue
        f.documents.append(
            RawDocument(
                r["record_index"],
                r["kind"],
                r["content"],
                title=r["title"],
                url=r["url"],
                authors=r["authors"],
                published=r["published"],
                warc_record_id=r.get("warc_record_id"),
                warc_date=r.get("warc_date"),
            )
        )
    return list(files.values())


def restored(files: list[ParsedFile], stored: list[ParsedFile]) -> list[ParsedFile]:
    """Released files (parsed_from_raw without content) with their stored documents loaded
    (parsed_from_raw of their rows), in the order of `files`; a file whose stored documents are
    gone is rejected with that reason."""
    by_key = {(f.file_id, f.path): f for f in stored}
    return [
        reloaded(f, by_key[(f.file_id, f.path)])
        if (f.file_id, f.path) in by_key
        else replace(f, rejected="its stored raw documents are gone", released_count=None)
        for f in files
    ]
