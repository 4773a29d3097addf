"""Which quoted stretches are quotations, and where they end: classes seen on real news, each
with sentences of our own (fictional people, places and works)."""
from tests.transforms.quoting import quotes


def test_a_noun_spelled_like_a_cue_before_a_title_does_not_make_it_direct(nlp):
    # "show" is a reporting verb ("the figures show"), but here the noun names a programme.
    body = ("Mayor Ada Quist opened the fair on Saturday with Tobias Wren, star of the cooking "
            "show “Harbor Kings.”\n\nThe fair runs until Monday.")
    assert quotes(nlp, body) == []
    assert quotes(nlp, body, kinds=("scare",)) == [("Harbor Kings.", None)]


def test_a_term_opening_its_sentence_as_the_subject_is_mentioned_not_said(nlp):
    body = ("Councillor Mira Osei wants the city to stop buying land. \"Drawdown\" has been the "
            "council's policy since 1990, she said.\n\n"
            "Osei said “local crews” must lead the work.")
    assert quotes(nlp, body) == [("local crews", "Mira Osei")]
    assert quotes(nlp, body, kinds=("scare",)) == [("Drawdown", None)]


def test_the_excerpt_a_roundup_cites_after_a_bylined_headline_is_not_a_quotation(nlp):
    body = ("CITY DESK\n\n"
            "PIER WATCH—\"Old ferry pier to close in May,\" by the Ledger's Ada Marsh: \"The pier, "
            "which has served commuters since 1931, will close for repairs in May.\"\n\n"
            "Harbour master Colm Reyes said: \"We will reopen by the autumn.\"")
    assert quotes(nlp, body) == [("We will reopen by the autumn.", "Colm Reyes")]
    assert [text for text, _ in quotes(nlp, body, kinds=("scare",))] == [
        "Old ferry pier to close in May",
        "The pier, which has served commuters since 1931, will close for repairs in May.",
    ]


def test_a_one_word_title_set_off_by_commas_after_the_noun_it_names(nlp):
    body = ("The channel's new crime drama, “Brinewater,” opens on Friday, producer Lena Voss said. "
            "Asked about the budget, Voss, “Generous,” said no more.")
    assert quotes(nlp, body, kinds=("scare",)) == [("Brinewater", None)]


def test_a_nickname_after_an_initial_is_part_of_the_name(nlp):
    # The full stop of "M.J." ends no sentence: the nickname is embedded in the name, not a
    # quotation continuing the speaker before it.
    body = ("\"The wells are running dry,\" Sheriff Dana Calloway said. The county engineer, "
            "M.J. \"Red\" Okafor, agreed with her.")
    assert quotes(nlp, body) == [("The wells are running dry", "Dana Calloway")]
    assert quotes(nlp, body, kinds=("scare",)) == [("Red", None)]


def test_an_article_excerpt_introduced_by_its_writer_and_publication_is_not_a_quotation(nlp):
    body = ("Critics were quick to pile on.\n\n"
            "From Ada Marsh writing at the Kilby Ledger:\n\n"
            "\"The council has spent three years promising a new pier and has delivered a car park.\n\n"
            "\"Nobody in Kilby believes the next promise either.\"\n\n"
            "Mayor Tom Reyes said: \"The pier will be built.\"")
    assert quotes(nlp, body) == [("The pier will be built.", "Tom Reyes")]


def test_the_end_of_a_markup_attribute_is_not_a_quotation_mark(nlp):
    # A tweet's markup broken over two lines: the attribute's closing mark opens the second.
    body = ("The senator answered online.\n\n"
            "<tweet author=\"@kilbysenator\" date=\"May 3, 2016\n\n"
            "\">The pier stays open. Full stop.</tweet>")
    assert quotes(nlp, body) == []


def test_a_straight_opening_mark_typed_without_its_space(nlp):
    body = ("\"It was a trap,\" said one trader, who asked not to be named.\"We lost a year.\"\n\n"
            "Mayor Tom Reyes praised the \"firm\" response and spoke warmly about\"joint patrols "
            "with the county.\"")
    assert quotes(nlp, body) == [
        ("It was a trap", "one trader"),
        ("We lost a year.", "one trader"),
        ("firm", "Tom Reyes"),
        ("joint patrols with the county.", "Tom Reyes"),
    ]


def test_a_pull_quote_signed_on_its_last_line_inside_the_marks(nlp):
    body = ("The council voted on Tuesday to sell the pier.\n\n"
            "Residents were unimpressed.\n\n"
            "\"We were never asked. Not once.\nDana Ruiz, Kilby Residents' Association.\"\n\n"
            "The sale closes in May.")
    assert quotes(nlp, body) == [("We were never asked. Not once.", "Dana Ruiz")]


def test_a_title_opening_its_sentence_before_the_noun_it_modifies(nlp):
    body = ("The festival opened on Friday.\n\n"
            "“Harbor Kings” star Tobias Wren said the crowds were the biggest he had seen.\n\n"
            "Wren's fans chanted “Encore” for ten minutes.")
    assert quotes(nlp, body) == [("Encore", "Wren's fans")]
    assert quotes(nlp, body, kinds=("scare",)) == [("Harbor Kings", None)]


def test_a_paragraph_that_is_only_a_quoted_label_or_heading(nlp):
    body = ("“The pier stays open,” Mayor Tom Reyes said on Monday.\n\n"
            "\"Related:\"\n\n"
            "Council Backs Pier Repairs.\n\n"
            "“REPAIRS WILL TAKE A YEAR”\n\n"
            "The works start in June, Reyes said.")
    assert quotes(nlp, body) == [("The pier stays open", "Tom Reyes")]


def test_a_headline_cited_in_brackets_with_its_source(nlp):
    body = ("LETTERS\n\n"
            "I agree with the council (“Pier repairs will take a year,” Kilby Ledger, Thursday). "
            "The pier must be saved.")
    assert quotes(nlp, body) == []
    assert quotes(nlp, body, kinds=("scare",)) == [("Pier repairs will take a year", None)]
