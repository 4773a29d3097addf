"""How a command ends when something goes wrong: the root cause in one line, by exit code."""
from __future__ import annotations

import errno

import duckdb
import pytest

from flows.errors import storage_cause, unexpected


def test_the_root_cause_is_found_under_the_error_that_masked_it():
    """A full disk during a commit, then a failed rollback: the user is told about the disk."""
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/data/wh/wirehouse.duckdb.wal")
        except OSError:
            raise duckdb.TransactionException("cannot rollback - no transaction is active")  # noqa: B904
    except duckdb.Error as masked:
        assert storage_cause(masked) == "no space left on the device (/data/wh/wirehouse.duckdb.wal)"


@pytest.mark.parametrize(("error", "said"), [
    (duckdb.IOException('Could not write file "/wh/x.wal": No space left on device'),
     'no space left on the device (Could not write file "/wh/x.wal": No space left on device)'),
    (PermissionError(errno.EACCES, "Permission denied", "/wh/staging"), "permission denied (/wh/staging)"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only file system"),
    (ExceptionGroup("tasks", [ValueError("x"), OSError(errno.EIO, "Input/output error")]),
     "input/output error (the disk or the file system)"),
    (ValueError("a bug"), None),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "/in/x.txt"), None),  # a usage problem
])
def test_system_trouble_is_named_by_what_the_user_fixes(error, said):
    assert storage_cause(error) == said


def test_a_bug_gets_one_line_and_its_traceback_in_a_file(tmp_path):
    def deep():
        raise KeyError("article_id")

    try:
        deep()
    except KeyError as exc:
        line = unexpected(exc, tmp_path / "logs")
    written = sorted((tmp_path / "logs").iterdir())
    assert len(written) == 1 and written[0].name.startswith("wirehouse-error-")
    assert line == f"unexpected KeyError: 'article_id' (traceback in {written[0]}; please report it)"
    text = written[0].read_text(encoding="utf-8")
    assert text.startswith("Traceback (most recent call last):") and "in deep" in text
