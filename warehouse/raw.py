"""Reading raw input dumps from disk (the only place input files are opened)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from transforms.ingest import ParsedFile, parse_file
from transforms.parse import InputLimits


@dataclass
class InputFile:
    path: str
    size_bytes: int
    file_id: str  # sha256 of the raw bytes
    data: bytes | None
    error: str | None = None  # set when the file could not be read
    mtime_ns: int | None = None


def discover_with_stats(paths: list[Path], skip: Iterable[Path] = ()) -> dict[str, tuple[int, int] | None]:
    """Every file under the given files and folders (recursive; hidden files and folders, whose
    names start with a dot, are not inputs; every other file is, a README.md too, which is then
    rejected for its type), sorted, de-duplicated, by real path, as path -> (size in bytes, mtime
    in ns) from the same directory scan (None when a file cannot be stat'ed: reading it reports
    the error). One scandir per folder and one stat per file: a rerun over 20,000 files costs a
    fraction of a second here.

    Every entry is accounted for: named pipes, sockets, devices, broken links and symlink loops
    are listed too (by their own path, with the link's or entry's own mtime and size 0), and
    read_input rejects them with the reason, so each gets a ledger row and a rerun skips it while
    it stays as it is. Folders in `skip` (the warehouse's own folder, when it lies inside the
    inputs: its reports are not articles) are not entered. Raises FileNotFoundError naming the
    first missing path."""
    found: dict[str, tuple[int, int] | None] = {}
    skipped = {os.path.realpath(Path(s).expanduser()) for s in skip}
    for given in paths:
        path = Path(given).expanduser()
        if not os.path.lexists(path):
            raise FileNotFoundError(f"no such file or folder: {given}")
        if path.is_dir():
            root = os.path.realpath(path)
            if root not in skipped:
                _scan(root, found, {root, *skipped})
        else:
            _add_entry(str(path.absolute()), found)
    return dict(sorted(found.items()))


def _scan(folder: str, found: dict, seen_folders: set[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        found[folder] = None  # an unreadable folder: read_input says why
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=True):
                target = os.path.realpath(entry.path)
                if target not in seen_folders:  # a folder reached twice (links) is read once
                    seen_folders.add(target)
                    _scan(target, found, seen_folders)
                continue
        except OSError:
            pass
        _add_entry(entry.path, found)


def _add_entry(path: str, found: dict) -> None:
    """A non-folder entry: a regular file (through links) by its real path and stat; anything
    else (pipe, socket, device, broken link, symlink loop) by its own path and lstat."""
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            found[os.path.realpath(path)] = (st.st_size, st.st_mtime_ns)
            return
    except OSError:
        pass
    try:
        own = os.lstat(path)
        found[path] = (0, own.st_mtime_ns)
    except OSError:
        found[path] = None


_KINDS = {
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISDIR: "a folder that cannot be listed",
}


def read_input(path: Path, limits: InputLimits) -> InputFile:
    """Read one file's bytes; a file that cannot or must not be read comes back with `error`
    set, never raises: not a regular file (a pipe could block forever, a device never end), or
    larger than the size limit (rejected from its size, without reading it). Such a file's
    file_id is the sha256 of its path: its bytes were not read. An entry that is not a regular
    file, or too large, keeps its own mtime (a rerun skips it while it stays as it is); an
    unreadable regular file has none, so every run tries it again."""
    path_id = hashlib.sha256(str(path).encode()).hexdigest()
    try:
        st = os.stat(path)
    except OSError as exc:  # a broken link, a symlink loop
        return InputFile(
            str(path), 0, path_id, None, f"cannot read file: {exc.strerror or exc}", _own_mtime(path)
        )
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS.items() if test(st.st_mode)), "not a regular file")
        # A folder that cannot be listed is tried again by every run (it may be fixed in place).
        mtime = None if stat.S_ISDIR(st.st_mode) else _own_mtime(path)
        return InputFile(str(path), 0, path_id, None, f"not a regular file: {kind}", mtime)
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


def _own_mtime(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mtime_ns
    except OSError:
        return None


def read_parsed(path: Path, limits: InputLimits) -> ParsedFile:
    """One input file read (read_input) and parsed (transforms.ingest.parse_file); a file that
    cannot be read or parsed comes back rejected, with the reason."""
    raw = read_input(path, limits)
    return parse_file(raw.path, raw.file_id, raw.size_bytes, raw.data, raw.error, limits, raw.mtime_ns)
