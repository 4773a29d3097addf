"""The warehouse's own records of what happened: the files ledger, batches, stage timings, quality
results and runs, assembled here from what a batch reports back (BatchOutcome); and a run's
counts, read back from the ledger once its batches are published (one source of truth).

Every input file ends in exactly one status in `files`:
- rejected: the file could not be read, parsed or analysed (reason says why);
- duplicate: the same bytes were already ingested from another path (earlier or in this run),
  or every article it holds was already ingested (same cleaned body);
- quarantined: at least one of its articles failed the audit (the others may be published);
- published: all its new articles passed the audit.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from transforms.copies import DEFAULT_COPY_THRESHOLD, CopyIndex
from transforms.corpus import count_article_lines, line_stat_records
from transforms.ingest import FileCounts, ParsedFile, file_status
from transforms.records import (
    BatchRecord,
    FileRecord,
    QualityResultRecord,
    RawDocumentRecord,
    RunRecord,
    StageTimingRecord,
)
from transforms.warc import SKIP_REASONS
from warehouse.schema import HISTORY_SCHEMA, QUARANTINE_SCHEMA, REASON_COLUMN
from warehouse.store import PublishDeferred, Warehouse, log


def utc_now() -> datetime:
    """Now, as every time the warehouse records it: an aware datetime in UTC (TIMESTAMPTZ)."""
    return datetime.now(UTC)


def new_run_id(kind: str) -> str:
    """ "run-..." or "reprocess-...": the start time and a random suffix."""
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class BatchOutcome:
    """What a processed batch reports back to the publisher (its rows are in staged Parquet)."""

    batch_id: str
    article_file: dict[str, str]  # article_id -> file path
    contents: dict[str, str]  # article_id -> content_sha256 (empty bodies left out)
    versions: dict[str, str]  # article_id -> version_key (transforms.copies.version_key)
    signatures: dict[str, tuple[int, bytes]]  # article_id -> (shingles, MinHash signature)
    rejected: dict[str, str]  # file path -> why processing failed
    failed_articles: dict[str, list[str]]  # article_id -> failed audit rules
    article_lines: dict[str, tuple[str, dict[str, str]]]  # the batch's line statistics, per article
    outcomes: list = field(default_factory=list)  # the audit's ExpectationOutcome per rule
    # quote_id -> (its article_id, the rules that hold it alone, "; "-joined)
    held_quotes: dict[str, tuple[str, str]] = field(default_factory=dict)


class WarcFiles:
    """A run's web archives whose segments are on their way through batches: one ledger row per
    file, written with its last segment, with the counts of all of them (a segment's articles
    are published with its batch). A segment whose analysis failed does not reject the file: its
    records are named in files.warc_errors."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], FileCounts] = {}

    def add(self, f: ParsedFile, counts: FileCounts) -> tuple[ParsedFile, FileCounts] | None:
        """(the file, its counts so far) when f is its file's last segment; None before."""
        warc = f.warc
        assert warc is not None
        key = (f.file_id, f.path)
        total = self._open.pop(key, FileCounts())
        total.add(counts)
        if f.rejected is not None:
            offsets = warc.offsets
            where = f"records at bytes {offsets[0]}..{offsets[-1]}" if offsets else "records"
            total.errors.append(f"{where}: {f.rejected}")
            f = replace(f, rejected=None)
        if not warc.last:
            self._open[key] = total
            return None
        return f, total


def file_record(
    f: ParsedFile, *, run_id: str, batch_id: str | None, counts: FileCounts | None = None
) -> FileRecord:
    """The ledger row of one file, with its status decided from what became of its articles
    (counts: none for a file that reached no batch). A web archive's row (f.warc: its last
    segment) adds what reading it found: records read, skipped by reason, damage."""
    c = counts or FileCounts()
    status, reason = file_status(f, c)
    warc = f.warc
    return FileRecord(
        file_id=f.file_id,
        path=f.path,
        size_bytes=f.size_bytes,
        format=f.format,
        status=status,
        reason=reason,
        n_articles=f.n_documents if warc is None else warc.n_articles,
        n_published=c.published,
        n_quarantined=c.quarantined,
        n_duplicates=c.duplicates,
        run_id=run_id,
        batch_id=batch_id,
        mtime_ns=f.mtime_ns,
        encoding=f.encoding,
        replaced_bytes=f.replaced_bytes,
        n_records=None if warc is None else warc.n_records,
        skipped_records=None if warc is None else json.dumps(dict(warc.skipped)),
        warc_errors=None if warc is None else "; ".join([*warc.errors, *c.errors]) or None,
        warc_start=None if warc is None else warc.start,
        warc_end=None if warc is None else warc.end,
    )


