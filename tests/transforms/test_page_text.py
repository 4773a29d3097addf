"""Page copies (the whole page saved as text) -> the article: every heuristic of
transforms/page_text.py, each with a case it must act on and a case it must leave alone.
All pages are invented."""
import pytest

from transforms import page_text
from transforms.clean import clean_document
from transforms.page_text import describe, is_policy, is_prose, metadata_kind, word_count
from transforms.parse import RawDocument
from transforms.rules import removal_rule_ids

P1 = "The harbour board approved a plan on Monday to dredge the eastern channel before the spring fishing season begins."
P2 = "Skippers had complained for months that silt left their boats stuck at low tide, costing them two trips a week."
P3 = "Work will start in March and should take about six weeks, the board's chair, Ines Okoro, told reporters after the vote."
P4 = "The dredged sand will be used to rebuild the dunes north of the town, where winter storms washed away a footpath."
ARTICLE = [P1, P2, P3, P4]

PAGE = """Ferry deal renewed after late-night vote - Harbor Ledger

Home
News
Sport
Business
Opinion
Weather

Ferry deal renewed after late-night vote

By Ana Ruiz, Staff Writer
Updated: Mar. 3, 2021 at 6:15 a.m.

The council voted 7-2 on Tuesday to renew the ferry contract with Harbor Lines for five more years, ending a dispute that had split the island's two towns since spring.

Commuters had warned that a lapse in service would strand hundreds of workers who cross the sound every morning, and the vote came shortly before midnight.

Passengers wait at the north pier
(Jane Doe / Harbor Ledger)

“It is the right deal for the people who depend on this boat every single day,” Mayor Ana Ruiz said after the meeting.

“Nobody asked us.”

The new contract keeps fares at current levels until 2022 and adds a late sailing on Fridays, according to documents released by the clerk's office.

The timetable changes are:
Monday to Thursday: last sailing at 22:10
Friday: last sailing at 23:40

Leave a Reply

Gulls4ever on March 3, 2020 at 9:14 am said:
This is the worst decision the council has made in years and everybody on the island knows it, frankly.

Most read
Harbor dredging to begin in May
Library extends weekend hours

© 2020 Harbor Ledger. All rights reserved.
Privacy Policy
Terms of Use
"""


def page(*blocks: str, title: str = "Dredging plan approved - Harbor Ledger") -> str:
    """A page copy: the title line, then blocks separated by blank lines."""
    return "\n\n".join([title, *blocks]) + "\n"


def body(text: str) -> list[str]:
    return clean_document(RawDocument(0, "text", text)).body.split("\n\n")


def removed(text: str) -> list[tuple[int, str, str]]:
    return [(r.line_no, r.rule_id, r.text) for r in clean_document(RawDocument(0, "text", text)).removed]


def test_page_copy_keeps_the_article_and_records_every_removed_line():
    article = clean_document(RawDocument(0, "text", PAGE))
    assert article.title == "Ferry deal renewed after late-night vote - Harbor Ledger"
    assert article.body.split("\n\n") == [
        "The council voted 7-2 on Tuesday to renew the ferry contract with Harbor Lines for five more years, "
        "ending a dispute that had split the island's two towns since spring.",
        "Commuters had warned that a lapse in service would strand hundreds of workers who cross the sound "
        "every morning, and the vote came shortly before midnight.",
        "“It is the right deal for the people who depend on this boat every single day,” Mayor Ana Ruiz said "
        "after the meeting.",
        "“Nobody asked us.”",
        "The new contract keeps fares at current levels until 2022 and adds a late sailing on Fridays, according "
        "to documents released by the clerk's office.",
        "The timetable changes are:",
        "Monday to Thursday: last sailing at 22:10",
        "Friday: last sailing at 23:40",
    ]
    assert removed(PAGE) == [
        (2, "page-link-list", "Home"),
        (3, "page-link-list", "News"),
        (4, "page-link-list", "Sport"),
        (5, "page-link-list", "Business"),
        (6, "page-link-list", "Opinion"),
        (7, "page-link-list", "Weather"),
        (9, "page-headline", "Ferry deal renewed after late-night vote"),
        (11, "byline", "By Ana Ruiz, Staff Writer"),
        (12, "dateline", "Updated: Mar. 3, 2021 at 6:15 a.m."),
        (18, "image-caption", "Passengers wait at the north pier"),
        (19, "photo-credit", "(Jane Doe / Harbor Ledger)"),
        (31, "comment-section", "Leave a Reply"),
        (33, "page-link-list", "Gulls4ever on March 3, 2020 at 9:14 am said:"),
        (34, "page-outside-article",
         "This is the worst decision the council has made in years and everybody on the island knows it, frankly."),
        (36, "related-list-header", "Most read"),
        (37, "page-link-list", "Harbor dredging to begin in May"),
        (38, "page-link-list", "Library extends weekend hours"),
        (40, "policy-notice", "© 2020 Harbor Ledger. All rights reserved."),
        (41, "policy-notice", "Privacy Policy"),
        (42, "policy-notice", "Terms of Use"),
    ]


