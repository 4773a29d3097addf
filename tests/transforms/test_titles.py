"""Titles of text dumps: the first line is the title only when it reads as a headline and body
text follows it; otherwise the title stays null and the body keeps every paragraph.

The dumps below are our own writing (fictional towns and people), in the shapes real dumps come
in: a title line then paragraphs, paragraphs only (as article scrapers export them), blank lines
between paragraphs or none, one-paragraph articles."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from transforms.clean import clean_document
from transforms.page_text import looks_like_title
from transforms.parse import RawDocument

LEAD = ("The harbour board voted on Monday to dredge the eastern channel before the spring fishing "
        "season, ending a dispute that had kept half the fleet tied up at low tide.")
SECOND = "Skippers had asked for the work for three winters running."
THIRD = "“We lose two trips a week when the silt builds up,” said Ines Okoro, who chairs the fishermen's association."
FOURTH = "Dredging starts in March and should take six weeks, the board said."


@dataclass(frozen=True)
class Dump:
    id: str
    text: str
    title: str | None
    paragraphs: list[str]


DUMPS = [
    Dump("title-line-blank-lines",
         f"Harbour board backs dredging plan\n\n{LEAD}\n\n{SECOND}\n\n{THIRD}\n",
         "Harbour board backs dredging plan", [LEAD, SECOND, THIRD]),
    Dump("title-line-one-paragraph-per-line",
         f"Harbour board backs dredging plan\n{LEAD}\n{SECOND}\n{THIRD}\n{FOURTH}\n",
         "Harbour board backs dredging plan", [LEAD, SECOND, THIRD, FOURTH]),
    Dump("no-title-blank-lines", f"{LEAD}\n\n{SECOND}\n\n{THIRD}\n", None, [LEAD, SECOND, THIRD]),
    Dump("no-title-one-paragraph-per-line", f"{LEAD}\n{SECOND}\n{THIRD}\n{FOURTH}\n", None,
         [LEAD, SECOND, THIRD, FOURTH]),
    Dump("one-paragraph-no-title", f"{LEAD}\n", None, [LEAD]),
    Dump("one-paragraph-with-title", f"Harbour board backs dredging plan\n\n{LEAD}\n",
         "Harbour board backs dredging plan", [LEAD]),
    Dump("title-question", f"Will the silt come back by autumn?\n\n{LEAD}\n\n{SECOND}\n",
         "Will the silt come back by autumn?", [LEAD, SECOND]),
    Dump("title-exclamation", f"Dredgers at last!\n{LEAD}\n{SECOND}\n", "Dredgers at last!", [LEAD, SECOND]),
    Dump("title-quoting-a-question",
         f"Okoro: ‘Who pays when the channel silts up again?’\n\n{LEAD}\n",
         "Okoro: ‘Who pays when the channel silts up again?’", [LEAD]),
    # A question as long as a lead is the article's first paragraph, not its headline.
    Dump("long-question-first-paragraph",
         "Would anyone on the quay have guessed, ten winters ago, that the board would one day pay "
         f"to dredge the channel it once left to silt up?\n{SECOND}\n{FOURTH}\n",
         None,
         ["Would anyone on the quay have guessed, ten winters ago, that the board would one day pay "
          "to dredge the channel it once left to silt up?", SECOND, FOURTH]),
    # Short, but a sentence: the first paragraph.
    Dump("short-sentence-first-paragraph", f"The vote was close.\n{LEAD}\n", None, ["The vote was close.", LEAD]),
    # A headline with a full stop reads as a sentence: it stays in the body, nothing is lost.
    Dump("headline-with-full-stop", f"Harbour Board Backs Dredging Plan.\n\n{LEAD}\n", None,
         ["Harbour Board Backs Dredging Plan.", LEAD]),
    # A title-like line with nothing after it is the whole article, not a title.
    Dump("headline-alone", "Harbour board backs dredging plan\n", None, ["Harbour board backs dredging plan"]),
    Dump("title-then-residue-then-body",
         f"Harbour board backs dredging plan\n\nShare this article\nAdvertisement\n\n{LEAD}\n",
         "Harbour board backs dredging plan", [LEAD]),
    # Residue first: the title is the first line no rule removes.
    Dump("residue-before-title",
         f"  • Oops!\nHarbour board backs dredging plan\n\n{LEAD}\n\n{SECOND}\n",
         "Harbour board backs dredging plan", [LEAD, SECOND]),
]


@pytest.mark.parametrize("dump", DUMPS, ids=[d.id for d in DUMPS])
def test_title_and_body_of_each_dump(dump):
    article = clean_document(RawDocument(0, "text", dump.text))
    assert article.title == dump.title
    assert article.body.split("\n\n") == dump.paragraphs


@pytest.mark.parametrize("dump", DUMPS, ids=[d.id for d in DUMPS])
def test_no_line_is_dropped_silently(dump):
    """Every non-empty line of the dump is the title, in the body, or a removed line with its rule."""
    article = clean_document(RawDocument(0, "text", dump.text))
    removed = {r.line_no for r in article.removed}
    kept = article.body.split("\n\n")
    for line_no, line in enumerate(dump.text.splitlines()):
        if line.strip() and line_no not in removed:
            assert line.strip() == article.title or line.strip() in kept, line


def test_a_byline_first_is_not_the_title_and_is_recorded():
    article = clean_document(RawDocument(0, "text", f"By Ana Ruiz\n{LEAD}\n{SECOND}\n"))
    assert article.title is None
    assert article.body.split("\n\n") == [LEAD, SECOND]
    assert [(r.line_no, r.rule_id) for r in article.removed] == [(0, "byline")]
    assert article.authors == "Ana Ruiz"


def test_json_records_take_the_title_field_and_keep_their_first_paragraph():
    article = clean_document(RawDocument(0, "fields", f"Harbour board backs dredging plan\n{LEAD}",
                                         title="Dredging approved"))
    assert article.title == "Dredging approved"
    assert article.body.split("\n\n") == ["Harbour board backs dredging plan", LEAD]
    untitled = clean_document(RawDocument(0, "fields", f"{LEAD}\n{SECOND}"))
    assert (untitled.title, untitled.body.split("\n\n")) == (None, [LEAD, SECOND])


@pytest.mark.parametrize("line, expected", [
    ("Harbour board backs dredging plan", True),
    ("Will the silt come back by autumn?", True),
    ("Dredgers at last!", True),
    ("Harbour board backs dredging plan; fleet relieved", True),
    ("Harbour board backs dredging plan.", False),
    ("What the harbour board decided on Monday:", False),
    ("Harbour board backs dredging plan,", False),
    ("Harbour board backs dredging plan…", False),
    ("By Ana Ruiz, Staff Writer", False),
    ("Mar. 3, 2021", False),
    (" ".join(["word"] * 26), False),
    ("Why would anyone on the quay have guessed that the board would pay for it?", False),
])
def test_looks_like_title(line, expected):
    assert looks_like_title(line) is expected
