"""The parser process: with one worker, a batch's NLP and rules stages run in a process of their
own beside the run's, started when the command starts.

spaCy holds the GIL for most of its work: in one process, the stages the pipelined executor runs
on the flow's thread pool (cleaning the next batch, staging and auditing the previous one) take
turns with the parse instead of running beside it (a busy Python thread doubled nlp.pipe's time
on 60 real articles). In a process of its own the parse has a core to itself, and the run's
process does everything else on the other one. The process loads the model as soon as it
starts, while the command starts Prefect and Great Expectations; `wirehouse serve` keeps it, and
its model, between scheduled runs.

What travels, pickled over the process's stdin and stdout: a cleaned batch
(transforms.pipeline.PreparedBatch, with its files) goes in, the batch's rows
(transforms.pipeline.BatchRows) and each stage's seconds come back; the Docs never leave the
process, and their memory is given back to the system after each batch (flows.memory). A plain
pipe, not multiprocessing: nothing is left to clean up (semaphores, a resource tracker) when the
run is stopped at once. The process ignores the terminal's Ctrl-C (the run handles it) and ends
with the run's main thread (Linux). If it dies (the kernel's OOM killer, a crash in native code),
the batch in it fails as a stage that raised does, and the next batch starts a new process."""

from __future__ import annotations

import atexit
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO, Any

from flows.prefect_env import die_with_parent

_HEADER = struct.Struct("!Q")


class ParserDied(RuntimeError):
    """The parser process ended while it held a batch; the message says how."""


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class _Process:
    def __init__(self, model: str):
        self.model = model
        self.lock = threading.Lock()  # one request at a time
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flows.parser", model],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # The kernel's parent-death signal follows the thread that started the process: only
            # the main thread lives as long as the run.
            preexec_fn=die_with_parent
            if sys.platform == "linux" and threading.current_thread() is threading.main_thread()
            else None,
        )

    def call(self, request: tuple) -> Any:
        with self.lock:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            try:
                _send(self.proc.stdin, request)
                ok, value = _receive(self.proc.stdout)
            except (EOFError, BrokenPipeError, OSError):
                code = self.proc.wait()
                how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
                raise ParserDied(f"the parser process ended ({how})") from None
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()


_lock = threading.Lock()
_process: _Process | None = None


def _current(model: str) -> _Process:
    global _process
    with _lock:
        if _process is None or _process.model != model or _process.proc.poll() is not None:
            if _process is not None:
                _process.stop()
            _process = _Process(model)
        return _process


def start(model: str) -> None:
    """Start the parser process now, if it is not running, loading `model` (call it first from
    the main thread: see _Process)."""
    _current(model)


def ready(model: str) -> None:
    """Block until the parser process has loaded `model` (raises what loading raised)."""
    _current(model).call(("ping",))


def analyse(value: Any, ctx: Any, names: Sequence[str]) -> tuple[Any, dict[str, float]]:
    """Run these consecutive analysis stages (transforms.pipeline.ANALYSIS) on `value` in the
    parser process: their output and each one's seconds."""
    global _process
    process = _current(ctx.spacy_model)
    try:
        return process.call(("analyse", value, ctx, tuple(names)))
    except ParserDied:
        with _lock:
            if _process is process:
                _process = None  # the next batch starts a new process
        raise


@atexit.register
def stop() -> None:
    """Stop the parser process (at exit)."""
    global _process
    with _lock:
        process, _process = _process, None
    if process is not None:
        process.stop()


def _serve(model: str) -> None:
    """The parser process's loop: load the model, then answer requests until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a print anywhere must not corrupt the replies
    from flows.memory import release_memory
    from transforms.nlp import load_pipeline
    from transforms.pipeline import run_analysis

    loaded: BaseException | None = None
    try:
        load_pipeline(model)
    except Exception as exc:
        loaded = exc
    while True:
        try:
            request = _receive(requests)
        except EOFError:
            return
        try:
            if loaded is not None:
                raise loaded
            if request[0] == "ping":
                reply: tuple = (True, None)
            else:
                _, value, ctx, names = request
                reply = (True, run_analysis(value, ctx, names))
        except Exception as exc:
            reply = (False, exc)
        finally:
            release_memory()  # the batch's Docs are gone: their pages back to the system
        try:
            _send(replies, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(replies, (False, RuntimeError(f"the parser process could not return its result: {exc}")))
        del reply


if __name__ == "__main__":
    _serve(sys.argv[1])
