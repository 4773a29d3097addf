import pytest

from transforms.clean import clean_document
from transforms.parse import RawDocument

PAGE = """Council approves ferry contract

  • Oops!
    Something went wrong.
    Please try again later.
Share this article

The council voted 7-2 on Tuesday to renew the ferry contract.

Advertisement

“It is the right deal,” Mayor Ana Ruiz said.
Story continues below
Sign up for our daily newsletter
"""


def test_page_copy_title_and_residue_lines():
    article = clean_document(RawDocument(0, "text", PAGE))
    assert article.title == "Council approves ferry contract"
    assert article.body == (
        "The council voted 7-2 on Tuesday to renew the ferry contract.\n\n"
        "“It is the right deal,” Mayor Ana Ruiz said."
    )
    assert [(r.line_no, r.rule_id, r.text) for r in article.removed] == [
        (2, "error-oops", "  • Oops!"),
        (3, "error-something-went-wrong", "    Something went wrong."),
        (4, "error-try-again", "    Please try again later."),
        (5, "share-bar", "Share this article"),
        (9, "advertisement", "Advertisement"),
        (12, "story-continues", "Story continues below"),
        (13, "newsletter-prompt", "Sign up for our daily newsletter"),
    ]


def test_mojibake_fixed_and_typographic_quotes_kept():
    article = clean_document(RawDocument(0, "fields", "â€œWe are ready,â€\x9d she said.\u00a0 Really.", title="T"))
    assert article.body == "“We are ready,” she said. Really."


def test_hard_wrapped_lines_join_but_sentences_per_line_do_not():
    text = "Headline\n\nThe mayor said the plan would\ncost more than expected.\nA second paragraph starts here."
    article = clean_document(RawDocument(0, "text", text))
    assert article.body == "The mayor said the plan would cost more than expected.\n\nA second paragraph starts here."


def test_html_main_text_via_trafilatura():
    html = """<html><head><title>Ferry deal | Daily Ledger</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Ferry deal renewed</h1>
    <p>The council voted 7-2 on Tuesday to renew the ferry contract with Harbor Lines for five years.</p>
    <p>Share this article</p>
    <p>“It is the right deal for commuters who have waited long enough,” Mayor Ana Ruiz said.</p></article>
    <footer>© Daily Ledger</footer></body></html>"""
    article = clean_document(RawDocument(0, "html", html))
    assert article.title == "Ferry deal renewed"
    assert article.body == (
        "The council voted 7-2 on Tuesday to renew the ferry contract with Harbor Lines for five years.\n\n"
        "“It is the right deal for commuters who have waited long enough,” Mayor Ana Ruiz said."
    )
    assert [r.rule_id for r in article.removed] == ["page-headline", "share-bar"]


def test_only_residue_gives_empty_body():
    article = clean_document(RawDocument(0, "fields", "Oops!\nSomething went wrong.\nPlease try again later.", title="T"))
    assert article.body == ""
    assert len(article.removed) == 3


def test_fix_text_skips_plain_lines_but_matches_ftfy():
    import ftfy

    from transforms.clean import fix_text

    text = ("Plain line, nothing to fix.\r\n"
            "â€œWe are ready,â€\x9d she said &amp; left.\n"
            "It’s “fine” — really…\n"
            "<b>bold</b> and &amp; after a tag\n"
            "&amp; stays escaped once a line held a tag\n"
            "ﬁne ＬＯＵＤ")
    assert fix_text(text) == ftfy.fix_text(text, uncurl_quotes=False)
    assert fix_text(text).splitlines()[1] == "“We are ready,” she said & left."


# HTML structure corrected before trafilatura reads the page (transforms.clean.prepare_html).
# Example pages are our own writing: fictional places and people.

def _tree(body: str):
    from trafilatura.utils import load_html

    return load_html(f"<html><head><title>T</title></head><body>{body}</body></html>")


def _text(tree) -> str:
    """The text of the page's paragraphs, list items and headings, one space between them."""
    blocks = tree.find(".//body").iter("p", "li", "h2", "h3", "h4")
    return " ".join(" ".join("".join(block.itertext()).split()) for block in blocks)