def test_a_copy_without_blank_lines_gives_the_same_article():
    one_paragraph_per_line = "\n".join(line for line in PAGE.splitlines() if line.strip())
    assert body(one_paragraph_per_line) == body(PAGE)
    rules = [rule for _, rule, _ in removed(one_paragraph_per_line)]
    assert "page-link-list" not in rules  # without blank lines there are no lists to tell apart
    assert rules.count("image-caption") == rules.count("photo-credit") == 1


def test_every_rule_id_a_page_can_get_is_registered():
    emitted = {page_text.OUTSIDE, page_text.LINK_LIST, page_text.REPEATED, page_text.HEADLINE, page_text.BYLINE,
               page_text.DATELINE, page_text.PHOTO_CREDIT, page_text.CAPTION, page_text.POLICY}
    assert emitted <= set(removal_rule_ids())
    structural = page_text.COMMENT_SECTION_RULES | page_text.LIST_HEADER_RULES | {"image-credit-line"}
    assert structural <= set(removal_rule_ids())


COMMENTS = [
    "I have fished out of this harbour for thirty years and the channel has never been this bad, so this is good news.",
    "Dredging every few years is a waste of money when the real problem is the breakwater that nobody wants to fix.",
    "Will the footpath on the dunes be open again by the summer, or do we have to wait until the autumn for that?",
]


def test_a_comment_section_ends_the_article():
    text = page(P1, P2, "Comments", *COMMENTS)
    assert body(text) == [P1, P2]
    assert [rule for _, rule, _ in removed(text)] == ["comment-section"] + ["page-outside-article"] * 3


def test_a_comment_counter_is_not_the_comment_section():
    text = page(P1, P2, "Comments (3)", *COMMENTS)
    assert body(text) == [P1, P2, *COMMENTS]


TEASERS = "\n".join([
    "A landslide blocked the road north of the village on Sunday, and crews expect to reopen one lane by Friday.",
    "The school board chose a deputy head from a neighbouring district after a search that drew forty applicants.",
])


def test_the_headline_starts_the_article():
    text = page(TEASERS, "Dredging plan approved", *ARTICLE)
    assert body(text) == ARTICLE
    assert [rule for _, rule, _ in removed(text)] == ["page-outside-article", "page-outside-article", "page-headline"]


def test_a_heading_that_is_not_the_headline_does_not_cut():
    text = page(TEASERS, "Harbour news in brief", *ARTICLE)
    assert body(text) == [*TEASERS.split("\n"), "Harbour news in brief", *ARTICLE]


def test_teasers_after_the_article_are_not_the_article():
    teasers = [
        "Storm closes the coast road between the two villages\n"
        "A landslide blocked the road north of the village on Sunday, and crews expect to reopen one lane by Friday.\n"
        "Ana Ruiz\nNov 18, 2019",
        "School board picks a new head for the harbour school\n"
        "The board chose a deputy head from a neighbouring district after a six-month search that drew 40 applicants.\n"
        "Tom Lee\nNov 17, 2019",
    ]
    text = page(*ARTICLE, *teasers)
    assert body(text) == ARTICLE
    assert [rule for _, rule, _ in removed(text)] == [
        "page-link-list", "page-outside-article", "page-link-list", "dateline"] * 2


