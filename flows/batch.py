"""A batch's way through the stages, and the two ways of running it.

STAGES lists them in order: the analysis (transforms.pipeline.ANALYSIS: clean, nlp, rules),
then `stage` (the rows as Parquet in the lake) and `audit` (Great Expectations on what was
staged, never on the rows in memory). `process`, the one Prefect task that runs stages, runs a
stretch of consecutive STAGES on a Batch, times each, and returns the last one's output. The
executors differ only in how they split and schedule that one task:

- `pipelined` (one worker): the NLP and rules stages of batch k run in the parser process
  (flows.parser: spaCy holds the GIL, so it parses in a process of its own), while the flow's
  thread pool cleans batch k+1 and stages and audits batch k-1 in this process, on the other
  core, and the flow's thread publishes batch k-1 as soon as it is audited, so that only the
  last batch's stage, audit and publish follow the last parse. The first batches are small
  (plan_batches' ramp), so the parse starts after a few dozen articles are cleaned.
- `run_ahead` (Dask, `--workers N` / `--dask-address`): every stage in one task per batch, at
  most 2 x workers batches in flight; only the small outcome travels back (the rows go through
  the lake).

Both yield finished batches in batch order, for the run's single publisher.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed

from flows import auditor, parser
from flows.memory import release_memory
from flows.progress import RunProgress
from flows.settings import Settings
from transforms.ingest import ParsedFile, plan_batches
from transforms.pipeline import ANALYSIS, BatchContext, BatchRows, timed_stages
from transforms.records import BatchRecord
from warehouse.faults import fault_point
from warehouse.ledger import BatchOutcome, Publisher, utc_now
from warehouse.store import Warehouse, WarehouseLocked, log


class Batch:
    """One batch on its way: its context (transforms.pipeline.BatchContext), its files as the
    publisher holds them, the run's settings, the output of the last stage it went through
    (`value`: at first its files) and the seconds each stage took.

    Prefect walks a task's parameters element by element looking for futures (lists, sets,
    dicts, dataclasses): seconds for a cleaned batch of 256 articles, and the known contents in
    the context grow with the warehouse. A Batch is a plain object, which Prefect hands over
    whole, on the flow's threads and to Dask workers alike."""

    __slots__ = ("context", "files", "seconds", "settings", "started_at", "value")
    context: BatchContext
    files: list[ParsedFile]
    settings: Settings
    started_at: datetime
    value: Any
    seconds: dict[str, float]

    def __init__(
        self,
        context: BatchContext,
        files: list[ParsedFile],
        settings: Settings,
        started_at: datetime,
        value: Any = None,
        seconds: dict[str, float] | None = None,
    ):
        self.context = context
        self.files = files
        self.settings = settings
        self.started_at = started_at
        self.value = files if value is None else value
        self.seconds = dict(seconds or {})

    @property
    def batch_id(self) -> str:
        return self.context.batch_id

    def advanced(self, done: Done) -> Batch:
        """This batch after some stages: their output, their times added."""
        return Batch(
            self.context,
            self.files,
            self.settings,
            self.started_at,
            done.value,
            {**self.seconds, **done.seconds},
        )


@dataclass(frozen=True)
class Done:
    """What `process` returns: the last stage's output and each stage's seconds."""

    value: Any
    seconds: dict[str, float]


def stage_rows(rows: BatchRows, batch: Batch) -> BatchRows:
    """Write the batch's rows as Parquet under staging/ in the lake (never the DuckDB file)."""
    Warehouse.from_settings(batch.settings).stage(batch.batch_id, rows.rows.__dict__)
    return rows


