"""The `wirehouse` command as a user runs it: real subprocesses, real warehouse."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # every test runs the `wirehouse` command as a subprocess

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"
WIREHOUSE = [sys.executable, "-m", "flows.cli"]


def wirehouse(*args: str, env: dict | None = None, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*WIREHOUSE, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def sample_cli(tmp_path_factory):
    wh = tmp_path_factory.mktemp("cli") / "wh"
    result = wirehouse("run", str(EXAMPLES), "--warehouse", str(wh))
    return result, wh


def test_run_prints_the_summary_and_nothing_alarming(sample_cli):
    result, wh = sample_cli
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    for line in ("files seen: 14", "articles published: 14", "articles quarantined: 2",
                 "1 × articles.body_not_empty", "1 × articles.language_supported",
                 "files rejected: 2",
                 "quotes published: 88", "quotes held: 1 (their articles published;", "top speakers: Denise Okafor (5), Marcus Feld (5)",
                 f"quality report: {wh / 'reports' / 'quality.html'}"):
        assert line in out, line
    # A clean run: off a terminal, stderr holds the run's progress as plain lines, and nothing
    # else (no tracebacks, telemetry or GX chatter).
    assert progress_messages(result.stderr) == [
        f"{run_id(result)}: 14 files to read", "read 14 of 14 files", "16 articles to analyse in 1 batch",
        f"batch {run_id(result)}-b0001 analysed", f"batch {run_id(result)}-b0001 published"]
    assert "1/1 batches, 16/16 articles, " in result.stderr


def run_id(result) -> str:
    return result.stdout.split()[2]  # "Wirehouse run run-... into ..."


def progress_messages(stderr: str) -> list[str]:
    """stderr's lines, each a time stamp and a message (a batch's message up to its colon)."""
    lines = stderr.splitlines()
    assert all(len(line) > 9 and line[2] == line[5] == ":" and line[8] == " " for line in lines), stderr
    return [line[9:].split(":")[0] if line[9:].startswith("batch ") else line[9:] for line in lines]


def test_sql_lists_full_name_speakers(sample_cli):
    _, wh = sample_cli
    # Named speakers (an entity stands for them) are full names; anonymous groups stay as written.
    result = wirehouse("sql", "select speaker, count(*) as n from quotes where speaker_entity_id is not null "
                       "group by 1 order by 2 desc, 1", "--warehouse", str(wh), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0] == {"speaker": "Denise Okafor", "n": 5}
    assert all(len(r["speaker"].split()) >= 2 for r in rows)
    csv = wirehouse("sql", "select count(*) as n from quarantine.articles", "-w", str(wh), "-f", "csv")
    assert csv.stdout == "n\n2\n"
    table = wirehouse("sql", "select title from articles order by title limit 1", "-w", str(wh))
    assert "1 row" in table.stdout


def test_a_run_records_times_and_every_reader_shows_them(sample_cli):
    """Times from a real run: TIMESTAMPTZ in DuckDB, ISO 8601 UTC from `wirehouse sql`, each
    article's publication time read from the date its source gives (kept as written)."""
    from datetime import datetime

    from transforms.times import parse_time

    _, wh = sample_cli
    types = wirehouse("sql", "select distinct typeof(r.started_at), typeof(r.finished_at), typeof(b.published_at) "
                      "from runs r join batches b using (run_id)", "-w", str(wh), "-f", "csv")
    assert types.returncode == 0, types.stderr
    assert types.stdout.splitlines()[1:] == ["TIMESTAMP WITH TIME ZONE," * 2 + "TIMESTAMP WITH TIME ZONE"]
    runs = json.loads(wirehouse("sql", "select started_at, finished_at, status from runs", "-w", str(wh),
                                "-f", "json").stdout)
    assert len(runs) == 1 and runs[0]["status"] == "completed"
    started, finished = (datetime.fromisoformat(runs[0][c]) for c in ("started_at", "finished_at"))
    assert runs[0]["started_at"].endswith("+00:00") and started < finished
    # Compared as times, without a cast: each batch ran within its run.
    within = wirehouse("sql", "select count(*) filter (where b.started_at >= r.started_at and b.published_at "
                       "<= r.finished_at) as inside, count(*) as n from batches b join runs r using (run_id)",
                       "-w", str(wh), "-f", "csv")
    inside, n = within.stdout.splitlines()[1].split(",")
    assert inside == n and int(n) >= 1
    dated = json.loads(wirehouse("sql", "select published, published_raw from articles union all select "
                                 "published, published_raw from quarantine.articles", "-w", str(wh),
                                 "-f", "json").stdout)
    assert [r for r in dated if r["published_raw"] is not None]  # the examples give dates
    for row in dated:
        expected = parse_time(row["published_raw"])
        assert row["published"] == (None if expected is None else expected.isoformat()), row


