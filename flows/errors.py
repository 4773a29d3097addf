"""How a command ends when something goes wrong: one `error: ...` line naming the root cause, and
an exit code that says which kind of trouble it was.

Exit codes (documented in the README):
    0    the command did its work (a run also when articles were held or files rejected)
    1    an unexpected failure (a bug): the line says where the traceback was written
    2    usage, configuration or warehouse state (bad arguments, missing model, warehouse locked)
    3    storage or system trouble (disk full, permission denied, read-only file system, I/O error)
    130  interrupted (Ctrl-C or SIGTERM): what was published stays published, the next run
         finishes the rest
"""

from __future__ import annotations

import errno
import os
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path


class UsageError(ValueError):
    """A problem the user fixes with other arguments or settings; its message is the one line."""


EXIT_BUG = 1
EXIT_USAGE = 2
EXIT_STORAGE = 3
EXIT_INTERRUPTED = 130

# The system errors a user fixes outside Wirehouse (free space, permissions, the disk itself).
STORAGE_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.EIO: "input/output error (the disk or the file system)",
    errno.EMFILE: "too many open files (raise `ulimit -n`)",
    errno.ENFILE: "too many open files in the system",
    errno.ENOMEM: "out of memory",
}
# The same troubles as other libraries word them (DuckDB's and Arrow's I/O errors carry the
# system's message in their text, not an errno).
_STORAGE_TEXTS = {os.strerror(code).lower(): what for code, what in STORAGE_ERRNOS.items()}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the members of exception groups, once each."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend(e for e in (current.__context__, current.__cause__) if e is not None)


def storage_cause(exc: BaseException) -> str | None:
    """'no space left on the device (/data/wh/wirehouse.duckdb.wal)' when a system error caused
    this exception anywhere in its chain (masked by a later error, such as a failed rollback,
    included); else None."""
    for current in _chain(exc):
        if isinstance(current, OSError) and current.errno in STORAGE_ERRNOS:
            where = current.filename
            return STORAGE_ERRNOS[current.errno] + (f" ({where})" if where else "")
    for current in _chain(exc):
        text = str(current).lower()
        for message, what in _STORAGE_TEXTS.items():
            if message in text:
                return f"{what} ({str(current).strip().splitlines()[0]})"
    return None


def write_traceback(exc: BaseException, folder: Path | None) -> Path:
    """The full traceback in a file of its own (the warehouse's logs/ folder when it can be
    written, else the temporary directory); returns its path."""
    text = "".join(traceback.format_exception(exc))
    for where in ([folder] if folder is not None else []) + [Path(tempfile.gettempdir())]:
        try:
            where.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix="wirehouse-error-", suffix=".txt", dir=where)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            return Path(name)
        except OSError:
            continue
    raise exc  # nowhere to write: the traceback itself is the report


def unexpected(exc: BaseException, folder: Path | None) -> str:
    """The one line for a failure nobody planned for (a bug)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    path = write_traceback(exc, folder)
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return f"unexpected {what} (traceback in {path}; please report it)"