def audit_staged(rows: BatchRows, batch: Batch) -> BatchOutcome:
    """Audit what was staged, read back from the lake, and report the batch to the publisher."""
    staged = Warehouse.from_settings(batch.settings).read_staged(batch.batch_id)
    result = auditor.audit(
        staged,
        batch.context.languages,
        max_article_chars=batch.context.max_article_chars,
        boilerplate=batch.context.learned,
    )
    tripped = result.tripped(batch.settings.breaker_share, batch.settings.breaker_min_rows)
    if tripped is not None:
        result = result.held_whole(rows.article_file, tripped)
        log.warning(
            "batch %s held whole by the circuit breaker: %s failed on %d of %d rows (over "
            "WIREHOUSE_BREAKER_SHARE=%g); something systemic may be broken",
            batch.batch_id,
            tripped.rule,
            tripped.unexpected_count,
            tripped.element_count,
            batch.settings.breaker_share,
        )
    fault_point("audited")
    return BatchOutcome(
        batch_id=batch.batch_id,
        article_file=rows.article_file,
        contents={a.article_id: a.content_sha256 for a in rows.rows.articles if a.body},
        versions={a.article_id: a.version_key for a in rows.rows.articles if a.version_key is not None},
        signatures={m.article_id: (m.n_shingles, m.signature) for m in rows.rows.minhashes},
        rejected=rows.rejected,
        failed_articles=result.failed_articles,
        held_quotes=held_quotes(staged["quotes"], result.failed_rows),
        article_lines=rows.article_lines,
        outcomes=result.outcomes,
    )


def held_quotes(quotes, failed_rows: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """quote_id -> (article_id, reason) of the quotes the audit holds alone."""
    articles = dict(zip(quotes["quote_id"], quotes["article_id"], strict=True))
    return {q: (str(articles[q]), "; ".join(rules)) for q, rules in failed_rows.items()}


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Any, Batch], Any]  # (previous stage's output, the batch) -> output


def _analysis(step: Callable[[Any, BatchContext], Any]) -> Callable[[Any, Batch], Any]:
    return lambda value, batch: step(value, batch.context)


# Every stage a batch goes through, in order. A new stage is a function in its own module and
# one line here (or in transforms.pipeline.ANALYSIS); its time is recorded in stage_timings.
STAGES: tuple[Stage, ...] = (
    *(Stage(name, _analysis(step)) for name, step in ANALYSIS),
    Stage("stage", stage_rows),
    Stage("audit", audit_staged),
)
NLP_STAGE = "nlp"  # the one the pipelined executor keeps on the flow's own thread
_BY_NAME = {s.name: s for s in STAGES}


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


def _process_name(parameters: dict[str, Any]) -> str:
    """A process task run's name in Prefect: its batch id and stages. (Prefect calls a name
    function with the task's parameters when it takes `parameters`; its type for such a function,
    a Protocol that also lists a classmethod, matches no plain function, hence the ignores.)"""
    return f"{parameters['batch'].batch_id} {'+'.join(parameters['stages'])}"


def _publish_name(parameters: dict[str, Any]) -> str:
    return f"{parameters['batch'].batch_id} publish"


@task(cache_policy=NO_CACHE, retry_condition_fn=transient_io_error, task_run_name=_process_name)  # type: ignore[arg-type]  # see _process_name
def process(batch: Batch, stages: tuple[str, ...], in_parser: bool = False) -> Done:
    """Run these consecutive STAGES on the batch, timing each; in_parser: analysis stages, run
    in the parser process (flows.parser). A retry starts again from the same input: no stage
    changes its input. After the last stage the batch's Docs, rows and tables are gone, and the
    process gives their pages back (release_memory)."""
    if in_parser:
        value, seconds = parser.analyse(batch.value, batch.context, stages)
    else:
        value, seconds = timed_stages(batch.value, [(name, _BY_NAME[name].run) for name in stages], batch)
    if stages and stages[-1] == STAGES[-1].name:
        release_memory()
    return Done(value, seconds)


@task(cache_policy=NO_CACHE, retry_condition_fn=transient_io_error, task_run_name=_publish_name)  # type: ignore[arg-type]  # see _process_name
def publish(publisher: Publisher, batch: Batch) -> BatchRecord:
    """The single writer: one finished batch, in one transaction (warehouse.ledger.Publisher)."""
    record = publisher.publish(batch.files, batch.value, started_at=batch.started_at, seconds=batch.seconds)
    release_memory()  # the published batch's files and DuckDB's buffers for it
    return record


def with_storage_retries(storage_task: Any, settings: Settings) -> Any:
    """A task retried on I/O trouble as Settings says (storage_retries, storage_retry_delay_seconds)."""
    return storage_task.with_options(
        retries=settings.storage_retries, retry_delay_seconds=settings.storage_retry_delay_seconds
    )


