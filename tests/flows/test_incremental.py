"""Reruns read no unchanged file; a touched file is hashed once; a changed file is a new version."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import flows.scan
from flows.runner import run_ingest
from flows.settings import Settings
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # the whole flow, with Prefect's temporary server

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"


def count_reads(monkeypatch) -> list[str]:
    """The names of the files the flow reads, in order (the real read, counted)."""
    reads: list[str] = []
    real_read = flows.scan.read_parsed

    def counting_read(path, limits):
        reads.append(Path(path).name)
        return real_read(path, limits)

    monkeypatch.setattr(flows.scan, "read_parsed", counting_read)
    return reads


def test_rerun_reads_only_what_changed(tmp_path, monkeypatch):
    dumps = tmp_path / "dumps"
    shutil.copytree(EXAMPLES, dumps)
    settings = Settings(dir=tmp_path / "wh")
    wh = Warehouse(settings.warehouse_dir)
    reads = count_reads(monkeypatch)
    first = run_ingest([str(dumps)], settings)
    assert len(reads) == first.files_seen == 14

    reads.clear()
    again = run_ingest([str(dumps)], settings)
    assert reads == [] and again.already_ingested == 14

    story = dumps / "text" / "council-bridge.txt"
    os.utime(story, ns=(story.stat().st_atime_ns, story.stat().st_mtime_ns + 5_000_000_000))
    reads.clear()
    touched = run_ingest([str(dumps)], settings)
    assert reads == ["council-bridge.txt"] and touched.already_ingested == 14
    reads.clear()
    run_ingest([str(dumps)], settings)
    assert reads == []  # the ledger learned the new mtime

    before = wh.table_counts()
    story.write_text(story.read_text(encoding="utf-8") + "\nThe council will publish the contract on Friday.\n",
                     encoding="utf-8")
    reads.clear()
    changed = run_ingest([str(dumps)], settings)
    assert reads == ["council-bridge.txt"]
    assert changed.published_articles == 1
    versions = wh.query("select status from files where path = ? order by mtime_ns", [str(story)]).status.tolist()
    assert versions == ["superseded", "published"]  # the newer version replaced the older one
    # A retitled copy whose body did not change is a duplicate, not a new article.
    story.write_text("A new headline\n" + story.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    assert run_ingest([str(dumps)], settings).file_status[str(story)] == "duplicate"
    assert wh.table_counts()["articles"] == before["articles"]  # one version of the story published
    assert wh.table_counts()["history.articles"] == 1


def test_a_run_over_its_memory_hold_reads_files_again_batch_by_batch(tmp_path, monkeypatch):
    """hold_mb=0: nothing is kept from the first reading; every file to batch is read again
    for its batch, and the warehouse ends the same as a run that kept everything."""
    dumps = tmp_path / "dumps"
    shutil.copytree(EXAMPLES, dumps)
    reads = count_reads(monkeypatch)
    kept = run_ingest([str(dumps)], Settings(dir=tmp_path / "kept"))
    assert len(reads) == 14
    reads.clear()
    streamed = run_ingest([str(dumps)], Settings(dir=tmp_path / "streamed", hold_mb=0))
    # The 2 rejected files (broken.jsonl, corrupt.txt.gz) are decided on the first reading; the 12 others are read twice.
    assert len(reads) == 14 + 12 and sorted(set(reads)) == sorted(set(reads[:14]))
    assert sorted(n for n in reads[14:]) == sorted(n for n in reads[:14] if n not in {"broken.jsonl", "corrupt.txt.gz"})
    assert {Path(p).name: s for p, s in streamed.file_status.items()} == \
        {Path(p).name: s for p, s in kept.file_status.items()}
    assert (streamed.published_articles, streamed.quarantined_articles) == \
        (kept.published_articles, kept.quarantined_articles)
    streamed_counts = Warehouse(tmp_path / "streamed").table_counts()
    kept_counts = Warehouse(tmp_path / "kept").table_counts()
    # The same rows everywhere, but for the time the streamed run spent reading its batch again.
    assert streamed_counts == {**kept_counts, "stage_timings": kept_counts["stage_timings"] + 1}
    stages = Warehouse(tmp_path / "streamed").query("select stage from stage_timings order by stage").stage
    assert stages.tolist() == ["audit", "clean", "nlp", "publish", "read", "rules", "stage"]


def test_a_file_that_changes_between_the_two_readings_is_rejected_for_this_run(tmp_path, monkeypatch):
    dumps = tmp_path / "dumps"
    shutil.copytree(EXAMPLES / "text", dumps)
    story = dumps / "council-bridge.txt"
    real_read = flows.scan.read_parsed
    count = {"story": 0}

    def changing_read(path, limits):
        if Path(path) == story:
            count["story"] += 1
            if count["story"] == 2:  # someone appends to the file between the run's two readings
                story.write_text(story.read_text(encoding="utf-8") + "\nA late line.\n", encoding="utf-8")
        return real_read(path, limits)

    monkeypatch.setattr(flows.scan, "read_parsed", changing_read)
    settings = Settings(dir=tmp_path / "wh", hold_mb=0)
    first = run_ingest([str(dumps)], settings)
    assert first.file_status[str(story)] == "rejected"
    assert first.rejected_files[str(story)] == "the file changed while this run read it; the next run reads it again"
    again = run_ingest([str(dumps)], settings)
    assert again.file_status[str(story)] == "published" and again.published_articles == 1
