"""Scheduled ingestion with real processes: a Prefect server on 127.0.0.1, `wirehouse serve`
with a short interval, dumps dropped into the landing folder, published by a scheduled run."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from warehouse.store import Warehouse, WarehouseError

pytestmark = pytest.mark.e2e  # a Prefect server and `wirehouse serve` as processes

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"
PREFECT = Path(sys.executable).parent / "prefect"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def prefect_server(home: Path, **settings: str) -> Iterator[str]:
    """`prefect server start` on a free port with its home in `home` (and these settings in
    its environment), healthy; yields its API URL, stops it at the end."""
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_UI_ENABLED": "false",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", **settings}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "w")
    server = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        stop(server)
        pytest.fail(f"prefect server did not become healthy: {(home / 'server.log').read_text()[-2000:]}")
    try:
        yield url
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    with prefect_server(home) as url:
        yield url, home


def api_call(url: str, path: str, body: dict | None = None, method: str = "POST"):
    """One call to the Prefect API; a 503 (the server busy on a loaded machine) is tried again."""
    request = urllib.request.Request(f"{url}{path}", data=None if body is None else json.dumps(body).encode(),
                                     method=method, headers={"Content-Type": "application/json"})
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                content = response.read()
                return json.loads(content) if content else None  # a DELETE answers 204, no body
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == 4:
                raise
            time.sleep(1)


def flow_runs(url: str) -> list[dict]:
    return api_call(url, "/flow_runs/filter", {})


def test_a_scheduled_run_publishes_what_lands(prefect_api, tmp_path):
    url, home = prefect_api
    landing, wh_dir = tmp_path / "landing", tmp_path / "wh"
    landing.mkdir()
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(home), "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    log = open(tmp_path / "serve.log", "w")
    served = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", str(landing), "--interval", "4",
                               "-w", str(wh_dir)], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        shutil.copytree(EXAMPLES / "html", landing / "html")
        wh = Warehouse(wh_dir)
        deadline, published = time.monotonic() + 240, 0
        while time.monotonic() < deadline and published < 3:
            time.sleep(2)
            try:
                published = int(wh.query("select count(*) as n from articles", wait_seconds=5).n[0])
            except WarehouseError:
                continue  # not created yet, or a run is publishing
        assert published == 3, (tmp_path / "serve.log").read_text()[-3000:]
        # The run publishes before it finishes (report, run record): wait for its final state.
        runs: list[dict] = []
        while time.monotonic() < deadline and not runs:
            runs = [r for r in flow_runs(url) if r["deployment_id"] and r["state_type"] == "COMPLETED"
                    and r["parameters"].get("paths") == [str(landing)]]
            time.sleep(1)
        assert runs, "the articles were published by a run that no deployment scheduled"
        assert wh.query("select count(*) as n from runs where flow_run_id in (select unnest(?))",
                        [[r["id"] for r in runs]]).n[0] >= 1
        # Each scheduled flow run is named after its Wirehouse run, and `serve` prints a line as
        # each finishes: the one that published, and the ones that found nothing new.
        named = wh.query("select run_id, flow_run_id from runs where flow_run_id <> ''").values.tolist()
        by_id = {r["id"]: r["name"] for r in flow_runs(url)}
        assert named and all(by_id[flow_run_id] == run_id for run_id, flow_run_id in named)
        publishing = wh.query("select run_id from runs where n_published = 3").run_id.tolist()
        lines = (tmp_path / "serve.log").read_text().splitlines()
        assert lines[0].startswith(f"serving wirehouse-ingest/wirehouse-landing: {landing} -> {wh_dir} (every 4 s)")
        assert (f"{publishing[0]}: 3 files seen, 3 articles published, 0 held, 0 files rejected, 0 duplicate files; "
                f"report {wh_dir / 'reports' / 'quality.html'}") in lines
    finally:
        stop(served)
        log.close()


def test_serve_needs_a_prefect_api(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    result = subprocess.run([sys.executable, "-m", "flows.cli", "serve", str(tmp_path), "--interval", "60"],
                            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error: schedules need a running Prefect API") and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""  # nothing says "serving" before the checks
    unreachable = subprocess.run([sys.executable, "-m", "flows.cli", "serve", str(tmp_path), "--interval", "60"],
                                 cwd=PROJECT, env={**env, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"},
                                 capture_output=True, text=True, timeout=120)
    assert unreachable.returncode == 2 and "is not reachable" in unreachable.stderr and unreachable.stdout == ""


def test_ctrl_c_on_serve_cancels_the_run_in_flight(prefect_api, tmp_path):
    """Ctrl-C reaches `serve` and the run it is executing (one process group): the run is
    cancelled by the runner (Cancelled, not Crashed), and the next run converges."""
    url, home = prefect_api
    landing, wh_dir = tmp_path / "landing", tmp_path / "wh"
    landing.mkdir()
    rivers = ["Alder", "Birch", "Cedar", "Elm", "Hazel", "Larch", "Maple", "Rowan"]
    towns = ["Ashford", "Brambly", "Cobham", "Dunmore", "Eskdale", "Fenwick", "Glenholm", "Harlow"]
    # 64 distinct stories, in batches of 2: serve parses them ahead as they land, so the run's
    # batches go at the pace of their audits and publishes, and it is still running at Ctrl-C.
    # Distinct stories: digits alone would not tell their lines apart, and stories differing in
    # a word or two would be copies of one another (transforms.copies: these are 0.66 similar at
    # most, under the 0.7 threshold).
    for i in range(64):
        river, town = rivers[i % 8], towns[i // 8]
        (landing / f"story-{i}.txt").write_text(
            f"Bridge works on the {river} in {town}\n\n" + " ".join(
                f"“We will open the {river} bridge in {town} by spring,” said Ana Ruiz, the mayor of {town}. "
                f"Residents of {town} crossed the {river} by ferry for the {word} time while the {river} bridge "
                f"works in {town} went on."
                for word in ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")),
            encoding="utf-8")
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(home), "PREFECT_RUNNER_POLL_FREQUENCY": "1",
           "WIREHOUSE_BATCH_SIZE": "2"}
    # Runs an earlier test's schedule left behind would take the deployment's one slot (its
    # concurrency limit cancels a run that finds it taken).
    scheduled = {"flow_runs": {"state": {"type": {"any_": ["SCHEDULED", "PENDING"]}}}}
    for stale in api_call(url, "/flow_runs/filter", scheduled):
        api_call(url, f"/flow_runs/{stale['id']}", method="DELETE")
    served = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", str(landing), "--interval", "3600",
                               "-w", str(wh_dir)], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the deployment registered for this landing
            try:
                deployment = api_call(url, "/deployments/name/wirehouse-ingest/wirehouse-landing", method="GET")
                if deployment["parameters"]["paths"] == [str(landing)]:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        api_call(url, f"/deployments/{deployment['id']}/create_flow_run", {})
        archive = wh_dir / "batches"
        deadline = time.monotonic() + 300  # the run starts in a process of its own: slow on a busy machine
        while time.monotonic() < deadline and not (archive.exists() and any(archive.iterdir())):
            time.sleep(0.1)
        assert archive.exists() and any(archive.iterdir()), "no batch was published"
        # The run publishing now (the one triggered, or the schedule's first: the limit lets one run).
        running = [r["id"] for r in flow_runs(url)
                   if r["state_type"] == "RUNNING" and r["parameters"].get("paths") == [str(landing)]]
        assert len(running) == 1, running
        pressed = time.monotonic()
        os.killpg(served.pid, signal.SIGINT)
        served.communicate(timeout=60)
        assert time.monotonic() - pressed <= 10
        state = api_call(url, f"/flow_runs/{running[0]}", method="GET")["state"]
        assert state["type"] == "CANCELLED", state
    finally:
        stop(served)
    finished = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(landing), "-w", str(wh_dir)],
                              cwd=PROJECT, env={**env, "PREFECT_API_URL": url}, capture_output=True, text=True,
                              timeout=600)
    assert finished.returncode == 0, finished.stderr
    wh = Warehouse(wh_dir)
    assert wh.query("select count(*) as n from articles").n[0] == 64
    assert wh.query("select status from runs order by started_at").status.tolist() == ["interrupted", "completed"]
