"""Run the ingest flow with our Prefect settings (no server needed: Prefect's temporary one)."""
from __future__ import annotations

from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from flows.ingest import RunSummary, ingest
from flows.settings import Settings
from warehouse.store import Warehouse


def run_ingest(paths: list[str], settings: Settings) -> RunSummary:
    """Run the flow; usage errors (warehouse locked) are raised before Prefect starts a run, so
    they reach the user as one line instead of a failed flow run with a traceback."""
    Warehouse(settings.warehouse_dir).check_unlocked()
    # Flow-run heartbeats only help a server detect crashed runs; the thread costs ~1 s at exit.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return ingest(paths, settings)
