"""Finding input files: one directory scan gives the paths and their size and mtime."""
from __future__ import annotations

import hashlib
import os
import tracemalloc

import pytest

from transforms.parse import MB, InputLimits
from warehouse.raw import discover_with_stats, read_input


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