def batch_file_records(
    files: list[ParsedFile],
    outcome: BatchOutcome,
    skipped: set[str],
    *,
    run_id: str,
    copies: Iterable[str] = (),
    warc_files: WarcFiles | None = None,
) -> tuple[list[FileRecord], dict[str, str]]:
    """Ledger rows of a batch's files and the quarantine reasons of its failed articles.
    skipped: article ids the publisher found to be ingested already or copies (Publisher.decide);
    they count as duplicates, not as published or quarantined. copies: those of them that are
    copies of another document. A web archive's segment adds its counts to warc_files, and its
    file's row comes with the last."""
    copied = set(copies)
    quarantined = {
        aid: "; ".join(rules) for aid, rules in sorted(outcome.failed_articles.items()) if aid not in skipped
    }
    counts = {f.path: FileCounts() for f in files}
    for article_id, path in outcome.article_file.items():
        entry = counts[path]
        if article_id in skipped:
            entry.duplicates += 1
            entry.copies += article_id in copied
        elif article_id in quarantined:
            entry.quarantined += 1
            entry.reasons.append(quarantined[article_id])
        else:
            entry.published += 1
    records = []
    for f in files:
        if f.path in outcome.rejected:
            f = replace(f, rejected=outcome.rejected[f.path])
        c = counts[f.path]
        if f.warc is not None:
            whole = (warc_files or WarcFiles()).add(f, c)
            if whole is None:
                continue
            f, c = whole
        records.append(file_record(f, run_id=run_id, batch_id=outcome.batch_id, counts=c))
    return records, quarantined


def raw_document_records(files: list[ParsedFile]) -> list[RawDocumentRecord]:
    """The parsed documents of the files, as stored for reprocessing."""
    return [
        RawDocumentRecord(
            f.file_id,
            d.record_index,
            f.path,
            f.format,
            d.kind,
            d.content,
            d.title,
            d.url,
            d.authors,
            d.published,
            d.warc_record_id,
            d.warc_date,
        )
        for f in files
        for d in f.documents
    ]


@dataclass(frozen=True)
class Copy:
    """An article of a batch found to be a copy of one already ingested (transforms.copies)."""

    duplicate_of: str
    method: str  # exact | minhash
    similarity: float


@dataclass
class Decisions:
    """What the publisher decided about a batch's articles besides the audit."""

    skipped: set[str] = field(default_factory=set)  # publish nothing: ingested already, or a copy
    copies: dict[str, Copy] = field(default_factory=dict)  # article_id -> the copy's canonical article


