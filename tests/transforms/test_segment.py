import json
from pathlib import Path

from transforms.segment import paragraphs, sentences, sentences_in

SEGMENTATION_SET = Path(__file__).resolve().parents[1] / "data" / "segmentation.jsonl"

SEED_LIKE = (
    "The United States and Russia are at odds, from the conflict in U.S.-backed Ukraine to elections. "
    "Russia accused the U.S. of hypocrisy. It staffed the U.S. Embassy in Moscow.\n\n"
    "Sen. Ada Vance met Gov. J. R. Holt on Jan. 5 at 3 p.m. on Monday. Shares rose 3.5 percent. "
    "“We are ready. We are waiting,” Vance said. Was it enough? Nobody knows!"
)


def texts(body):
    return [body[s.start:s.end] for s in sentences(body)]


def test_abbreviations_initials_and_decimals_do_not_split():
    assert texts(SEED_LIKE) == [
        "The United States and Russia are at odds, from the conflict in U.S.-backed Ukraine to elections.",
        "Russia accused the U.S. of hypocrisy.",
        "It staffed the U.S. Embassy in Moscow.",
        "Sen. Ada Vance met Gov. J. R. Holt on Jan. 5 at 3 p.m. on Monday.",
        "Shares rose 3.5 percent.",
        "“We are ready. We are waiting,” Vance said.",
        "Was it enough?",
        "Nobody knows!",
    ]


def test_abbreviation_before_sentence_opener_splits():
    assert texts("She moved to the U.S. The move was hard.") == ["She moved to the U.S.", "The move was hard."]


def test_paragraph_offsets_and_sentence_paragraph_index():
    body = "One. Two.\n\nThree."
    assert [(p.start, p.end, p.index) for p in paragraphs(body)] == [(0, 9, 0), (11, 17, 1)]
    assert [(s.start, s.end, s.index, s.paragraph_index) for s in sentences(body)] == [
        (0, 4, 0, 0), (5, 9, 1, 0), (11, 17, 2, 1)]
    assert paragraphs("") == []


def test_no_is_an_abbreviation_only_before_a_number():
    assert texts("The No. 2 seed lost. He voted no. Then he left.") == [
        "The No. 2 seed lost.", "He voted no.", "Then he left."]


def test_hand_annotated_segmentation_set():
    """Our own annotated paragraphs (tests/data/segmentation.jsonl); benchmarks/segment_eval.py
    reports the same figures."""
    items = [json.loads(line) for line in SEGMENTATION_SET.read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 30
    wrong = {i["id"]: [i["text"][s:e] for s, e in sentences_in(i["text"])] for i in items
             if [i["text"][s:e] for s, e in sentences_in(i["text"])] != i["sentences"]}
    assert wrong == {}
