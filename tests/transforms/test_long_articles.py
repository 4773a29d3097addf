"""Long articles: a body over nlp_chunk_chars is parsed in pieces joined into one Doc (so spaCy's
max_length never stops it and it costs what a group does), every offset still the body's; a body
over max_article_chars is kept whole and not analysed (the audit holds it); nothing of this
stops the batch or touches its other articles."""
import pytest

import transforms.pipeline as pipeline
from flows.settings import Settings
from tests.long_article import long_article
from transforms.article import article_id_for
from transforms.ingest import ParsedFile
from transforms.parse import RawDocument
from transforms.segment import chunks

SHORT = '"We will reopen the yard," Ruiz said on Monday.'
OTHER = '"The ferry sails at noon," Anna Park said.'


def parsed(path: str, *texts: str) -> ParsedFile:
    docs = [RawDocument(i, "fields", t, title=f"T{i}") for i, t in enumerate(texts)]
    return ParsedFile(path, path.replace("/", "") * 4, 10, "jsonl", docs)


def context(**knobs) -> pipeline.BatchContext:
    return pipeline.BatchContext("b1", "r1", spacy_model=Settings().spacy_model, **knobs)


def quotes(body: str, indirect: bool = True, **knobs) -> list[tuple[str, str | None]]:
    """(text, speaker) of the article's quotes; indirect=False: quotations only."""
    found = kinded_quotes(body, **knobs)
    return [(text, speaker) for text, speaker, kind in found if indirect or kind != "indirect"]


def kinded_quotes(body: str, **knobs) -> list[tuple[str, str | None, str]]:
    result = pipeline.analyse_batch([parsed("/a.jsonl", body)], context(**knobs))
    assert result.rejected == {}
    return [(q.text, q.speaker, q.kind) for q in result.rows.quotes]


def test_an_article_over_the_limit_is_kept_whole_unanalysed_and_its_batch_goes_on(nlp):
    article = long_article(3_000)
    long = article.body
    files = [parsed("/a.jsonl", SHORT), parsed("/b.jsonl", long, OTHER)]
    ctx = context(max_article_chars=3_000)
    prepared = pipeline.prepare_batch(files, ctx)
    assert len(long) == 3_183
    assert prepared.within_limit == [True, False, True] and prepared.supported == [True, False, True]
    parsed_batch = pipeline.parse_batch(prepared, ctx)
    assert [doc is None for doc in parsed_batch.docs] == [False, True, False]
    result = pipeline.batch_rows(parsed_batch, ctx)
    held = article_id_for(files[1].file_id, 0)
    assert result.rejected == {}
    assert [(a.body, a.n_chars, a.language) for a in result.rows.articles] == [
        (SHORT, 47, None), (long, 3_183, "en"), (OTHER, 42, None)]
    assert result.article_file[held] == "/b.jsonl"
    for table in ("paragraphs", "sentences", "entities", "mentions", "quotes"):
        assert held not in {row.article_id for row in getattr(result.rows, table)}, table
    assert [(q.text, q.speaker) for q in result.rows.quotes] == [
        ("We will reopen the yard", "Ruiz"), ("The ferry sails at noon", "Anna Park")]
    # Without a limit (a BatchContext's default) it is analysed like any other.
    assert quotes(long, indirect=False) == article.quotes and len(article.quotes) == 4


QUOTATION_OVER_TWO_PARAGRAPHS = (
    "Denise Okafor, the chair of Harbour Council, spoke to reporters on Monday.\n\n"
    "Okafor said: “We have waited long enough for this bridge. Nobody in Kilby wants to pay twice for "
    "the same mistake.\n\n"
    "“The numbers do not add up, and everyone in the room knew it.”\n\n"
    "The meeting ended without a vote."
)
QUOTATION_OVER_ONE_LONG_SENTENCE = (
    "Denise Okafor, the treasurer of Tidemark Terminals, was asked about the harbour wall.\n\n"
    "“We will keep the harbour wall open for as long as people use it, and we will not close it while "
    "families in Portmere rely on it every single day,” Okafor said. The hall applauded."
)


