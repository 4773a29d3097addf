"""A batch of parsed files -> the rows of every article table (clean, segment, NLP, quotes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from spacy.language import Language

from transforms.article import ArticleRows, article_id_for, article_rows, content_sha256
from transforms.clean import CleanArticle, clean_document
from transforms.corpus import source_of
from transforms.ingest import ParsedFile, source_uri
from transforms.language import detect_language
from transforms.parse import RawDocument


@dataclass
class BatchRows:
    rows: ArticleRows = field(default_factory=ArticleRows)
    article_file: dict[str, str] = field(default_factory=dict)  # article_id -> file path
    duplicates: dict[str, int] = field(default_factory=dict)  # file path -> articles skipped
    rejected: dict[str, str] = field(default_factory=dict)  # file path -> why processing failed


def analyse_batch(
    nlp: Language, files: list[ParsedFile], known_contents: set[str], *, batch_id: str, run_id: str,
    languages: frozenset[str] = frozenset({"en"}), boilerplate: Mapping[str, frozenset[str]] = {},
    nlp_batch_size: int = 32,
) -> BatchRows:
    """Clean every document of the batch's files, run the spaCy pipeline once over all bodies
    (nlp.pipe), and build the rows. Articles whose cleaned body was already ingested (in
    known_contents, or earlier in this batch) are skipped and counted as duplicates; empty bodies
    are kept so the audit can quarantine them with a reason. A document whose processing raises
    rejects its whole file (with the record and the error as reason) and nothing else: the rest
    of the batch goes on.

    languages: bodies detected in another language skip the NLP stages (the audit quarantines
    them). boilerplate: source -> corpus-learned line keys (transforms.corpus) removed while
    cleaning."""
    result = BatchRows()
    pending: list[tuple[ParsedFile, RawDocument, CleanArticle]] = []
    seen = set(known_contents)
    for f in files:
        if f.rejected is not None or f.duplicate_of is not None:
            continue
        cleaned = []
        try:
            for doc in f.documents:
                cleaned.append((f, doc, clean_document(doc, boilerplate.get(source_of(doc.url, f.path), frozenset()))))
        except Exception as exc:  # noqa: BLE001 - any failure on one input is that input's rejection
            result.rejected[f.path] = _failure("clean", f, doc, exc)
            continue
        for item in cleaned:
            digest = content_sha256(item[2].body)
            if item[2].body and digest in seen:
                result.duplicates[f.path] = result.duplicates.get(f.path, 0) + 1
                continue
            seen.add(digest)
            pending.append(item)
    per_file: dict[str, list[ArticleRows]] = {}
    detected = [detect_language(a.body) for _, _, a in pending]
    supported = [lang is None or lang in languages for lang in detected]
    parsed = iter(nlp.pipe((a.body for (_, _, a), ok in zip(pending, supported) if ok), batch_size=nlp_batch_size))
    for (f, raw, article), language, ok in zip(pending, detected, supported):
        doc = next(parsed) if ok else nlp.make_doc(article.body)
        if f.path in result.rejected:
            continue
        try:
            rows = article_rows(article=article, doc=doc, file_id=f.file_id, record_index=raw.record_index,
                                source_uri=source_uri(f, raw), batch_id=batch_id, run_id=run_id,
                                language=language, source=source_of(raw.url, f.path), analyse=ok)
        except Exception as exc:  # noqa: BLE001
            result.rejected[f.path] = _failure("analyse", f, raw, exc)
            continue
        per_file.setdefault(f.path, []).append(rows)
    for f in files:
        if f.path in result.rejected:
            continue
        for rows in per_file.get(f.path, []):
            result.rows.extend(rows)
            result.article_file[rows.articles[0].article_id] = f.path
    return result


def _failure(stage: str, f: ParsedFile, doc: RawDocument, exc: Exception) -> str:
    where = f"record {doc.record_index}: " if len(f.documents) > 1 else ""
    return f"{where}cannot {stage} ({type(exc).__name__}: {exc})"
