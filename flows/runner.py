"""Run the ingest flow with our Prefect settings (no server needed: Prefect's temporary one)."""
from __future__ import annotations

from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from flows.ingest import RunSummary, ingest
from flows.settings import Settings


def run_ingest(paths: list[str], settings: Settings) -> RunSummary:
    # Flow-run heartbeats only help a server detect crashed runs; the thread costs ~1 s at exit.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return ingest(paths, settings)
