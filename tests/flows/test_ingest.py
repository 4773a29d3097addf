"""The real Prefect flow end to end on examples/dumps, into a temporary DuckDB warehouse."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from expectations import rule_ids
from flows.batch import STAGES
from flows.runner import run_ingest
from flows.settings import Settings
from transforms.rules import match_residue
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # the whole flow, with Prefect's temporary server

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"
EXPECTED = json.loads((PROJECT / "examples" / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    settings = Settings(dir=tmp_path_factory.mktemp("warehouse"))
    summary = run_ingest([str(EXAMPLES)], settings)
    return summary, Warehouse(settings.warehouse_dir), settings


def test_summary_counts(sample):
    summary, _, _ = sample
    assert summary.files_seen == 14
    assert summary.published_articles == 14
    assert summary.quarantined_articles == 2
    assert summary.quarantine_reasons == {"articles.body_not_empty": 1, "articles.language_supported": 1}
    assert summary.quarantined_quotes == 1  # held alone: its article published
    assert summary.rejected_files == {
        str(EXAMPLES / "broken" / "broken.jsonl"): "invalid JSON on line 1: Unterminated string starting at (column 11)",
        str(EXAMPLES / "broken" / "corrupt.txt.gz"): "named .gz but not gzip data (bad magic number)",
    }
    assert Path(summary.report_path).is_file()


def test_every_file_is_accounted_for_once(sample):
    _, wh, _ = sample
    ledger = {Path(p).relative_to(EXAMPLES).as_posix(): (s, r) for p, s, r in
              wh.query("select path, status, reason from files").values.tolist()}
    on_disk = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*") if p.is_file())
    assert sorted(ledger) == on_disk
    # Its quote without a speaker is held alone; the file and its article publish.
    assert ledger["text/quarry-lockout.txt"][0] == "published" and pd.isna(ledger["text/quarry-lockout.txt"][1])
    assert ledger["jsonl/wire-feed.jsonl"] == ("quarantined", "articles.body_not_empty")
    assert ledger["text/fahrrad-bruecke.txt"] == ("quarantined", "articles.language_supported")
    assert ledger["broken/broken.jsonl"][0] == "rejected"
    published = [k for k, (s, _) in ledger.items() if s == "published"]
    assert len(published) == 10


def test_direct_and_partial_quotes_have_the_expected_speakers(sample):
    _, wh, _ = sample
    rows = wh.query("select a.source_uri, q.text, q.kind, q.speaker from quotes q join articles a using (article_id) "
                    "where q.kind <> 'indirect'").values.tolist()
    expected = [q for q in EXPECTED["quotes"] if q["kind"] != "indirect"]
    assert len(rows) == len(expected) == 43
    for want in expected:
        suffix = want["file"] + (f"#{want['record_index']}" if "jsonl" in want["file"] else "")
        found = [r for r in rows if r[0].endswith(suffix) and r[1].startswith(want["text_startswith"])]
        assert len(found) == 1, f"quote {want['text_startswith']!r} in {suffix}: {found}"
        assert found[0][2:] == [want["kind"], want["speaker"]], want["text_startswith"]


def test_indirect_quotes_have_the_expected_speakers(sample):
    _, wh, _ = sample
    rows = wh.query("select a.source_uri, q.speaker from quotes q join articles a using (article_id) "
                    "where q.kind = 'indirect'").values.tolist()
    expected = sorted((q["file"] + (f"#{q['record_index']}" if "jsonl" in q["file"] else ""), q["speaker"])
                      for q in EXPECTED["quotes"] if q["kind"] == "indirect")
    got = sorted((str(Path(uri).relative_to(EXAMPLES).as_posix()), speaker) for uri, speaker in rows)
    assert got == expected


def test_specific_quote_rows(sample):
    _, wh, _ = sample
    rows = wh.query("""select left(q.text, 30) as text, q.kind, q.speaker, q.cue, q.according_to, q.attribution
                       from quotes q join articles a using (article_id)
                       where a.source_uri like '%shipyard-reopening.txt' order by q.start_char""").values.tolist()
    assert [[None if v != v else v for v in r] for r in rows] == [
        ["the company would hire 40 work", "indirect", "Marcus Feld", "said", None, "cue"],
        ["This yard built half the boats", "direct", "Marcus Feld", "said", None, "cue"],
        ["We have orders for six hybrid ", "direct", "Marcus Feld", "said", None, "cue"],
        ["The first hull will be in the ", "direct", "Marcus Feld", None, None, "follow_on"],
        ["Port Alder has the deepest wat", "direct", "Marcus Feld", "said", "Harbor Gazette", "cue"],
        ["the deal", "indirect", "Harbor Gazette", "reported", None, "cue"],  # "which first reported the deal"
        ["the news", "indirect", "Bernadette Kwan", "welcomed", None, "cue"],
        ["wages would be the real test o", "indirect", "Bernadette Kwan", "said", None, "cue"],
        ["Forty jobs is a start. We’ll b", "direct", "Bernadette Kwan", "said", None, "cue"],
        # "The company expects to complete ...": no company is named as one, the words as written.
        ["to complete safety inspections", "indirect", "company", "expects", None, "description"],
    ]


def test_speakers_are_full_names(sample):
    _, wh, _ = sample
    # Named speakers are full names; an anonymous group stays as written ("researchers").
    speakers = wh.query("select speaker, count(*) as n from quotes where speaker_entity_id is not null "
                        "group by 1 order by 1").values.tolist()
    assert all(s is not None and len(s.split()) >= 2 for s, _ in speakers), speakers
    names = {s for s, _ in speakers}
    assert {"Denise Okafor", "Marcus Feld", "Lena Whitcombe", "Tobias Wren", "Hannah Orsini"} <= names
    assert not names & {"Okafor", "Feld", "Whitcombe"}


def test_quarantined_articles_stay_out_of_published_tables(sample):
    _, wh, _ = sample
    quarantined = wh.query("select article_id, source_uri, reason from quarantine.articles order by source_uri")
    assert sorted((Path(u).name, r) for u, r in quarantined[["source_uri", "reason"]].values.tolist()) == [
        ("fahrrad-bruecke.txt", "articles.language_supported"), ("wire-feed.jsonl#3", "articles.body_not_empty")]
    german = wh.query("select language, title from quarantine.articles where source_uri like '%fahrrad%'")
    assert german.values.tolist() == [["de", "Neue Radbrücke über die Elde soll im Frühjahr öffnen"]]
    # Not analysed as English: no entities or quotes were made up for it.
    assert wh.query("select count(*) as n from quarantine.quotes q join quarantine.articles a using (article_id) "
                    "where a.language = 'de'").n[0] == 0
    ids = quarantined.article_id.tolist()
    for table in ("articles", "paragraphs", "sentences", "quotes", "mentions", "entities", "residue"):
        leaked = wh.query(f"select count(*) as n from {table} where article_id in (select unnest(?))", [ids]).n[0]
        assert leaked == 0, table
    unattributed = wh.query("select q.text, q.reason, a.source_uri from quarantine.quotes q join articles a "
                            "using (article_id) where q.speaker is null").values.tolist()
    assert [(t, r, Path(u).name) for t, r, u in unattributed] == [
        ("Nobody told us anything about the closure.", "quotes.speaker_not_null", "quarry-lockout.txt")]
    failed = wh.query("select expectation, unexpected_count from quality_results where not success order by 1")
    assert failed.values.tolist() == [
        ["articles.body_not_empty", 1], ["articles.language_supported", 1], ["quotes.speaker_not_null", 1]]
    assert wh.query("select count(*) as n from articles where language <> 'en' or language is null").n[0] == 0


def test_no_residue_line_in_published_bodies(sample):
    _, wh, _ = sample
    bodies = wh.query("select body from articles").body.tolist()
    assert all(match_residue(line) is None for body in bodies for line in body.split("\n"))
    removed = wh.query("select rule_id, count(*) as n from residue group by 1").set_index("rule_id").n.to_dict()
    assert removed["error-oops"] >= 2 and removed["share-bar"] >= 2


def test_offsets_point_into_bodies(sample):
    _, wh, _ = sample
    bad = wh.query("""select count(*) as n from quotes q join articles a using (article_id)
                      where substr(a.body, q.start_char + 1, q.end_char - q.start_char) <> q.text""").n[0]
    assert bad == 0


def test_rerun_adds_no_rows_and_a_copy_is_a_duplicate(sample, tmp_path):
    summary, wh, settings = sample
    before = wh.table_counts()
    again = run_ingest([str(EXAMPLES)], settings)
    assert again.already_ingested == 14
    assert (again.published_articles, again.quarantined_articles) == (0, 0)
    after = wh.table_counts()
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert after["runs"] == before["runs"] + 1

    copy = tmp_path / "copy-of-council.txt"
    shutil.copy(EXAMPLES / "text" / "council-bridge.txt", copy)
    third = run_ingest([str(copy)], settings)
    assert third.file_status == {str(copy): "duplicate"}
    status, reason = wh.query("select status, reason from files where path = ?", [str(copy)]).values.tolist()[0]
    assert status == "duplicate" and reason.startswith("same bytes as ") and reason.endswith("council-bridge.txt")
    assert wh.table_counts()["articles"] == after["articles"]


QUARANTINE_CASE = """Residents question depot plan

  • Oops!
    Something went wrong.
    Please try again later.

