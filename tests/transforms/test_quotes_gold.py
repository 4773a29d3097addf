"""Format checks for the quote-attribution gold set (tests/data/quotes_gold.jsonl).

No model needed. Checks the file is what ../shared/eval/score_quotes.py reads, and that every
annotated span is where it claims to be. The pipeline's scores on it are not asserted here; run
benchmarks/quote_eval.py for those.
"""
from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SHARED

GOLD = Path(__file__).resolve().parents[1] / "data" / "quotes_gold.jsonl"
QUOTE_MARKS = SHARED / "eval" / "quote_marks.py"

KINDS = {"direct", "mixed", "indirect"}
QUOTE_KEYS = {"start", "end", "fragments", "kind", "speaker", "speaker_is_pronoun", "cue"}
DOUBLE_OPEN, DOUBLE_CLOSE = "“\"", "”\""
# One or two articles use single marks (‘…’ or ''…''); the scorer's mask, like the pipeline,
# only sees double marks, so these quotes count as gold but produce no scored units.
SINGLE_OPEN, SINGLE_CLOSE = ("‘", "''", "'"), ("’", "''", "'")
PRONOUNS = {"he", "she", "his", "her", "they", "their", "it", "its"}


def load() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


ARTICLES = load()


def quoted(kind: str) -> bool:
    return kind in ("direct", "mixed")


def mark_before(text: str, start: int) -> str:
    """The quotation mark that opens a fragment starting at `start` ('' when there is none)."""
    i = start
    while i > 0 and text[i - 1] == " ":
        i -= 1
    if text[max(0, i - 2):i] == "''":
        return "''"
    return text[i - 1] if i > 0 and text[i - 1] in DOUBLE_OPEN + "‘'" else ""


def mark_after(text: str, end: int) -> str:
    """The mark closing a fragment ending at `end`; '\\n' for a paragraph (or text) end."""
    i = end
    while i < len(text) and text[i] == " ":
        i += 1
    if i == len(text) or text[i] == "\n":
        return "\n"
    if text[i:i + 2] == "''":
        return "''"
    return text[i] if text[i] in DOUBLE_CLOSE + "’'" else ""


