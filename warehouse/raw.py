"""Reading raw input dumps from disk (the only place input files are opened)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from transforms.parse import InputLimits

# Files that are never article dumps: our own sidecars and hidden files.
IGNORED_NAMES = {"README.md", "readme.md", ".DS_Store"}


@dataclass
class InputFile:
    path: str
    size_bytes: int
    file_id: str  # sha256 of the raw bytes
    data: bytes | None
    error: str | None = None  # set when the file could not be read
    mtime_ns: int | None = None


def discover_with_stats(paths: list[Path]) -> dict[str, tuple[int, int] | None]:
    """Every file under the given files and folders (recursive; hidden files and folders and
    README.md are skipped), sorted, de-duplicated, by real path, as path -> (size in bytes, mtime
    in ns) from the same directory scan (None when a file cannot be stat'ed: reading it reports
    the error). One scandir per folder and one stat per file: a rerun over 20,000 files costs a
    fraction of a second here. Raises FileNotFoundError naming the first missing path."""
    found: dict[str, tuple[int, int] | None] = {}
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {given}")
        root = path.resolve()
        if root.is_file():
            found[str(root)] = _stat(root)
            continue
        _scan(str(root), found, {os.path.realpath(root)})
    return dict(sorted(found.items()))


def _scan(folder: str, found: dict, seen_folders: set[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
            continue
        try:
            if entry.is_symlink():  # named by where it points, as Path.resolve() does
                target = os.path.realpath(entry.path)
                if os.path.isdir(target):
                    if target not in seen_folders:
                        seen_folders.add(target)
                        _scan(target, found, seen_folders)
                elif os.path.isfile(target):
                    found[target] = _stat(Path(target))
            elif entry.is_dir(follow_symlinks=False):
                _scan(entry.path, found, seen_folders)
            elif entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                found[entry.path] = (st.st_size, st.st_mtime_ns)
        except OSError:
            continue


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def read_input(path: Path, limits: InputLimits) -> InputFile:
    """Read one file's bytes; an unreadable file, or one larger than the size limit (rejected
    from its size, without reading it), comes back with `error` set, never raises. Such a file's
    file_id is the sha256 of its path: its bytes were not read."""
    path_id = hashlib.sha256(str(path).encode()).hexdigest()
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_size > limits.max_bytes:
                return _too_large(path, path_id, st.st_size, st.st_mtime_ns, limits)
            data = f.read(limits.max_bytes + 1)  # it may have grown since
    except OSError as exc:
        return InputFile(str(path), 0, path_id, None, f"cannot read file: {exc.strerror or exc}")
    if len(data) > limits.max_bytes:
        return _too_large(path, path_id, len(data), st.st_mtime_ns, limits)
    return InputFile(str(path), len(data), hashlib.sha256(data).hexdigest(), data, mtime_ns=st.st_mtime_ns)


def _too_large(path: Path, path_id: str, size: int, mtime_ns: int, limits: InputLimits) -> InputFile:
    return InputFile(str(path), size, path_id, None, f"larger than {limits.size_limit()}", mtime_ns)