def test_a_quotation_across_the_cut_between_two_pieces_keeps_its_speaker(nlp):
    """The quotation opens in one piece and closes in the next: quotations are found in the body
    and their speakers in the joined Doc, as when the article is parsed whole."""
    body = QUOTATION_OVER_TWO_PARAGRAPHS
    first, second = chunks(body, 200)
    assert first.endswith("the same mistake.\n\n") and second.startswith("“The numbers")
    said = ("We have waited long enough for this bridge. Nobody in Kilby wants to pay twice for the same "
            "mistake.\n\n“The numbers do not add up, and everyone in the room knew it.")
    assert quotes(body, nlp_chunk_chars=200) == quotes(body) == [(said, "Denise Okafor")]
    # One sentence longer than a piece: cut after a word, the cue in the next piece.
    body = QUOTATION_OVER_ONE_LONG_SENTENCE
    pieces = chunks(body, 120)
    assert pieces[1].startswith("“We will keep") and pieces[2].startswith("rely on it")
    said = ("We will keep the harbour wall open for as long as people use it, and we will not close it "
            "while families in Portmere rely on it every single day")
    assert quotes(body, nlp_chunk_chars=120) == quotes(body) == [(said, "Denise Okafor")]


def test_an_article_in_pieces_gives_the_quotes_of_the_article_parsed_whole(nlp):
    article = long_article(12_000)
    assert len(article.body) == 12_103 and len(chunks(article.body, 5_000)) == 3
    in_pieces = quotes(article.body, nlp_chunk_chars=5_000)
    assert in_pieces == quotes(article.body, nlp_chunk_chars=1_000_000)
    assert quotes(article.body, indirect=False, nlp_chunk_chars=5_000) == article.quotes  # + indirect


@pytest.mark.e2e  # two parses of 120,000 characters: 10 s
def test_a_120000_character_article_in_50000_character_pieces_gives_the_quotes_of_the_whole(nlp):
    article = long_article(120_000)
    assert len(chunks(article.body, 50_000)) == 3
    in_pieces = kinded_quotes(article.body, nlp_chunk_chars=50_000)
    assert in_pieces == kinded_quotes(article.body, nlp_chunk_chars=1_000_000)
    assert [(text, speaker) for text, speaker, kind in in_pieces if kind != "indirect"] == article.quotes
    assert len(article.quotes) == 278


@pytest.mark.e2e  # the parse of 1,200,000 characters: 45 s
def test_an_article_over_spacys_max_length_is_analysed_with_every_offset_in_its_body(nlp):
    article = long_article(1_200_000)
    body = article.body
    settings = Settings()
    assert nlp.max_length < len(body) <= settings.max_article_chars
    ctx = context(max_article_chars=settings.max_article_chars, nlp_chunk_chars=settings.nlp_chunk_chars)
    result = pipeline.analyse_batch([parsed("/giant.jsonl", body), parsed("/small.jsonl", SHORT)], ctx)
    assert result.rejected == {}
    assert [a.n_chars for a in result.rows.articles] == [len(body), 47]
    giant = result.rows.articles[0].article_id
    rows = {table: [r for r in getattr(result.rows, table) if r.article_id == giant]
            for table in ("paragraphs", "sentences", "mentions", "quotes")}
    assert len(rows["paragraphs"]) == body.count("\n\n") + 1 == 5_109
    assert len(rows["sentences"]) == 12_181 and len(rows["mentions"]) == 10_120
    for table, found in rows.items():
        assert all(body[r.start_char : r.end_char] == r.text for r in found), table
    direct = [(q.text, q.speaker) for q in rows["quotes"] if q.kind == "direct"]
    assert direct == article.quotes and len(direct) == 2_531
    assert {q.kind for q in rows["quotes"] if q.kind != "direct"} == {"indirect"}
    assert [(q.text, q.speaker) for q in result.rows.quotes if q.article_id != giant] == [
        ("We will reopen the yard", "Ruiz")]
