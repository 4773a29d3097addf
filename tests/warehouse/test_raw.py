"""Finding input files: one directory scan gives the paths and their size and mtime."""
from __future__ import annotations

import os

import pytest

from warehouse.raw import discover_with_stats


def test_scan_skips_hidden_and_readme_follows_symlinks_and_stats_match(tmp_path):
    dumps = tmp_path / "dumps"
    (dumps / "b" / "deep").mkdir(parents=True)
    (dumps / ".git").mkdir()
    for name in ("a.txt", "b/one.html", "b/deep/two.jsonl", ".hidden.txt", "README.md", ".git/config"):
        (dumps / name).write_text(name, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.txt").write_text("linked", encoding="utf-8")
    os.symlink(elsewhere / "linked.txt", dumps / "link.txt")
    os.symlink(elsewhere, dumps / "linked-folder")

    found = discover_with_stats([dumps, dumps / "a.txt"])
    real = str(elsewhere.resolve() / "linked.txt")
    assert list(found) == sorted([str(dumps / "a.txt"), str(dumps / "b" / "deep" / "two.jsonl"),
                                  str(dumps / "b" / "one.html"), real])
    for path, (size, mtime) in found.items():
        st = os.stat(path)
        assert (size, mtime) == (st.st_size, st.st_mtime_ns)
    with pytest.raises(FileNotFoundError, match="no such file or folder: .*missing"):
        discover_with_stats([tmp_path / "missing"])


def special_entries(folder):
    """A folder of entries that are not regular files, beside one article: a named pipe, a
    socket, a device (through a link), a symlink loop, a broken link, and a file whose read fails
    (a link to this process's /proc mem: stat says regular, reading gives EIO, even for root)."""
    import socket

    folder.mkdir()
    (folder / "article.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "socket.txt"))
    os.symlink("/dev/null", folder / "device.txt")
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    os.symlink(folder / "gone.txt", folder / "broken.txt")
    os.symlink(f"/proc/{os.getpid()}/mem", folder / "unreadable.txt")
    return server


def test_every_entry_is_listed_and_what_cannot_be_read_says_why_without_blocking(tmp_path):
    from warehouse.raw import read_input

    dumps = tmp_path / "dumps"
    server = special_entries(dumps)
    try:
        found = discover_with_stats([dumps])
        names = {os.path.basename(p): p for p in found}
        assert sorted(names) == ["article.txt", "broken.txt", "device.txt", "loop-a.txt", "loop-b.txt", "mem",
                                 "pipe.txt", "socket.txt"]
        reasons = {name: read_input(path).error for name, path in names.items()}
        assert reasons == {
            "article.txt": None,
            "pipe.txt": "not a regular file: a named pipe (FIFO)",
            "socket.txt": "not a regular file: a socket",
            "device.txt": "not a regular file: a character device",
            "loop-a.txt": "cannot read file: Too many levels of symbolic links",
            "loop-b.txt": "cannot read file: Too many levels of symbolic links",
            "broken.txt": "cannot read file: No such file or directory",
            "mem": "cannot read file: Input/output error",
        }
        # What stays as it is is skipped by the next run (its entry's own mtime is kept), an
        # unreadable regular file is tried again (no mtime).
        for name in ("pipe.txt", "socket.txt", "device.txt", "loop-a.txt", "broken.txt"):
            assert (0, read_input(names[name]).mtime_ns) == found[names[name]], name
        assert read_input(names["mem"]).mtime_ns is None
    finally:
        server.close()