def plan(
    files: list[ParsedFile],
    settings: Settings,
    run_id: str,
    publisher: Publisher,
    learned: dict[str, frozenset[int]],
    load: Callable[[list[ParsedFile]], list[ParsedFile]],
    progress: RunProgress,
    parallel: int = 1,
) -> Iterator[Batch]:
    """The run's batches (transforms.ingest.plan_batches), each made when it is asked for: its
    released files loaded (`load`; timed as its `read` stage when there was anything to load) and
    its context taken with the bodies published up to then. `files` is consumed (emptied), so
    the documents of the first reading are let go batch by batch."""
    planned: list[list[ParsedFile] | None] = list(
        plan_batches(files, settings.batch_size, parallel, ramp=parallel == 1)
    )
    progress.planned(len(planned), sum(f.n_documents for f in files))
    files.clear()
    for number in range(len(planned)):
        batch_files, planned[number] = planned[number], None
        assert batch_files is not None  # each batch is taken once
        seconds = {}
        if any(f.released_count is not None for f in batch_files):
            started = time.perf_counter()
            batch_files = load(batch_files)
            seconds["read"] = time.perf_counter() - started
        context = settings.batch_context(
            f"{run_id}-b{number + 1:04d}", run_id, frozenset(publisher.known_contents), learned
        )
        yield Batch(context, batch_files, settings, utc_now(), seconds=seconds)


def _names(stages: tuple[Stage, ...]) -> tuple[str, ...]:
    return tuple(s.name for s in stages)


def _finished(batch: Batch, future: PrefectFuture) -> Batch:
    return batch.advanced(future.result())


def pipelined(batches: Iterator[Batch], settings: Settings) -> Iterator[Batch]:
    """One worker: a pipeline around the NLP stage (see the module docstring). While batch k is
    parsed, batch k-1 is published as soon as it is staged and audited; when batch k's parse
    returns first, the parser is handed batch k+1 before batch k-1 is published."""
    run = with_storage_retries(process, settings)
    split = [s.name for s in STAGES].index(NLP_STAGE)
    analysed = [s.name for s in STAGES].index(ANALYSIS[-1][0]) + 1
    before, nlp, after = _names(STAGES[:split]), _names(STAGES[split:analysed]), _names(STAGES[analysed:])
    batch = next(batches, None)
    cleaning = (batch, run.submit(batch, before)) if batch is not None else None
    parsing: tuple[Batch, PrefectFuture] | None = None
    finishing: tuple[Batch, PrefectFuture] | None = None
    while cleaning is not None or parsing is not None:
        if finishing is not None and parsing is not None:
            audit, parse = finishing[1], parsing[1]
            if next(as_completed([audit, parse])) is audit:  # batch k-1 audited first
                yield _finished(*finishing)
                finishing = None
        prepared = None
        if cleaning is not None:
            prepared = _finished(*cleaning)
            batch = next(batches, None)  # loaded here; cleaned on the pool while others are parsed
            cleaning = (batch, run.submit(batch, before)) if batch is not None else None
        parsed = _finished(*parsing) if parsing is not None else None
        parsing = (prepared, run.submit(prepared, nlp, in_parser=True)) if prepared is not None else None
        if parsed is not None:
            if finishing is not None:
                yield _finished(*finishing)  # staged and audited on the pool meanwhile: published now
            finishing = (parsed, run.submit(parsed, after))
    if finishing is not None:
        yield _finished(*finishing)


def run_ahead(batches: Iterator[Batch], settings: Settings, workers: int) -> Iterator[Batch]:
    """Dask workers: every stage of a batch in one task, 2 x workers batches in flight."""
    run = with_storage_retries(process, settings)
    every = _names(STAGES)
    in_flight: deque[tuple[Batch, PrefectFuture]] = deque()
    for batch in batches:
        in_flight.append((batch, run.submit(batch, every)))
        while len(in_flight) >= 2 * workers:
            yield _finished(*in_flight.popleft())
    while in_flight:
        yield _finished(*in_flight.popleft())


def execute(batches: Iterator[Batch], settings: Settings, workers: int) -> Iterator[Batch]:
    """The batches processed, in order: pipelined with one worker, run ahead on Dask workers."""
    return run_ahead(batches, settings, workers) if workers > 1 else pipelined(batches, settings)
