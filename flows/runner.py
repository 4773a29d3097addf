"""Run the ingest flow with our Prefect settings (no server needed: Prefect's temporary one)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from flows.ingest import ingest, reprocess
from flows.prefect_env import PrefectApiUnavailable, check_schedule, startup_timeout, temporary_api
from flows.settings import Settings
from warehouse.ledger import RunSummary
from warehouse.store import Warehouse


def run_ingest(
    paths: list[str], settings: Settings, workers: int = 1, dask_address: str | None = None
) -> RunSummary:
    """Run the flow; usage errors (warehouse locked) are raised before Prefect starts a run, so
    they reach the user as one line instead of a failed flow run with a traceback.

    workers > 1 starts a local Dask cluster of that many single-threaded worker processes;
    dask_address uses an existing cluster (tcp://host:port). Either way the spaCy model loads
    once per worker process, and only this process writes the DuckDB file."""
    Warehouse.from_settings(settings).check_unlocked()
    # Flow-run heartbeats only help a server detect crashed runs; the thread costs ~1 s at exit.
    quiet = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if workers <= 1 and not dask_address:
        with temporary_settings(updates=quiet):
            return ingest(paths, settings)
    from prefect_dask import DaskTaskRunner

    from flows.warm import LOCAL_CLUSTER

    logging.getLogger("distributed").setLevel(logging.WARNING)  # not the cluster's INFO chatter
    runner = (
        DaskTaskRunner(address=dask_address)
        if dask_address
        else DaskTaskRunner(cluster_kwargs={"n_workers": workers, **LOCAL_CLUSTER})
    )
    with shared_prefect_api(), temporary_settings(updates=quiet):
        # prefect-dask's DaskTaskRunner subclasses the bare TaskRunner, so it is typed as a
        # TaskRunner[PrefectConcurrentFuture] (the TypeVar default), not the TaskRunner[PrefectFuture]
        # that with_options asks for.
        return ingest.with_options(task_runner=runner)(  # type: ignore[arg-type]  # prefect-dask's typing
            paths, settings, workers=max(workers, 2)
        )


@contextmanager
def shared_prefect_api() -> Iterator[str]:
    """The Prefect API every process of the run reports to.

    Without a configured PREFECT_API_URL, Prefect starts a temporary server in each process that
    needs one, so each Dask worker would start (and wait for) its own, and its task runs would land
    in a database nobody reads. Here the temporary server is started once, in this process
    (flows.prefect_env.temporary_api), and its URL goes into the settings Prefect ships with every
    task and into the environment that local workers inherit. A configured API (a server, Prefect
    Cloud) is used as it is: for workers on other machines it must be reachable from them."""
    from prefect.settings import PREFECT_API_URL

    configured = PREFECT_API_URL.value()
    if configured:
        yield configured
        return
    with temporary_api() as api:
        api.wait(startup_timeout())
        with temporary_settings(updates={PREFECT_API_URL: api.url}):
            yield api.url


def check_prefect_api() -> str:
    """The configured Prefect API URL, after a health check; raises PrefectApiUnavailable."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise PrefectApiUnavailable(
            "schedules need a running Prefect API: start one with `prefect server start --host "
            "127.0.0.1` and "
            "set PREFECT_API_URL=http://127.0.0.1:4200/api, or log in to Prefect Cloud"
        )
    with get_client(sync_client=True) as client:
        error = client.api_healthcheck()
    if error is not None:
        raise PrefectApiUnavailable(
            f"the Prefect API at {url} is not reachable ({type(error).__name__}: {error})"
        )
    return url


