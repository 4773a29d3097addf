"""What a run tells while it works, and where it shows.

A flow reports each step to its RunProgress: the files to read and read, the batches planned,
each batch analysed and published, the run finished. Each report is one message, sent twice:

- to Prefect's run logger (the flow run's logs in the Prefect UI, at INFO; Prefect's console
  handler stays quiet, flows.prefect_env), and
- to the `wirehouse.progress` logger with the run's counts attached (the record's `progress`
  attribute: a Counts), for whoever shows the run: `wirehouse run` on a terminal draws a Rich
  progress display from the counts (terminal_display), off a terminal it prints the messages as
  plain lines (plain_lines); nothing is shown where neither is installed.

Rates and time left are figured here once, from the articles published so far, for both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO, Any

LOGGER = "wirehouse.progress"
STARTING = "Prefect's API, the spaCy model, Great Expectations"  # what a run waits for at first


@dataclass(frozen=True)
class Counts:
    """Where a run is: files, batches and articles done out of those known so far."""

    run_id: str
    files_to_read: int = 0
    files_read: int = 0
    batches: int = 0
    batches_analysed: int = 0
    batches_published: int = 0
    articles: int = 0  # in the planned batches
    articles_done: int = 0  # in the batches published
    seconds: float = 0.0  # since the first article's batch began (the rate's clock)

    @property
    def articles_per_second(self) -> float | None:
        return self.articles_done / self.seconds if self.articles_done and self.seconds > 0 else None

    @property
    def seconds_left(self) -> float | None:
        rate = self.articles_per_second
        return (self.articles - self.articles_done) / rate if rate else None

    @property
    def pace(self) -> str:
        """'5.2 articles/s, about 26 s left' once articles were published, else ''."""
        rate, left = self.articles_per_second, self.seconds_left
        if rate is None:
            return ""
        return f"{rate:.1f} articles/s" + (f", about {_seconds(left)} left" if left else "")


def _seconds(value: float) -> str:
    value = round(value)
    return f"{value} s" if value < 60 else f"{value // 60} min {value % 60:02d} s"


class RunProgress:
    """A run's reports (see the module docstring). Called from the flow's own thread."""

    def __init__(self, run_id: str):
        self.counts = Counts(run_id)
        self._log = logging.getLogger(LOGGER)
        self._clock: float | None = None  # when planning ended: the rate counts from there

    def _elapsed(self) -> float:
        return time.monotonic() - self._clock if self._clock is not None else 0.0

    def _emit(self, message: str, **changes: Any) -> None:
        counts = replace(self.counts, seconds=self._elapsed(), **changes)
        self.counts = counts
        self._log.info(message, extra={"progress": counts})
        run_logger = _run_logger()
        if run_logger is not None:
            run_logger.info(message)

    def reading(self, to_read: int, seen: int) -> None:
        skipped = seen - to_read
        self._emit(
            f"{self.counts.run_id}: {to_read} file{'s' if to_read != 1 else ''} to read"
            + (f" ({skipped} already ingested, unchanged)" if skipped else ""),
            files_to_read=to_read,
        )

    def stored(self, files: int) -> None:
        """A reprocessing run's start: its files come from the warehouse, not the disk."""
        self._emit(f"{self.counts.run_id}: {files} stored file{'s' if files != 1 else ''} to reprocess")

    def read(self, files: int) -> None:
        done = self.counts.files_read + files
        self._emit(f"read {done} of {self.counts.files_to_read} files", files_read=done)

    def planned(self, batches: int, articles: int) -> None:
        self._clock = time.monotonic()
        self._emit(
            f"{articles} article{'s' if articles != 1 else ''} to analyse in {batches} "
            f"batch{'es' if batches != 1 else ''}",
            batches=batches,
            articles=articles,
        )

    def analysed(self, batch_id: str, articles: int, seconds: dict[str, float]) -> None:
        stages = ", ".join(f"{name} {took:.1f} s" for name, took in seconds.items())
        self._emit(
            f"batch {batch_id} analysed: {articles} article{'s' if articles != 1 else ''} ({stages})",
            batches_analysed=self.counts.batches_analysed + 1,
        )

    def published(
        self, batch_id: str, articles: int, published: int, held: int, quotes_held: int, deferred: bool
    ) -> None:
        number, done = self.counts.batches_published + 1, self.counts.articles_done + articles
        after = replace(self.counts, articles_done=done, seconds=self._elapsed())
        if deferred:
            what = "left staged (readers held the warehouse; the next run publishes it)"
        else:
            what = f"{published} published, {held} held"
            if quotes_held:
                what += f", {quotes_held} quote{'s' if quotes_held != 1 else ''} held alone"
        pace = f", {after.pace}" if after.pace else ""
        self._emit(
            f"batch {batch_id} {'deferred' if deferred else 'published'}: {what} ({number}/"
            f"{self.counts.batches} batches, {done}/{self.counts.articles} articles{pace})",
            batches_published=number,
            articles_done=done,
        )

    def finished(self, line: str) -> None:
        """The run's last word, to the Prefect run's log only (the command prints its summary)."""
        run_logger = _run_logger()
        if run_logger is not None:
            run_logger.info(line)


