"""A process of the run's own, spoken to over its stdin and stdout: the parser process
(flows.parser) and the auditor process (flows.auditor).

Requests and replies are pickled, each behind its length. A plain pipe, not multiprocessing:
nothing is left to clean up (semaphores, a resource tracker) when the run is stopped at once.
The process ends with the run's main thread (Linux's parent-death signal) and at the run's exit;
if it dies (the kernel's OOM killer, a crash in native code), the request it held raises the
kind's ChildDied with how it ended, and the next request starts a new process (Slot)."""

from __future__ import annotations

import atexit
import contextlib
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Hashable
from typing import IO, Any

from flows.prefect_env import die_with_parent

_HEADER = struct.Struct("!Q")


class ChildDied(RuntimeError):
    """The process ended while it held a request; the message says how."""


def send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def answer(stream: IO[bytes], reply: tuple[bool, Any], what: str) -> None:
    """In the child: send (True, value) or (False, exception); one that cannot be pickled is
    replaced by a RuntimeError saying so."""
    try:
        send(stream, reply)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        send(stream, (False, RuntimeError(f"the {what} process could not return its result: {exc}")))


def replies_only() -> tuple[IO[bytes], IO[bytes]]:
    """In the child, first: ignore the terminal's Ctrl-C (the run handles it), and keep stdout for
    the replies (a print anywhere goes to stderr). Returns (requests, replies)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    return requests, replies


class Child:
    """`python -m MODULE ARGS...`, started now: `what` names it in messages, `died` is raised
    (a ChildDied) when it ends while it holds a request."""

    def __init__(self, module: str, args: list[str], what: str, died: type[ChildDied]):
        self.what, self.died = what, died
        self.lock = threading.Lock()  # one request and its reply at a time
        self.writing = threading.Lock()  # one message on the pipe at a time
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
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
                with self.writing:
                    send(self.proc.stdin, request)
                ok, value = receive(self.proc.stdout)
            except (EOFError, BrokenPipeError, OSError):
                code = self.proc.wait()
                how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
                raise self.died(f"the {self.what} process ended ({how})") from None
        if not ok:
            raise value
        return value

    def send(self, request: tuple) -> None:
        """A message that has no reply (sent between another thread's request and its reply,
        too); if the process has ended, the next call says how."""
        with self.writing:
            assert self.proc.stdin is not None
            with contextlib.suppress(BrokenPipeError, OSError):
                send(self.proc.stdin, request)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()


class Slot:
    """The one process of a kind this process runs: started by `start(key)` when first needed,
    again when its key changes or after it died; stopped at exit."""

    def __init__(self, start: Callable[[Any], Child]):
        self._start = start
        self._lock = threading.Lock()
        self.child: Child | None = None
        self.key: Hashable = None
        atexit.register(self.stop)

    def current(self, key: Hashable = None) -> Child:
        with self._lock:
            if self.child is None or self.key != key or self.child.proc.poll() is not None:
                if self.child is not None:
                    self.child.stop()
                self.child, self.key = self._start(key), key
            return self.child

    def call(self, key: Hashable, request: tuple) -> Any:
        """The request's reply from the current process; if it died meanwhile, the next request
        starts a new one."""
        child = self.current(key)
        try:
            return child.call(request)
        except ChildDied:
            with self._lock:
                if self.child is child:
                    self.child = None
            raise

    def stop(self) -> None:
        with self._lock:
            child, self.child = self.child, None
        if child is not None:
            child.stop()
