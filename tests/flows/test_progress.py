"""A run's reports (flows.progress) as the terminal shows them: plain lines off a terminal, a
Rich progress display on one; and a finished run's summary as a line and as Markdown."""
from __future__ import annotations

import io
import re

from rich.console import Console

from flows.progress import Counts, RunProgress, shown
from flows.summary import summary_line, summary_markdown
from warehouse.ledger import RunSummary


def a_run(progress: RunProgress) -> None:
    progress.reading(3, 5)
    progress.read(3)
    progress.planned(2, 10)
    progress.analysed("run-x-b0001", 6, {"clean": 0.25, "nlp": 1.5})
    progress.published("run-x-b0001", 6, 5, 1, 1, deferred=False)
    progress.analysed("run-x-b0002", 4, {"clean": 0.1, "nlp": 0.75})
    progress.published("run-x-b0002", 4, 0, 0, 0, deferred=True)


def test_off_a_terminal_each_report_is_a_plain_line():
    console = Console(file=io.StringIO(), force_terminal=False)
    progress = RunProgress("run-x")
    with shown(console):
        a_run(progress)
    lines = console.file.getvalue().splitlines()
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d .+", line) for line in lines)
    messages = [line[9:] for line in lines]
    assert messages[:4] == [
        "run-x: 3 files to read (2 already ingested, unchanged)",
        "read 3 of 3 files",
        "10 articles to analyse in 2 batches",
        "batch run-x-b0001 analysed: 6 articles (clean 0.2 s, nlp 1.5 s)",
    ]
    assert re.fullmatch(r"batch run-x-b0001 published: 5 published, 1 held, 1 quote held alone "
                        r"\(1/2 batches, 6/10 articles, \d+\.\d articles/s, about \d+ s left\)", messages[4])
    assert messages[5] == "batch run-x-b0002 analysed: 4 articles (clean 0.1 s, nlp 0.8 s)"
    assert re.fullmatch(r"batch run-x-b0002 deferred: left staged \(readers held the warehouse; the next run "
                        r"publishes it\) \(2/2 batches, 10/10 articles, \d+\.\d articles/s\)", messages[6])
    assert len(messages) == 7
    assert progress.counts == Counts("run-x", 3, 3, 2, 2, 2, 10, 10, progress.counts.seconds)
    # Nothing is shown once the block is left.
    progress.read(0)
    assert len(console.file.getvalue().splitlines()) == 7


def test_on_a_terminal_a_progress_display_draws_the_counts():
    console = Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)
    with shown(console):
        a_run(RunProgress("run-x"))
    drawn = console.file.getvalue()
    # Until the flow's first report, what the run waits for; then the counts only.
    assert drawn.index("starting") < drawn.index("files read") and "Great Expectations" in drawn
    last = drawn[drawn.rindex("files read"):]
    assert "starting" not in last
    assert re.search(r"files read\s+\S+ 3/3", last)
    assert re.search(r"batches analysed\s+\S+ 2/2", last)
    assert re.search(r"articles published\s+\S+ 10/10 \d+\.\d articles/s", last)


def test_the_pace_is_articles_per_second_and_the_time_left():
    assert Counts("r", articles=100, articles_done=25, seconds=10).pace == "2.5 articles/s, about 30 s left"
    assert Counts("r", articles=1000, articles_done=10, seconds=10).pace == "1.0 articles/s, about 16 min 30 s left"
    assert Counts("r", articles=10, articles_done=10, seconds=4).pace == "2.5 articles/s"
    assert Counts("r", articles=10).pace == ""


SUMMARY = RunSummary(
    run_id="run-1", warehouse="/wh", files_seen=5, already_ingested=1, published_articles=3,
    quarantined_articles=1, quarantine_reasons={"articles.body_not_empty": 1}, quarantined_quotes=2,
    duplicate_files=0, rejected_files={"/in/notes|x.md": "unsupported file type '.md'"},
    report_path="/wh/reports/quality.html",
)


def test_a_finished_run_in_one_line():
    assert summary_line(SUMMARY) == ("run-1: 5 files seen, 3 articles published, 1 held, 1 files rejected, "
                                     "0 duplicate files; report /wh/reports/quality.html")
    nothing = RunSummary(run_id="run-2", warehouse="/wh", files_seen=4, already_ingested=4)
    assert summary_line(nothing) == "run-2: nothing new (4 files already ingested)"


def test_a_finished_run_as_markdown():
    assert summary_markdown(SUMMARY) == "\n".join([
        "# Wirehouse run-1", "", "| | |", "|---|---:|",
        "| files seen | 5 |", "| already ingested (skipped) | 1 |", "| articles published | 3 |",
        "| articles held | 1 |", "| quotes held alone | 2 |", "| duplicate files | 0 |", "| files rejected | 1 |",
        "| batches left staged | 0 |",
        "", "| held for | articles |", "|---|---:|", "| articles.body_not_empty | 1 |",
        "", "| rejected file | reason |", "|---|---|", "| /in/notes\\|x.md | unsupported file type '.md' |",
        "", "Warehouse: `/wh`", "", "Quality report: `/wh/reports/quality.html`", "",
    ])


def test_a_reprocessing_run_starts_from_its_stored_files():
    console = Console(file=io.StringIO(), force_terminal=False)
    with shown(console):
        RunProgress("reprocess-x").stored(3)
    assert console.file.getvalue()[9:] == "reprocess-x: 3 stored files to reprocess\n"


def test_a_run_that_stops_before_its_first_report_leaves_no_display_behind():
    console = Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)
    with shown(console):
        pass
    assert console.file.getvalue().endswith("\r\x1b[2K\x1b[?25h")  # the line cleared, the cursor shown
