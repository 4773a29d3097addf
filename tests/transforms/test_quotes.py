"""Quotes and speakers on original short texts, with exact expected rows."""
import pytest

from transforms.entities import analyse_entities
from transforms.quotes import extract_quotes, find_quotations


def spans(body):
    return [body[q.start:q.end] for q in find_quotations(body)]


def test_pairing_typographic_straight_and_apostrophes():
    body = "“We’re ready,” she said. He said \"don't wait\" and left.\n\n'Single' quotes are not quotations."
    assert spans(body) == ["We’re ready", "don't wait"]


def test_multi_paragraph_quotation_continues_at_reopening_mark():
    body = "“The first part. The second part.\n\n“The continuation,” Ruiz said.\n\nLater text."
    assert spans(body) == ["The first part. The second part.\n\n“The continuation"]


def test_unclosed_quotation_ends_with_its_paragraph():
    body = "“Nobody closed this one.\n\nA new paragraph without a mark."
    assert spans(body) == ["Nobody closed this one."]


def rows(nlp, body):
    doc = nlp(body)
    result = []
    for q in extract_quotes(doc, analyse_entities(doc)):
        a = q.attribution
        result.append((body[q.start:q.end], q.kind, a.speaker, a.cue, a.according_to, a.method))
    return result


BODY = (
    "Harbor Commissioner Mira Castellanos said the port would reopen on Friday.\n\n"
    "“We have cleared the channel, and the pilots are back,” Castellanos said, according to the Coastal Herald. "
    "“Ships can come in tomorrow.”\n\n"
    "Castellanos also stressed that the port wants “a calmer, safer season,” which she called “overdue.”\n\n"
    "Union leader Pavel Oduya was less sure. “The cranes are still down,” he said.\n\n"
    "“It will take weeks,” said Oduya."
)


def test_speakers_cues_kinds_and_follow_on(nlp):
    assert rows(nlp, BODY) == [
        ("the port would reopen on Friday", "indirect", "Mira Castellanos", "said", None, "cue"),
        ("We have cleared the channel, and the pilots are back", "direct", "Mira Castellanos", "said",
         "Coastal Herald", "cue"),
        ("Ships can come in tomorrow.", "direct", "Mira Castellanos", None, "Coastal Herald", "follow_on"),
        ("a calmer, safer season", "partial", "Mira Castellanos", "stressed", None, "cue"),
        ("overdue.", "partial", "Mira Castellanos", "called", None, "pronoun"),
        ("The cranes are still down", "direct", "Pavel Oduya", "said", None, "pronoun"),
        ("It will take weeks", "direct", "Pavel Oduya", "said", None, "cue"),
    ]


def test_colon_lead_in_follow_on_and_unattributed_quotation(nlp):
    body = ("“Nobody warned the families on Elm Street about any of this.”\n\n"
            "Mayor Ines Taverner was blunt: “The budget is broken.”\n\n"
            "“We will fix it this year.”")
    assert rows(nlp, body) == [
        ("Nobody warned the families on Elm Street about any of this.", "direct", None, None, None, "none"),
        ("The budget is broken.", "direct", "Ines Taverner", None, None, "cue"),
        ("We will fix it this year.", "direct", "Ines Taverner", None, None, "follow_on"),
    ]


def test_scare_quotes_without_cue_are_not_quotations(nlp):
    body = "The so-called “bridge tax” was dropped. Residents cheered on Monday."
    assert rows(nlp, body) == []
