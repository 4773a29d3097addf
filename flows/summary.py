"""The no-op check that answers a rerun over unchanged files without starting Prefect, loading
the model or importing GX (the flow would find nothing to do, after several seconds of
start-up), and the input scan it shares with the flow; a finished run's summary as one line
(a scheduled run's line in `wirehouse serve`, the Prefect run's last log line) and as the
Markdown of its Prefect artifact."""

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
    seen = warehouse.ledger_stats() if warehouse.db_path.exists() else {}
    return list(stats), [p for p, stat in stats.items() if not unchanged(stat, seen.get(p, set()))]


def unchanged_run(paths: list[str], settings: Settings) -> tuple[RunSummary | None, list[str]]:
    """When every file under `paths` is in the warehouse's ledger with the same size and mtime,
    record the run (a `runs` row, the report rewritten) and return its summary; otherwise None,
    and the flow does the run. With the files to read (scan_inputs). Nothing is read but
    directory entries and the ledger."""
    from warehouse.ledger import finish_run, new_run_id, open_run, utc_now
    from warehouse.store import Warehouse

    warehouse = Warehouse.from_settings(settings)
    if not warehouse.db_path.exists():
        return None, scan_inputs(warehouse, paths)[1]
    started_at, run_id, inputs = utc_now(), new_run_id("run"), "; ".join(paths)
    with warehouse.run_lock():
        all_paths, to_read = scan_inputs(warehouse, paths)
        if to_read:
            return None, to_read
        warehouse.initialise()  # an older warehouse upgraded, as the flow would
        open_run(warehouse, run_id, started_at=started_at, inputs=inputs)
        return finish_run(
            warehouse,
            run_id,
            started_at=started_at,
            inputs=inputs,
            files_seen=len(all_paths),
            already_ingested=all_paths,
        ), []


ARTIFACT_KEY = "wirehouse-run"  # every run's artifact under one key: the Prefect UI lists them as versions
REJECTED_LISTED = 20  # rejected files the artifact names, with their reasons


def summary_line(summary: RunSummary) -> str:
    """One line for a finished run."""
    if summary.already_ingested == summary.files_seen and not summary.rejected_files:
        return f"{summary.run_id}: nothing new ({summary.files_seen} files already ingested)"
    return (
        f"{summary.run_id}: {summary.files_seen} files seen, {summary.published_articles} articles "
        f"published, {summary.quarantined_articles} held, {len(summary.rejected_files)} files "
        f"rejected, {summary.duplicate_files} duplicate files; report {summary.report_path}"
    )


def _cell(value: object) -> str:
    """Text for a Markdown table cell (a pipe would end the cell, a line break the row)."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def summary_markdown(summary: RunSummary) -> str:
    """The run's summary table, its held articles by rule, its rejected files and the report's
    path, as Markdown (the run's Prefect artifact)."""
    rows = [
        ("files seen", summary.files_seen),
        ("already ingested (skipped)", summary.already_ingested),
        ("articles published", summary.published_articles),
        ("articles held", summary.quarantined_articles),
        ("quotes held alone", summary.quarantined_quotes),
        ("duplicate files", summary.duplicate_files),
        ("files rejected", len(summary.rejected_files)),
        ("batches left staged", len(summary.deferred_batches)),
    ]
    lines = [f"# Wirehouse {summary.run_id}", "", "| | |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    if summary.quarantine_reasons:
        lines += ["", "| held for | articles |", "|---|---:|"]
        lines += [f"| {_cell(rule)} | {n} |" for rule, n in sorted(summary.quarantine_reasons.items())]
    if summary.rejected_files:
        lines += ["", "| rejected file | reason |", "|---|---|"]
        shown = sorted(summary.rejected_files.items())[:REJECTED_LISTED]
        lines += [f"| {_cell(path)} | {_cell(reason)} |" for path, reason in shown]
        if len(summary.rejected_files) > REJECTED_LISTED:
            lines.append(f"| ... and {len(summary.rejected_files) - REJECTED_LISTED} more | |")
    lines += ["", f"Warehouse: `{summary.warehouse}`", "", f"Quality report: `{summary.report_path}`", ""]
    return "\n".join(lines)
