"""What a run reports, and the no-op check that answers a rerun over unchanged files without
starting Prefect, loading the model or importing GX (the flow would find nothing to do, after
several seconds of start-up)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flows.settings import Settings


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id(kind: str) -> str:
    """ "run-..." or "reprocess-...": the start time and a random suffix."""
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@dataclass
class RunSummary:
    run_id: str
    warehouse: str
    files_seen: int = 0
    already_ingested: int = 0
    published_articles: int = 0
    quarantined_articles: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    duplicate_files: int = 0
    rejected_files: dict[str, str] = field(default_factory=dict)  # path -> reason
    file_status: dict[str, str] = field(default_factory=dict)  # path -> status
    report_path: str = ""
    seconds_read: float = 0.0  # reading and parsing inputs, line statistics (RunRecord.seconds_read)


def scan_inputs(warehouse, paths: list[str]) -> tuple[list[str], list[str]]:
    """(every input file under `paths`, those to read): a file with the same size and mtime as a
    ledger row of its path is not read again."""
    from transforms.ingest import unchanged
    from warehouse.raw import discover_with_stats

    stats = discover_with_stats([Path(p) for p in paths])
    seen = warehouse.ledger_stats()
    return list(stats), [p for p, stat in stats.items() if not unchanged(stat, seen.get(p, set()))]


def unchanged_run(paths: list[str], settings: Settings) -> RunSummary | None:
    """When every file under `paths` is in the warehouse's ledger with the same size and mtime,
    record the run (a `runs` row, the report rewritten) and return its summary; otherwise None,
    and the flow does the run. Nothing is read but directory entries and the ledger."""
    from warehouse.store import Warehouse

    warehouse = Warehouse.from_settings(settings)
    if not warehouse.db_path.exists():
        return None
    started = utc_now()
    with warehouse.run_lock():
        all_paths, to_read = scan_inputs(warehouse, paths)
        if to_read:
            return None
        summary = RunSummary(
            run_id=new_run_id("run"),
            warehouse=str(warehouse.root),
            files_seen=len(all_paths),
            already_ingested=len(all_paths),
            file_status=dict.fromkeys(all_paths, "already ingested"),
        )
        finish_run(warehouse, summary, started, "; ".join(paths))
    return summary


def finish_run(warehouse, summary: RunSummary, started: str, inputs: str, flow_run_id: str = "") -> None:
    """Record the run in `runs` and rewrite the quality report."""
    from transforms.records import RunRecord
    from warehouse.report import write_report

    warehouse.record_run(
        RunRecord(
            run_id=summary.run_id,
            flow_run_id=flow_run_id,
            started_at=started,
            finished_at=utc_now(),
            inputs=inputs,
            n_files=summary.files_seen,
            n_published=summary.published_articles,
            n_quarantined=summary.quarantined_articles,
            n_rejected=len(summary.rejected_files),
            n_duplicates=summary.duplicate_files,
            seconds_read=round(summary.seconds_read, 4),
        )
    )
    summary.report_path = str(write_report(warehouse))
