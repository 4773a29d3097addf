"""A batch of parsed files -> the rows of every article table: the analysis stages (clean, NLP,
rules), pure functions of the batch's files and its BatchContext."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import numpy

from transforms.article import ArticleRows, article_id_for, article_rows, content_sha256
from transforms.clean import PARAGRAPH_SEPARATOR, CleanArticle, clean_document
from transforms.copies import signature
from transforms.corpus import LineCounter, count_article_lines, document_line_keys, source_of
from transforms.ingest import ParsedFile, mark_duplicates, source_uri
from transforms.language import detect_language
from transforms.nlp import NLP_BATCH_CHARS, NLP_BATCH_DOCS, NLP_CHUNK_CHARS, load_pipeline, pipe
from transforms.parse import RawDocument
from transforms.segment import chunks
from transforms.version import pipeline_version

if TYPE_CHECKING:  # spaCy loads in the process that parses (flows.parser), not in one that only cleans
    from spacy.tokens import Doc


@dataclass(frozen=True)
class BatchContext:
    """What the analysis of one batch needs besides its files: plain values, the same on every
    process that may run it.

    known_contents: content_sha256 of bodies already ingested (a body seen there, or earlier in
    the batch, is repeated: not analysed, see prepare_batch). learned: source -> line key hashes of the
    corpus-learned boilerplate (transforms.corpus.LineCounter.learned over earlier runs' counts
    and this run's lines), removed with rule id corpus-boilerplate. languages: bodies detected in
    another language skip the NLP stages (the audit quarantines them). max_article_chars: a longer
    body is not analysed at all (the audit holds it; None: no limit). spacy_model: the installed
    pipeline, loaded once per process by name. nlp_groups: (texts, characters) spaCy is given at
    once at most (transforms.nlp.pipe). nlp_chunk_chars: a longer body is parsed in pieces of at
    most this many characters (transforms.segment.chunks), joined into one Doc."""

    batch_id: str
    run_id: str
    spacy_model: str  # a setting (Settings.spacy_model): its default lives there only
    known_contents: frozenset[str] = frozenset()
    learned: Mapping[str, frozenset[int]] = field(default_factory=dict)
    languages: frozenset[str] = frozenset({"en"})
    max_article_chars: int | None = None  # a setting (Settings.max_article_chars)
    nlp_groups: tuple[int, int] = (NLP_BATCH_DOCS, NLP_BATCH_CHARS)
    nlp_chunk_chars: int = NLP_CHUNK_CHARS


@dataclass(frozen=True)
class BatchRows:
    """A batch's analysis: the rows of every article table, and what became of its files."""

    rows: ArticleRows = field(default_factory=ArticleRows)
    article_file: dict[str, str] = field(default_factory=dict)  # article_id -> file path
    rejected: dict[str, str] = field(default_factory=dict)  # file path -> why processing failed
    # article_id -> (source, {line key: example line}): the batch's corpus statistics
    article_lines: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def line_counts(self, skip=()) -> dict[tuple[str, str], list]:
        """(source, line key) -> [articles of this batch containing it, example], without the
        articles in `skip` (transforms.corpus.count_article_lines)."""
        return count_article_lines(self.article_lines, skip)


def batch_sources(files: list[ParsedFile]) -> list[str]:
    """The sources (transforms.corpus.source_of) of every document in the batch's files."""
    return sorted({source_of(doc.url, f.path) for f in files for doc in f.documents})


def stored_sources(rows: list[dict]) -> list[str]:
    """The sources of stored raw documents (rows of Warehouse.raw_documents, with or without
    their content): batch_sources without reading the documents."""
    return sorted({source_of(r["url"], r["path"]) for r in rows})


def run_lines(files: list[ParsedFile]) -> Iterator[tuple[str, str]]:
    """(source, text) of every document that counts in a run's line statistics, before any
    batch: the page copies and text records of new files (not new versions of known files). The
    run adds them to its LineCounter chunk by chunk as it reads its inputs; batches then all
    clean with the same learned lines, whatever order or process they run in."""
    for f in files:
        if f.rejected is not None or f.duplicate_of is not None or f.new_version:
            continue
        for doc in f.documents:
            if doc.kind != "html":
                yield source_of(doc.url, f.path), doc.content


def run_line_counts(files: list[ParsedFile]) -> LineCounter:
    """The line statistics of these files alone (run_lines into a new counter)."""
    counter = LineCounter()
    counter.add_all(run_lines(files))
    return counter


@dataclass(frozen=True)
class PreparedBatch:
    """A batch cleaned and ready for the NLP stage (prepare_batch), with what cleaning decided."""

    files: list[ParsedFile]
    cleaning: BatchRows  # rejected and article_lines; no rows yet
    pending: list[tuple[ParsedFile, RawDocument, CleanArticle, str]]  # (file, raw document, cleaned, source)
    detected: list[str | None]  # language of each pending body
    supported: list[bool]  # whether it goes through the NLP stages
    within_limit: list[bool]  # whether it is at most ctx.max_article_chars (else not analysed at all)
    repeated: list[bool]  # whether its body was ingested before (only its article row is built)
    # Each pending body's (shingles, MinHash signature) (transforms.copies.signature): made here,
    # from the body alone, so that the stages after the NLP stage, which wait for the parse, do
    # not; empty when prepare_batch was told not to (parsing ahead needs bodies only).
    signatures: list[tuple[int, bytes | None]] = field(default_factory=list)


def prepare_batch(files: list[ParsedFile], ctx: BatchContext, signatures: bool = True) -> PreparedBatch:
    """The clean stage: clean every document of the batch's files, mark bodies already ingested
    (in ctx.known_contents, or earlier in this batch) as repeated, count the batch's lines,
    detect languages. A repeated body skips the NLP stages and gets only its article row and
    signature: the publisher decides whether it is the same article read again or a copy from
    another source (warehouse.ledger.Publisher), and publishes no rows of it. Empty bodies are
    kept so the audit can quarantine them with a reason, and so are bodies over
    ctx.max_article_chars, which no later stage analyses. A document whose cleaning (or signing)
    raises rejects its whole file (with the record and the error as reason) and nothing else.

    The batch's contribution to the line statistics (article_lines): the raw lines of its page
    copies and text records, and the body paragraphs of its HTML pages (their text exists only
    after extraction, so they teach later runs); none from repeated bodies."""
    rejected: dict[str, str] = {}
    seen = set(ctx.known_contents)
    pending: list = []
    repeated: list[bool] = []
    signed: list[tuple[int, bytes | None]] = []
    for f in files:
        if f.rejected is not None or f.duplicate_of is not None:
            continue
        cleaned = []
        try:
            for doc in f.documents:
                source = source_of(doc.url, f.path)
                article = clean_document(doc, ctx.learned.get(source, frozenset()))
                cleaned.append(((f, doc, article, source), signature(article.body) if signatures else None))
        except Exception as exc:
            rejected[f.path] = _failure("clean", f, doc, exc)
            continue
        for item, sig in cleaned:
            digest = content_sha256(item[2].body)
            repeated.append(bool(item[2].body) and digest in seen)
            seen.add(digest)
            pending.append(item)
            if sig is not None:
                signed.append(sig)

    article_lines = {
        article_id_for(f.file_id, raw.record_index): (
            source,
            document_line_keys(_counted_lines(raw, article)),
        )
        for (f, raw, article, source), again in zip(pending, repeated, strict=True)
        if not f.new_version and not again
    }
    detected = [detect_language(a.body) for _, _, a, _ in pending]
    limit = ctx.max_article_chars
    within_limit = [limit is None or len(a.body) <= limit for _, _, a, _ in pending]
    supported = [
        within and not again and (lang is None or lang in ctx.languages)
        for lang, within, again in zip(detected, within_limit, repeated, strict=True)
    ]
    cleaning = BatchRows(rejected=rejected, article_lines=article_lines)
    return PreparedBatch(files, cleaning, pending, detected, supported, within_limit, repeated, signed)


def expected_texts(
    files: list[ParsedFile],
    ctx: BatchContext,
    min_articles: int,
    prior: Mapping[tuple[str, str], int] | None = None,
    chunk: int = 8,
) -> Iterator[str]:
    """The bodies a one-worker run of these new files will give the NLP stage, in its order:
    cleaned with the boilerplate learned from these files' lines and the earlier runs' (prior:
    Warehouse.line_counts of their sources; min_articles: Settings.boilerplate_min_articles), a
    body seen earlier among them skipped, as prepare_batch decides, a few files at a time. A
    guess, for parsing ahead (flows.parser): bodies the warehouse already holds, or files that
    change before the run reads them, give other texts, which are parsed when asked for."""
    files = mark_duplicates(files, {})
    learned = run_line_counts(files).learned(prior or {}, min_articles)
    seen: set[str] = set()
    for i in range(0, len(files), chunk):
        prepared = prepare_batch(
            files[i : i + chunk],
            replace(ctx, known_contents=frozenset(seen), learned=learned),
            signatures=False,
        )
        for (_, _, article, _), supported in zip(prepared.pending, prepared.supported, strict=True):
            seen.add(content_sha256(article.body))
            if supported:
                yield article.body


_NO_TENSOR = numpy.zeros((0,), dtype="float32")  # what spaCy gives a Doc that has no tensor


@dataclass(frozen=True)
class ParsedBatch:
    """A prepared batch after the NLP stage (parse_batch): the spaCy Doc of each pending body,
    None for a body that does not go through the NLP stages."""

    prepared: PreparedBatch
    docs: list[Doc | None]
    pipeline_version: str
    errors: list[Exception | None] = field(default_factory=list)  # why a body could not be parsed


def parse_texts(texts: list[str], ctx: BatchContext) -> list[Doc]:
    """The bodies' Docs, in order: nlp.pipe in groups of at most ctx.nlp_groups, a body longer
    than ctx.nlp_chunk_chars (or the model's max_length) in pieces joined into one Doc
    (transforms.nlp.pipe). The tok2vec output (96 floats a token, ~70 MB for a batch) is used by
    no rule; a batch of Docs waits for its rules while the next one is parsed, so it is let go."""
    nlp = load_pipeline(ctx.spacy_model)
    piece = min(ctx.nlp_chunk_chars, nlp.max_length)
    docs = list(pipe(nlp, texts, *ctx.nlp_groups, split=lambda body: chunks(body, piece)))
    for doc in docs:
        doc.tensor = _NO_TENSOR
    return docs


def parse_batch(
    prepared: PreparedBatch, ctx: BatchContext, parse: Callable[[list[str]], list[Doc]] | None = None
) -> ParsedBatch:
    """The NLP stage alone: the Docs of the bodies that go through it (prepared.supported), from
    parse_texts, or from `parse` (the same texts -> the same Docs: the parser process's Docs parsed
    ahead, flows.parser); the others get no Doc."""
    from spacy.tokens import Doc

    nlp = load_pipeline(ctx.spacy_model)
    supported = prepared.supported
    texts = [item[2].body for item, ok in zip(prepared.pending, supported, strict=True) if ok]
    if parse is None:
        parse = partial(parse_texts, ctx=ctx)

    outcomes: list[Doc | Exception]
    try:
        outcomes = list(parse(texts))
    except Exception:
        # A body the model cannot parse fails its whole group: each body is parsed alone, so
        # that one rejects its own file (batch_rows) and the rest of the batch goes on.
        outcomes = [_parsed_alone(parse, text) for text in texts]
    parsed = iter(outcomes)
    results = [next(parsed) if ok else None for ok in supported]
    docs = [r if isinstance(r, Doc) else None for r in results]
    errors = [r if isinstance(r, Exception) else None for r in results]
    version = pipeline_version(
        f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}", nlp.meta.get("version", "?")
    )
    return ParsedBatch(prepared, docs, version, errors)