class Publisher:
    """A run's single writer: publishes processed batches one at a time, in batch order. It knows
    which bodies the warehouse already has (known_contents: content_sha256 -> (article_id,
    version_key) of those published or held before the run, plus every batch published since)
    and, through a CopyIndex, the published articles' versions and signatures. An article whose
    body is known is skipped (the same article read again, or an exact copy from another
    source); one that matches a published article of another version_key at or over the copy
    threshold is a near copy; both publish no rows, and copies are recorded in `copies`."""

    def __init__(
        self,
        warehouse: Warehouse,
        run_id: str,
        known_contents: Mapping[str, tuple[str, str | None]] | Iterable[str],
        replace: bool = False,
        copy_threshold: float = DEFAULT_COPY_THRESHOLD,
    ):
        """replace: each batch's files' earlier rows are replaced in the same transaction
        (reprocessing); their line statistics are not counted again. known_contents: a plain set
        of digests works too (their articles unknown: never recorded as copies)."""
        self.warehouse = warehouse
        self.run_id = run_id
        self.known_contents: dict[str, tuple[str, str | None]] = (
            dict(known_contents)
            if isinstance(known_contents, Mapping)
            else dict.fromkeys(known_contents, ("", None))
        )
        self.replace = replace
        self.copy_threshold = copy_threshold
        self._index: CopyIndex | None = None
        self.deferred: list[str] = []  # batches left staged, whole, for the next run to commit
        self.warc_files = WarcFiles()  # web archives whose last segment is still to come

    @property
    def index(self) -> CopyIndex:
        """The published articles as a CopyIndex, read from the warehouse when first needed."""
        if self._index is None:
            self._index = CopyIndex(self.copy_threshold)
            for article_id, key, n_shingles, sig in self.warehouse.copy_index_rows():
                self._index.add(article_id, key, sig, n_shingles)
        return self._index

    def record_unbatched(self, files: list[ParsedFile]) -> None:
        """Ledger rows for files that reach no batch (rejected or duplicate), in one commit."""
        self.warehouse.record_files([file_record(f, run_id=self.run_id, batch_id=None) for f in files])

    def decide(self, outcome: BatchOutcome) -> Decisions:
        """Each article of the batch, in order: skipped when its body is known (recorded as an
        exact copy when the known one is another document), a near copy when it matches a
        published article of another version_key, else new (the index learns it, when it
        publishes). A new version of a published article is new here; the commit supersedes the
        older one (warehouse.store)."""
        decided = Decisions()
        for article_id in outcome.article_file:
            key = outcome.versions.get(article_id)
            sha = outcome.contents.get(article_id)
            if sha is not None and sha in self.known_contents:
                decided.skipped.add(article_id)
                canonical, canonical_key = self.known_contents[sha]
                if canonical and canonical_key != key:
                    decided.copies[article_id] = Copy(canonical, "exact", 1.0)
                continue
            n_shingles, sig = outcome.signatures.get(article_id, (0, None))
            match = self.index.match(key, sig, n_shingles) if key is not None else None
            if match is not None and not match.version:
                decided.skipped.add(article_id)
                decided.copies[article_id] = Copy(match.of, "minhash", round(match.similarity, 4))
                continue
            if sha is not None:
                self.known_contents[sha] = (article_id, key)
            if key is not None and article_id not in outcome.failed_articles:
                self.index.add(article_id, key, sig, n_shingles)
        return decided

    def publish(
        self,
        files: list[ParsedFile],
        outcome: BatchOutcome,
        *,
        started_at: datetime,
        seconds: Mapping[str, float],
    ) -> BatchRecord:
        """Publish one processed batch in one transaction (warehouse.store.Warehouse.publish): its
        rows, the files' ledger rows and raw documents (for reprocessing), the batch row, its stage
        timings (seconds: stage -> time, as its executor measured them), quality results and the
        copies found; older versions of its articles move to history. Returns the batch's row
        (what it published and held); a batch left staged for the next run (readers held the
        file) is in `deferred` too."""
        decided = self.decide(outcome)
        skipped = decided.skipped
        records, quarantined = batch_file_records(
            files, outcome, skipped, run_id=self.run_id, copies=decided.copies, warc_files=self.warc_files
        )
        # A quote held alone belongs to an article that publishes (a held article's quotes are
        # held with it, a skipped one's go nowhere).
        held_quotes = {
            quote_id: reason
            for quote_id, (article_id, reason) in sorted(outcome.held_quotes.items())
            if article_id not in skipped and article_id not in quarantined
        }
        n_articles = len(outcome.article_file) - len(skipped)
        batch = BatchRecord(
            batch_id=outcome.batch_id,
            run_id=self.run_id,
            n_files=len(files),
            n_articles=n_articles,
            n_published=n_articles - len(quarantined),
            n_quarantined=len(quarantined),
            n_quotes_quarantined=len(held_quotes),
            staged_path=self.warehouse.archived(outcome.batch_id),
            audit_success=all(o.success for o in outcome.outcomes),
            started_at=started_at,
            published_at=utc_now(),
        )
        quality = [
            QualityResultRecord(
                run_id=self.run_id,
                batch_id=outcome.batch_id,
                suite=o.suite,
                expectation=o.rule,
                gx_expectation=o.expectation,
                column_name=o.column_name,
                description=o.description,
                success=o.success,
                element_count=o.element_count,
                unexpected_count=o.unexpected_count,
            )
            for o in outcome.outcomes
        ]
        timings = [StageTimingRecord(outcome.batch_id, stage, round(s, 4)) for stage, s in seconds.items()]
        line_stats = line_stat_records(count_article_lines(outcome.article_lines, skipped))
        try:
            superseded = self.warehouse.publish(
                outcome.batch_id,
                quarantined,
                records,
                batch,
                quality,
                [] if self.replace else line_stats,
                skip=skipped,
                held_quotes=held_quotes,
                raw_documents=raw_document_records(files),
                replace=self.replace,
                timings=timings,
                copies={aid: (c.duplicate_of, c.method, c.similarity) for aid, c in decided.copies.items()},
            )
        except PublishDeferred as exc:
            log.warning("%s", exc)
            self.deferred.append(outcome.batch_id)
            return batch
        for article_id in superseded:
            self.index.remove(article_id)
        return batch


