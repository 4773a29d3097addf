"""The parser process (flows.parser): the real model in a process of its own gives the same rows
as the analysis in this process, and a parser process that dies fails only the batch it held."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from flows import parser
from flows.settings import Settings
from transforms.ingest import ParsedFile
from transforms.parse import RawDocument
from transforms.pipeline import BatchContext, prepare_batch, run_analysis

pytestmark = pytest.mark.e2e  # a process of its own, with the model

STORY = ("Harbour works in Calderwick\n\n"
         "“We will open the new quay by spring,” said Ana Ruiz, the harbour master. "
         "The council said on Monday that the budget would not change.")


def prepared():
    docs = [RawDocument(0, "fields", STORY, title="Harbour works")]
    ctx = BatchContext("b1", "r1", spacy_model=Settings().spacy_model)
    return prepare_batch([ParsedFile("/in/harbour.jsonl", "ab" * 32, 10, "jsonl", docs)], ctx), ctx


def test_the_parser_process_gives_the_rows_this_process_would():
    batch, ctx = prepared()
    parser.start(ctx.spacy_model)
    rows, seconds = parser.analyse(batch, ctx, ("nlp", "rules"))
    here, _ = run_analysis(batch, ctx, ("nlp", "rules"))
    assert set(seconds) == {"nlp", "rules"} and all(s > 0 for s in seconds.values())
    assert [(q.text, q.speaker) for q in rows.rows.quotes] == [
        ("We will open the new quay by spring", "Ana Ruiz"), ("the budget would not change", "council")]
    assert rows.rows.quotes == here.rows.quotes
    assert rows.rows.sentences == here.rows.sentences and rows.rows.entities == here.rows.entities


def test_a_parser_process_that_dies_fails_its_batch_and_the_next_one_starts_anew():
    batch, ctx = prepared()
    parser.ready(ctx.spacy_model)
    pid = parser._slot.child.proc.pid
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(parser.ParserDied, match=r"^the parser process ended \(killed by SIGKILL\)$"):
        parser.analyse(batch, ctx, ("nlp", "rules"))
    rows, _ = parser.analyse(batch, ctx, ("nlp", "rules"))
    assert parser._slot.child.proc.pid != pid and len(rows.rows.quotes) == 2


def feed(folder) -> list[str]:
    """Three page copies of our own in one folder, each with the source's newsletter prompt."""
    stories = [
        "“The quay opens in spring,” said Ana Ruiz, the harbour master.",
        "The ferry sailed on time on Monday, the operator said. “No delays this week,” Tom Vale added.",
        "Councillor Mira Osei said the budget would not change. “We have the money,” she said.",
    ]
    paths = []
    for i, story in enumerate(stories):
        path = folder / f"story{i}.txt"
        path.write_text(f"Harbour news\n\n{story}\n\nSign up for the Harbour Ledger morning newsletter today.\n")
        paths.append(str(path))
    return paths


def run_batch(paths: list[str], settings: Settings):
    """The batch a one-worker run makes of these files, cleaned (its learned lines, its context)."""
    from transforms.pipeline import run_line_counts
    from warehouse.raw import read_parsed

    files = [read_parsed(Path(p), settings.input_limits) for p in paths]
    learned = run_line_counts(files).learned({}, settings.boilerplate_min_articles)
    ctx = settings.batch_context("r1-b0001", "r1", learned=learned)
    return prepare_batch(files, ctx), ctx


