"""A run's first reading of its inputs: which files are new, what becomes of each (rejected,
duplicate, new version), and the run's line statistics for the corpus boilerplate.

Unchanged files (the same size and mtime as in the ledger) are not read at all. New files are
read and parsed a chunk at a time (Settings.parse_chunk_files); those that can be batched are
kept whole up to Settings.hold_mb, then as released stubs (ParsedFile.released) that
`read_again` loads when their batch comes, so memory does not grow with the corpus.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.progress import RunProgress
from flows.settings import Settings
from flows.summary import scan_inputs
from transforms.corpus import LineCounter
from transforms.ingest import ParsedFile, mark_duplicates, mark_versions, reloaded
from transforms.parse import InputLimits
from transforms.pipeline import batch_sources, run_lines
from transforms.warc import is_warc
from warehouse.ledger import Publisher
from warehouse.raw import read_parsed
from warehouse.store import Warehouse
from warehouse.warc import WarcReading, load_warc_part, read_warc


def _parse_name(parameters: dict[str, Any]) -> str:
    """A reading task run's name in Prefect."""
    return f"read {len(parameters['paths'])} files"


@task(cache_policy=NO_CACHE, task_run_name=_parse_name)  # type: ignore[arg-type]  # see batch._process_name
def parse_files(paths: list[str], limits: InputLimits, warc: WarcReading | None = None) -> list[ParsedFile]:
    """The files read and parsed; a web archive (.warc, .warc.gz) is scanned record by record into
    segments of released stubs (warehouse.warc.read_warc), loaded batch by batch (read_again)."""
    parsed = []
    for path in paths:
        if is_warc(path):
            parsed += read_warc(Path(path), limits, warc or WarcReading())
            continue
        parsed.append(read_parsed(Path(path), limits))
    return parsed


def read_again(files: list[ParsedFile], limits: InputLimits) -> list[ParsedFile]:
    """A planned batch with its released files read and parsed again (ingest.reloaded)."""
    files = [load_warc_part(f) if f.warc is not None and f.released_count is not None else f for f in files]
    released = [f.path for f in files if f.released_count is not None]
    if not released:
        return files
    fresh = {f.path: f for f in parse_files(released, limits)}
    return [reloaded(f, fresh[f.path]) if f.path in fresh else f for f in files]


@dataclass
class Scanned:
    files: list[ParsedFile]  # to batch, in input order (beyond hold_mb as released stubs)
    learned: dict[str, frozenset[int]]  # the run's corpus boilerplate (LineCounter.learned)
    files_seen: int
    already_ingested: list[str]  # paths the ledger has unchanged
    seconds: float  # the whole first reading (RunRecord.seconds_read)


def scan(
    warehouse: Warehouse, publisher: Publisher, paths: list[str], settings: Settings, progress: RunProgress
) -> Scanned:
    """Read the new files under `paths` once, chunk by chunk: record the ones that reach no batch
    (rejected, duplicate bytes) in the ledger, touch the mtime of files read again unchanged, and
    count the lines of the rest."""
    reading = time.perf_counter()
    all_paths, to_read = scan_inputs(warehouse, paths)
    progress.reading(len(to_read), len(all_paths))
    ingested = warehouse.ingested_files()
    known_ids, known_paths = warehouse.known_file_ids(), warehouse.known_paths()
    counter, sources, hold = LineCounter(), set(), settings.hold_mb * 1e6
    to_batch: list[ParsedFile] = []
    new_paths: set[str] = set()
    chunk = settings.parse_chunk_files
    warc = WarcReading(settings.warc_filters, settings.batch_size, warehouse.warc_progress())
    for i in range(0, len(to_read), chunk):
        parsed = parse_files(to_read[i : i + chunk], settings.input_limits, warc)
        progress.read(len(parsed))
        warehouse.touch_files(
            [
                (f.file_id, f.path, f.mtime_ns)
                for f in parsed
                if (f.file_id, f.path) in ingested and f.mtime_ns is not None
            ]
        )
        new = [f for f in parsed if (f.file_id, f.path) not in ingested]
        new = mark_versions(mark_duplicates(new, known_ids), known_paths)
        for f in new:  # later chunks see this chunk's files as mark_duplicates saw them
            known_ids.setdefault(f.file_id, f.path)
        unbatched = [f for f in new if f.rejected is not None or f.duplicate_of is not None]
        if unbatched:
            publisher.record_unbatched(unbatched)
        batchable = [f for f in new if f.rejected is None and f.duplicate_of is None]
        counter.add_all(run_lines(batchable))
        sources.update(batch_sources(batchable))
        for f in batchable:
            hold -= sum(len(doc.content) for doc in f.documents)
            to_batch.append(f if hold >= 0 else f.released())
        new_paths.update(f.path for f in new)
    # Boilerplate lines, learned once for the run (earlier runs' statistics plus this run's lines).
    learned = counter.learned(warehouse.line_counts(sorted(sources)), settings.boilerplate_min_articles)
    return Scanned(
        to_batch, learned, len(all_paths), sorted(set(all_paths) - new_paths), time.perf_counter() - reading
    )
