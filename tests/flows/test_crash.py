"""A run killed mid-way (SIGKILL) leaves only whole, audited batches visible; a rerun finishes."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.runner import run_ingest
from tests.flows.test_serve import flow_runs, prefect_api  # noqa: F401  (a Prefect server for the module)
from flows.settings import Settings
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # kills a real run

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"


def consistent(wh: Warehouse) -> None:
    """Every visible article belongs to a published batch whose counts match what is visible."""
    orphans = wh.query("""select count(*) as n from articles where batch_id not in (select batch_id from batches)""").n[0]
    assert orphans == 0
    mismatched = wh.query("""
        select b.batch_id from batches b
        left join (select batch_id, count(*) as n from articles group by 1) a using (batch_id)
        left join (select batch_id, count(*) as n from quarantine.articles group by 1) q using (batch_id)
        where coalesce(a.n, 0) <> b.n_published or coalesce(q.n, 0) <> b.n_quarantined""")
    assert mismatched.empty, mismatched
    unledgered = wh.query("""select count(*) as n from articles a
                             where a.file_id not in (select file_id from files)""").n[0]
    assert unledgered == 0


def test_sigkill_mid_run_then_rerun(tmp_path):
    wh_dir = tmp_path / "wh"
    env = {**os.environ, "WIREHOUSE_BATCH_SIZE": "2"}
    # Its own process group: the kill takes Prefect's temporary server (a child) down with it.
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(EXAMPLES), "-w", str(wh_dir)],
                            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    archive = wh_dir / "batches"
    deadline = time.monotonic() + 300
    # Kill once the first batch is published and later ones are still coming.
    while time.monotonic() < deadline and proc.poll() is None:
        if archive.exists() and any(archive.iterdir()):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    wh = Warehouse(wh_dir)
    consistent(wh)
    partial = wh.table_counts()
    assert 0 < partial["batches"] and partial["articles"] < 14

    summary = run_ingest([str(EXAMPLES)], Settings(dir=wh_dir, batch_size=2))
    assert summary.files_seen == 14
    consistent(wh)
    counts = wh.table_counts()
    assert (counts["articles"], counts["quarantine.articles"]) == (14, 2)
    statuses = wh.query("select status, count(*) as n from files group by 1 order by 1").values.tolist()
    assert statuses == [["published", 10], ["quarantined", 2], ["rejected", 2]]
    assert not any((wh_dir / "staging").iterdir())


def fingerprint(wh: Warehouse) -> dict:
    """What a run leaves, independent of its run and batch ids: every table's row count, each
    file's status, the published and held articles, the quotes and their speakers."""
    counts = wh.table_counts()
    for table in ("runs", "batches", "stage_timings", "quality_results"):  # per run / per batch
        counts.pop(table)
    return {
        "counts": counts,
        "files": wh.query("select path, status, n_published, n_quarantined from files order by path").values.tolist(),
        "articles": wh.query("select article_id from articles order by 1").article_id.tolist(),
        "held": wh.query("select article_id, reason from quarantine.articles order by 1").values.tolist(),
        "quotes": wh.query("select article_id, text, speaker from quotes order by quote_id").values.tolist(),
        "line_stats": wh.query("select sum(n_articles) as n from line_stats").n[0],
    }


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict:
    wh_dir = tmp_path_factory.mktemp("uninterrupted") / "wh"
    run_ingest([str(EXAMPLES)], Settings(dir=wh_dir, batch_size=2))
    return fingerprint(Warehouse(wh_dir))


