"""The compiled attribute ruler gives every token the annotation spaCy's own ruler gives it."""

import json
from pathlib import Path

import numpy as np
import pytest
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

from flows.settings import Settings
from transforms.attribute_ruler import CompiledAttributeRuler, compile_attribute_ruler

PROJECT = Path(__file__).resolve().parents[2]
COLUMNS = [POS, TAG, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]

# Our sentences for the ruler's exceptions: "gon na", "got ta", "let 's", "c'm on", "y' all",
# "ai n't" (patterns of two tokens, one on the second token), "but" as an adverb, I/you/it as
# subject and object, do/have as main verbs, determiners as pronouns, "there is", auxiliaries,
# subordinating "if", and runs of spaces and line breaks (space tokens).
EXCEPTIONS = [
    "We're gonna rebuild the bridge, and we gotta do it before the floods, the mayor said.",
    "Let's be honest: y'all knew this was coming. C'mon, it ain't a secret.",
    "I told you it was late. They blamed me, and then they blamed you and it.",
    "She did her homework. They have a plan and did what they had promised.",
    "That was the last ferry. Those who waited saw this: all of it gone but the pier.",
    "There is a vote on Monday and there were protests if the council delays.",
    "It has been raining.   The river    rose\n\n\nagain, but only briefly.",
    "He got the contract. She gets the blame. Ruiz said: “We will not wait.”",
]


@pytest.fixture(scope="module")
def stock():
    import spacy

    return spacy.load(Settings().spacy_model)  # spaCy's own pipeline, its ruler untouched


def texts() -> list[str]:
    """The exceptions above, our sample dumps and our gold articles: 18,100 tokens."""
    samples = sorted((PROJECT / "examples" / "dumps" / "text").glob("*.txt"))
    gold = (PROJECT / "tests" / "data" / "quotes_gold.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(samples) >= 5 and len(gold) >= 40
    return EXCEPTIONS + [p.read_text(encoding="utf-8") for p in samples] + [json.loads(g)["text"] for g in gold]


def test_the_pipeline_runs_the_compiled_ruler_in_the_stock_ones_place(nlp, stock):
    assert nlp.pipe_names == stock.pipe_names
    assert isinstance(nlp.get_pipe("attribute_ruler"), CompiledAttributeRuler)
    assert type(stock.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"


def test_every_token_is_annotated_as_spacy_annotates_it(nlp, stock):
    ours = list(nlp.pipe(texts()))
    theirs = list(stock.pipe(texts()))
    assert sum(len(d) for d in ours) == 18_100  # the texts did not change under the test
    for a, b in zip(ours, theirs, strict=True):
        assert [t.text for t in a] == [t.text for t in b]
        assert np.array_equal(a.to_array(COLUMNS), b.to_array(COLUMNS)), a.text[:60]


def test_patterns_of_two_tokens_set_the_token_they_name(nlp):
    doc = nlp("We're gonna win and y'all gotta see it.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert (lemmas["gon"], lemmas["na"]) == ("go", "to")  # "gon na": one pattern, two tokens set
    assert (lemmas["y'"], lemmas["got"], lemmas["ta"]) == ("you", "get", "to")


def test_the_exceptions_by_dependency_apply(nlp):
    doc = nlp("I saw it and it saw me.")
    assert str(doc[0].morph) == "Case=Nom|Number=Sing|Person=1|PronType=Prs"  # "I" as subject
    assert str(doc[2].morph) == "Case=Acc|Gender=Neut|Number=Sing|Person=3|PronType=Prs"  # "it" object
    assert str(doc[4].morph) == "Case=Nom|Gender=Neut|Number=Sing|Person=3|PronType=Prs"  # "it" subject


def test_a_ruler_with_patterns_it_does_not_handle_is_kept():
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "new"}, {"LOWER": "york", "OP": "?"}]], {"POS": "PROPN"})
    assert compile_attribute_ruler(nlp) == "its patterns use the key 'OP'"
    assert nlp.get_pipe("attribute_ruler") is ruler
    other = spacy.blank("en")
    other.add_pipe("attribute_ruler").add([[{"POS": "NOUN"}]], {"TAG": "NN"})  # another attribute
    assert compile_attribute_ruler(other) == "its patterns use the key 'POS'"
    regex = spacy.blank("en")
    regex.add_pipe("attribute_ruler").add([[{"IS_SPACE": {"REGEX": "x"}}]], {"TAG": "NN"})
    assert compile_attribute_ruler(regex) == "its patterns use the operator 'REGEX' on IS_SPACE"


def test_a_pipeline_without_an_attribute_ruler_is_left_alone():
    import spacy

    nlp = spacy.blank("en")
    assert compile_attribute_ruler(nlp) is None
    assert nlp.pipe_names == []


def test_a_blank_pipeline_ruler_compiles_and_matches_like_spacy():
    import spacy

    texts = ["The Ruiz report, in 2026, said   so.", "", "Ashford's mayor: no comment!"]
    patterns = [
        ([[{"TAG": ""}]], {"LEMMA": "x"}, 0),
        ([[{"LOWER": {"REGEX": "^as"}}]], {"POS": "PROPN"}, 0),
        ([[{"LOWER": {"IN": ["the", "so"]}}]], {"POS": "DET", "MORPH": "Definite=Def"}, 0),
        ([[{"ORTH": "report"}, {"TEXT": ","}]], {"POS": "NOUN"}, -2),
        ([[{"IS_SPACE": True}]], {"LEMMA": "_"}, 0),
        ([[{"NORM": {"NOT_IN": ["said", "so"]}, "LOWER": {"IN": ["said", "mayor"]}}]], {"POS": "VERB"}, 0),
        ([[{"LOWER": "the"}]], {"POS": "PRON"}, 0),  # a later pattern wins over an earlier one
    ]
    single = spacy.blank("en")
    stock_ruler = single.add_pipe("attribute_ruler")
    stock_ruler.add([[{"LOWER": "so"}]], {"POS": "ADV"})  # one key: a 1-D row
    assert compile_attribute_ruler(single) is None
    assert [t.pos_ for t in single("so be it so")] == ["ADV", "", "", "ADV"]
    compiled = single.get_pipe("attribute_ruler")
    assert compiled.compile(stock_ruler) is compiled  # compiled again: the same, not twice over
    assert compiled._patterns == [(0, 1, 0)]
    docs = []
    for compiled in (False, True):
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("attribute_ruler")
        for alternatives, attrs, index in patterns:
            ruler.add(alternatives, attrs, index=index)
        if compiled:
            assert compile_attribute_ruler(nlp) is None
            assert isinstance(nlp.get_pipe("attribute_ruler"), CompiledAttributeRuler)
        docs.append([[(t.pos_, str(t.morph), t.lemma_) for t in doc] for doc in nlp.pipe(texts)])
    assert docs[0] == docs[1]
    first, empty, last = docs[1]
    assert first[0] == ("PRON", "Definite=Def", "x")  # "The": DET, then PRON by the later pattern
    assert first[2] == ("NOUN", "", "x")  # "report" before ",", set from the span's end (index -2)
    assert (first[7], first[8], first[9]) == (("", "", "x"), ("", "", "_"), ("DET", "Definite=Def", "x"))
    assert empty == []
    assert (last[0], last[2]) == (("PROPN", "", "x"), ("VERB", "", "x"))  # "Ashford" by REGEX, "mayor"