def _run_logger() -> logging.Logger | logging.LoggerAdapter | None:
    """The Prefect run logger of the flow or task run this thread is in, else None."""
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    try:
        return get_run_logger()
    except MissingContextError:
        return None


class _PlainLines(logging.Handler):
    """Each report as one line: `12:04:31 batch ... published: ...`."""

    def __init__(self, stream: IO[str]):
        super().__init__(logging.INFO)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stamp = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
            self.stream.write(f"{stamp} {record.getMessage()}\n")
            self.stream.flush()
        except Exception:  # a display must never stop a run
            self.handleError(record)


class _RichDisplay(logging.Handler):
    """A Rich progress display drawn from each report's counts: files read, batches analysed,
    and articles published with articles per second and the time left."""

    def __init__(self, console: Any):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        class Counted(MofNCompleteColumn):
            """'3/14', or nothing while the total is not known."""

            def render(self, task: Any) -> Any:
                return super().render(task) if task.total is not None else ""

        super().__init__(logging.INFO)
        self.progress = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            Counted(),
            TextColumn("{task.fields[pace]}"),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}
        # Until the flow's first report: the API server boots, the model and GX load.
        self.starting: Any = self.progress.add_task("starting", total=None, pace=STARTING)

    def _task(self, name: str, total: int) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(name, total=total, pace="")

    def emit(self, record: logging.LogRecord) -> None:
        counts = getattr(record, "progress", None)
        if not isinstance(counts, Counts):
            return
        try:
            if self.starting is not None:
                self.progress.remove_task(self.starting)
                self.starting = None
            if counts.files_to_read:
                self._task("files read", counts.files_to_read)
                self.progress.update(self.tasks["files read"], completed=counts.files_read)
            if counts.batches:
                self._task("batches analysed", counts.batches)
                self._task("articles published", counts.articles)
                self.progress.update(self.tasks["batches analysed"], completed=counts.batches_analysed)
                self.progress.update(
                    self.tasks["articles published"], completed=counts.articles_done, pace=counts.pace
                )
        except Exception:
            self.handleError(record)


@contextmanager
def shown(console: Any) -> Iterator[None]:
    """A run's reports shown on this Rich console while the block runs: a progress display on a
    terminal, plain lines otherwise."""
    logger = logging.getLogger(LOGGER)
    handler: logging.Handler
    if console.is_terminal:
        handler = _RichDisplay(console)
        handler.progress.start()
    else:
        handler = _PlainLines(console.file)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        stop_display()
        logger.removeHandler(handler)


def stop_display() -> None:
    """Stop a Rich progress display that is drawing (on the way out after Ctrl-C too)."""
    for handler in logging.getLogger(LOGGER).handlers:
        if isinstance(handler, _RichDisplay):
            if handler.starting is not None:  # the run stopped before it began: no line left
                handler.progress.remove_task(handler.starting)
                handler.starting = None
            handler.progress.stop()