def test_sql_errors_are_one_line(sample_cli, tmp_path):
    _, wh = sample_cli
    bad = wirehouse("sql", "select nope from quotes", "-w", str(wh))
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "nope" in bad.stderr
    write = wirehouse("sql", "drop table quotes", "-w", str(wh))
    assert write.returncode == 2 and "read-only" in write.stderr
    missing = wirehouse("sql", "select 1", "-w", str(tmp_path / "none"))
    assert missing.returncode == 2 and "no warehouse at" in missing.stderr


def test_sql_writes_nowhere(sample_cli, tmp_path):
    """Neither another warehouse attached for writing nor a file of this one copied over: a
    one-line refusal, and the files are as they were."""
    _, wh = sample_cli
    other = Warehouse(tmp_path / "other")
    other.initialise()
    report = wh / "reports" / "quality.html"
    before = (other.db_path.read_bytes(), report.read_bytes())
    attach = wirehouse("sql", f"attach '{other.db_path}' as o (read_write)", "-w", str(wh))
    assert attach.returncode == 2
    assert attach.stderr == "error: wirehouse sql runs read-only queries; ATTACH statements are not allowed\n"
    copy = wirehouse("sql", f"/* a report */ select 1; copy quotes to '{report}'", "-w", str(wh),
                     "--allow-local-files")
    assert copy.returncode == 2
    assert copy.stderr == "error: wirehouse sql runs read-only queries; COPY statements are not allowed\n"
    assert (other.db_path.read_bytes(), report.read_bytes()) == before
    archived = next((wh / "batches").glob("*/quotes.parquet"))
    read = f"select count(*) as n from read_parquet('{archived}')"
    refused = wirehouse("sql", read, "-w", str(wh))
    assert refused.returncode == 2 and refused.stderr.endswith("(reading local files needs --allow-local-files)\n")
    allowed = wirehouse("sql", read, "-w", str(wh), "--allow-local-files", "-f", "csv")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout == f"n\n{pq.read_metadata(archived).num_rows}\n"


MARKUP = "[/bold] [link=http://x]y[/link] [red]"


def test_markup_in_the_data_and_paths_is_printed_as_it_is(tmp_path):
    """A run over a dump whose titles look like Rich markup, into a warehouse whose path does too:
    the summary, `sql` (table) and `quarantine list` print them literally."""
    english = json.loads((EXAMPLES / "jsonl" / "wire-feed.jsonl").read_text(encoding="utf-8").splitlines()[0])
    german = (EXAMPLES / "text" / "fahrrad-bruecke.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "feed.jsonl").write_text(
        json.dumps({**english, "title": f"Stroke unit {MARKUP}"}) + "\n"
        + json.dumps({"title": f"Brücke {MARKUP}", "maintext": german, "url": "https://x.example/b"}) + "\n",
        encoding="utf-8")
    wh = tmp_path / "[red]wh"
    run = wirehouse("run", str(dumps), "-w", str(wh), env={"COLUMNS": "250"})
    assert run.returncode == 0, run.stderr
    assert f"into {wh}" in run.stdout.splitlines()[0]
    assert f"quality report:        {wh / 'reports' / 'quality.html'}" in run.stdout
    table = wirehouse("sql", "select title from articles", "-w", str(wh), env={"COLUMNS": "250"})
    assert table.returncode == 0, table.stderr
    assert f"Stroke unit {MARKUP}" in [line.strip(" │") for line in table.stdout.splitlines()]
    held = wirehouse("quarantine", "list", "-w", str(wh), env={"COLUMNS": "250"})
    assert held.returncode == 0, held.stderr
    row = next(line for line in held.stdout.splitlines() if "Brücke" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")][3:] == [
        f"Brücke {MARKUP}", "articles.language_supported", "pending"]