def serve_ingest(
    landing: str,
    settings: Settings,
    interval: float | None,
    cron: str | None,
    ready: Callable[[], None] = lambda: None,
    running: Callable[[bool], None] = lambda busy: None,
) -> None:
    """Register the `wirehouse-landing` deployment with its schedule and execute its runs until
    stopped; each scheduled run ingests what is new in the landing folder. `ready` is called once
    the schedule, the API and the warehouse lock are checked and the model is warm, before
    serving; `running(True/False)` around each run (the CLI's stop handler reads it).

    The runs execute in this process, one after another, with the spaCy model, the Great
    Expectations suites and the cleaning libraries loaded once (Prefect's own `serve` starts a
    new process for every run, which pays the whole start-up each time). Each run is a real
    Prefect flow run of the deployment: Scheduled, Pending, Running, then its final state, with
    its logs and artifact. Runs that fall due while one is executing wait for it and then run in
    the order they were scheduled (each finds only what is new). Polls the API every
    PREFECT_RUNNER_POLL_FREQUENCY seconds and starts a run when it is due."""
    import httpx
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.exceptions import Abort, PrefectHTTPStatusError
    from prefect.flow_engine import run_flow
    from prefect.settings import PREFECT_RUNNER_POLL_FREQUENCY
    from prefect.states import Pending
    from prefect.utilities.engine import propose_state_sync

    from flows.warm import warm_all

    check_schedule(interval, cron)
    check_prefect_api()
    Warehouse.from_settings(settings).check_unlocked()
    from flows import parser

    warm_all(settings)  # starts the parser process, which loads the model while GX loads here
    parser.ready(settings.spacy_model)
    # to_deployment and apply are sync here (Prefect's async_dispatch): typed as either.
    deployment: Any = ingest.to_deployment(
        name="wirehouse-landing",
        interval=interval,
        cron=cron,
        parameters={"paths": [landing], "warehouse_dir": str(settings.warehouse_dir)},
        # One run at a time, also across several `serve` processes of this deployment.
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
    )
    deployment_id: UUID = deployment.apply()
    warehouse = Warehouse.from_settings(settings)
    listed: dict = {}

    def look_ahead() -> None:
        """New files in the landing folder, handed to the parser process as they land, to be
        parsed before their run starts (flows.parser.read_ahead). The ledger is read only when
        the folder's listing (paths, sizes, mtimes) changed."""
        nonlocal listed
        from flows.summary import scan_inputs
        from warehouse.raw import discover_with_stats

        with suppress(Exception):  # the warehouse busy, a file gone: the run reads them anyway
            listing = discover_with_stats([Path(landing)], skip=[warehouse.root])
            if listing == listed:
                return
            to_read = scan_inputs(warehouse, [landing])[1]
            if to_read:
                parser.read_ahead(to_read, settings, warehouse)
            listed = listing

    ready()
    poll = max(0.2, float(PREFECT_RUNNER_POLL_FREQUENCY.value()))
    told = False
    with get_client(sync_client=True) as client:
        while True:
            soon = datetime.now(UTC) + timedelta(seconds=poll)
            try:
                due = client.get_scheduled_flow_runs_for_deployments([deployment_id], scheduled_before=soon)
            except (httpx.HTTPError, PrefectHTTPStatusError) as exc:
                # The API restarting, say: serving goes on, and says so once until it answers.
                if not told:
                    logging.getLogger("wirehouse").warning(
                        "the Prefect API did not answer (%s: %s); trying again every %g s",
                        type(exc).__name__,
                        exc,
                        poll,
                    )
                told = True
                time.sleep(poll)
                continue
            told = False
            look_ahead()
            if not due:
                time.sleep(poll)
                continue
            flow_run = min(due, key=lambda r: r.expected_start_time or soon)
            wait = ((flow_run.expected_start_time or soon) - datetime.now(UTC)).total_seconds()
            if wait > 0:
                time.sleep(wait)
            try:
                if not propose_state_sync(client, Pending(), flow_run_id=flow_run.id).is_pending():
                    continue  # another process took it, or it was cancelled meanwhile
            except Abort:
                continue
            running(True)
            try:
                pending = client.read_flow_run(flow_run.id)
                with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                    run_flow(ingest, flow_run=pending, parameters=pending.parameters, return_type="state")
            finally:
                running(False)


def run_reprocess(settings: Settings, since: datetime | None) -> RunSummary:
    """Reprocess stored raw documents (all, or those ingested by runs started at or after an
    aware datetime) with the current rules and model."""
    Warehouse.from_settings(settings).check_unlocked()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return reprocess(settings, since)


def cancel_current_flow_run(message: str, timeout_seconds: float) -> None:
    """Mark the flow run this process is running (if any) as Cancelled with this message, giving
    up after timeout_seconds (best effort: used on the way out after Ctrl-C)."""
    import threading

    from prefect.client.orchestration import get_client
    from prefect.context import FlowRunContext
    from prefect.states import Cancelled

    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    flow_run_id = context.flow_run.id

    def cancel() -> None:
        try:
            with get_client(sync_client=True) as client:
                client.set_flow_run_state(flow_run_id, Cancelled(message=message), force=True)
        except Exception:  # the API may be gone already; the run's own row says what happened
            pass

    worker = threading.Thread(target=cancel, daemon=True)
    worker.start()
    worker.join(timeout_seconds)
