"""The parser process (flows.parser): the real model in a process of its own gives the same rows
as the analysis in this process, and a parser process that dies fails only the batch it held."""
from __future__ import annotations

import os
import signal

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
    pid = parser._process.proc.pid
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(parser.ParserDied, match=r"^the parser process ended \(killed by SIGKILL\)$"):
        parser.analyse(batch, ctx, ("nlp", "rules"))
    rows, _ = parser.analyse(batch, ctx, ("nlp", "rules"))
    assert parser._process.proc.pid != pid and len(rows.rows.quotes) == 2