def test_paragraphs_under_subheadings_are_the_article():
    text = page(P1, "Why the channel silted up", P2, "What happens next", P3, P4)
    assert body(text) == [P1, "Why the channel silted up", P2, "What happens next", P3, P4]


def test_a_list_introduced_by_a_lead_in_belongs_to_the_article():
    times = "Monday to Thursday: last sailing at 22:10\nFriday: last sailing at 23:40"
    text = page(*ARTICLE, "The new sailing times are:\n" + times, "About us\nContact\nAdvertise")
    assert body(text) == [*ARTICLE, "The new sailing times are:", *times.split("\n")]


def test_a_list_after_the_article_without_a_lead_in_is_a_link_list():
    times = "Monday to Thursday: last sailing at 22:10\nFriday: last sailing at 23:40"
    text = page(*ARTICLE, "Sailing times\n" + times, "About us\nContact\nAdvertise")
    assert body(text) == ARTICLE
    assert {rule for _, rule, _ in removed(text)} == {"page-link-list"}


def test_a_menu_item_inside_the_article_is_a_repeated_line():
    text = page("Home\nNews\nWeather\nSport", P1, P2, "Weather", P3, P4)
    assert body(text) == ARTICLE
    assert [(rule, line) for _, rule, line in removed(text)][-1] == ("page-repeated-line", "Weather")


def test_a_question_repeated_only_inside_the_article_stays():
    question = "What would you change first?"
    text = page(P1, question, P2, question, P3, question, P4)
    assert body(text) == [P1, question, P2, question, P3, question, P4]


def test_a_credit_line_in_a_menu_is_not_a_photo_credit():
    text = page("Home\nAbout Us/Contact\nFind/Post Jobs\nLogin/Register\nSearch", *ARTICLE)
    assert {rule for _, rule, _ in removed(text)} == {"page-link-list"}


def test_hard_wrapped_paragraphs_are_joined_and_kept():
    wrapped = ("The harbour board approved a plan on Monday to dredge the\n"
               "eastern channel before the spring fishing season begins.\n"
               "Skippers had complained for months that silt left their\n"
               "boats stuck at low tide, costing them two trips a week.")
    assert body(page("Home\nNews\nSport", wrapped)) == [P1, P2]


def test_a_note_without_prose_is_kept_whole():
    assert body(page("Library closed\nBack on Monday")) == ["Library closed", "Back on Monday"]


@pytest.mark.parametrize(("line", "kind"), [
    ("By Ana Ruiz Staff Writer", "byline"),
    ("By Ana Ruiz - 3/3/21 09:15 AM EST", "byline"),
    ("Tom Lee - Mar 3, 2021, 9:15 pm CST", "byline"),
    ("Ledger Staff", "byline"),
    ("(Reporting by Ana Ruiz; editing by Tom Lee)", "byline"),
    ("Tom Lee contributed reporting from Oslo.", "byline"),
    ("Mar 3, 2021, 9:15 pm CST", "dateline"),
    ("3 Mar 2021 21:15 GMT", "dateline"),
    ("2021-03-03T21:15:00+01:00", "dateline"),
    ("Updated 3 hours ago", "dateline"),
    ("Image credit: Harbor Ledger", "photo-credit"),
    ("Photo by Jane Doe", "photo-credit"),
    ("Photograph: Jane Doe/Harbor Ledger", "photo-credit"),
    ("(Getty Images)", "photo-credit"),
    ("By Monday, officials had agreed on the route.", None),
    ("Officials contributed reporting to the inquiry.", None),
    ("May 2019 was the wettest month on record, forecasters said.", None),
    ("June 9 – West Palm Beach @ Coral Sky Amphitheatre", None),
    ("Photo identification will be required at polling stations, the clerk said.", None),
    ("The Harbor Ledger", None),
])
def test_metadata_lines(line, kind):
    assert metadata_kind(line) == kind