def test_bodies_parsed_ahead_give_the_rows_parsed_on_request(tmp_path):
    """`wirehouse run` hands the parser process its new files as it starts: the batch that comes
    later takes all three Docs parsed ahead, and its rows are those of the analysis here."""
    settings = Settings()
    paths = feed(tmp_path)
    parser.stop()  # a new process: its counts are this test's
    parser.start(settings.spacy_model)
    parser.read_ahead(paths, settings)
    batch, ctx = run_batch(paths, settings)
    while parser.ahead_counts(settings.spacy_model) != (0, 0, 3):  # a request first would parse them itself
        time.sleep(0.05)
    rows, _ = parser.analyse(batch, ctx, ("nlp", "rules"))
    assert parser.ahead_counts(settings.spacy_model) == (3, 0, 0)
    here, _ = run_analysis(batch, ctx, ("nlp", "rules"))
    assert [(q.text, q.speaker) for q in rows.rows.quotes] == [
        ("The quay opens in spring", "Ana Ruiz"),
        ("The ferry sailed on time on Monday", "operator"),
        ("No delays this week", "Tom Vale"),
        ("the budget would not change", "Mira Osei"),
        ("We have the money", "Mira Osei"),
    ]
    assert rows.rows.quotes == here.rows.quotes and rows.rows.sentences == here.rows.sentences
    assert not any("newsletter" in a.body or "Harbour news" in a.body for a in rows.rows.articles)


def test_a_wrong_guess_costs_time_only(tmp_path):
    """Bodies that differ from those parsed ahead (here: another batch altogether) are parsed on
    request; the rows are right, the miss is counted, and the process stops guessing: what it
    parsed ahead is let go, and nothing more is parsed ahead."""
    settings = Settings()
    paths = feed(tmp_path)
    parser.stop()
    parser.start(settings.spacy_model)
    parser.read_ahead(paths, settings)
    while parser.ahead_counts(settings.spacy_model) != (0, 0, 3):
        time.sleep(0.05)
    batch, ctx = prepared()
    rows, _ = parser.analyse(batch, ctx, ("nlp", "rules"))
    assert [(q.text, q.speaker) for q in rows.rows.quotes] == [
        ("We will open the new quay by spring", "Ana Ruiz"), ("the budget would not change", "council")]
    assert parser.ahead_counts(settings.spacy_model) == (0, 1, 0)
    batch, ctx = run_batch(paths, settings)
    rows, _ = parser.analyse(batch, ctx, ("nlp", "rules"))
    assert len(rows.rows.quotes) == 5 and parser.ahead_counts(settings.spacy_model) == (0, 4, 0)


GIVE_WAY = """
import json, os, subprocess, sys, threading
from flows import parser

def nice(tid):
    return os.getpriority(os.PRIO_PROCESS, tid)

def threads(pid):
    return sorted(nice(int(t)) for t in os.listdir(f"/proc/{pid}/task"))

sleeper = [sys.executable, "-c", "import threading, time; threading.Thread(target=time.sleep, args=(60,)).start()"]
first = subprocess.Popen(sleeper)  # started before: it stands for the parser process
other = subprocess.Popen(sleeper)  # the temporary server
waiting = threading.Event()
threading.Thread(target=waiting.wait).start()
while any(len(os.listdir(f"/proc/{p.pid}/task")) < 2 for p in (first, other)):  # both threads up
    pass
base = nice(0)
parser.give_way(int(sys.argv[1]), [other.pid])
later = []
thread = threading.Thread(target=lambda: later.append(nice(0)))
thread.start(); thread.join()
after = subprocess.Popen(sleeper)
print(json.dumps({"base": base, "self": threads(os.getpid()), "other": threads(other.pid),
                  "first": threads(first.pid), "thread": later[0], "after": nice(after.pid)}))
for p in (first, other, after):
    p.kill()
waiting.set()
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="per-thread priorities are Linux's")
def test_give_way_lowers_this_process_and_the_named_ones_not_the_parser_started_before():
    """Every thread of the run's process and of the named process (the temporary server) yields
    to the parser process by the increment; threads and processes started later inherit it, the
    parser process started before keeps its priority, and the increment stops at 19."""
    import json
    import subprocess
    import sys

    for increment in (7, 40):
        out = subprocess.run([sys.executable, "-c", GIVE_WAY, str(increment)], capture_output=True,
                             text=True, check=True, cwd=Path(__file__).parents[2]).stdout
        got = json.loads(out)
        lowered = min(19, got["base"] + increment)
        # Every thread (at least the two each process started: a joined one may linger a moment).
        assert set(got["self"]) == set(got["other"]) == {lowered} and len(got["other"]) >= 2
        assert got["thread"] == lowered and got["after"] == lowered
        assert set(got["first"]) == {got["base"]} and len(got["first"]) >= 2