@dataclass
class RunSummary:
    """What a run did, read back from the ledger (files whose run_id is the run's)."""

    run_id: str
    warehouse: str
    files_seen: int = 0
    already_ingested: int = 0
    published_articles: int = 0
    quarantined_articles: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)  # rule -> articles held for it
    quarantined_quotes: int = 0  # quotes held alone, their articles published
    copies: int = 0  # articles found to be copies of published ones (rows in `copies`)
    superseded: int = 0  # older versions the run's articles replaced (moved to history)
    duplicate_files: int = 0
    rejected_files: dict[str, str] = field(default_factory=dict)  # path -> reason
    file_status: dict[str, str] = field(default_factory=dict)  # path -> status
    report_path: str = ""
    seconds_read: float = 0.0  # the run's first reading of its inputs (RunRecord.seconds_read)
    deferred_batches: list[str] = field(default_factory=list)  # staged for the next run (readers)
    warc_records: int = 0  # web archive records read
    skipped_records: dict[str, int] = field(default_factory=dict)  # reason -> WARC records skipped
    warc_errors: dict[str, str] = field(default_factory=dict)  # path -> damage found (with offsets)


def read_run(
    warehouse: Warehouse,
    run_id: str,
    *,
    files_seen: int | None,
    already_ingested: Iterable[str],
    seconds_read: float,
) -> RunSummary:
    """A run's summary from the ledger: the status of every file it recorded, the articles its
    files published and held, and the rules they were held for. already_ingested: the paths the
    run skipped because the ledger had them unchanged. files_seen None: the files it recorded
    (what an interrupted run is known to have seen)."""
    files = warehouse.query(
        "SELECT path, status, reason, n_published, n_quarantined, n_records, skipped_records, "
        "warc_errors FROM files WHERE run_id = ? ORDER BY path",
        [run_id],
    )
    skipped_records: Counter[str] = Counter()
    for counts in files["skipped_records"].dropna():
        skipped_records.update(json.loads(counts))
    reasons = warehouse.query(
        f"SELECT {REASON_COLUMN} FROM {QUARANTINE_SCHEMA}.articles WHERE run_id = ?", [run_id]
    )[REASON_COLUMN]
    held_quotes = warehouse.query(
        f"SELECT count(*) AS n FROM {QUARANTINE_SCHEMA}.quotes q JOIN articles a USING (article_id) "
        "WHERE a.run_id = ?",
        [run_id],
    )["n"].iloc[0]
    copies = warehouse.query("SELECT count(*) AS n FROM copies WHERE run_id = ?", [run_id])["n"].iloc[0]
    superseded = warehouse.query(
        f"SELECT count(*) AS n FROM {HISTORY_SCHEMA}.articles WHERE superseded_by IN "
        "(SELECT article_id FROM articles WHERE run_id = ?)",
        [run_id],
    )["n"].iloc[0]
    skipped = sorted(already_ingested)
    return RunSummary(
        run_id=run_id,
        warehouse=str(warehouse.root),
        files_seen=len(files) + len(skipped) if files_seen is None else files_seen,
        already_ingested=len(skipped),
        published_articles=int(files["n_published"].sum()),
        quarantined_articles=int(files["n_quarantined"].sum()),
        quarantine_reasons=dict(Counter(rule for reason in reasons for rule in reason.split("; "))),
        quarantined_quotes=int(held_quotes),
        copies=int(copies),
        superseded=int(superseded),
        duplicate_files=int((files["status"] == "duplicate").sum()),
        rejected_files={
            str(path): str(reason)
            for path, status, reason in zip(files["path"], files["status"], files["reason"], strict=True)
            if status == "rejected"
        },
        file_status={
            **dict.fromkeys(skipped, "already ingested"),
            **dict(zip(files["path"], files["status"], strict=True)),
        },
        seconds_read=seconds_read,
        warc_records=int(files["n_records"].fillna(0).sum()),
        skipped_records={r: skipped_records[r] for r in SKIP_REASONS if skipped_records[r]},
        warc_errors={
            str(path): str(errors)
            for path, errors in zip(files["path"], files["warc_errors"], strict=True)
            if isinstance(errors, str)
        },
    )


