"""The parser process: with one worker, a batch's NLP and rules stages run in a process of their
own beside the run's, started when the command starts.

spaCy holds the GIL for most of its work: in one process, the stages the pipelined executor runs
on the flow's thread pool (cleaning the next batch, staging and auditing the previous one) take
turns with the parse instead of running beside it (a busy Python thread doubled nlp.pipe's time
on 60 real articles). In a process of its own the parse has a core to itself, and the run's
process does everything else on the other one. The process loads the model as soon as it
starts, while the command starts Prefect and Great Expectations; `wirehouse serve` keeps it, and
its model, between scheduled runs.

It also parses ahead (`read_ahead`): as `wirehouse run` starts (and as files land in `serve`'s
landing folder), a thread of the run's process reads the new input files and cleans them as the
run will (transforms.pipeline.expected_texts), and hands their bodies over a few at a time;
while Prefect's server boots and the flow scans, the parser process parses them, up to a batch
ahead, so its core goes to parsing from the moment the model is loaded. When the run's batch
comes, the NLP stage takes the Docs of the bodies it finds parsed, the same text giving the same
Doc, and parses the rest (`_Ahead.docs_for`): a guess that misses costs time, never a different
row. Bodies that differ (a file changed before the flow read it, bodies the warehouse already
holds) miss; when a batch finds none of its bodies among those waiting, the process stops
guessing until the next read_ahead.

What travels, pickled over the process's stdin and stdout (flows.child, which the auditor
process shares): a cleaned batch (transforms.pipeline.PreparedBatch, with its files) goes in,
the batch's rows (transforms.pipeline.BatchRows) and each stage's seconds come back; the Docs
never leave the process, and their memory is given back to the system after each batch
(flows.memory). The process ignores the terminal's Ctrl-C (the run handles it) and ends with
the run's main thread (Linux). If it dies (the kernel's OOM killer, a crash in native code), the
batch in it fails as a stage that raised does, and the next batch starts a new process."""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import queue
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from flows.child import Child, ChildDied, Slot, answer, receive, replies_only

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from flows.settings import Settings
    from transforms.pipeline import BatchContext
    from warehouse.store import Warehouse


class ParserDied(ChildDied):
    """The parser process ended while it held a batch; the message says how."""


_slot = Slot(lambda model: Child("flows.parser", [model], "parser", ParserDied))


def _current(model: str) -> Child:
    return _slot.current(model)


def start(model: str) -> None:
    """Start the parser process now, if it is not running, loading `model` (call it first from
    the main thread: see _Process)."""
    _current(model)


def give_way(niceness: int, others: Sequence[int] = ()) -> None:
    """Lower the CPU priority (Unix nice, by `niceness`; the system stops at 19) of this process and of
    the processes `others` (Prefect's temporary server), every thread of each, so that the
    parser process started before (see start), which holds a one-worker run's critical path,
    has a core whenever it can parse: the work beside the parse stops taking turns with it.
    Threads started later inherit it, and so do processes started later, a parser process that
    replaces one that died among them. Raising a priority again needs privileges: the caller is
    a process that ends with its run. Where a priority cannot be changed, it stays as it is."""
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    for pid in (os.getpid(), *others):
        for tid in _threads(pid):
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + niceness)