def test_file_shape_ids_and_splits():
    assert len(ARTICLES) >= 40
    ids = [a["id"] for a in ARTICLES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert all(re.fullmatch(r"q\d{3}", i) for i in ids)
    splits = Counter(a["compartment"] for a in ARTICLES)
    assert set(splits) == {"dev", "test"}
    assert abs(splits["dev"] - splits["test"]) <= 2
    for a in ARTICLES:
        assert set(a) == {"id", "compartment", "text", "quotes"}, a["id"]
        assert isinstance(a["quotes"], list) and a["quotes"], a["id"]


def test_texts_look_like_cleaned_bodies():
    for a in ARTICLES:
        text = a["text"]
        assert 150 <= len(text.split()) <= 500, (a["id"], len(text.split()))
        assert text == text.strip()
        paragraphs = text.split("\n\n")
        assert len(paragraphs) >= 4, a["id"]
        for p in paragraphs:
            assert p and p == p.strip() and "\n" not in p, (a["id"], p[:60])


def test_quote_records_are_well_formed():
    for a in ARTICLES:
        text = a["text"]
        spans = []
        for q in a["quotes"]:
            where = (a["id"], text[q["start"]:q["end"]][:70])
            assert set(q) == QUOTE_KEYS, where
            assert q["kind"] in KINDS, where
            assert isinstance(q["speaker"], str) and q["speaker"].strip() == q["speaker"] != "", where
            assert q["speaker"].lower() not in PRONOUNS, where
            assert isinstance(q["speaker_is_pronoun"], bool), where
            assert isinstance(q["cue"], str), where
            assert 0 <= q["start"] < q["end"] <= len(text), where
            extent = text[q["start"]:q["end"]]
            assert extent == extent.strip(), where
            for i in (q["start"], q["end"]):
                assert i in (0, len(text)) or not (text[i - 1].isalnum() and text[i].isalnum()), where
            frags = q["fragments"]
            assert frags, where
            previous_end = q["start"]
            for s, e in frags:
                assert previous_end <= s < e <= q["end"], where
                assert text[s:e] == text[s:e].strip(), where
                # spans start and end on word boundaries (no clipped words)
                assert s == 0 or not (text[s - 1].isalnum() and text[s].isalnum()), where
                assert e == len(text) or not (text[e - 1].isalnum() and text[e].isalnum()), where
                previous_end = e
            if q["cue"]:
                assert q["cue"].lower() in extent.lower(), where
                if q["speaker_is_pronoun"] and not q["cue"].endswith("ing"):  # "adding ..." has no subject
                    words = {w.lower() for w in re.findall(r"\w+", extent)}
                    assert words & PRONOUNS, where
            spans.append((q["start"], q["end"]))
        spans.sort()
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            assert e1 <= s2, (a["id"], "overlapping attributions", text[s1:e1][:60], text[s2:e2][:60])


def test_quoted_fragments_sit_right_inside_quotation_marks():
    single_mark_articles = set()
    for a in ARTICLES:
        text = a["text"]
        for q in a["quotes"]:
            if not quoted(q["kind"]):
                continue
            for s, e in q["fragments"]:
                where = (a["id"], text[s:e][:70])
                assert "\n" not in text[s:e], where  # a multi-paragraph quote has one fragment per paragraph
                opening, closing = mark_before(text, s), mark_after(text, e)
                assert opening, where
                if opening in DOUBLE_OPEN:
                    assert closing and closing in DOUBLE_CLOSE + "\n", where
                    if closing == "\n":  # unclosed at paragraph end: the next paragraph must reopen
                        nxt = text[e:].lstrip()
                        assert nxt[:1] in DOUBLE_OPEN, where
                else:
                    assert closing in SINGLE_CLOSE + ("\n",), where
                    single_mark_articles.add(a["id"])
    assert len(single_mark_articles) <= 2, single_mark_articles


@pytest.fixture(scope="module")
def inside_dq_mask():
    if not QUOTE_MARKS.exists():
        pytest.skip(f"{QUOTE_MARKS} is absent (../shared is not checked out beside the project)")
    spec = importlib.util.spec_from_file_location("quote_marks", QUOTE_MARKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.inside_dq_mask


def test_scorer_sees_each_double_quoted_fragment_whole(inside_dq_mask):
    """With the scorer's own mask: every double-marked fragment lies entirely inside quotation
    marks (so it becomes exactly one scored unit), and every quoted stretch of the text that is
    not annotated is short (a scare quote or a title, never an unannotated quotation)."""
    for a in ARTICLES:
        text = a["text"]
        mask = inside_dq_mask(text)
        covered = [False] * len(text)
        for q in a["quotes"]:
            if not quoted(q["kind"]):
                continue
            for s, e in q["fragments"]:
                if mark_before(text, s) in DOUBLE_OPEN:
                    assert all(mask[s:e]), (a["id"], text[s:e][:70])
                covered[s:e] = [True] * (e - s)
        i = 0
        while i < len(text):
            if not mask[i]:
                i += 1
                continue
            j = i
            while j < len(text) and mask[j]:
                j += 1
            if not any(covered[i:j]):
                assert len(text[i:j].split()) <= 4, (a["id"], "unannotated quotation?", text[i:j])
            i = j


def test_counts_and_phenomena():
    kinds = Counter(q["kind"] for a in ARTICLES for q in a["quotes"])
    assert kinds["direct"] + kinds["mixed"] >= 300
    assert kinds["mixed"] >= 50 and kinds["indirect"] >= 50
    quotes = [(a["text"], q) for a in ARTICLES for q in a["quotes"] if quoted(q["kind"])]
    paragraph_of = lambda text, i: text.count("\n\n", 0, i)  # noqa: E731
    multi_paragraph = sum(1 for t, q in quotes if len({paragraph_of(t, s) for s, _ in q["fragments"]}) > 1)
    interrupted = sum(1 for t, q in quotes if len(q["fragments"]) > 1
                      and len({paragraph_of(t, s) for s, _ in q["fragments"]}) == 1)
    assert multi_paragraph >= 8
    assert interrupted >= 15
    assert sum(q["speaker_is_pronoun"] for _, q in quotes) >= 50
    assert sum(1 for _, q in quotes if q["cue"] == "") >= 50  # follow-on quotes and colon lead-ins
    cues = Counter(q["cue"] for _, q in quotes)
    assert len(cues) >= 25 and cues["according to"] >= 3 and cues["told"] >= 20
    straight = sum(1 for a in ARTICLES if '"' in a["text"])
    assert straight >= 4