@pytest.mark.parametrize(("line", "policy"), [
    ("© 2020 Harbor Ledger. All rights reserved.", True),
    ("Privacy Policy", True),
    ("We use cookies to give you the best experience on our website, and by using this site you agree.", True),
    ("The information provided on this website is for informational purposes only and may change.", True),
    ("The company updated its privacy policy last week after complaints from customers, the regulator said.", False),
    ("He wanted to charge the company millions of dollars to use his trademark of the word, filings show.", False),
])
def test_policy_notices(line, policy):
    words = word_count(line)
    assert is_policy(line, is_prose(line, words, line.endswith("."))) is policy


def test_prose_in_languages_without_spaces():
    assert word_count("今日は市議会が新しい橋の建設計画を承認しました。") == 11.5  # 23 characters
    assert is_prose("今日は市議会が新しい橋の建設計画を承認しました。", 11.5, True)
    assert not is_prose("新しい橋", 2, False)


def test_describe_joins_hard_wrapped_lines_but_not_sentences():
    lines = ["The mayor said the plan would", "cost more than expected.", "A second line starts here."]
    assert [(d.indices, d.text) for d in describe(lines, {})] == [
        ((0, 1), "The mayor said the plan would cost more than expected."),
        ((2,), "A second line starts here."),
    ]


FIELDS = "\n".join([
    "Dredging plan approved as skippers cheer",
    "By Ana Ruiz",
    P1,
    "- Storm Closes The Coast Road Again",
    "- School Board Picks Another New Head",
    P2,
    P3,
    "“It is about time,” said one skipper.",
    "The dunes north of town",
    "(Jane Doe / Harbor Ledger)",
    P2,
    P3,
    "“It is about time,” said one skipper.",
    "- Monday to Thursday: last sailing at 22:10",
    "- Friday: last sailing at 23:40",
])


def test_extracted_text_loses_only_page_furniture():
    article = clean_document(RawDocument(0, "fields", FIELDS, title="Dredging plan approved"))
    assert article.body.split("\n\n") == [
        P1, P2, P3, "“It is about time,” said one skipper.", "“It is about time,” said one skipper.",
        "- Monday to Thursday: last sailing at 22:10", "- Friday: last sailing at 23:40",
    ]
    assert [(r.line_no, r.rule_id) for r in article.removed] == [
        (0, "page-headline"), (1, "byline"), (3, "page-link-list"), (4, "page-link-list"),
        (8, "image-caption"), (9, "photo-credit"), (10, "page-repeated-line"), (11, "page-repeated-line"),
    ]


def test_byline_and_dateline_become_authors_and_date():
    from transforms.clean import RemovedLine
    from transforms.page_text import byline_metadata

    assert byline_metadata([RemovedLine(3, "byline", "By Meg Harlow and Tom Reyes Staff Writers"),
                            RemovedLine(4, "dateline", "Nov. 19, 2019")]) == ("Meg Harlow; Tom Reyes", "2019-11-19")
    assert byline_metadata([RemovedLine(0, "byline", "By Ana Ruiz - Mar 3, 2021, 9:15 pm CST")]) == (
        "Ana Ruiz", "2021-03-03")
    assert byline_metadata([RemovedLine(0, "dateline", "Updated: Thursday, in the spring")]) == (None, None)
    assert byline_metadata([RemovedLine(0, "share-bar", "By the way")]) == (None, None)


def test_page_copy_metadata_reaches_the_article():
    from transforms.clean import clean_document
    from transforms.parse import RawDocument

    page = ("Ferry deal renewed after long talks\n\nHome\nNews\nSport\n\nFerry deal renewed after long talks\n"
            "By Meg Harlow Staff Writer\nNov. 19, 2019\n\n"
            "The council voted 7-2 on Tuesday to renew the ferry contract with Harbor Lines for five more years "
            "after talks that ran into the night.\n\n“It is the right deal for the people who ride these boats "
            "every day,” Mayor Ana Ruiz said after the vote.\n")
    article = clean_document(RawDocument(0, "text", page))
    assert (article.title, article.authors, article.published) == (
        "Ferry deal renewed after long talks", "Meg Harlow", "2019-11-19")
    assert article.body.startswith("The council voted 7-2")