The county posted a notice about the new bus depot on Friday.

“Nobody asked the people who live on Mill Road <script>alert(1)</script>.”

Commissioner Hal Brennan said the county would hold a hearing in March.
"""

GOOD_CASE = """Library extends weekend hours

Share this article

The Norbury library will open on Sundays from next month, Director Ada Quill said on Monday.

“Families asked for it, and we listened,” Quill said.
"""


def test_a_quote_without_speaker_is_held_alone_and_the_report_escapes_it(tmp_path):
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "depot.txt").write_text(QUARANTINE_CASE, encoding="utf-8")
    (dumps / "library.txt").write_text(GOOD_CASE, encoding="utf-8")
    settings = Settings(dir=tmp_path / "wh")
    summary = run_ingest([str(dumps)], settings)
    wh = Warehouse(settings.warehouse_dir)
    assert (summary.published_articles, summary.quarantined_articles, summary.quarantined_quotes) == (2, 0, 1)
    assert wh.query("select title from articles order by 1").title.tolist() == [
        "Library extends weekend hours", "Residents question depot plan"]
    held = wh.query("select text, reason from quarantine.quotes").values.tolist()
    assert held == [["Nobody asked the people who live on Mill Road <script>alert(1)</script>.",
                     "quotes.speaker_not_null"]]
    # "The library will open ..., Director Ada Quill said": reported speech, clause first.
    assert wh.query("select speaker, kind from quotes order by 1, 2").values.tolist() == [
        ["Ada Quill", "direct"], ["Ada Quill", "indirect"], ["Hal Brennan", "indirect"]]
    html = Path(summary.report_path).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_batches_stage_and_archive_in_a_lake_url(sample, tmp_path):
    """Staging and archive on an fsspec URL (the in-memory filesystem here; s3://, gs://, a shared
    mount elsewhere): the same rows are published and no batch file is written locally."""
    from warehouse.lake import Lake

    _, wh, _ = sample
    lake_url = f"memory://wirehouse-{tmp_path.name}/lake"
    settings = Settings(dir=tmp_path / "wh", lake=lake_url)
    summary = run_ingest([str(EXAMPLES)], settings)
    assert (summary.published_articles, summary.quarantined_articles) == (14, 2)
    other = Warehouse(settings.warehouse_dir)
    quotes = "select article_id, text, speaker from quotes order by all"
    assert other.query(quotes).values.tolist() == wh.query(quotes).values.tolist()
    staged = other.query("select staged_path from batches").staged_path.tolist()
    assert staged and all(p.startswith(f"memory:///wirehouse-{tmp_path.name}/lake/batches/run-") for p in staged)
    lake = Lake(lake_url)
    assert all(lake.exists("batches", p.rsplit("/", 1)[1], "quotes.parquet") for p in staged)
    assert sorted(p.name for p in settings.warehouse_dir.iterdir()) == ["reports", "run.lock", "wirehouse.duckdb"]
    lake.remove()


def test_one_worker_pipeline_in_small_batches_publishes_what_one_batch_does(tmp_path):
    """With one worker the flow cleans the next batch and audits the previous one while a batch
    is in the NLP stage. In batches of 2 articles the warehouse must end as with one batch, and a
    retitled copy whose original is still in flight in the batch before is a duplicate all the
    same (found at publish time)."""
    dumps = tmp_path / "dumps"
    shutil.copytree(EXAMPLES, dumps)
    story = dumps / "text" / "shipyard-reopening.txt"
    copy = dumps / "text2" / "shipyard-reopening.txt"
    copy.parent.mkdir()
    copy.write_text("Shipyard reopens, updated\n" + story.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    whole = run_ingest([str(dumps)], Settings(dir=tmp_path / "whole"))
    small = run_ingest([str(dumps)], Settings(dir=tmp_path / "small", batch_size=2))
    small_wh, whole_wh = Warehouse(tmp_path / "small"), Warehouse(tmp_path / "whole")
    batches = small_wh.query("select path, batch_id from files").set_index("path").batch_id.to_dict()
    assert batches[str(story)] != batches[str(copy)]  # the original and its copy in different batches
    assert small.file_status[str(copy)] == whole.file_status[str(copy)] == "duplicate"
    assert small.file_status == whole.file_status
    assert (small.published_articles, small.quarantined_articles, small.quarantine_reasons) == \
        (whole.published_articles, whole.quarantined_articles, whole.quarantine_reasons)
    counts = small_wh.table_counts()
    per_batch = {"batches": 1, "quality_results": len(rule_ids()), "stage_timings": len(STAGES) + 1}  # + publish
    assert {t: counts.pop(t) for t in per_batch} == {t: 7 * n for t, n in per_batch.items()}
    assert counts == {t: n for t, n in whole_wh.table_counts().items() if t not in per_batch}
    assert small_wh.query("select * from line_stats order by all").equals(whole_wh.query("select * from line_stats order by all"))
    quotes = "select q.text, q.speaker, a.title from quotes q join articles a using (article_id) order by all"
    assert small_wh.query(quotes).equals(whole_wh.query(quotes))