def _threads(pid: int) -> list[int]:
    """A process's threads: Linux gives each its own nice value; elsewhere it is the process's."""
    try:
        return [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return [pid]


def ready(model: str) -> None:
    """Block until the parser process has loaded `model` (raises what loading raised)."""
    _current(model).call(("ping",))


def read_ahead(paths: Sequence[str], settings: Settings, warehouse: Warehouse | None = None) -> None:
    """Have the parser process (started with settings.spacy_model) parse these new input files'
    bodies ahead of the run (see the module docstring): a thread of this process reads and cleans
    them as the run will (with the earlier runs' line statistics of their sources, when
    `warehouse` exists), and hands their bodies over a few at a time; returns at once. Bodies
    parsed ahead for an earlier call and still waiting are kept."""
    process = _current(settings.spacy_model)
    ctx = settings.batch_context("ahead", "ahead")

    def feed() -> None:
        with contextlib.suppress(Exception):  # a guess: what the run asks for is parsed then
            first = True
            for texts in _chunks(_expected(list(paths), settings, ctx, warehouse), AHEAD_DOCS):
                process.send(("ahead", texts, first, ctx, settings.batch_size))
                first = False

    threading.Thread(target=feed, name="wirehouse-read-ahead", daemon=True).start()


def _expected(
    paths: list[str], settings: Settings, ctx: BatchContext, warehouse: Warehouse | None
) -> Iterator[str]:
    """The bodies the run will parse (transforms.pipeline.expected_texts), read within the run's
    own budget of its first reading (Settings.hold_mb): beyond it, or for web archives (read
    segment by segment), none."""
    from transforms.pipeline import batch_sources, expected_texts
    from transforms.warc import is_warc
    from warehouse.raw import read_parsed

    paths = [p for p in paths if not is_warc(p)]
    if sum(_size(p) for p in paths) > settings.hold_mb * 1e6:
        return iter(())
    files = [read_parsed(Path(p), settings.input_limits) for p in paths]
    prior = {}
    if warehouse is not None and warehouse.db_path.exists():
        prior = warehouse.line_counts(batch_sources(files))
    return expected_texts(files, ctx, settings.boilerplate_min_articles, prior)


def _chunks(texts: Iterator[str], size: int) -> Iterator[list[str]]:
    while chunk := list(itertools.islice(texts, size)):
        yield chunk


def ahead_counts(model: str) -> tuple[int, int, int]:
    """(bodies the run took from those parsed ahead, bodies parsed when asked for, bodies parsed
    ahead and waiting) in the parser process so far."""
    return _current(model).call(("counts",))


def analyse(value: Any, ctx: Any, names: Sequence[str]) -> tuple[Any, dict[str, float]]:
    """Run these consecutive analysis stages (transforms.pipeline.ANALYSIS) on `value` in the
    parser process: their output and each one's seconds."""
    return _slot.call(ctx.spacy_model, ("analyse", value, ctx, tuple(names)))


def stop() -> None:
    """Stop the parser process (also done at exit)."""
    _slot.stop()


AHEAD_DOCS = 8  # bodies sent to the parser process at a time by the reading ahead


class _Ahead:
    """The bodies of a run's new files parsed ahead of its requests, in the order they came
    (read_ahead: the order the run asks for them), at most `limit` (Settings.batch_size) waiting
    at a time; the Docs are those parse_texts gives, as the NLP stage's own would be."""

    def __init__(self, ctx: BatchContext, limit: int):
        self.ctx, self.limit = ctx, limit
        self.pending: collections.deque[str] = collections.deque()  # to parse, in order
        self.parsed: dict[str, tuple[int, Doc]] = {}  # body -> (its place in the order, its Doc)
        self.count = 0
        self.asked: set[str] = set()  # bodies parsed on request: not parsed ahead again
        self.hits = self.misses = 0
        self.finished = False

    def add(self, texts: list[str], first: bool, ctx: BatchContext, limit: int) -> None:
        """More bodies to parse ahead; `first`: of a new read_ahead, which guesses again."""
        if first:
            self.ctx, self.limit, self.finished = ctx, limit, False
            self.asked.clear()
        if not self.finished:
            self.pending.extend(texts)

    def busy(self) -> bool:
        """Whether there is something to parse ahead now."""
        return bool(self.pending) and not self.finished and len(self.parsed) < self.limit

    def step(self) -> None:
        """Parse the next bodies: one group of the NLP stage's (transforms.nlp.text_batches with
        ctx.nlp_groups), as big as what waits allows. Smaller groups cost spaCy more per word
        (groups of 8 real articles took 3.6% more CPU than groups of 32 texts or 100,000
        characters, 120 PolNeAR articles); a request waits at most for this one group."""
        from transforms.nlp import text_batches
        from transforms.pipeline import parse_texts

        max_docs, max_chars = self.ctx.nlp_groups
        candidates: list[str] = []
        while self.pending and len(candidates) < max_docs:
            text = self.pending.popleft()
            if text not in self.asked and text not in self.parsed and text not in candidates:
                candidates.append(text)
        group = next(text_batches(candidates, max_docs, max_chars), [])
        self.pending.extendleft(reversed(candidates[len(group) :]))  # the rest, first again
        try:
            docs = parse_texts(group, self.ctx) if group else []
        except Exception:  # no more guessing; what the run asks for is parsed then, and fails then
            self.finished = True
            self.pending.clear()
            return
        for text, doc in zip(group, docs, strict=True):
            self.parsed[text] = (self.count, doc)
            self.count += 1

    def docs_for(self, texts: list[str]) -> list[Doc]:
        """The Docs of these bodies, in order: those parsed ahead, the rest parsed now. Bodies
        parsed ahead before the last one asked for, and not asked for, are bodies the run skips:
        let go."""
        from transforms.pipeline import parse_texts

        missing = [t for t in texts if t not in self.parsed]
        fresh = iter(parse_texts(missing, self.ctx) if missing else [])
        found = {t: self.parsed.pop(t) for t in texts if t in self.parsed}
        if found:
            last = max(place for place, _ in found.values())
            self.parsed = {t: v for t, v in self.parsed.items() if v[0] > last}
        elif missing and self.parsed:  # the guess does not fit this run (its warehouse): stop
            self.finished = True
            self.parsed.clear()
            self.pending.clear()
        self.asked.update(missing)
        self.hits, self.misses = self.hits + len(found), self.misses + len(missing)
        return [found[t][1] if t in found else next(fresh) for t in texts]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _read_requests(stream: IO[bytes], inbox: queue.SimpleQueue) -> None:
    """The process's stdin, request by request, into `inbox`; None when it closes (or cannot be
    read: the process ends, and the run sees ParserDied rather than wait for a reply)."""
    while True:
        try:
            inbox.put(receive(stream))
        except Exception:
            inbox.put(None)
            return


def _serve(model: str) -> None:
    """The process's loop: load the model, then answer requests until stdin closes, parsing
    ahead while none waits."""
    requests, replies = replies_only()
    from flows.memory import release_memory
    from transforms.nlp import load_pipeline
    from transforms.pipeline import run_analysis

    inbox: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_read_requests, args=(requests, inbox), daemon=True).start()
    loaded: BaseException | None = None
    try:
        load_pipeline(model)
    except Exception as exc:
        loaded = exc
    ahead: _Ahead | None = None
    while True:
        if ahead is not None and ahead.busy():
            try:
                request = inbox.get_nowait()
            except queue.Empty:
                ahead.step()
                continue
        else:
            request = inbox.get()
        if request is None:
            return
        if request[0] == "ahead":
            if loaded is None:
                _, texts, first, ctx, limit = request
                ahead = ahead or _Ahead(ctx, limit)
                ahead.add(texts, first, ctx, limit)
            continue
        try:
            if loaded is not None:
                raise loaded
            if request[0] == "ping":
                reply: tuple = (True, None)
            elif request[0] == "counts":
                reply = (True, (ahead.hits, ahead.misses, len(ahead.parsed)) if ahead else (0, 0, 0))
            else:
                _, value, ctx, names = request
                reply = (True, run_analysis(value, ctx, names, ahead.docs_for if ahead else None))
        except Exception as exc:
            reply = (False, exc)
        finally:
            release_memory()  # the batch's Docs are gone: their pages back to the system
        answer(replies, reply, "parser")
        del reply


if __name__ == "__main__":
    _serve(sys.argv[1])