def test_report_rewrites_and_prints_path(sample_cli):
    _, wh = sample_cli
    report = wh / "reports" / "quality.html"
    report.unlink()
    result = wirehouse("report", "-w", str(wh))
    assert result.returncode == 0 and result.stdout.strip() == str(report)
    assert "Held for review (3)" in report.read_text(encoding="utf-8")


def test_usage_and_environment_errors(tmp_path):
    missing = wirehouse("run", str(tmp_path / "nope"), "-w", str(tmp_path / "wh"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"error: no such file or folder: {tmp_path / 'nope'}"
    model = wirehouse("run", str(EXAMPLES), "-w", str(tmp_path / "wh"), env={"WIREHOUSE_SPACY_MODEL": "no_such_model"})
    assert model.returncode == 2
    assert "spaCy model 'no_such_model' is not installed" in model.stderr and "Traceback" not in model.stderr
    wh = Warehouse(tmp_path / "locked")
    with wh.run_lock():
        locked = wirehouse("run", str(EXAMPLES), "-w", str(wh.root))
    assert locked.returncode == 2
    assert locked.stderr.strip() == f"error: warehouse {wh.root} is locked by another wirehouse run (pid {os.getpid()})"


def test_help_documents_every_option():
    for command, words in {"run": ["--warehouse", "WIREHOUSE_DIR", "PATHS", "recursively"],
                           "sql": ["--format", "table", "csv", "json", "--warehouse", "query",
                                   "--allow-local-files", "--excel-safe", "read-only"],
                           "report": ["--warehouse", "WIREHOUSE_DIR"]}.items():
        result = wirehouse(command, "--help", env={"COLUMNS": "200"})
        assert result.returncode == 0
        for word in words:
            assert word in result.stdout, (command, word)


def test_a_rerun_over_unchanged_files_never_starts_prefect(sample_cli, tmp_path):
    """Answered from the ledger: with the Prefect API pointed at a closed port, a run that started
    Prefect would fail; this one records the run and says every file was already ingested."""
    _, wh = sample_cli
    closed = {"PREFECT_API_URL": "http://127.0.0.1:9/api"}
    result = wirehouse("run", str(EXAMPLES), "-w", str(wh), env=closed)
    assert result.returncode == 0, result.stderr
    assert "files seen: 14 (14 already ingested, skipped)" in " ".join(result.stdout.split())
    runs = Warehouse(wh).query("select n_files, n_published, flow_run_id from runs order by started_at, run_id")
    assert runs.values.tolist()[-1] == [14, 0, ""]
    # One file changed on disk: the flow runs (and here, with no API to reach, fails clearly).
    changed = tmp_path / "dumps"
    changed.mkdir()
    (changed / "new.txt").write_text("Title\n\nA new body, with a new sentence in it.\n", encoding="utf-8")
    assert wirehouse("run", str(changed), "-w", str(wh), env=closed).returncode != 0


def test_two_local_workers_publish_what_one_does(sample_cli, tmp_path):
    """`--workers 2`: a local Dask cluster whose workers warm up at start (flows.warm preload) and
    report to the run's one temporary API; same summary as the serial run, nothing on stderr,
    no server left behind."""
    import psutil

    result, _ = sample_cli
    two = wirehouse("run", str(EXAMPLES), "-w", str(tmp_path / "wh2"), "--workers", "2")
    assert two.returncode == 0, two.stderr
    def counts(out: str) -> str:  # from "files seen:" up to the report's path (which differs)
        text = " ".join(out.split())
        return text[text.index("files seen:"):text.index("quality report:")]

    assert "articles published: 14" in counts(two.stdout)
    assert counts(two.stdout) == counts(result.stdout)
    # Two batches in flight on two workers: the batch count is rounded up to a multiple of 2.
    assert progress_messages(two.stderr) == [
        f"{run_id(two)}: 14 files to read", "read 14 of 14 files", "16 articles to analyse in 2 batches",
        f"batch {run_id(two)}-b0001 analysed", f"batch {run_id(two)}-b0001 published",
        f"batch {run_id(two)}-b0002 analysed", f"batch {run_id(two)}-b0002 published"]
    assert not [p for p in psutil.process_iter(["cmdline"])
                if "prefect.server.api.server:create_app" in " ".join(p.info["cmdline"] or [])
                and str(tmp_path) in " ".join(p.info["cmdline"] or [])]


def test_every_entry_given_gets_a_ledger_row(tmp_path):
    """Pipes, sockets, devices, links that lead nowhere: each rejected with its reason (never
    read: a pipe would block the run), counted in "files seen", and skipped by a rerun."""
    from tests.warehouse.test_raw import special_entries

    dumps = tmp_path / "dumps"
    server = special_entries(dumps)
    (dumps / "unreadable.txt").unlink()  # tried again by every run by design: not for the no-op check
    wh = tmp_path / "wh"
    try:
        result = wirehouse("run", str(dumps), "-w", str(wh))
        assert result.returncode == 0, result.stderr
        out = " ".join(result.stdout.split())
        assert "files seen: 7" in out and "files rejected: 6" in out and "articles published: 1" in out
        ledger = Warehouse(wh).query("select path, status, coalesce(reason, '') as reason from files order by path").values.tolist()
        assert [[os.path.basename(p), s, r] for p, s, r in ledger] == [
            ["article.txt", "published", ""],
            ["broken.txt", "rejected", "cannot read file: No such file or directory"],
            ["device.txt", "rejected", "not a regular file: a character device"],
            ["loop-a.txt", "rejected", "cannot read file: Too many levels of symbolic links"],
            ["loop-b.txt", "rejected", "cannot read file: Too many levels of symbolic links"],
            ["pipe.txt", "rejected", "not a regular file: a named pipe (FIFO)"],
            ["socket.txt", "rejected", "not a regular file: a socket"],
        ]
        rerun = wirehouse("run", str(dumps), "-w", str(wh), env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
        assert rerun.returncode == 0, rerun.stderr
        assert "files seen: 7 (7 already ingested, skipped)" in " ".join(rerun.stdout.split())
    finally:
        server.close()


def test_every_path_under_examples_is_accounted_for():
    """`wirehouse run examples`: the dumps publish as always; the folder's README.md and the
    gold file expected.json are not article dumps, and the summary and the ledger say why."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        wh = Path(tmp) / "wh"
        result = wirehouse("run", str(PROJECT / "examples"), "-w", str(wh))
        assert result.returncode == 0, result.stderr
        out = " ".join(result.stdout.split())
        assert "files seen: 16" in out and "articles published: 14" in out and "files rejected: 4" in out
        rejected = [line.strip() for line in result.stdout.splitlines()]
        assert (f"{PROJECT / 'examples' / 'README.md'}: unsupported file type '.md' (reads .txt, .text, no suffix, "
                ".html, .htm, .jsonl, .ndjson, .json, each also .gz)") in rejected
        assert (f"{PROJECT / 'examples' / 'expected.json'}: record 0 is not an article: it has none of the fields "
                "title, maintext, text, html, url (it has description, summary, files, quotes)") in rejected
        ledger = Warehouse(wh).query("select path, status from files").values.tolist()
        on_disk = sorted(str(p) for p in (PROJECT / "examples").rglob("*") if p.is_file())
        assert sorted(p for p, _ in ledger) == on_disk
        assert {p: s for p, s in ledger}[str(PROJECT / "examples" / "expected.json")] == "rejected"