def test_hover_card_inside_a_paragraph_goes_but_the_linked_name_stays():
    from transforms.clean import drop_hover_cards

    tree = _tree(
        '<p>The plan was backed by Councillor <span class="person"><a href="/people/ines-varga">Ines Varga</a>'
        '<span class="person-card"><img src="/i/varga.jpg"><a href="/people/ines-varga">Ines Varga</a>'
        '<a href="/news/1">Varga pushes for night buses on the coast road</a> '
        '<a href="/news/2">Budget talks stall over harbour dredging</a> <a href="/people/ines-varga">MORE</a>'
        '</span></span> (Greens), who called it overdue.</p>'
        '<p>See the <a href="/a">route map</a>, the <a href="/b">timetable</a> and the <a href="/c">fares</a>.</p>'
    )
    drop_hover_cards(tree)
    assert _text(tree) == (
        "The plan was backed by Councillor Ines Varga (Greens), who called it overdue. "
        "See the route map, the timetable and the fares."
    )


def test_related_stories_heading_drops_the_cards_after_it_up_to_the_next_paragraph():
    from transforms.clean import drop_related_sections

    tree = _tree(
        "<div><p>Dredging of the inner harbour starts in May and will close the north quay for six weeks.</p>"
        "<h3>You may also like</h3>"
        "<article><a href='/x'><img src='/x.jpg'></a><p>Night ferries return to the island after a long winter "
        "break, and the operator promises …</p></article>"
        "<article><p>The old lighthouse keeper's cottage will open as a small museum next spring …</p></article>"
        "<p>Work on the south quay follows in the autumn.</p></div>"
        "<h2>Related costs</h2><p>Rising costs are set out below.</p>"
    )
    drop_related_sections(tree)
    assert _text(tree) == (
        "Dredging of the inner harbour starts in May and will close the north quay for six weeks. "
        "Work on the south quay follows in the autumn. Related costs Rising costs are set out below."
    )


def test_list_of_teaser_cards_goes_but_an_article_list_of_links_stays():
    from transforms.clean import drop_teaser_lists

    tree = _tree(
        "<p>The new timetable adds three stops:</p>"
        "<ul><li><a href='/stops/mill'>Mill Lane</a>, from 6 a.m. on weekdays</li>"
        "<li><a href='/stops/quay'>North Quay</a>, hourly in the evening</li>"
        "<li>Ashby Green, on request</li></ul>"
        "<ul class='latest'>"
        "<li><a href='/n/1'><img src='/1.jpg'></a><h3><a href='/n/1'>Coach sacked after cup exit</a></h3>"
        "<h4>The club had been top of the table in August</h4></li>"
        "<li><a href='/n/2'><img src='/2.jpg'></a><h3><a href='/n/2'>Harbour derby moved to Sunday</a></h3>"
        "<h4>Police asked for the later kick-off</h4></li>"
        "<li><a href='/n/3'><img src='/3.jpg'></a><h3><a href='/n/3'>What the new stand will cost fans</a></h3>"
        "<h4>Season tickets rise by a tenth</h4></li></ul>"
        "<ol><li><a href='/a'>Ferry fares frozen for another year</a></li>"
        "<li><a href='/b'>Library opening hours cut on Mondays</a></li>"
        "<li><a href='/c'>Bridge repairs finished ahead of schedule</a></li></ol>"
    )
    drop_teaser_lists(tree)
    assert _text(tree) == (
        "The new timetable adds three stops: Mill Lane, from 6 a.m. on weekdays North Quay, hourly in the evening "
        "Ashby Green, on request"
    )


def test_paragraph_of_linked_headlines_goes_but_linked_sentences_and_names_stay():
    from transforms.clean import drop_linked_headlines

    tree = _tree(
        "<p><strong><a href='/n/7'>HARBOUR MASTER QUITS AFTER TWENTY YEARS</a></strong></p>"
        "<p><a href='/n/8'>Ferry strike called off at the last minute</a> [VIDEO]<br>"
        "<a href='/n/9'>Island school gets its roof back</a> [PICTURES]</p>"
        "<p><a href='/report'>The full inspection report is online.</a></p>"
        "<p><a href='/shop/lamp'>Brass Storm Lantern</a></p>"
        "<p><a href='#notes'>See the notes below for the method used here</a></p>"
        "<blockquote><p><a href='/t/1'>Big day for the harbour crew today</a></p></blockquote>"
    )
    drop_linked_headlines(tree)
    assert _text(tree) == (
        "The full inspection report is online. Brass Storm Lantern See the notes below for the method used here "
        "Big day for the harbour crew today"
    )


