"""Scale-out on a real Dask cluster (a scheduler and two worker processes on 127.0.0.1): the rows
published equal those of a serial run on the same input, exactly."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.runner import run_ingest
from flows.settings import Settings
from transforms.records import ARTICLE_TABLES
from warehouse.schema import QUARANTINE_SCHEMA, column_names
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # a Dask scheduler and workers as processes

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"
DASK = Path(sys.executable).parent / "dask"
RUN_COLUMNS = {"run_id", "batch_id"}  # differ between any two runs by construction


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("dask")
    port = free_port()
    # Workers import the project from this checkout, as the test does.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))}
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], cwd=PROJECT, env=env, stdout=open(logs / "scheduler.log", "w"),
                              stderr=subprocess.STDOUT, start_new_session=True)]
    time.sleep(2)
    for i in range(2):
        procs.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                       "--no-dashboard", "--host", "127.0.0.1"], cwd=PROJECT, env=env,
                                      stdout=open(logs / f"worker{i}.log", "w"), stderr=subprocess.STDOUT,
                                      start_new_session=True))
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
    yield address, [proc.pid for proc in procs]
    for proc in reversed(procs):
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def rows(wh: Warehouse, table: str, schema: str = "main") -> list[tuple]:
    cols = [c for c in column_names(table) if c not in RUN_COLUMNS]
    frame = wh.query(f"select {', '.join(cols)} from {schema}.{table}")
    return sorted(tuple(None if v != v else v for v in r) for r in frame.values.tolist())


def test_dask_cluster_publishes_exactly_what_a_serial_run_does(dask_cluster, tmp_path):
    serial = Settings(dir=tmp_path / "serial", batch_size=2)
    # The cluster stages to a lake given as a URL outside the warehouse directory, as a cluster
    # stages to shared storage.
    lake = f"file://{tmp_path / 'shared-lake'}"
    parallel = Settings(dir=tmp_path / "parallel", batch_size=2, lake=lake)
    one = run_ingest([str(EXAMPLES)], serial)
    address, cluster_pids = dask_cluster
    two = run_ingest([str(EXAMPLES)], parallel, dask_address=address)
    assert (two.published_articles, two.quarantined_articles) == (one.published_articles, one.quarantined_articles)
    a, b = Warehouse(serial.warehouse_dir), Warehouse(parallel.warehouse_dir)
    assert a.query("select count(distinct batch_id) as n from articles").n[0] > 2
    for table in ARTICLE_TABLES:
        assert rows(a, table) == rows(b, table), table
        assert rows(a, table, QUARANTINE_SCHEMA) == rows(b, table, QUARANTINE_SCHEMA), table
    assert len(rows(a, "quotes")) == 88  # published quotes; the one without a speaker is held alone
    ledger = "select path, status, reason, n_published, n_quarantined from files order by path"
    assert a.query(ledger).values.tolist() == b.query(ledger).values.tolist()
    batches = b.query("select staged_path from batches").staged_path.tolist()
    assert batches and all(p.startswith(str(tmp_path / "shared-lake" / "batches")) for p in batches)
    assert all((Path(p) / "quotes.parquet").exists() for p in batches)
    assert not (parallel.warehouse_dir / "batches").exists()
    assert_no_worker_started_a_prefect_server(cluster_pids)


def assert_no_worker_started_a_prefect_server(cluster_pids: list[int]) -> None:
    """The workers report to the API of the process that runs the flow: none of them started a
    temporary Prefect server of its own (one per worker was the cost that made two workers
    slower than one)."""
    import psutil

    servers = [c for pid in cluster_pids for c in psutil.Process(pid).children(recursive=True)
               if "prefect.server.api.server:create_app" in " ".join(c.cmdline())]
    assert servers == []
