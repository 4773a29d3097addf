"""The no-op check that answers a rerun over unchanged files without starting Prefect, loading
the model or importing GX (the flow would find nothing to do, after several seconds of
start-up), and the input scan it shares with the flow."""

from __future__ import annotations

from pathlib import Path

from flows.settings import Settings
from warehouse.ledger import RunSummary


def scan_inputs(warehouse, paths: list[str]) -> tuple[list[str], list[str]]:
    """(every input file under `paths`, those to read): a file with the same size and mtime as a
    ledger row of its path is not read again."""
    from transforms.ingest import unchanged
    from warehouse.raw import discover_with_stats

    stats = discover_with_stats([Path(p) for p in paths], skip=[warehouse.root])
    seen = warehouse.ledger_stats()
    return list(stats), [p for p, stat in stats.items() if not unchanged(stat, seen.get(p, set()))]


def unchanged_run(paths: list[str], settings: Settings) -> RunSummary | None:
    """When every file under `paths` is in the warehouse's ledger with the same size and mtime,
    record the run (a `runs` row, the report rewritten) and return its summary; otherwise None,
    and the flow does the run. Nothing is read but directory entries and the ledger."""
    from warehouse.ledger import finish_run, new_run_id, open_run, utc_now
    from warehouse.store import Warehouse

    warehouse = Warehouse.from_settings(settings)
    if not warehouse.db_path.exists():
        return None
    started_at, run_id, inputs = utc_now(), new_run_id("run"), "; ".join(paths)
    with warehouse.run_lock():
        all_paths, to_read = scan_inputs(warehouse, paths)
        if to_read:
            return None
        warehouse.initialise()  # an older warehouse upgraded, as the flow would
        open_run(warehouse, run_id, started_at=started_at, inputs=inputs)
        return finish_run(
            warehouse,
            run_id,
            started_at=started_at,
            inputs=inputs,
            files_seen=len(all_paths),
            already_ingested=all_paths,
        )
