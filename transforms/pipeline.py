"""A batch of parsed files -> the rows of every article table (clean, segment, NLP, quotes)."""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language

from transforms.article import ArticleRows, article_id_for, article_rows, content_sha256
from transforms.clean import CleanArticle, clean_document
from transforms.ingest import ParsedFile, source_uri
from transforms.parse import RawDocument


@dataclass
class BatchRows:
    rows: ArticleRows = field(default_factory=ArticleRows)
    article_file: dict[str, str] = field(default_factory=dict)  # article_id -> file path
    duplicates: dict[str, int] = field(default_factory=dict)  # file path -> articles skipped


def analyse_batch(
    nlp: Language, files: list[ParsedFile], known_contents: set[str], *, batch_id: str, run_id: str,
    nlp_batch_size: int = 32,
) -> BatchRows:
    """Clean every document of the batch's files, run the spaCy pipeline once over all bodies
    (nlp.pipe), and build the rows. Articles whose cleaned body was already ingested (in
    known_contents, or earlier in this batch) are skipped and counted as duplicates; empty bodies
    are kept so the audit can quarantine them with a reason."""
    result = BatchRows()
    pending: list[tuple[ParsedFile, RawDocument, CleanArticle]] = []
    seen = set(known_contents)
    for f in files:
        if f.rejected is not None or f.duplicate_of is not None:
            continue
        for doc in f.documents:
            article = clean_document(doc)
            digest = content_sha256(article.body)
            if article.body and digest in seen:
                result.duplicates[f.path] = result.duplicates.get(f.path, 0) + 1
                continue
            seen.add(digest)
            pending.append((f, doc, article))
    docs = nlp.pipe((a.body for _, _, a in pending), batch_size=nlp_batch_size)
    for (f, raw, article), doc in zip(pending, docs):
        rows = article_rows(article=article, doc=doc, file_id=f.file_id, record_index=raw.record_index,
                            source_uri=source_uri(f, raw), batch_id=batch_id, run_id=run_id)
        result.rows.extend(rows)
        result.article_file[article_id_for(f.file_id, raw.record_index)] = f.path
    return result
