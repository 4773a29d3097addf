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


def test_scare_quotes_terms_and_titles_get_no_speaker(nlp):
    body = ("Mayor Ines Taverner said the so-called “bridge tax” was dropped, and the council’s "
            "“Green Streets” plan would start in May. The “tram to nowhere” project was shelved.\n\n"
            "Taverner said the plan was “overdue and underfunded,” a view the journal “Civic Review” shared.")
    assert rows(nlp, body) == [
        ("bridge tax", "scare", None, None, None, "none"),
        ("Green Streets", "scare", None, None, None, "none"),
        ("tram to nowhere", "scare", None, None, None, "none"),
        ("overdue and underfunded", "partial", "Ines Taverner", "said", None, "cue"),
        ("Civic Review", "scare", None, None, None, "none"),
    ]


def test_inverted_colon_dash_told_and_statement_cues(nlp):
    body = ("“The pier reopens in June,” said Harbour Master Ruth Okonjo.\n\n"
            "Okonjo told reporters: “We will not cut corners.”\n\n"
            "“Safety first, always” — Okonjo, speaking on Friday.\n\n"
            "Marlow Foods wrote in a statement that it “regrets the delay.”")
    got = rows(nlp, body)
    assert [(r[0], r[2], r[3]) for r in got if r[1] != "indirect"] == [
        ("The pier reopens in June", "Ruth Okonjo", "said"),
        ("We will not cut corners.", "Ruth Okonjo", "told"),
        ("Safety first, always", "Ruth Okonjo", None),
        ("regrets the delay.", "Marlow Foods", "wrote"),
    ]


def test_descriptions_resolve_to_the_organisation_or_person(nlp):
    body = ("Tidemark Terminals said talks with dock workers had stalled.\n\n"
            "“It is a fair offer,” the company said in a statement.\n\n"
            "Skylark Air cancelled 40 flights on Monday. “We apologise to every passenger,” a spokeswoman said.")
    got = [(r[0], r[2], r[5]) for r in rows(nlp, body) if r[1] == "direct"]
    assert got == [("It is a fair offer", "Tidemark Terminals", "description"),
                   ("We apologise to every passenger", "Skylark Air", "description")]


def test_participle_and_conjoined_cues_share_the_subject(nlp):
    body = ("Analyst Piet Varga wrote that the cut was “worse than feared,” adding that Quill Motors’ balance "
            "sheet “can absorb a bad year.”")
    got = [(r[0], r[2]) for r in rows(nlp, body) if r[1] == "partial"]
    assert got == [("worse than feared", "Piet Varga"), ("can absorb a bad year.", "Piet Varga")]


def test_a_quotation_interrupted_by_its_attribution_is_one_quotation(nlp):
    from transforms.article import article_rows
    from transforms.clean import CleanArticle

    body = ("Coach Ingrid Solberg was pleased.\n\n"
            "“We knew we were strong,” she said, “but I didn’t expect it to be this close.”")
    doc = nlp(body)
    rows = article_rows(article=CleanArticle(title="T", body=body), doc=doc, file_id="f" * 64, record_index=0,
                        source_uri="/x.txt", batch_id="b", run_id="r")
    parts = [(q.text, q.speaker, q.speaker_role, q.quotation_id) for q in rows.quotes]
    first_id = rows.quotes[0].quote_id
    assert parts == [
        ("We knew we were strong", "Ingrid Solberg", "Coach", first_id),
        ("but I didn’t expect it to be this close.", "Ingrid Solberg", "Coach", first_id),
    ]


def test_typewriter_double_marks_pair_and_apostrophes_do_not():
    body = "``We are ready,'' said Ruiz. ''It's done,'' she added. The students' plan 'works'."
    assert spans(body) == ["We are ready", "It's done"]
