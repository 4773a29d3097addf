"""Reading raw input dumps from disk (the only place input files are opened)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

# Files that are never article dumps: our own sidecars and hidden files.
IGNORED_NAMES = {"README.md", "readme.md", ".DS_Store"}


@dataclass
class InputFile:
    path: str
    size_bytes: int
    file_id: str  # sha256 of the raw bytes
    data: Optional[bytes]
    error: Optional[str] = None  # set when the file could not be read
    mtime_ns: Optional[int] = None


def discover(paths: list[Path]) -> list[Path]:
    """Every file under the given files and folders (recursive), sorted, de-duplicated.
    Raises FileNotFoundError naming the first missing path."""
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {given}")
        if path.is_file():
            found[str(path.resolve())] = path.resolve()
            continue
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith(".") and child.name not in IGNORED_NAMES:
                found[str(child.resolve())] = child.resolve()
    return [found[k] for k in sorted(found)]


def read_input(path: Path) -> InputFile:
    """Read one file's bytes; an unreadable file comes back with `error` set, never raises."""
    try:
        mtime_ns = Path(path).stat().st_mtime_ns
        data = Path(path).read_bytes()
    except OSError as exc:
        return InputFile(str(path), 0, hashlib.sha256(str(path).encode()).hexdigest(), None,
                         f"cannot read file: {exc.strerror or exc}")
    return InputFile(str(path), len(data), hashlib.sha256(data).hexdigest(), data, mtime_ns=mtime_ns)


def file_stats(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """path -> (size in bytes, mtime in ns) without reading the files; unreadable ones are left
    out (reading them reports the error)."""
    stats = {}
    for path in paths:
        try:
            st = Path(path).stat()
        except OSError:
            continue
        stats[str(path)] = (st.st_size, st.st_mtime_ns)
    return stats