def _run_row(run_id: str, *, started_at: datetime, inputs: str, flow_run_id: str, status: str) -> RunRecord:
    """A `runs` row without counts yet (with_counts adds them); completed: finished now."""
    return RunRecord(
        run_id=run_id,
        flow_run_id=flow_run_id,
        started_at=started_at,
        finished_at=utc_now() if status == "completed" else None,
        inputs=inputs,
        status=status,
        n_files=0,
        n_published=0,
        n_quarantined=0,
        n_rejected=0,
        n_duplicates=0,
    )


def with_counts(run: RunRecord, summary: RunSummary) -> RunRecord:
    """A `runs` row with the counts of the run's summary (read from the ledger)."""
    return replace(
        run,
        n_files=summary.files_seen,
        n_published=summary.published_articles,
        n_quarantined=summary.quarantined_articles,
        n_rejected=len(summary.rejected_files),
        n_duplicates=summary.duplicate_files,
        seconds_read=round(summary.seconds_read, 4),
    )


def open_run(
    warehouse: Warehouse, run_id: str, *, started_at: datetime, inputs: str, flow_run_id: str = ""
) -> None:
    """Start a run, under the run lock, on an initialised warehouse: finish what a stopped run
    left in staging (Warehouse.recover_staging: committed batches archived, batches with their
    publication written committed, their runs' counts brought up to date), record the runs
    still marked `running` (their process is gone: we hold the lock) as `interrupted` with the
    counts their batches reached, and record this run as `running`."""
    recovered = warehouse.recover_staging()
    for run in warehouse.run_records(batch_ids=recovered):
        if run.status != "running":
            counted = read_run(
                warehouse, run.run_id, files_seen=run.n_files, already_ingested=(), seconds_read=0.0
            )
            warehouse.record_run(replace(with_counts(run, counted), seconds_read=run.seconds_read))
    for run in warehouse.run_records(status="running"):
        counted = read_run(warehouse, run.run_id, files_seen=None, already_ingested=(), seconds_read=0.0)
        warehouse.record_run(
            replace(with_counts(run, counted), status="interrupted", seconds_read=run.seconds_read)
        )
    warehouse.record_run(
        _run_row(run_id, started_at=started_at, inputs=inputs, flow_run_id=flow_run_id, status="running")
    )


def finish_run(
    warehouse: Warehouse,
    run_id: str,
    *,
    started_at: datetime,
    inputs: str,
    files_seen: int,
    already_ingested: Iterable[str] = (),
    seconds_read: float = 0.0,
    flow_run_id: str = "",
    deferred_batches: Iterable[str] = (),
) -> RunSummary:
    """Record the run in `runs` as completed, with its counts from the ledger, rewrite the
    quality report, and return the run's summary. deferred_batches: batches left staged for the
    next run (Publisher.deferred); their articles are counted when they are committed."""
    from warehouse.report import write_report

    summary = read_run(
        warehouse, run_id, files_seen=files_seen, already_ingested=already_ingested, seconds_read=seconds_read
    )
    warehouse.record_run(
        with_counts(
            _run_row(
                run_id, started_at=started_at, inputs=inputs, flow_run_id=flow_run_id, status="completed"
            ),
            summary,
        )
    )
    summary.report_path = str(write_report(warehouse))
    summary.deferred_batches = list(deferred_batches)
    return summary
