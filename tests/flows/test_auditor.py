"""The auditor process (flows.auditor): Great Expectations in a process of its own gives the
audit this process would, and an auditor process that dies fails only the batch it held."""
from __future__ import annotations

import os
import signal

import pytest

from expectations import audit_batch
from flows import auditor
from tests.expectations.test_suites import PARAGRAPHS, article_rows, frames

pytestmark = pytest.mark.e2e  # a process of its own, with GX


@pytest.fixture
def started():
    auditor.start()
    yield
    auditor.stop()


def batch():
    bad = article_rows("bad", [PARAGRAPHS[0], "Something went wrong.", PARAGRAPHS[1]])
    return frames(article_rows("ok"), bad)


def test_the_auditor_process_gives_the_audit_this_process_would(started):
    there = auditor.audit(batch(), frozenset({"en"}), max_article_chars=10_000)
    assert auditor._slot.child is not None and auditor._slot.child.proc.poll() is None  # it ran there
    assert there.failed_articles == {"bad": ["articles.no_ui_residue"]}
    assert there == audit_batch(batch(), frozenset({"en"}), max_article_chars=10_000)


def test_an_auditor_process_that_dies_fails_its_batch_and_the_next_one_starts_anew(started):
    auditor.audit(batch())
    pid = auditor._slot.child.proc.pid
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(auditor.AuditorDied, match=r"^the auditor process ended \(killed by SIGKILL\)$"):
        auditor.audit(batch())
    assert auditor.audit(batch()).failed_articles == {"bad": ["articles.no_ui_residue"]}
    assert auditor._slot.child.proc.pid != pid


def test_without_start_the_audit_runs_here():
    assert not auditor.started()
    assert auditor.audit(batch()).failed_articles == {"bad": ["articles.no_ui_residue"]}
    assert auditor._slot.child is None
