"""One cleaned article + its spaCy Doc -> the rows of every article table."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from transforms.clean import CleanArticle
from transforms.copies import signature, version_key
from transforms.entities import analyse_entities, role_of
from transforms.quotes import extract_quotes
from transforms.records import (
    ArticleRecord,
    EntityRecord,
    MentionRecord,
    MinhashRecord,
    ParagraphRecord,
    QuoteRecord,
    ResidueRecord,
    SentenceRecord,
    stable_id,
)
from transforms.segment import paragraphs, sentences
from transforms.times import parse_time

if TYPE_CHECKING:  # spaCy is imported where documents are parsed, not where rows are only read
    from spacy.tokens import Doc


@dataclass
class ArticleRows:
    """Rows of every article table, keyed by table name (see records.ARTICLE_TABLES)."""

    articles: list[ArticleRecord] = field(default_factory=list)
    paragraphs: list[ParagraphRecord] = field(default_factory=list)
    sentences: list[SentenceRecord] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    quotes: list[QuoteRecord] = field(default_factory=list)
    residue: list[ResidueRecord] = field(default_factory=list)
    minhashes: list[MinhashRecord] = field(default_factory=list)

    def extend(self, other: ArticleRows) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


def article_id_for(file_id: str, record_index: int) -> str:
    return stable_id(file_id, record_index)


def content_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def article_rows(*, pipeline_version: str | None = None, **kwargs) -> ArticleRows:
    """All rows for one article (see _article_rows), each stamped with pipeline_version."""
    rows = _article_rows(**kwargs)
    for name in rows.__dataclass_fields__:
        for record in getattr(rows, name):
            record.pipeline_version = pipeline_version
    return rows


def _article_rows(
    *,
    article: CleanArticle,
    doc: Doc | None,
    file_id: str,
    record_index: int,
    source_uri: str,
    batch_id: str,
    run_id: str,
    language: str | None = None,
    source: str | None = None,
    segment: bool = True,
    warc_record_id: str | None = None,
    warc_date: str | None = None,
    signed: tuple[int, bytes | None] | None = None,
) -> ArticleRows:
    """All rows for one article. `doc` must be the pipeline's Doc of `article.body`; with None
    (a language the NLP stages do not support) only the article, its paragraphs, sentences and
    residue are built: no entities, mentions or quotes. With segment=False (a body over
    WIREHOUSE_MAX_ARTICLE_CHARS, held unanalysed) only the article and its residue. `signed`:
    the body's transforms.copies.signature when it was made already (the clean stage makes it)."""
    if doc is not None and doc.text != article.body:
        raise ValueError("doc.text must equal the cleaned body: offsets point into it")
    body = article.body
    aid = article_id_for(file_id, record_index)
    rows = ArticleRows()
    rows.articles.append(
        ArticleRecord(
            article_id=aid,
            file_id=file_id,
            record_index=record_index,
            source_uri=source_uri,
            url=article.url,
            title=article.title,
            authors=article.authors,
            published=parse_time(article.published),
            body=body,
            n_chars=len(body),
            n_residue_lines=len(article.removed),
            content_sha256=content_sha256(body),
            batch_id=batch_id,
            run_id=run_id,
            language=language,
            source=source,
            published_raw=article.published,
            version_key=version_key(article.url, source_uri),
            warc_record_id=warc_record_id,
            warc_date=parse_time(warc_date),
        )
    )
    rows.residue = [ResidueRecord(aid, r.line_no, r.rule_id, r.text, r.start) for r in article.removed]
    n_shingles, sig = signature(body) if signed is None else signed
    if sig is not None:
        rows.minhashes = [MinhashRecord(aid, n_shingles, sig)]
    if not body or not segment:
        return rows
    rows.paragraphs = [
        ParagraphRecord(aid, p.index, p.start, p.end, body[p.start : p.end]) for p in paragraphs(body)
    ]
    spans = sentences(body)
    rows.sentences = [
        SentenceRecord(aid, s.index, s.paragraph_index, s.start, s.end, body[s.start : s.end]) for s in spans
    ]
    if doc is None:
        return rows
    analysis = analyse_entities(doc)
    roles = {c.entity_id: role_of(c, doc) for c in analysis.clusters}
    rows.entities = [
        EntityRecord(aid, c.entity_id, c.name, c.label, len(c.mentions), roles[c.entity_id])
        for c in analysis.clusters
    ]
    for i, m in enumerate(sorted(analysis.mentions, key=lambda m: m.start)):
        assert m.cluster is not None  # analyse_entities puts every mention in a cluster
        rows.mentions.append(
            MentionRecord(aid, i, m.start, m.end, body[m.start : m.end], m.label, m.cluster.entity_id)
        )
    first_part: dict[int, str] = {}  # quote start -> quote_id of its quotation's first part
    for q in extract_quotes(doc, analysis, spans, body):
        at = q.attribution
        quote_id = stable_id(aid, q.start, q.end)
        quotation_id = first_part.get(q.continues, quote_id) if q.continues is not None else quote_id
        first_part[q.start] = quotation_id
        rows.quotes.append(
            QuoteRecord(
                quote_id=quote_id,
                article_id=aid,
                text=body[q.start : q.end],
                start_char=q.start,
                end_char=q.end,
                kind=q.kind,
                speaker=at.speaker,
                speaker_entity_id=at.speaker_entity_id,
                speaker_surface=at.speaker_surface,
                cue=at.cue,
                according_to=at.according_to,
                paragraph_index=q.paragraph_index,
                attribution=at.method,
                speaker_role=roles.get(at.speaker_entity_id) if at.speaker_entity_id is not None else None,
                quotation_id=quotation_id,
                confidence=at.confidence,
            )
        )
    return rows
