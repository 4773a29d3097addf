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
