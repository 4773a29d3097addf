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
