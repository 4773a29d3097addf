"""A batch of parsed files -> the rows of every article table (clean, segment, NLP, quotes)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from transforms.article import ArticleRows, article_id_for, article_rows, content_sha256
from transforms.clean import PARAGRAPH_SEPARATOR, CleanArticle, clean_document
from transforms.corpus import LineCounter, count_article_lines, document_line_keys, source_of
from transforms.ingest import ParsedFile, source_uri
from transforms.language import detect_language
from transforms.nlp import NLP_BATCH_CHARS, NLP_BATCH_DOCS, pipe
from transforms.parse import RawDocument
from transforms.version import pipeline_version


@dataclass
class BatchRows:
    rows: ArticleRows = field(default_factory=ArticleRows)
    article_file: dict[str, str] = field(default_factory=dict)  # article_id -> file path
    duplicates: dict[str, int] = field(default_factory=dict)  # file path -> articles skipped
    rejected: dict[str, str] = field(default_factory=dict)  # file path -> why processing failed
    # article_id -> (source, {line key: example line}): the batch's corpus statistics
    article_lines: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # clean, nlp, rules

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


def count_run_lines(counter: LineCounter, files: list[ParsedFile]) -> None:
    """Add files to a run's line statistics, before any batch: the raw lines of every page copy
    and text record of the new files (not new versions of known files), each distinct document
    once per source. Called chunk by chunk as the run reads its inputs; batches then all clean
    with the same learned lines, whatever order or process they run in."""
    for f in files:
        if f.rejected is not None or f.duplicate_of is not None or f.new_version:
            continue
        for doc in f.documents:
            if doc.kind != "html":
                counter.add(source_of(doc.url, f.path), doc.content)


def run_line_counts(files: list[ParsedFile]) -> LineCounter:
    """The line statistics of these files alone (count_run_lines into a new counter)."""
    counter = LineCounter()
    count_run_lines(counter, files)
    return counter


@dataclass
class PreparedBatch:
    """A batch cleaned and ready for the NLP stage (prepare_batch), with what cleaning decided."""

    files: list[ParsedFile]
    result: BatchRows  # duplicates, rejected, article_lines and seconds["clean"] filled in
    pending: list[tuple[ParsedFile, RawDocument, CleanArticle, str]]  # (file, raw document, cleaned, source)
    detected: list[str | None]  # language of each pending body
    supported: list[bool]  # whether it goes through the NLP stages


def analyse_batch(
    nlp: Language,
    files: list[ParsedFile],
    known_contents: set[str],
    *,
    batch_id: str,
    run_id: str,
    languages: frozenset[str] = frozenset({"en"}),
    learned: Mapping[str, frozenset[int]] = {},
    nlp_groups: tuple[int, int] = (NLP_BATCH_DOCS, NLP_BATCH_CHARS),
) -> BatchRows:
    """Clean every document of the batch's files, run the spaCy pipeline once over all bodies
    (nlp.pipe), and build the rows: prepare_batch, parse_batch, batch_rows (three steps, so a
    caller may clean the next batch and build the rows of the previous one while a batch is in
    the NLP stage). Articles whose cleaned body was
    already ingested (in known_contents, or earlier in this batch) are skipped and counted as
    duplicates; empty bodies are kept so the audit can quarantine them with a reason. A document
    whose processing raises rejects its whole file (with the record and the error as reason) and
    nothing else: the rest of the batch goes on.

    languages: bodies detected in another language skip the NLP stages (the audit quarantines
    them).

    Corpus-learned boilerplate: learned (source -> line key hashes, from
    transforms.corpus.LineCounter.learned over earlier runs' counts and this run's lines)
    are removed with rule id corpus-boilerplate. Only those keys travel with a batch, not the
    run's statistics. The batch returns its own contribution in article_lines: the raw lines of its
    page copies and text records, and the body paragraphs of its HTML pages (their text exists
    only after extraction, so they teach later runs).

    nlp_groups: (texts, characters) spaCy is given at once at most (transforms.nlp.pipe)."""
    prepared = prepare_batch(files, known_contents, languages=languages, learned=learned)
    return batch_rows(parse_batch(nlp, prepared, nlp_groups), batch_id=batch_id, run_id=run_id)


def prepare_batch(
    files: list[ParsedFile],
    known_contents: set[str],
    *,
    languages: frozenset[str] = frozenset({"en"}),
    learned: Mapping[str, frozenset[int]] = {},
) -> PreparedBatch:
    """The first step of analyse_batch: clean, skip duplicate bodies, count lines, detect languages."""
    result = BatchRows()
    clock = Stopwatch()
    seen = set(known_contents)
    pending: list = []
    for f in files:
        if f.rejected is not None or f.duplicate_of is not None:
            continue
        cleaned = []
        try:
            for doc in f.documents:
                source = source_of(doc.url, f.path)
                cleaned.append((f, doc, clean_document(doc, learned.get(source, frozenset())), source))
        except Exception as exc:
            result.rejected[f.path] = _failure("clean", f, doc, exc)
            continue
        for item in cleaned:
            digest = content_sha256(item[2].body)
            if item[2].body and digest in seen:
                result.duplicates[f.path] = result.duplicates.get(f.path, 0) + 1
                continue
            seen.add(digest)
            pending.append(item)

    result.article_lines = {
        article_id_for(f.file_id, raw.record_index): (
            source,
            document_line_keys(_counted_lines(raw, article)),
        )
        for f, raw, article, source in pending
        if not f.new_version
    }
    detected = [detect_language(a.body) for _, _, a, _ in pending]
    supported = [lang is None or lang in languages for lang in detected]
    clock.lap("clean")
    result.seconds = clock.totals(("clean",))
    return PreparedBatch(files, result, pending, detected, supported)


_NO_TENSOR = numpy.zeros((0,), dtype="float32")  # what spaCy gives a Doc that has no tensor


@dataclass
class ParsedBatch:
    """A prepared batch after the NLP stage (parse_batch): one spaCy Doc per pending body."""

    prepared: PreparedBatch
    docs: list[Doc]
    pipeline_version: str


def parse_batch(
    nlp: Language, prepared: PreparedBatch, nlp_groups: tuple[int, int] = (NLP_BATCH_DOCS, NLP_BATCH_CHARS)
) -> ParsedBatch:
    """The second step of analyse_batch, the NLP stage alone: nlp.pipe over the prepared bodies,
    in groups of at most nlp_groups = (texts, characters) (transforms.nlp.pipe); a body in an
    unsupported language gets a bare tokenised Doc."""
    clock = Stopwatch()
    supported = prepared.supported
    parsed = pipe(
        nlp, [item[2].body for item, ok in zip(prepared.pending, supported, strict=True) if ok], *nlp_groups
    )
    docs = [
        next(parsed) if ok else nlp.make_doc(item[2].body)
        for item, ok in zip(prepared.pending, supported, strict=True)
    ]
    for doc in docs:
        # The tok2vec output (96 floats a token, ~70 MB for a batch) is used by no rule; a batch
        # of Docs waits for its rules while the next one is parsed, so it is let go here.
        doc.tensor = _NO_TENSOR
    clock.lap("nlp")
    prepared.result.seconds.update(clock.totals(("nlp",)))
    version = pipeline_version(
        f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}", nlp.meta.get("version", "?")
    )
    return ParsedBatch(prepared, docs, version)


def batch_rows(parsed: ParsedBatch, *, batch_id: str, run_id: str) -> BatchRows:
    """The third step of analyse_batch: the entity, quote and segment rules over the parsed
    documents, as the rows of every article table. A new BatchRows each call (a retried task
    builds the same rows again, not twice)."""
    prepared = parsed.prepared
    result = replace(
        prepared.result,
        rows=ArticleRows(),
        article_file={},
        rejected=dict(prepared.result.rejected),
        seconds=dict(prepared.result.seconds),
    )
    clock = Stopwatch()
    per_file: dict[str, list[ArticleRows]] = {}
    for (f, raw, article, source), language, ok, doc in zip(
        prepared.pending, prepared.detected, prepared.supported, parsed.docs, strict=True
    ):
        if f.path in result.rejected:
            continue
        try:
            rows = article_rows(
                article=article,
                doc=doc,
                file_id=f.file_id,
                record_index=raw.record_index,
                source_uri=source_uri(f, raw),
                batch_id=batch_id,
                run_id=run_id,
                language=language,
                source=source,
                analyse=ok,
                pipeline_version=parsed.pipeline_version,
            )
        except Exception as exc:
            result.rejected[f.path] = _failure("analyse", f, raw, exc)
            continue
        per_file.setdefault(f.path, []).append(rows)
    for f in prepared.files:
        if f.path in result.rejected:
            continue
        for rows in per_file.get(f.path, []):
            result.rows.extend(rows)
            result.article_file[rows.articles[0].article_id] = f.path
    clock.lap("rules")
    result.seconds.update(clock.totals(("rules",)))
    return result


class Stopwatch:
    """Time between laps, summed per stage name."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._totals: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self._totals[stage] = self._totals.get(stage, 0.0) + now - self._last
        self._last = now

    def totals(self, stages: tuple[str, ...]) -> dict[str, float]:
        return {stage: round(self._totals.get(stage, 0.0), 4) for stage in stages}


def _counted_lines(raw: RawDocument, article: CleanArticle) -> list[str]:
    """The lines an article contributes to its source's line statistics."""
    return article.body.split(PARAGRAPH_SEPARATOR) if raw.kind == "html" else raw.content.splitlines()


def _failure(stage: str, f: ParsedFile, doc: RawDocument, exc: Exception) -> str:
    where = f"record {doc.record_index}: " if len(f.documents) > 1 else ""
    return f"{where}cannot {stage} ({type(exc).__name__}: {exc})"
