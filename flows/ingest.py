"""The ingest flow: discover -> parse -> per batch (analyse -> stage -> audit -> publish) -> report.

Wiring only: every decision lives in transforms/, every read and write in warehouse/, every
check in expectations/. Tasks work on batches of files/articles, never on one article.
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import opaque

from expectations import audit_batch
from flows.memory import release_memory
from flows.settings import Settings
from flows.summary import RunSummary, finish_run, new_run_id, scan_inputs, utc_now
from transforms.corpus import LineCounter, count_article_lines, line_stat_records
from transforms.ingest import (
    BatchOutcome,
    ParsedFile,
    batch_file_records,
    file_record,
    mark_duplicates,
    mark_versions,
    parse_file,
    parsed_from_raw,
    plan_batches,
    raw_document_records,
    reloaded,
    restored,
)
from transforms.nlp import load_pipeline, require_model
from transforms.pipeline import (
    BatchRows,
    ParsedBatch,
    PreparedBatch,
    Stopwatch,
    analyse_batch,
    batch_rows,
    batch_sources,
    count_run_lines,
    parse_batch,
    prepare_batch,
    stored_sources,
)
from transforms.records import BatchRecord, QualityResultRecord
from warehouse.raw import read_input
from warehouse.store import Warehouse, WarehouseLocked


@task(cache_policy=NO_CACHE)
def parse_files(paths: list[str]) -> list[ParsedFile]:
    parsed = []
    for path in paths:
        raw = read_input(Path(path))
        parsed.append(parse_file(raw.path, raw.file_id, raw.size_bytes, raw.data, raw.error, raw.mtime_ns))
    return parsed


def transient_io_error(task, task_run, state) -> bool:
    """Retry a storage task on I/O trouble (disk, the DuckDB file held a little too long), never
    on bad input or a bug: those fail the same way every time."""
    try:
        state.result()
    except (OSError, duckdb.IOException, WarehouseLocked):
        return True
    except BaseException:
        return False
    return False


def with_storage_retries(storage_task: Any, settings: Settings) -> Any:
    """A storage task retried as Settings says (storage_retries, storage_retry_delay_seconds)."""
    return storage_task.with_options(
        retries=settings.storage_retries, retry_delay_seconds=settings.storage_retry_delay_seconds
    )


@task(cache_policy=NO_CACHE)
def prepare(
    files: list[ParsedFile], known_contents: set[str], learned: dict[str, frozenset[int]], settings: Settings
) -> PreparedBatch:
    """Clean a batch (transforms.pipeline.prepare_batch)."""
    return prepare_batch(files, known_contents, languages=frozenset(settings.languages), learned=learned)


@task(cache_policy=NO_CACHE)
def parse(prepared: PreparedBatch, settings: Settings) -> ParsedBatch:
    """The NLP stage (transforms.pipeline.parse_batch)."""
    return parse_batch(load_pipeline(settings.spacy_model), prepared, settings.nlp_groups)


@task(cache_policy=NO_CACHE, retry_condition_fn=transient_io_error)
def rows_stage_audit(
    parsed: ParsedBatch, settings: Settings, batch_id: str, run_id: str, started_at: str
) -> BatchOutcome:
    """The entity and quote rules (transforms.pipeline.batch_rows), then stage the rows as
    Parquet and audit what was written (never opens the DuckDB file)."""
    outcome = _stage_and_audit(
        batch_rows(parsed, batch_id=batch_id, run_id=run_id), settings, batch_id, started_at
    )
    release_memory()  # the batch's rows and tables are gone; its Docs go with the caller's next batch
    return outcome


class BatchInput:
    """What a Dask worker needs of a batch, in a plain object: Prefect walks the dataclasses and
    collections of a task's parameters element by element (see process_and_publish), but not a
    plain object, and prefect-dask mishandles `opaque` parameters (a set arrived wrapped in a set)."""

    __slots__ = ("files", "known_contents", "learned")

    def __init__(self, files: list[ParsedFile], known_contents: set[str], learned: dict[str, frozenset[int]]):
        self.files, self.known_contents, self.learned = files, known_contents, learned


@task(cache_policy=NO_CACHE, retry_condition_fn=transient_io_error)
def process_batch(batch: BatchInput, settings: Settings, batch_id: str, run_id: str) -> BatchOutcome:
    """Analyse, stage, audit one batch in one task: what a Dask worker runs (only the small
    outcome travels back; the rows go through the lake)."""
    started_at = utc_now()
    outcome = _stage_and_audit(
        analyse_batch(
            load_pipeline(settings.spacy_model),
            batch.files,
            batch.known_contents,
            batch_id=batch_id,
            run_id=run_id,
            languages=frozenset(settings.languages),
            learned=batch.learned,
            nlp_groups=settings.nlp_groups,
        ),
        settings,
        batch_id,
        started_at,
    )
    release_memory()  # the batch's Docs, rows and tables are gone: the worker gives their pages back
    return outcome


def _stage_and_audit(rows: BatchRows, settings: Settings, batch_id: str, started_at: str) -> BatchOutcome:
    warehouse = Warehouse.from_settings(settings)
    clock = Stopwatch()
    warehouse.stage(batch_id, rows.rows.__dict__)
    clock.lap("stage")
    # Audit what was written: the staged Parquet files, read back.
    result = audit_batch(warehouse.read_staged(batch_id), frozenset(settings.languages))
    clock.lap("audit")
    return BatchOutcome(
        batch_id=batch_id,
        started_at=started_at,
        article_file=rows.article_file,
        contents={a.article_id: a.content_sha256 for a in rows.rows.articles if a.body},
        duplicates=rows.duplicates,
        rejected=rows.rejected,
        failed_articles=result.failed_articles,
        article_lines=rows.article_lines,
        outcomes=result.outcomes,
        seconds={**rows.seconds, **clock.totals(("stage", "audit"))},
    )


@task(cache_policy=NO_CACHE, retry_condition_fn=transient_io_error)
def publish(
    warehouse: Warehouse,
    run_id: str,
    files: list[ParsedFile],
    outcome: BatchOutcome,
    published_contents: set[str],
    replace: bool = False,
) -> dict[str, str]:
    """The single writer: publish a processed batch in one transaction (with the files' raw
    documents, for reprocessing; replace: the files' earlier rows go in the same transaction)."""
    skipped = {aid for aid, sha in outcome.contents.items() if sha in published_contents}
    records, quarantined = batch_file_records(files, outcome, skipped, run_id=run_id)
    n_articles = len(outcome.article_file) - len(skipped)
    batch = BatchRecord(
        batch_id=outcome.batch_id,
        run_id=run_id,
        n_files=len(files),
        n_articles=n_articles,
        n_published=n_articles - len(quarantined),
        n_quarantined=len(quarantined),
        staged_path=warehouse.archived(outcome.batch_id),
        audit_success=all(o.success for o in outcome.outcomes),
        started_at=outcome.started_at,
        published_at=utc_now(),
        **{f"seconds_{stage}": seconds for stage, seconds in outcome.seconds.items()},
    )
    quality = [
        QualityResultRecord(
            run_id=run_id,
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
    warehouse.publish(
        outcome.batch_id,
        quarantined,
        records,
        batch,
        quality,
        [] if replace else line_stat_records(count_article_lines(outcome.article_lines, skipped)),
        skip=skipped,
        raw_documents=raw_document_records(files),
        replace=replace,
    )
    return {r.path: r.status for r in records}


@task(cache_policy=NO_CACHE)
def record_unbatched(warehouse: Warehouse, run_id: str, files: list[ParsedFile]) -> dict[str, str]:
    records = [file_record(f, run_id=run_id, batch_id=None) for f in files]
    warehouse.record_files(records)
    return {r.path: r.status for r in records}


def _start(settings: Settings, kind: str) -> tuple[Warehouse, str, RunSummary]:
    """The warehouse, the start time and an empty summary with a new run id ("run-..." or
    "reprocess-...")."""
    warehouse = Warehouse.from_settings(settings)
    return warehouse, utc_now(), RunSummary(run_id=new_run_id(kind), warehouse=str(warehouse.root))


def _finish(warehouse: Warehouse, summary: RunSummary, started: str, inputs: str) -> None:
    finish_run(warehouse, summary, started, inputs, flow_run_id=str(flow_run.get_id() or ""))


def _count(summary: RunSummary, outcome: BatchOutcome, published_before: set[str]) -> None:
    skipped = {aid for aid, sha in outcome.contents.items() if sha in published_before}
    failed = {aid: rules for aid, rules in outcome.failed_articles.items() if aid not in skipped}
    for rules in failed.values():
        for rule in rules:
            summary.quarantine_reasons[rule] = summary.quarantine_reasons.get(rule, 0) + 1
    summary.quarantined_articles += len(failed)
    summary.published_articles += len(outcome.article_file) - len(skipped) - len(failed)
    summary.rejected_files.update(outcome.rejected)


# Large task inputs (a batch's files and rows, the set of known contents) are passed as
# opaque(...): Prefect otherwise walks every element of a task's parameters looking for futures,
# which took seconds per batch here (a cleaned batch of 256 articles: ~3 s; the known contents of
# a 20,000-article warehouse: ~0.3 s per task) and grows with the warehouse.
def process_and_publish(
    warehouse: Warehouse,
    to_batch: list[ParsedFile],
    settings: Settings,
    run_id: str,
    summary: RunSummary,
    known_contents: set[str],
    workers: int,
    learned: dict[str, frozenset[int]],
    load=None,
    replace: bool = False,
) -> None:
    """Batch the files, process the batches and publish them one by one, in order, from this
    process: the only DuckDB writer.

    workers > 1 (a Dask task runner): whole batches run ahead on the workers, at most `2 x
    workers` at a time. One worker: this process is a pipeline around the NLP stage, which runs
    here while the flow's thread pool cleans the next batch and applies the rules to the previous
    one, stages and audits it, so the NLP stage does not wait for them (on a machine with a
    second core).

    to_batch is consumed (emptied), so documents held from the first reading are let go batch by
    batch. learned: the run's corpus boilerplate (LineCounter.learned). load: reads a batch of released
    files again (ParsedFile.released) just before it is processed, so a run holds a few batches
    of documents at most (its time counts as reading, the files it rejects in the run's
    rejections); None when the files are held whole. replace: the files' earlier rows
    are replaced (reprocessing). A body published by an earlier batch of the run while this one
    was in flight is a duplicate at publish time (publish's `skipped`)."""
    batches: list[list[ParsedFile] | None] = list(
        plan_batches(to_batch, settings.batch_size, parallel=workers)
    )
    to_batch.clear()  # consumed: the batches hold the files now, and let go of each once it is taken
    ids = [f"{run_id}-b{number:04d}" for number in range(1, len(batches) + 1)]
    in_flight: deque = deque()
    publish_batch = with_storage_retries(publish, settings)
    process_whole = with_storage_retries(process_batch, settings)
    process_rest = with_storage_retries(rows_stage_audit, settings)

    def publish_next() -> None:
        files_done, future = in_flight.popleft()
        outcome = future.result()
        summary.file_status.update(
            publish_batch(
                warehouse, run_id, opaque(files_done), opaque(outcome), opaque(known_contents), replace
            )
        )
        _count(summary, outcome, known_contents)
        known_contents.update(outcome.contents.values())
        release_memory()  # the published batch's files and DuckDB's buffers for it

    def files_of(number: int) -> list[ParsedFile]:
        files, batches[number] = batches[number], None  # a published batch's documents can go
        assert files is not None  # each batch is taken once
        if load is None:
            return files
        reading = time.perf_counter()
        files = load(files)
        summary.seconds_read += time.perf_counter() - reading
        summary.rejected_files.update({f.path: f.rejected for f in files if f.rejected is not None})
        return files

    if workers > 1:
        for number, batch_id in enumerate(ids):
            files = files_of(number)
            batch = BatchInput(files, set(known_contents), learned)
            in_flight.append((files, process_whole.submit(batch, settings, batch_id, run_id)))
            while len(in_flight) >= 2 * workers:
                publish_next()
    else:

        def prepare_ahead(number: int):
            files = files_of(number)
            return (
                files,
                utc_now(),
                prepare.submit(opaque(files), opaque(set(known_contents)), opaque(learned), settings),  # type: ignore[call-overload]  # Prefect types task parameters as unwrapped values; opaque() is unwrapped before the call
            )

        if not ids:
            return
        upcoming = prepare_ahead(0)
        for number, batch_id in enumerate(ids):
            files, started_at, prepared = upcoming
            prepared = prepared.result()
            if number + 1 < len(ids):
                upcoming = prepare_ahead(number + 1)  # cleaned on the pool while this batch is parsed here
            parsed = parse(opaque(prepared), settings)  # type: ignore[call-overload]  # Prefect types task parameters as unwrapped values; opaque() is unwrapped before the call
            while in_flight:  # the previous batch, finished on the pool meanwhile
                publish_next()
            in_flight.append(
                (files, process_rest.submit(opaque(parsed), settings, batch_id, run_id, started_at))
            )
    while in_flight:
        publish_next()


def read_again(files: list[ParsedFile]) -> list[ParsedFile]:
    """A planned batch with its released files read and parsed again (ingest.reloaded)."""
    released = [f.path for f in files if f.released_count is not None]
    if not released:
        return files
    fresh = {f.path: f for f in parse_files(released)}
    return [reloaded(f, fresh[f.path]) if f.path in fresh else f for f in files]


def read_stored(warehouse: Warehouse, files: list[ParsedFile]) -> list[ParsedFile]:
    """A planned batch of reprocessing with its files' stored raw documents loaded."""
    return restored(
        files, parsed_from_raw(warehouse.raw_documents(files=[(f.file_id, f.path) for f in files]))
    )


@flow(name="wirehouse-ingest", log_prints=False)
def ingest(
    paths: list[str], settings: Settings | None = None, warehouse_dir: str | None = None, workers: int = 1
) -> RunSummary:
    """Ingest the files and folders in `paths` into the warehouse of `settings` (from the
    environment when not given; `warehouse_dir` overrides its directory, for deployments).
    workers > 1: batches are processed concurrently on the flow's task runner (Dask)."""
    settings = settings or Settings()
    if warehouse_dir:
        settings = settings.model_copy(update={"dir": Path(warehouse_dir)})
    warehouse, started, summary = _start(settings, "run")
    run_id = summary.run_id
    with warehouse.run_lock():
        warehouse.initialise()
        require_model(settings.spacy_model)  # fail before any work when the model is missing
        reading = time.perf_counter()
        # Unchanged files (same size and mtime as in the ledger) are not read at all.
        all_paths, to_read = scan_inputs(warehouse, paths)
        summary.files_seen = len(all_paths)
        ingested = warehouse.ingested_files()
        known_ids, known_paths = warehouse.known_file_ids(), warehouse.known_paths()
        # First reading, a chunk at a time: decide each file's fate and count the run's lines. The
        # files to batch are kept whole up to settings.hold_mb, then as released stubs (read again
        # when their batch comes).
        counter, sources, hold = LineCounter(), set(), settings.hold_mb * 1e6
        to_batch: list[ParsedFile] = []
        new_paths: set[str] = set()
        rejected: dict[str, str] = {}
        chunk = settings.parse_chunk_files
        for i in range(0, len(to_read), chunk):
            parsed = parse_files(to_read[i : i + chunk])
            new = [f for f in parsed if (f.file_id, f.path) not in ingested]
            warehouse.touch_files(
                [
                    (f.file_id, f.path, f.mtime_ns)
                    for f in parsed
                    if (f.file_id, f.path) in ingested and f.mtime_ns is not None
                ]
            )
            mark_duplicates(new, known_ids)
            mark_versions(new, known_paths)
            for f in new:  # later chunks see this chunk's files as mark_duplicates saw them
                known_ids.setdefault(f.file_id, f.path)
            unbatched = [f for f in new if f.rejected is not None or f.duplicate_of is not None]
            if unbatched:
                summary.file_status.update(record_unbatched(warehouse, run_id, opaque(unbatched)))  # type: ignore[call-overload]  # Prefect types task parameters as unwrapped values; opaque() is unwrapped before the call
            batchable = [f for f in new if f.rejected is None and f.duplicate_of is None]
            count_run_lines(counter, batchable)
            sources.update(batch_sources(batchable))
            for f in batchable:
                hold -= sum(len(doc.content) for doc in f.documents)
                to_batch.append(f if hold >= 0 else f.released())
            new_paths.update(f.path for f in new)
            rejected.update({f.path: f.rejected for f in new if f.rejected is not None})
        summary.already_ingested = len(all_paths) - len(new_paths)
        for path in set(all_paths) - new_paths:
            summary.file_status[path] = "already ingested"
        known_contents = warehouse.known_contents()
        # Boilerplate lines, learned once for the run (earlier runs' statistics plus this run's lines).
        learned = counter.learned(warehouse.line_counts(sorted(sources)), settings.boilerplate_min_articles)
        del counter
        summary.seconds_read += time.perf_counter() - reading
        process_and_publish(
            warehouse, to_batch, settings, run_id, summary, known_contents, workers, learned, load=read_again
        )
        summary.rejected_files.update(rejected)
        summary.duplicate_files = sum(1 for s in summary.file_status.values() if s == "duplicate")
        _finish(warehouse, summary, started, "; ".join(str(p) for p in paths))
    return summary


@flow(name="wirehouse-reprocess", log_prints=False)
def reprocess(settings: Settings | None = None, since: str | None = None) -> RunSummary:
    """Re-run clean -> publish from the stored raw documents (after a rule or model upgrade):
    every file ingested by runs started at or after `since` (all files when None). Each batch's
    new rows replace the files' old ones, published or quarantined, in one transaction."""
    settings = settings or Settings()
    warehouse, started, summary = _start(settings, "reprocess")
    run_id = summary.run_id
    with warehouse.run_lock():
        warehouse.initialise()
        require_model(settings.spacy_model)
        # An index of the stored documents, without their text: each batch loads its own (read_stored).
        stored = warehouse.raw_documents(since, content=False)
        files = parsed_from_raw(stored)
        summary.files_seen = len(files)
        # The files' own articles are about to be replaced: they are not duplicates of themselves.
        known_contents = warehouse.known_contents(excluding_files={f.file_id for f in files})
        # New versions among them counted when they were first ingested: the run's own lines are
        # the earlier runs' statistics already, so only those (prior) teach the boilerplate here.
        learned = LineCounter().learned(
            warehouse.line_counts(stored_sources(stored)), settings.boilerplate_min_articles
        )
        del stored
        process_and_publish(
            warehouse,
            files,
            settings,
            run_id,
            summary,
            known_contents,
            1,
            learned,
            load=lambda batch: read_stored(warehouse, batch),
            replace=True,
        )
        summary.duplicate_files = sum(1 for s in summary.file_status.values() if s == "duplicate")
        _finish(warehouse, summary, started, f"reprocess since {since}" if since else "reprocess all")
    return summary