def _parsed_alone(parse: Callable[[list[str]], list[Doc]], text: str) -> Doc | Exception:
    try:
        return parse([text])[0]
    except Exception as exc:
        return exc


def batch_rows(parsed: ParsedBatch, ctx: BatchContext) -> BatchRows:
    """The rules stage: segments, entities and quotes over the parsed documents, as the rows of
    every article table. A document whose analysis raises rejects its whole file, nothing else.
    Builds new rows each call, so a retried stage gives the same rows, not twice as many."""
    prepared = parsed.prepared
    rejected = dict(prepared.cleaning.rejected)
    per_file: dict[str, list[ArticleRows]] = {}
    errors = parsed.errors or [None] * len(parsed.docs)
    signed: list[tuple[int, bytes | None] | None] = [*prepared.signatures] or [None] * len(prepared.pending)
    for (f, raw, article, source), language, within, again, doc, error, sig in zip(
        prepared.pending,
        prepared.detected,
        prepared.within_limit,
        prepared.repeated,
        parsed.docs,
        errors,
        signed,
        strict=True,
    ):
        if f.path in rejected:
            continue
        if error is not None:
            rejected[f.path] = _failure("parse", f, raw, error)
            continue
        try:
            rows = article_rows(
                article=article,
                doc=doc,
                file_id=f.file_id,
                record_index=raw.record_index,
                source_uri=source_uri(f, raw),
                batch_id=ctx.batch_id,
                run_id=ctx.run_id,
                language=language,
                source=source,
                segment=within and not again,
                pipeline_version=parsed.pipeline_version,
                warc_record_id=raw.warc_record_id,
                warc_date=raw.warc_date,
                signed=sig,
            )
        except Exception as exc:
            rejected[f.path] = _failure("analyse", f, raw, exc)
            continue
        per_file.setdefault(f.path, []).append(rows)
    result = BatchRows(
        rejected=rejected,
        article_lines=prepared.cleaning.article_lines,
    )
    for f in prepared.files:
        if f.path in rejected:
            continue
        for rows in per_file.get(f.path, []):
            result.rows.extend(rows)
            result.article_file[rows.articles[0].article_id] = f.path
    return result