def test_body_split_over_containers_is_joined_only_when_the_extraction_missed_a_part():
    from transforms.clean import join_split_bodies

    first = ("<p>The quarry on Hollin Ridge will close in March after forty years of blasting, its owners said.</p>"
             "<p>Neighbours had complained for a decade about dust on their cars and cracks in their walls.</p>")
    second = ("<p>The site will be flooded and turned into a lake with a walking path around it by 2030.</p>"
              "<p>Anglers have already asked the parish council whether they may fish there in summer.</p>")
    page = (f"<main><div class='row'><div class='story-body'>{first}</div></div>"
            "<div class='row wide-ad'><span>Advertisement</span></div>"
            f"<div class='row'><div class='story-body'>{second}</div></div></main>")
    tree = _tree(page)
    missed = "The quarry on Hollin Ridge will close in March after forty years of blasting, its owners said. Neighbours"
    assert join_split_bodies(tree, missed) is True
    parts = tree.findall(".//div[@class='story-body']")
    assert [len(part) for part in parts] == [4, 0]
    assert "Anglers have already asked" in "".join(parts[0].itertext())
    whole = _tree(page)
    assert join_split_bodies(whole, missed + " The site will be flooded and turned into a lake with a walking path around it by 2030.") is False
    assert [len(part) for part in whole.findall(".//div[@class='story-body']")] == [2, 2]


def test_html_page_with_hover_card_and_teasers_end_to_end():
    html = """<html><head><title>Quarry to close | Ridge Post</title></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Quarry to close</h1>
    <p>The quarry on Hollin Ridge will close in March after forty years of blasting, owner
    <span class="who"><a href="/people/tom-ashby">Tom Ashby</a><span class="who-card"><a href="/people/tom-ashby">Tom Ashby</a>
    <a href="/n/1">Ashby buys the old brickworks</a> <a href="/n/2">Ridge firms hire fewer apprentices</a></span></span>
    said on Monday.</p>
    <p>Neighbours had complained for a decade about dust on their cars and cracks in their walls.</p>
    <p><strong><a href="/n/3">RIDGE BUS ROUTE SAVED BY LATE DEAL</a></strong></p>
    <p>The site will be flooded and turned into a lake with a walking path around it by 2030.</p>
    <h3>Related stories</h3>
    <article><p>Anglers want to fish in the new lake, but the parish council says it is far too early to …</p></article>
    <article><p>Blasting at the quarry shook windows in three villages again this week, residents say, and …</p></article>
    </article></body></html>"""
    article = clean_document(RawDocument(0, "html", html))
    assert article.body == (
        "The quarry on Hollin Ridge will close in March after forty years of blasting, owner Tom Ashby said on Monday.\n\n"
        "Neighbours had complained for a decade about dust on their cars and cracks in their walls.\n\n"
        "The site will be flooded and turned into a lake with a walking path around it by 2030."
    )


# Residue anywhere: UI sentences inside a paragraph and on shared lines (issue 15). Each phrase
# as (rule id, sentence) parts, as the findings listed them.
RESIDUE_PHRASES = {
    "oops-something-went-wrong": [("error-oops", "Oops!"), ("error-something-went-wrong", "Something went wrong.")],
    "oops-went-wrong-try-again": [("error-oops", "Oops!"), ("error-something-went-wrong", "Something went wrong."),
                                  ("error-try-again", "Please try again later.")],
    "went-wrong-try-again": [("error-something-went-wrong", "Something went wrong."),
                             ("error-try-again", "Please try again later.")],
    "story-continues": [("story-continues", "Story continues below advertisement")],
    "loading": [("loading", "Loading...")],
    "javascript": [("browser-notice", "JavaScript is disabled in your browser.")],
}
ENDS = "The council voted 6-1 on Tuesday to rebuild the Tanner Street bridge."
BEFORE = "The bridge reopens next month."
QUOTED = "“We will rebuild it by spring,” Mayor Ana Ruiz said."
LAST = "The $14 million project will be paid for with a state grant."


def _page_with(phrase: str) -> str:
    """The phrase closing a paragraph (line 2), inside one before a quotation (line 4), alone (line 6)."""
    return (f"Bridge plan approved\n\n{ENDS} {phrase}\n\n{BEFORE} {phrase} {QUOTED}\n\n"
            f"  • {phrase}\n\n{LAST}\n")


