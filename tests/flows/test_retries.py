"""Prefect retries storage tasks on transient I/O errors, and never on bad input."""
from __future__ import annotations

from pathlib import Path

import pytest

from flows.batch import transient_io_error
from flows.runner import run_ingest
from flows.settings import Settings
from warehouse.store import Warehouse

PROJECT = Path(__file__).resolve().parents[2]


class FakeState:
    def __init__(self, exc: BaseException):
        self.exc = exc

    def result(self):
        raise self.exc


@pytest.mark.parametrize("exc, retry", [
    (OSError("No space left on device"), True),
    (ValueError("bad record"), False),
    (KeyError("article_id"), False),
])
def test_retry_condition(exc, retry):
    assert transient_io_error(None, None, FakeState(exc)) is retry


@pytest.mark.e2e  # the whole flow, with Prefect's temporary server
def test_a_failing_disk_write_is_retried_and_the_run_completes(tmp_path, monkeypatch):
    calls = []
    real_stage = Warehouse.stage

    def flaky_stage(self, batch_id, tables):
        calls.append(batch_id)
        if len(calls) == 1:
            raise OSError("Input/output error (simulated)")
        return real_stage(self, batch_id, tables)

    monkeypatch.setattr(Warehouse, "stage", flaky_stage)
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "a.txt").write_text("Ferry deal renewed\n\nThe council renewed the ferry contract on Tuesday.\n",
                                 encoding="utf-8")
    summary = run_ingest([str(dumps)], Settings(dir=tmp_path / "wh"))
    assert len(calls) == 2 and summary.published_articles == 1
