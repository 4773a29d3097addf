"""Named points where a test stops a run on purpose (fault injection), to prove that a run stopped
anywhere converges to the uninterrupted result on its next run.

WIREHOUSE_TEST_FAULT=<point>[:<n>[+]][=<kind>] acts at the n-th time (default the first) this
process passes <point>, and with `+` at every pass from the n-th on (a disk that stays full):
- kill: SIGKILL this process (a power cut, the OOM killer), the default;
- interrupt: SIGINT this process (Ctrl-C);
- enospc: raise OSError "No space left on device" (a full disk);
- eacces: raise PermissionError (a folder made read-only underneath the run).

Unset, fault_point costs one dictionary lookup. The points, in the order a batch passes them:
"""

from __future__ import annotations

import errno
import os
import signal
import threading

ENV = "WIREHOUSE_TEST_FAULT"
POINTS = {
    "staged": "a batch's rows are written to staging/, not yet audited",
    "audited": "the batch is audited, its publication not yet written",
    "commit": "inside the publish transaction, before COMMIT",
    "committed": "after COMMIT, before the batch's Parquet files move to batches/",
    "archived": "after the move to batches/",
}
KINDS = ("kill", "interrupt", "enospc", "eacces")

_hits: dict[str, int] = {}
_lock = threading.Lock()


def parse_fault(spec: str) -> tuple[str, int, bool, str]:
    """'committed:2+=enospc' -> ('committed', 2, True, 'enospc'); raises ValueError naming the
    problem."""
    where, _, kind = spec.partition("=")
    point, _, nth = where.partition(":")
    onwards = nth.endswith("+")
    nth = nth.removesuffix("+")
    kind = kind or "kill"
    if point not in POINTS:
        raise ValueError(f"{ENV}: unknown point {point!r} (one of {', '.join(POINTS)})")
    if kind not in KINDS:
        raise ValueError(f"{ENV}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if nth and not (nth.isdigit() and int(nth) >= 1):
        raise ValueError(f"{ENV}: {nth!r} is not a positive count")
    return point, int(nth or 1), onwards, kind


def reset() -> None:
    """Forget the passes counted so far (for tests that inject faults in-process)."""
    with _lock:
        _hits.clear()


def fault_point(name: str) -> None:
    """Stop here if WIREHOUSE_TEST_FAULT names this point (and this is its n-th pass)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    assert name in POINTS, name
    point, nth, onwards, kind = parse_fault(spec)
    if point != name:
        return
    with _lock:
        _hits[name] = _hits.get(name, 0) + 1
        if _hits[name] < nth or (_hits[name] > nth and not onwards):
            return
    if kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "interrupt":
        os.kill(os.getpid(), signal.SIGINT)
    elif kind == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"injected at {name}")
    else:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), f"injected at {name}")


__doc__ += "".join(f"\n- {name}: {what}" for name, what in POINTS.items())
