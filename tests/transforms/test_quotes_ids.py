"""Quote ids stay unique within an article: an indirect quote never takes a quotation's offsets."""
from spacy.tokens import Doc

from transforms.entities import analyse_entities
from transforms.quotes import extract_quotes


def test_a_reported_clause_parsed_across_a_paragraph_break_stops_at_its_sentence(nlp):
    # The small model sometimes hangs the next paragraph's quotation under a reporting verb of
    # the paragraph before ("acknowledged ... \n\n ''It is costly,'' he said"): the reported clause
    # then ran into the quotation and got its offsets, so the article had two quotes (a direct and
    # an indirect one) with one quote id. A real Doc, with that parse set by hand.
    words = ["Mr.", "Halloran", "acknowledged", "the", "race", "was", "fun", ".", "\n\n",
             "''", "It", "is", "costly", ",", "''", "he", "said", "."]
    spaces = [True, True, True, True, True, True, False, False, False,
              False, True, True, False, False, True, True, False, False]
    heads = [1, 2, 2, 4, 5, 2, 5, 2, 7, 11, 11, 5, 11, 11, 11, 16, 16, 16]
    deps = ["compound", "nsubj", "ROOT", "det", "nsubj", "ccomp", "acomp", "punct", "dep",
            "punct", "nsubj", "conj", "acomp", "punct", "punct", "nsubj", "ROOT", "punct"]
    pos = ["PROPN", "PROPN", "VERB", "DET", "NOUN", "AUX", "ADJ", "PUNCT", "SPACE",
           "PUNCT", "PRON", "AUX", "ADJ", "PUNCT", "PUNCT", "PRON", "VERB", "PUNCT"]
    lemmas = ["Mr.", "Halloran", "acknowledge", "the", "race", "be", "fun", ".", "\n\n",
              "''", "it", "be", "costly", ",", "''", "he", "say", "."]
    sent_starts = [True] + [False] * 8 + [True] + [False] * 8
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas,
              sent_starts=sent_starts, ents=["O", "B-PERSON"] + ["O"] * 16)
    body = doc.text
    quotes = extract_quotes(doc, analyse_entities(doc))
    assert [(body[q.start:q.end], q.kind) for q in quotes] == [
        ("the race was fun", "indirect"),
        ("It is costly", "direct"),
    ]
    assert len({(q.start, q.end) for q in quotes}) == len(quotes)
