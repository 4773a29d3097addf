"""What a real run tells Prefect, read back through the Prefect client from the API it ran
against: the flow run named after the Wirehouse run id, task runs named after their batch,
a log line per batch analysed and published, and a Markdown artifact with the summary table
and the report's path. The same messages reach the `wirehouse.progress` logger (the terminal)."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from flows.progress import LOGGER
from flows.runner import run_ingest
from flows.settings import Settings
from flows.summary import ARTIFACT_KEY
from tests.flows.test_serve import prefect_server
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # a real flow run on Prefect's temporary server

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"


class Collected(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """examples/dumps in batches of at most 6 articles (16 articles in 3 batches), run against a
    Prefect server with its task-run recorder on, as a user's `prefect server start` has it (the
    temporary server a run starts by itself records no task runs: flows.prefect_env)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    collected = Collected()
    logger = logging.getLogger(LOGGER)
    logger.addHandler(collected)
    logger.setLevel(logging.INFO)
    home = tmp_path_factory.mktemp("prefect-home")
    with prefect_server(home, PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED="true") as url:
        try:
            with temporary_settings(updates={PREFECT_API_URL: url}):
                # Prefect keeps one events worker per process, bound to the API it first sent to:
                # after an earlier test's flow it would send this run's task-run events to that
                # test's server, gone by now. Stopped here, it starts again for this server.
                from prefect.events.worker import EventsWorker

                EventsWorker.drain_all(timeout=30)
                settings = Settings(dir=tmp_path_factory.mktemp("reports"), batch_size=6)
                summary = run_ingest([str(EXAMPLES)], settings)
        finally:
            logger.removeHandler(collected)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield (summary, [r.getMessage() for r in collected.records], [r.progress for r in collected.records])


def read_back(summary):
    """(flow run, its logs' messages, its task runs' names, its artifacts), waiting a little for
    the log handler's last batch."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterName,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.client.schemas.sorting import LogSort

    with get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[summary.run_id])))
        # Logs are sent in batches and task runs recorded from events: both may trail the run.
        deadline, messages, tasks = time.monotonic() + 90, [], []  # a loaded machine records late
        while time.monotonic() < deadline:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])),
                                    sort=LogSort.TIMESTAMP_ASC)
            messages = [log.message for log in logs]
            tasks = sorted(t.name for t in client.read_task_runs(flow_run_filter=FlowRunFilter(
                name=FlowRunFilterName(any_=[summary.run_id]))) if t.state_type and t.state_type.value == "COMPLETED")
            if any(m.startswith(f"{summary.run_id}: ") and "files seen" in m for m in messages) and len(tasks) >= 13:
                break
            time.sleep(0.5)
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
    return run, messages, tasks, artifacts


def test_the_flow_run_and_its_task_runs_carry_the_wirehouse_ids(reported):
    summary, _, _ = reported
    run, _, tasks, _ = read_back(summary)
    assert run.name == summary.run_id and run.state_type.value == "COMPLETED"
    recorded = Warehouse(Path(summary.warehouse)).query("select flow_run_id from runs where run_id = ?",
                                                         [summary.run_id]).flow_run_id.tolist()
    assert recorded == [str(run.id)]
    batches = [f"{summary.run_id}-b000{n}" for n in (1, 2, 3)]
    # The pipelined executor: clean, then nlp and rules (in the parser process), then stage and audit; then publish.
    expected = sorted([f"{b} {stages}" for b in batches for stages in ("clean", "nlp+rules", "stage+audit", "publish")]
                      + ["read 14 files"])
    assert tasks == expected


def test_each_batch_is_logged_to_the_prefect_run(reported):
    summary, messages, _ = reported
    _, logged, _ = read_back(summary)[:3]
    ours = [m for m in logged if m in messages or m.startswith(f"{summary.run_id}: ")]
    assert ours[:3] == [f"{summary.run_id}: 14 files to read", "read 14 of 14 files",
                        "16 articles to analyse in 3 batches"]
    analysed = [m for m in ours if " analysed: " in m]
    published = [m for m in ours if " published: " in m]
    assert [m.split(" analysed: ")[0] for m in analysed] == [f"batch {summary.run_id}-b000{n}" for n in (1, 2, 3)]
    assert [m.split(":")[0] for m in published] == [f"batch {summary.run_id}-b000{n} published" for n in (1, 2, 3)]
    # Every article of the run counted once, the last batch at the total.
    assert "(3/3 batches, 16/16 articles, " in published[-1]
    held = sum(int(m.split(" published, ")[1].split(" held")[0]) for m in published)
    assert held == summary.quarantined_articles == 2
    assert ours[-1] == (f"{summary.run_id}: 14 files seen, 14 articles published, 2 held, 2 files rejected, "
                        f"0 duplicate files; report {summary.report_path}")
    # The terminal's logger got the same messages, in the same order (all but the last line,
    # which the command prints as its summary).
    assert ours[:-1] == messages


def test_the_progress_counts_move_forward_to_the_totals(reported):
    _, _, counts = reported
    last = counts[-1]
    assert (last.files_to_read, last.files_read, last.batches, last.batches_analysed, last.batches_published,
            last.articles, last.articles_done) == (14, 14, 3, 3, 3, 16, 16)
    done = [c.articles_done for c in counts]
    assert done == sorted(done)
    assert last.articles_per_second is not None and last.articles_per_second > 0 and last.seconds_left == 0


def test_the_run_leaves_a_markdown_artifact_with_its_summary(reported):
    summary, _, _ = reported
    _, _, _, artifacts = read_back(summary)
    [artifact] = artifacts
    assert artifact.key == ARTIFACT_KEY and artifact.type == "markdown"
    lines = artifact.data.splitlines()
    assert lines[0] == f"# Wirehouse {summary.run_id}"
    for row in ("| files seen | 14 |", "| articles published | 14 |", "| articles held | 2 |",
                "| quotes held alone | 1 |", "| files rejected | 2 |", "| articles.body_not_empty | 1 |",
                "| articles.language_supported | 1 |",
                f"| {EXAMPLES / 'broken' / 'corrupt.txt.gz'} | named .gz but not gzip data (bad magic number) |"):
        assert row in lines, row
    assert f"Quality report: `{summary.report_path}`" in lines
