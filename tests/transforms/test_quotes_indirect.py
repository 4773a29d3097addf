"""Indirect speech (reported speech without quotation marks), class by class, on sentences of our
own (fictional people and places): the content span is the reported clause, infinitive, object or
complement, as in the news corpora's convention; the speaker is whoever reports or holds the view."""
from transforms.entities import analyse_entities
from transforms.quotes import extract_quotes


def indirect(nlp, body):
    doc = nlp(body)
    return [(body[q.start:q.end], q.attribution.speaker, q.attribution.cue)
            for q in extract_quotes(doc, analyse_entities(doc)) if q.kind == "indirect"]


def test_every_reporting_verb_of_a_sentence_reports(nlp):
    body = ("Mayor Lena Ortiz said the bridge would reopen in May, and the city treasurer, Amos Reed, "
            "said the cost had doubled.")
    assert indirect(nlp, body) == [("the bridge would reopen in May", "Lena Ortiz", "said"),
                                   ("the cost had doubled", "Amos Reed", "said")]


def test_an_infinitive_with_the_one_urged(nlp):
    assert indirect(nlp, "Mayor Lena Ortiz urged residents to avoid the harbour road until Friday.") == [
        ("residents to avoid the harbour road until Friday", "Lena Ortiz", "urged")]


def test_an_object_with_its_complement_but_not_its_date(nlp):
    assert indirect(nlp, "Quarry Holdings announced a review of its pension scheme on Monday.") == [
        ("a review of its pension scheme", "Quarry Holdings", "announced")]
    assert indirect(nlp, "Dara Finch accused the contractor of hiding cracks in the pier.") == [
        ("the contractor of hiding cracks in the pier", "Dara Finch", "accused")]


def test_the_object_of_a_cue_preposition(nlp):
    assert indirect(nlp, "Union leader Ivo Marsh called for an independent inquiry into the collapse.") == [
        ("an independent inquiry into the collapse", "Ivo Marsh", "called")]


def test_an_attribution_set_into_the_sentence(nlp):
    # The corpus convention: the content runs across the set-in "Ortiz said".
    assert indirect(nlp, "The repairs, Ortiz said, would take at least six weeks.") == [
        ("The repairs, Ortiz said, would take at least six weeks", "Ortiz", "said")]


def test_a_reporting_noun_and_its_owner(nlp):
    assert indirect(nlp, "Amos Reed rejected Ortiz's claim that the budget was balanced.") == [
        ("Ortiz's claim that the budget was balanced", "Amos Reed", "rejected"),
        ("the budget was balanced", "Ortiz", "claim")]


def test_poll_shares_and_anonymous_groups_speak_as_written(nlp):
    assert indirect(nlp, "Sixty percent of residents said they wanted the old bridge rebuilt.") == [
        ("they wanted the old bridge rebuilt", "Sixty percent of residents", "said")]
    assert indirect(nlp, "Some argued that the parking levy would drive shoppers away.") == [
        ("the parking levy would drive shoppers away", "Some", "argued")]


def test_they_is_the_group_named_before(nlp):
    body = "Harbour pilots met the council on Tuesday. They said the new channel was too narrow for tankers."
    assert indirect(nlp, body) == [("the new channel was too narrow for tankers", "Harbour pilots", "said")]


def test_what_is_not_reported_speech(nlp):
    # A passive forecast names no one who forecasts; a purpose infinitive is what she went to do.
    assert indirect(nlp, "The bridge is expected to reopen in May.") == []
    assert indirect(nlp, "Mayor Lena Ortiz went on local radio to defend the budget.") == []


def test_a_pronoun_inside_a_reported_clause_reports_nothing_more(nlp):
    # "it would offer refunds" is the company's statement, not a second attribution to a guessed "it".
    assert indirect(nlp, "Brackwater Ferries said it would offer refunds to every passenger.") == [
        ("it would offer refunds to every passenger", "Brackwater Ferries", "said")]
