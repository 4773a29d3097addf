import json
from pathlib import Path

from tests.long_article import long_article, one_paragraph
from transforms.segment import chunks, paragraphs, sentences, sentences_in

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


def test_chunks_cut_between_paragraphs_then_sentences_then_words_and_join_back_exactly():
    body = "One. Two.\n\nThree, four and five.\n\nSix."
    assert chunks(body, 100) == [body]
    assert chunks(body, 25) == ["One. Two.\n\n", "Three, four and five.\n\n", "Six."]
    assert chunks(body, 34) == ["One. Two.\n\nThree, four and five.\n\n", "Six."]
    # A paragraph longer than the piece: between its sentences, then after a space.
    assert chunks(body, 12) == ["One. Two.\n\n", "Three, four ", "and five.\n\n", "Six."]
    # Never between the sentences of a quotation that closes in the paragraph, nor after an
    # abbreviation or an initial.
    quoted = "“We are ready. We are waiting,” Vance said. Nobody moved. Sen. J. Holt left."
    assert chunks(quoted, 45) == ["“We are ready. We are waiting,” Vance said. ", "Nobody moved. Sen. J. Holt left."]
    assert chunks(quoted, 30) == ["“We are ready. We are ", "waiting,” Vance said. ", "Nobody moved. ", "Sen. J. Holt left."]
    # No whitespace at all: cut where the piece is full.
    assert chunks("abcdefghij klm", 4) == ["abcd", "efgh", "ij ", "klm"]
    assert chunks("", 4) == [""]


def test_chunks_of_a_long_article_and_of_one_long_paragraph():
    article = long_article(1_200_000).body
    pieces = chunks(article, 50_000)
    assert "".join(pieces) == article and max(map(len, pieces)) <= 50_000
    assert all(p.endswith("\n\n") for p in pieces[:-1])  # every cut between two paragraphs
    assert len(pieces) == 25
    paragraph = one_paragraph(1_200_000)
    pieces = chunks(paragraph, 50_000)
    sentence_ends = {end for _, end in sentences_in(paragraph)}
    assert "".join(pieces) == paragraph and max(map(len, pieces)) <= 50_000
    assert all(len(p.rstrip(" ")) + sum(map(len, pieces[:i])) in sentence_ends for i, p in enumerate(pieces[:-1]))
    assert chunks("x" * 120_001, 50_000) == ["x" * 50_000, "x" * 50_000, "x" * 20_001]