def _records(parts: list[tuple[str, str]], phrase: str) -> list[tuple[int, str, str, int]]:
    """The residue rows _page_with(phrase) gives: (line_no, rule_id, text, start in the line)."""
    out = []
    for line_no, start in ((2, len(ENDS) + 1), (4, len(BEFORE) + 1), (6, 4)):
        for rule_id, sentence in parts:
            out.append((line_no, rule_id, sentence, start))
            start += len(sentence) + 1
    if len(parts) == 1:  # alone, the line is one rule's whole line: recorded whole
        out[-1] = (6, parts[0][0], f"  • {phrase}", 0)
    else:  # sentences from the line's start take its bullet along
        out[-len(parts)] = (6, parts[0][0], f"• {parts[0][1]}", 2)
    return out


@pytest.mark.parametrize("name", RESIDUE_PHRASES)
def test_residue_sentences_are_removed_inside_paragraphs_and_on_their_own_line(name):
    parts = RESIDUE_PHRASES[name]
    phrase = " ".join(sentence for _, sentence in parts)
    article = clean_document(RawDocument(0, "text", _page_with(phrase)))
    assert article.title == "Bridge plan approved"
    assert article.body.split("\n\n") == [ENDS, f"{BEFORE} {QUOTED}", LAST]
    assert [(r.line_no, r.rule_id, r.text, r.start) for r in article.removed] == _records(parts, phrase)


def test_residue_sentences_of_extracted_text_and_what_stays():
    text = ("The bridge reopens next month. Oops! Something went wrong. Please try again later.\n"
            "Something went wrong in the final minutes, the coach said. Loading the ferry took hours.\n"
            "“It failed. Oops! Something went wrong,” the engineer said.")
    article = clean_document(RawDocument(0, "fields", text, title="T"))
    assert article.body.split("\n\n") == [
        "The bridge reopens next month.",
        "Something went wrong in the final minutes, the coach said. Loading the ferry took hours.",
        "“It failed. Oops! Something went wrong,” the engineer said.",
    ]
    assert [(r.line_no, r.rule_id, r.text, r.start) for r in article.removed] == [
        (0, "error-oops", "Oops!", 31),
        (0, "error-something-went-wrong", "Something went wrong.", 37),
        (0, "error-try-again", "Please try again later.", 59),
    ]


def test_residue_sentence_positions_point_into_the_raw_line():
    raw = "The bridge\u00a0 reopens\u200b next month.   Oops!  Something went wrong."
    article = clean_document(RawDocument(0, "fields", raw, title="T"))
    assert article.body == "The bridge reopens next month."
    assert [(r.rule_id, r.start, raw[r.start : r.start + len(r.text)]) for r in article.removed] == [
        ("error-oops", 35, "Oops!"), ("error-something-went-wrong", 42, "Something went wrong.")]


@pytest.mark.parametrize("raw", ["  • Oops!\t", "a\u00a0\u2003 b\u200bc ", "\u200b x  y\u3000", "plain", ""])
def test_raw_positions_follow_normalise_line(raw):
    from transforms.clean import _raw_positions, normalise_line

    at = _raw_positions(raw)
    assert "".join(" " if raw[i].isspace() else raw[i] for i in at) == normalise_line(raw)


def test_quotes_after_removed_residue_keep_their_offsets(nlp):
    from transforms.article import article_rows

    parts = RESIDUE_PHRASES["oops-went-wrong-try-again"]
    phrase = " ".join(sentence for _, sentence in parts)
    article = clean_document(RawDocument(0, "text", _page_with(phrase)))
    rows = article_rows(article=article, doc=nlp(article.body), file_id="f" * 64, record_index=0,
                        source_uri="/in/bridge.txt", batch_id="b1", run_id="r1")
    body = rows.articles[0].body
    start = body.index("We will")
    assert [(q.text, q.start_char, q.speaker) for q in rows.quotes] == [
        ("We will rebuild it by spring", start, "Ana Ruiz")]
    assert all(body[q.start_char : q.end_char] == q.text for q in rows.quotes)
    assert all(body[s.start_char : s.end_char] == s.text for s in rows.sentences)
    assert [p.text for p in rows.paragraphs] == [ENDS, f"{BEFORE} {QUOTED}", LAST]
    assert [(r.line_no, r.rule_id, r.text, r.start_in_line) for r in rows.residue] == _records(parts, phrase)
