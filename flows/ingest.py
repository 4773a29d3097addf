"""The flows: scan -> plan -> process -> publish, for new inputs (`ingest`) and for stored raw
documents after a rule or model upgrade (`reprocess`).

Wiring only: what happens to a batch is flows.batch (STAGES, run by its executors); every
decision lives in transforms/, every read and write (the ledger, the publish commit, the run's
counts) in warehouse/, every check in expectations/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from prefect import flow
from prefect.runtime import deployment, flow_run

from flows.batch import execute, plan, publish, with_storage_retries
from flows.progress import RunProgress
from flows.scan import read_again, scan
from flows.settings import Settings
from flows.summary import ARTIFACT_KEY, summary_line, summary_markdown
from transforms.corpus import LineCounter
from transforms.ingest import ParsedFile, parsed_from_raw, restored
from transforms.nlp import require_model
from transforms.pipeline import stored_sources
from warehouse.ledger import Publisher, RunSummary, finish_run, new_run_id, open_run, utc_now
from warehouse.store import Warehouse


@flow(name="wirehouse-ingest", log_prints=False, flow_run_name=partial(new_run_id, "run"))
def ingest(
    paths: list[str], settings: Settings | None = None, warehouse_dir: str | None = None, workers: int = 1
) -> RunSummary:
    """Ingest the files and folders in `paths` into the warehouse of `settings` (from the
    environment when not given; `warehouse_dir` overrides its directory, for deployments).
    workers > 1: batches are processed concurrently on the flow's task runner (Dask)."""
    settings = settings or Settings()
    if warehouse_dir:
        settings = settings.model_copy(update={"dir": Path(warehouse_dir)})
    warehouse = Warehouse.from_settings(settings)
    run_id, started_at = _run_id("run"), utc_now()
    progress = RunProgress(run_id)
    inputs = "; ".join(str(p) for p in paths)
    with warehouse.run_lock():
        warehouse.initialise()
        require_model(settings.spacy_model)  # fail before any work when the model is missing
        open_run(warehouse, run_id, started_at=started_at, inputs=inputs, flow_run_id=_flow_run_id())
        publisher = Publisher(
            warehouse, run_id, warehouse.known_contents(), copy_threshold=settings.copy_threshold
        )
        scanned = scan(warehouse, publisher, paths, settings, progress)
        load = partial(read_again, limits=settings.input_limits)
        batches = plan(scanned.files, settings, run_id, publisher, scanned.learned, load, progress, workers)
        _process_and_publish(batches, publisher, settings, workers, progress)
        summary = finish_run(
            warehouse,
            run_id,
            started_at=started_at,
            inputs=inputs,
            files_seen=scanned.files_seen,
            already_ingested=scanned.already_ingested,
            seconds_read=scanned.seconds,
            flow_run_id=_flow_run_id(),
            deferred_batches=publisher.deferred,
        )
    _finished(summary, progress)
    return summary


@flow(name="wirehouse-reprocess", log_prints=False, flow_run_name=partial(new_run_id, "reprocess"))
def reprocess(settings: Settings | None = None, since: datetime | None = None) -> RunSummary:
    """Re-run clean -> publish from the stored raw documents (after a rule or model upgrade):
    every file ingested by runs started at or after `since` (an aware datetime; all files when
    None). Each batch's new rows replace the files' old ones, published or quarantined, in one
    transaction."""
    settings = settings or Settings()
    warehouse = Warehouse.from_settings(settings)
    run_id, started_at = _run_id("reprocess"), utc_now()
    progress = RunProgress(run_id)
    inputs = "reprocess all" if since is None else f"reprocess since {since.isoformat()}"
    with warehouse.run_lock():
        warehouse.initialise()
        require_model(settings.spacy_model)
        open_run(warehouse, run_id, started_at=started_at, inputs=inputs, flow_run_id=_flow_run_id())
        # An index of the stored documents, without their text: each batch loads its own.
        stored = warehouse.raw_documents(since, content=False)
        files = parsed_from_raw(stored)
        n_files = len(files)
        # The files' own articles are about to be replaced: they are not duplicates of themselves.
        known = warehouse.known_contents(excluding_files={f.file_id for f in files})
        publisher = Publisher(warehouse, run_id, known, replace=True, copy_threshold=settings.copy_threshold)
        # New versions among them counted when they were first ingested: the run's own lines are
        # the earlier runs' statistics already, so only those (prior) teach the boilerplate here.
        learned = LineCounter().learned(
            warehouse.line_counts(stored_sources(stored)), settings.boilerplate_min_articles
        )
        del stored
        progress.stored(n_files)
        batches = plan(files, settings, run_id, publisher, learned, partial(read_stored, warehouse), progress)
        _process_and_publish(batches, publisher, settings, 1, progress)
        summary = finish_run(
            warehouse,
            run_id,
            started_at=started_at,
            inputs=inputs,
            files_seen=n_files,
            flow_run_id=_flow_run_id(),
            deferred_batches=publisher.deferred,
        )
    _finished(summary, progress)
    return summary


def _flow_run_id() -> str:
    return str(flow_run.get_id() or "")


def _run_id(kind: str) -> str:
    """The Wirehouse run id: the flow run's name, which Prefect set from flow_run_name (so the
    Prefect UI lists runs by their Wirehouse id), or a new id when the flow runs outside Prefect."""
    name = flow_run.get_name()
    return name if name and name.startswith(f"{kind}-") else new_run_id(kind)


def _process_and_publish(
    batches, publisher: Publisher, settings: Settings, workers: int, progress: RunProgress
) -> None:
    """Every batch processed (flows.batch.execute) and published as it finishes, in batch order,
    from this process: the only DuckDB writer."""
    publish_batch: Callable = with_storage_retries(publish, settings)
    for batch in execute(batches, settings, workers):
        articles = sum(f.n_documents for f in batch.files)
        progress.analysed(batch.batch_id, articles, batch.seconds)
        record = publish_batch(publisher, batch)
        progress.published(
            batch.batch_id,
            articles,
            record.n_published,
            record.n_quarantined,
            record.n_quotes_quarantined,
            deferred=batch.batch_id in publisher.deferred,
        )


def _finished(summary: RunSummary, progress: RunProgress) -> None:
    """A finished run told: a line in the Prefect run's log, a Markdown artifact with its summary
    table and the report's path, and, for a scheduled run, a line on `wirehouse serve`'s output."""
    from prefect.artifacts import create_markdown_artifact

    line = summary_line(summary)
    progress.finished(line)
    create_markdown_artifact(
        markdown=summary_markdown(summary),
        key=ARTIFACT_KEY,
        description=f"Wirehouse {summary.run_id}: what it published, held and rejected",
    )
    if deployment.get_id():
        print(line, flush=True)  # on `serve`'s output, where the scheduled run executes


def read_stored(warehouse: Warehouse, files: list[ParsedFile]) -> list[ParsedFile]:
    """A planned batch of reprocessing with its files' stored raw documents loaded."""
    return restored(
        files, parsed_from_raw(warehouse.raw_documents(files=[(f.file_id, f.path) for f in files]))
    )