# The analysis of a batch, stage by stage: each takes the previous one's output and the batch's
# context. A new analysis stage is a function in its own module and one line here; the flow runs
# these (and then stages and audits the rows: flows.batch.STAGES), timing each.
ANALYSIS: tuple[tuple[str, Callable[[Any, BatchContext], Any]], ...] = (
    ("clean", prepare_batch),
    ("nlp", parse_batch),
    ("rules", batch_rows),
)


T = TypeVar("T")


def timed_stages(
    value: Any, steps: Sequence[tuple[str, Callable[[Any, T], Any]]], arg: T
) -> tuple[Any, dict[str, float]]:
    """Run the steps in order, each on the previous one's output and `arg`: the last output and
    the seconds each step took."""
    seconds: dict[str, float] = {}
    for name, step in steps:
        started = time.perf_counter()
        value = step(value, arg)
        seconds[name] = time.perf_counter() - started
    return value, seconds


def run_analysis(
    value: Any, ctx: BatchContext, names: Sequence[str], parse: Callable[[list[str]], list[Doc]] | None = None
) -> tuple[Any, dict[str, float]]:
    """These consecutive ANALYSIS stages, by name, on `value`: output and seconds per stage;
    parse: where the NLP stage takes its Docs (parse_batch)."""
    steps = dict(ANALYSIS)
    if parse is not None:
        steps = {name: partial(step, parse=parse) if step is parse_batch else step for name, step in ANALYSIS}
    return timed_stages(value, [(name, steps[name]) for name in names], ctx)


def analyse_batch(files: list[ParsedFile], ctx: BatchContext) -> BatchRows:
    """Every analysis stage in order, in this process: a batch's files -> its rows."""
    return run_analysis(files, ctx, [name for name, _ in ANALYSIS])[0]


def _counted_lines(raw: RawDocument, article: CleanArticle) -> list[str]:
    """The lines an article contributes to its source's line statistics."""
    return article.body.split(PARAGRAPH_SEPARATOR) if raw.kind == "html" else raw.content.splitlines()


def _failure(stage: str, f: ParsedFile, doc: RawDocument, exc: Exception) -> str:
    where = f"record {doc.record_index}: " if len(f.documents) > 1 else ""
    return f"{where}cannot {stage} ({type(exc).__name__}: {exc})"
