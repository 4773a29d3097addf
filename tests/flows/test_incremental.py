"""Reruns read no unchanged file; a touched file is hashed once; a changed file is a new version."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import flows.ingest
from flows.runner import run_ingest
from flows.settings import Settings
from warehouse.store import Warehouse

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"


def test_rerun_reads_only_what_changed(tmp_path, monkeypatch):
    dumps = tmp_path / "dumps"
    shutil.copytree(EXAMPLES, dumps)
    settings = Settings(dir=tmp_path / "wh")
    wh = Warehouse(settings.warehouse_dir)
    reads: list[str] = []
    real_read = flows.ingest.read_input

    def counting_read(path):
        reads.append(Path(path).name)
        return real_read(path)

    monkeypatch.setattr(flows.ingest, "read_input", counting_read)
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
    assert versions == ["published", "published"]
    # A retitled copy whose body did not change is a duplicate, not a new article.
    story.write_text("A new headline\n" + story.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    assert run_ingest([str(dumps)], settings).file_status[str(story)] == "duplicate"
    assert wh.table_counts()["articles"] == before["articles"] + 1
