"""Finding input files: one directory scan gives the paths and their size and mtime."""
from __future__ import annotations

import hashlib
import os
import tracemalloc

import pytest

from transforms.parse import MB, InputLimits
from warehouse.raw import discover_with_stats, read_input


def test_scan_skips_hidden_entries_only_follows_symlinks_and_stats_match(tmp_path):
    """Hidden files and folders are not inputs; a README.md is (its type rejects it, with the
    reason, in the ledger)."""
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
                                  str(dumps / "b" / "one.html"), str(dumps / "README.md"), real])
    for path, (size, mtime) in found.items():
        st = os.stat(path)
        assert (size, mtime) == (st.st_size, st.st_mtime_ns)
    with pytest.raises(FileNotFoundError, match="no such file or folder: .*missing"):
        discover_with_stats([tmp_path / "missing"])


def special_entries(folder):
    """A folder of entries that are not regular files (benchmarks.hostile.special_entries) beside
    one article, and a file whose read fails (a link to this process's /proc mem: stat says
    regular, reading gives EIO, even for root). Returns the socket to close."""
    from benchmarks.hostile import special_entries as not_regular

    folder.mkdir()
    (folder / "article.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    server = not_regular(folder)
    os.symlink(f"/proc/{os.getpid()}/mem", folder / "unreadable.txt")
    return server


def test_every_entry_is_listed_and_what_cannot_be_read_says_why_without_blocking(tmp_path):
    from flows.settings import Settings

    limits = Settings().input_limits
    dumps = tmp_path / "dumps"
    server = special_entries(dumps)
    try:
        found = discover_with_stats([dumps])
        names = {os.path.basename(p): p for p in found}
        assert sorted(names) == ["article.txt", "broken.txt", "device.txt", "loop-a.txt", "loop-b.txt", "mem",
                                 "pipe.txt", "socket.txt"]
        reasons = {name: read_input(path, limits).error for name, path in names.items()}
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
            assert (0, read_input(names[name], limits).mtime_ns) == found[names[name]], name
        assert read_input(names["mem"], limits).mtime_ns is None
    finally:
        server.close()


def test_a_file_larger_than_the_limit_is_rejected_from_its_size_unread(tmp_path):
    limits = InputLimits(8 * MB, 200, "WIREHOUSE_MAX_FILE_MB", "WIREHOUSE_MAX_COMPRESSION_RATIO")
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(8 * MB + 1)  # sparse: 8 MB and a byte of zeros
    tracemalloc.start()
    try:
        read = read_input(big, limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    st = os.stat(big)
    assert (read.data, read.error, read.size_bytes, read.mtime_ns) == (
        None, "larger than 8 MB (WIREHOUSE_MAX_FILE_MB)", 8 * MB + 1, st.st_mtime_ns)
    assert read.file_id == hashlib.sha256(str(big).encode()).hexdigest()  # its bytes were not read
    assert peak < MB
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"x" * (8 * MB))
    read = read_input(exact, limits)
    assert (len(read.data), read.error, read.file_id) == (8 * MB, None, hashlib.sha256(b"x" * (8 * MB)).hexdigest())
    missing = read_input(tmp_path / "missing.txt", limits)
    assert (missing.data, missing.error) == (None, "cannot read file: No such file or directory")


def test_the_warehouse_s_own_folder_inside_the_inputs_is_not_read(tmp_path):
    """`wirehouse run .` with the warehouse under `.`: its report is not an article."""
    (tmp_path / "story.txt").write_text("A story.\n", encoding="utf-8")
    reports = tmp_path / "wirehouse-data" / "reports"
    reports.mkdir(parents=True)
    (reports / "quality.html").write_text("<html></html>", encoding="utf-8")
    found = discover_with_stats([tmp_path], skip=[tmp_path / "wirehouse-data"])
    assert list(found) == [str((tmp_path / "story.txt").resolve())]
    assert discover_with_stats([tmp_path / "wirehouse-data"], skip=[tmp_path / "wirehouse-data"]) == {}
    assert len(discover_with_stats([tmp_path])) == 2  # skipped only when asked