@pytest.mark.parametrize("point", ["staged", "audited", "commit", "committed", "archived"])
def test_a_run_killed_at_each_point_converges_on_the_next_run(point, uninterrupted, tmp_path):
    """SIGKILL at the second batch's pass through each named point (warehouse.faults), then an
    ordinary run: the same warehouse as one uninterrupted run, every committed batch archived,
    staging empty, and the killed run recorded as interrupted."""
    wh_dir = tmp_path / "wh"
    env = {**os.environ, "WIREHOUSE_BATCH_SIZE": "2", "WIREHOUSE_TEST_FAULT": f"{point}:2=kill"}
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(EXAMPLES), "-w", str(wh_dir)],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600,
                          start_new_session=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    wh = Warehouse(wh_dir)
    consistent(wh)
    assert wh.query("select status from runs").status.tolist() == ["running"]  # until the next run starts
    staged = {p.name: (p / "publication.json").exists() for p in (wh_dir / "staging").iterdir()}
    committed = set(wh.query("select batch_id from batches").batch_id)
    left = {batch: ("committed" if batch in committed else "publication" if ready else "rows only")
            for batch, ready in staged.items()}
    expected_left = {"staged": "rows only", "audited": "rows only", "commit": "publication", "committed": "committed"}
    if point in expected_left:  # the second batch was stopped where the point says
        assert expected_left[point] in left.values(), left

    summary = run_ingest([str(EXAMPLES)], Settings(dir=wh_dir, batch_size=2))
    consistent(wh)
    assert fingerprint(wh) == uninterrupted
    runs = wh.query("select run_id, status from runs order by started_at, run_id").values.tolist()
    assert [status for _, status in runs] == ["interrupted", "completed"] and runs[1][0] == summary.run_id
    assert not any((wh_dir / "staging").iterdir())
    archived = {p.name for p in (wh_dir / "batches").iterdir()}
    assert archived == set(wh.query("select batch_id from batches").batch_id)


def start_run(wh_dir: Path, **env: str) -> subprocess.Popen:
    """`wirehouse run` over the examples, two articles a batch, in its own process group."""
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(EXAMPLES), "-w", str(wh_dir)],
                            cwd=PROJECT, env={**os.environ, "WIREHOUSE_BATCH_SIZE": "2", **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def last_line_after_progress(stderr: str) -> str:
    """stderr's last line; every line before it is the run's progress (`12:04:31 ...`)."""
    *progress, last = stderr.splitlines()
    assert progress and all(re.match(r"\d\d:\d\d:\d\d \S", line) for line in progress), stderr
    return last


def converges(wh_dir: Path, uninterrupted: dict) -> None:
    wh = Warehouse(wh_dir)
    consistent(wh)
    run_ingest([str(EXAMPLES)], Settings(dir=wh_dir, batch_size=2))
    assert fingerprint(wh) == uninterrupted
    assert wh.query("select status from runs order by started_at").status.tolist() == ["interrupted", "completed"]


def test_ctrl_c_stops_a_run_within_5_s_with_one_line_and_a_cancelled_prefect_run(prefect_api, uninterrupted,
                                                                                 tmp_path):
    url, _ = prefect_api
    wh_dir = tmp_path / "wh"
    proc = start_run(wh_dir, PREFECT_API_URL=url)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:  # the first batch is published
        if (wh_dir / "batches").exists() and any((wh_dir / "batches").iterdir()):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before Ctrl-C"
    pressed = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    out, err = proc.communicate(timeout=60)
    assert time.monotonic() - pressed <= 5
    assert proc.returncode == 130
    assert last_line_after_progress(err) == (
        "error: interrupted: batches published so far stay published; the next run finishes the rest")
    states = [(r["name"], r["state_type"]) for r in flow_runs(url) if r["flow_id"]]
    assert [t for _, t in states] == ["CANCELLED"], states
    converges(wh_dir, uninterrupted)


def test_a_full_disk_ends_the_run_with_one_line_naming_it_and_the_next_run_converges(uninterrupted, tmp_path):
    """The disk fills up at the third batch's staging (and stays full: every retry fails too)."""
    wh_dir = tmp_path / "wh"
    proc = start_run(wh_dir, WIREHOUSE_TEST_FAULT="staged:3+=enospc", WIREHOUSE_STORAGE_RETRY_DELAY_SECONDS="0")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 3
    assert last_line_after_progress(err) == "error: no space left on the device (injected at staged)"
    assert out == ""
    converges(wh_dir, uninterrupted)


def test_a_real_full_disk_is_named_in_one_line(tmp_path):
    """A 2 MB tmpfs as the warehouse (needs the right to mount: root in a container that allows it)."""
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(small)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        proc = start_run(small / "wh")
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 3, err
        assert last_line_after_progress(err) == f"error: no space left on the device (warehouse {small / 'wh'})"
    finally:
        subprocess.run(["umount", str(small)], check=True)
