"""One typed record per warehouse table, defined once.

The transforms build these records, the warehouse derives its Arrow/DuckDB schemas from them,
the expectations read the same column names, and ``docs/tables.md`` is generated from the
``doc`` metadata of each field. Character offsets are always half-open ``[start_char, end_char)``
positions into ``articles.body`` (the cleaned body), counted in Python ``str`` code points.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

PIPELINE_VERSION_DOC = (
    "the pipeline that produced the row: package version, a digest of the rule files and the "
    "spaCy model (transforms.version); `wirehouse reprocess` replaces rows of older versions"
)


def col(doc: str, default=dataclasses.MISSING, backfill: str | None = None, text_column: str | None = None):
    """A dataclass field carrying its column documentation. backfill: the value a required column
    added by a later version takes in an existing warehouse's rows (warehouse.schema.migrations).
    text_column (a time column read from a source's text): the column keeping that text whole,
    so a text that names no time loses nothing when this column is null; an older warehouse's
    text in this column moves there when the column becomes a time (warehouse.schema.migrations)."""
    metadata: dict[str, str] = {"doc": doc}
    if backfill is not None:
        metadata["backfill"] = backfill
    if text_column is not None:
        metadata["text_column"] = text_column
    if default is dataclasses.MISSING:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata)


def stable_id(*parts: object, length: int = 16) -> str:
    """Deterministic short hex key from the given parts (sha256)."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


@dataclass
class FileRecord:
    """Ledger: one row per input file ever seen, with how it ended."""

    file_id: str = col(
        "sha256 of the raw bytes of the file (hex); of its path when it was rejected unread (it could "
        "not be read, or is larger than WIREHOUSE_MAX_FILE_MB)"
    )
    path: str = col("path of the file as given to `wirehouse run` (absolute)")
    size_bytes: int = col("size of the raw file in bytes")
    format: str = col(
        "detected input format: text, html, jsonl, json, warc (a web archive); suffix `+gzip` when compressed"
    )
    status: str = col(
        "published | quarantined | duplicate | rejected | superseded: how the file ended (superseded: "
        "every article it published was replaced by a newer version; see history.articles)"
    )
    reason: str | None = col("why the file was rejected, quarantined or a duplicate; null when published")
    n_articles: int = col("articles parsed from the file")
    n_published: int = col("articles of this file published")
    n_quarantined: int = col("articles of this file quarantined")
    n_duplicates: int = col(
        "articles of this file skipped because the same article was already ingested, or found to be "
        "a copy of a published one (their rows in copies)"
    )
    run_id: str = col("run that processed the file")
    batch_id: str | None = col("batch the file's articles were audited in; null when rejected or a duplicate")
    mtime_ns: int | None = col(
        "the file's modification time (ns since the epoch) when read: with size_bytes, lets a rerun skip "
        "unchanged files without reading them",
        None,
    )
    encoding: str | None = col(
        "Python codec that decoded the file's bytes: the one its byte order mark names (utf-8-sig, "
        "utf-16-le, utf-16-be, utf-32-le, utf-32-be), utf-8, the charset an HTML page declares, cp1252 "
        "for a few accented letters or curly quotes among ASCII, or the charset detected (cp1251, "
        "cp932, gb18030, ...); null when the file was rejected (or ingested before this column)",
        None,
    )
    replaced_bytes: int | None = col(
        "invalid bytes replaced by U+FFFD while decoding: stray bytes in text otherwise UTF-8 "
        "(transforms.parse.mostly_utf8); 0 when none; null when the file was rejected (or ingested "
        "before this column)",
        None,
    )
    n_records: int | None = col(
        "a web archive (WARC): records read (from warc_start to warc_end), articles and skipped alike; "
        "null for other files",
        None,
    )
    skipped_records: str | None = col(
        "a web archive: records that did not become articles, counted by reason, as a JSON object "
        "(`skipped_records->>'revisit'`): warcinfo, request, metadata, revisit, other_type, not_http, "
        "redirect, not_200, not_html, too_large, filtered_url, filtered_date, same_digest "
        "(transforms.warc.SKIP_REASONS); null for other files",
        None,
    )
    warc_errors: str | None = col(
        "a web archive: corrupt records and truncated gzip members, `; `-separated, each with its byte "
        "offset (`at byte 1363: ...`); the records after one were still read; null when none",
        None,
    )
    warc_start: int | None = col(
        "a web archive: byte offset its records were read from: 0, or where the previous version of a "
        "WARC that grew ended (only the new records are ingested)",
        None,
    )
    warc_end: int | None = col(
        "a web archive: byte offset its records were read up to (the end of its last complete record); "
        "file_id is the sha256 of the bytes before it, so a run knows whether the file grew",
        None,
    )


@dataclass
class ArticleRecord:
    """A cleaned article."""

    article_id: str = col("stable key: sha256 of source file id and record index (16 hex)")
    file_id: str = col("sha256 of the input file the article came from (files.file_id)")
    record_index: int = col(
        "position of the article inside its file (0 for single-article files); in a web archive, the "
        "byte offset of its record (in the decompressed stream when the whole file is one gzip member)"
    )
    source_uri: str = col(
        "input path, with `#N` for the N-th record of a JSON Lines/JSON file, or the record's byte "
        "offset in a web archive (WARC)"
    )
    url: str | None = col("original URL when the input gives one")
    title: str | None = col(
        "headline: a text dump's first line when it reads as one (short, not a sentence, body text "
        "after it; else null, the line staying in the body); the record's title field for JSON; the "
        "page's metadata (og:title, <title>) for HTML"
    )
    authors: str | None = col("authors as given by the input, `; `-separated")
    published: datetime | None = col(
        "publication time read from published_raw (transforms.times: an ISO 8601 date, taken as its "
        "midnight, or date and time; without an offset in UTC); null when the input gives none or "
        "its text names no time (the text stays in published_raw)",
        text_column="published_raw",
    )
    body: str = col("cleaned article text: paragraphs separated by a blank line; all offsets point here")
    n_chars: int = col("length of body in characters")
    n_residue_lines: int = col(
        "lines removed as residue or page furniture, and residue sentences removed from inside lines "
        "(its rows in residue)"
    )
    content_sha256: str = col(
        "sha256 of the cleaned body, used to skip the same article seen in another file"
    )
    batch_id: str = col("batch the article was audited and published in")
    run_id: str = col("run that ingested the article")
    language: str | None = col(
        "ISO 639-1 code detected from the body (lingua); null when the body is too short to tell", None
    )
    source: str | None = col(
        "where the article comes from: the URL's host, else the input file's folder", None
    )
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)
    published_raw: str | None = col(
        "the publication date as the input gives it (its metadata's text, or a page copy's dateline, "
        "written as an ISO date when its format is known), kept whole: also when published cannot "
        "read it",
        None,
    )
    warc_record_id: str | None = col(
        "a web archive's response record the article came from: its WARC-Record-ID (the file is "
        "source_uri's path, the record's byte offset record_index, its WARC-Target-URI url)",
        None,
    )
    warc_date: datetime | None = col(
        "a web archive's response record: its WARC-Date (when it was crawled); also the publication "
        "time when the page gives none",
        None,
    )
    version_key: str | None = col(
        "what makes two articles versions of one document (transforms.copies.version_key): `url:` and "
        "the URL normalised when the input gives one that names a page, else `path:` and source_uri. "
        "A newer article with the same key replaces this one (the older moves to history.*); null "
        "for articles published before versions were tracked (`wirehouse reprocess` fills it)",
        None,
    )


@dataclass
class ParagraphRecord:
    """A paragraph of a cleaned body."""

    article_id: str = col("articles.article_id")
    paragraph_index: int = col("0-based position of the paragraph in the body")
    start_char: int = col("offset of the paragraph's first character in body")
    end_char: int = col("offset just past the paragraph's last character in body")
    text: str = col("body[start_char:end_char]")
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)


@dataclass
class SentenceRecord:
    """A sentence of a cleaned body (never crosses a paragraph)."""

    article_id: str = col("articles.article_id")
    sentence_index: int = col("0-based position of the sentence in the body")
    paragraph_index: int = col("paragraph containing the sentence")
    start_char: int = col("offset of the sentence's first character in body")
    end_char: int = col("offset just past the sentence's last character in body")
    text: str = col("body[start_char:end_char]")
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)


@dataclass
class EntityRecord:
    """A canonical entity of one article: a cluster of mentions."""

    article_id: str = col("articles.article_id")
    entity_id: str = col("stable key across articles: sha256 of label and canonical name (16 hex)")
    name: str = col("canonical name: the longest full-name mention of the cluster (e.g. Antony Blinken)")
    label: str = col("spaCy label voted over all mentions of the cluster (PERSON, ORG, GPE, ...)")
    n_mentions: int = col("mentions in the cluster")
    role: str | None = col(
        "a person's role or title as the article gives it: the words before the name (Secretary of State, "
        "Russian Foreign Minister) or its apposition (a veteran in international diplomacy)",
        None,
    )
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)


@dataclass
class MentionRecord:
    """One named-entity mention as the spaCy model found it, linked to its canonical entity."""

    article_id: str = col("articles.article_id")
    mention_index: int = col("0-based position of the mention in the body")
    start_char: int = col("offset of the mention in body")
    end_char: int = col("offset just past the mention in body")
    text: str = col("body[start_char:end_char]")
    model_label: str = col("label the spaCy model gave this mention")
    entity_id: str = col("entities.entity_id of the cluster the mention belongs to")
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)


@dataclass
class QuoteRecord:
    """A quotation (direct or partial, in quotation marks) or an indirect quote, with its speaker."""

    quote_id: str = col("stable key: sha256 of article id and offsets (16 hex)")
    article_id: str = col("articles.article_id")
    text: str = col("the quotation without its outer quotation marks; equals body[start_char:end_char]")
    start_char: int = col("offset of the quotation's first character in body (inside the marks)")
    end_char: int = col("offset just past the quotation's last character in body")
    kind: str = col(
        "direct (a quoted statement), partial (a quoted fragment inside reported speech), indirect "
        "(reported speech without marks) or scare (quotation marks that name rather than quote: "
        "scare quotes, terms, titles; no speaker)"
    )
    speaker: str | None = col("canonical full name of the speaker (entities.name); null when unattributed")
    speaker_entity_id: str | None = col("entities.entity_id of the speaker")
    speaker_surface: str | None = col(
        "the speaker as written next to the cue (e.g. Blinken, he, the minister)"
    )
    cue: str | None = col("the reporting verb as written (said, warned, stressed, ...)")
    according_to: str | None = col("source named in an 'according to X' phrase of the attribution")
    paragraph_index: int = col("paragraph where the quotation starts")
    attribution: str = col(
        "how the speaker was found: cue, according_to, pronoun, description, subject (the clause's "
        "subject, for a partial quote), follow_on, none"
    )
    speaker_role: str | None = col("the speaker's role or title in this article (entities.role)", None)
    quotation_id: str | None = col(
        "quote_id of the quotation this row belongs to: the first part's id for every part of a quotation "
        "interrupted by its attribution (“First part,” she said, “second part.”); its own id otherwise",
        None,
    )
    confidence: float | None = col(
        "how likely the speaker is right, 0 to 1 (0 without a speaker): set by the evidence that found it "
        "(transforms.quotes.EVIDENCE), capped for pronouns and descriptions; calibrated as the README's "
        "quotes benchmark shows (of attributions at 0.9 or more, at least 95% right). Review the lowest "
        "first; "
        "null in rows published before it existed",
        None,
    )
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)


@dataclass
class ResidueRecord:
    """A line, or a residue sentence inside a line, removed from an article, and the rule that removed it."""

    article_id: str = col("articles.article_id")
    line_no: int = col("0-based line number in the raw text the line was removed from")
    rule_id: str = col(
        "id of the rule that removed it: a residue rule (transforms/rules/residue.yaml) or a line rule "
        "(transforms/rules/line_rules.yaml)"
    )
    text: str = col(
        "what was removed, as it was: the whole line, or the residue sentence removed from inside it"
    )
    start_in_line: int = col(
        "offset of text in its line (0 for a whole line): a residue sentence removed from inside a line "
        "of prose starts here, and the prose around it stays in the body",
        0,
        backfill="0",
    )
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)


@dataclass
class MinhashRecord:
    """An article's MinHash signature: how later articles are found to be copies of it."""

    article_id: str = col("articles.article_id")
    n_shingles: int = col(
        "distinct word 5-grams of the body (transforms.copies.shingles); a body with fewer than 20 "
        "is never taken for a near copy, only for an exact one"
    )
    signature: bytes = col(
        "MinHash of the shingles: 128 little-endian uint32 (datasketch, seed 1, scheme affine32)"
    )
    pipeline_version: str | None = col(PIPELINE_VERSION_DOC, None)


@dataclass
class CopyRecord:
    """An article found to be a copy of one already published: the story ran again (syndication, a
    wire credit line, a new headline, small edits). It publishes no rows of its own, so its
    quotes are never counted twice; the outlets that ran a story are the canonical article's
    source and its copies' sources."""

    article_id: str = col("the copy's article id (as articles.article_id would have been)")
    duplicate_of: str = col("articles.article_id of the canonical article (the first one published)")
    method: str = col(
        "exact (the same cleaned body: content_sha256) or minhash (estimated Jaccard similarity of "
        "the bodies' word 5-grams at or over WIREHOUSE_COPY_THRESHOLD)"
    )
    similarity: float = col("estimated Jaccard similarity to the canonical body (1.0 for an exact copy)")
    file_id: str = col("files.file_id of the input file holding the copy")
    source_uri: str = col("the copy's input path, with `#N` for the N-th record of a JSON Lines/JSON file")
    source: str | None = col("the copy's source: its URL's host, else its input file's folder")
    url: str | None = col("the copy's URL, when its input gives one")
    title: str | None = col("the copy's headline")
    published: datetime | None = col("the copy's publication time (articles.published)")
    content_sha256: str = col("sha256 of the copy's cleaned body")
    run_id: str = col("run that found the copy")
    batch_id: str = col("batch the copy was found in")


@dataclass
class BatchRecord:
    """One audited and published batch of articles."""

    batch_id: str = col("batch key")
    run_id: str = col("run the batch belongs to")
    n_files: int = col("input files in the batch")
    n_articles: int = col("articles audited")
    n_published: int = col("articles published")
    n_quarantined: int = col("articles quarantined")
    staged_path: str = col("folder holding the batch's audited Parquet files")
    audit_success: bool = col("true when every expectation passed on the whole batch")
    started_at: datetime = col("when the batch started")
    published_at: datetime = col("when the batch's publish commit was made")
    n_quotes_quarantined: int | None = col(
        "quotes held alone (their articles published): quotes.speaker_not_null; null in batches "
        "published before quotes were held one by one",
        None,
    )


@dataclass
class StageTimingRecord:
    """Where a batch's time went: one row per stage it passed through (the executor times each
    stage; a new stage needs no new column)."""

    batch_id: str = col("batches.batch_id")
    stage: str = col(
        "read (loading released files again for the batch), clean, nlp, rules, stage, audit, publish "
        "(the transaction and the move to the archive)"
    )
    seconds: float = col("seconds the stage took (on whichever process ran it)")


@dataclass
class QualityResultRecord:
    """One audit rule's result on one staged batch."""

    run_id: str = col("run")
    batch_id: str = col("batch the validation ran on")
    suite: str = col("Great Expectations suite name (one per table)")
    expectation: str = col("our rule id, e.g. quotes.speaker_not_null (the reason quarantined rows carry)")
    gx_expectation: str = col("Great Expectations expectation type, e.g. expect_column_values_to_not_be_null")
    column_name: str | None = col("column the expectation is about")
    description: str = col("what the expectation checks, in words")
    success: bool = col("whether the expectation passed on the staged batch")
    element_count: int = col("rows checked")
    unexpected_count: int = col("rows that failed")


@dataclass
class RunRecord:
    """One `wirehouse run` (the operations log: the one table a rerun adds a row to)."""

    run_id: str = col("run key")
    flow_run_id: str | None = col("Prefect flow run id")
    started_at: datetime = col("when the run started")
    finished_at: datetime | None = col("when the run finished; null while running and when interrupted")
    inputs: str = col("paths given to the run, `; `-separated")
    status: str = col(
        "`running`; `completed`; `interrupted`: the process stopped before the run finished (killed, "
        "Ctrl-C, an error), recorded so by the next run, with the counts its published batches reached",
        backfill="completed",
    )
    n_files: int = col("input files seen (interrupted: files its batches recorded)")
    n_published: int = col("articles published")
    n_quarantined: int = col("articles quarantined")
    n_rejected: int = col("files rejected")
    n_duplicates: int = col("files skipped as duplicates")
    seconds_read: float | None = col(
        "time reading and parsing the new input files and counting their "
        "lines for the boilerplate statistics, before the first batch",
        None,
    )


@dataclass
class LineStatRecord:
    """How many articles of a source contained a line (CCNet-normalised): corpus-learned boilerplate."""

    source: str = col("the URL's host, else the input file's folder (transforms.corpus.source_of)")
    line_key: str = col("the line normalised: lowercase, digits as 0, punctuation removed, spaces collapsed")
    n_articles: int = col(
        "articles of this source that contained the line; at or above the threshold the line is boilerplate"
    )
    example: str = col("one line as written that has this key")


@dataclass
class RawDocumentRecord:
    """An input document as parsed, before cleaning: what `wirehouse reprocess` starts from."""

    file_id: str = col("files.file_id of the input file")
    record_index: int = col("position of the document in its file")
    path: str = col("the input file's path")
    format: str = col("the input file's format (files.format)")
    kind: str = col("text (page copy), html, or fields (extracted main text)")
    content: str = col("the document's text or HTML as read (decompressed, decoded)")
    title: str | None = col("title given by the input, if any")
    url: str | None = col("URL given by the input, if any")
    authors: str | None = col("authors given by the input, if any")
    published: str | None = col(
        "publication date given by the input, if any, as text (parsed into articles.published when "
        "the document is cleaned)"
    )
    warc_record_id: str | None = col("a web archive's record: its WARC-Record-ID", None)
    warc_date: str | None = col("a web archive's record: its WARC-Date (ISO 8601)", None)


@dataclass
class QuarantineDecisionRecord:
    """A reviewer's decision on a quarantined article or quote (`wirehouse quarantine release|drop`)."""

    decision_id: str = col("decision key")
    article_id: str = col("the quarantined article, or the article of the quote held alone")
    action: str = col(
        "released (re-audit passed), kept (re-audit failed again), force_released (published on "
        "the reviewer's word) or dropped"
    )
    reason: str | None = col("the reviewer's reason, or the rules that failed the re-audit")
    decided_at: datetime = col("when the decision was made")
    quote_id: str | None = col("the quote held alone that the decision is about (null: the article)", None)
    content_sha256: str | None = col(
        "the article's content_sha256 when decided: reprocessing re-applies a release to the "
        "re-derived rows only while the article's content is unchanged",
        None,
    )


# Published tables and the record that defines each. Quarantine tables have the same shape
# plus a `reason` column; history tables (older versions) plus `superseded_at` and `superseded_by`.
TABLES: dict[str, type] = {
    "files": FileRecord,
    "runs": RunRecord,
    "batches": BatchRecord,
    "stage_timings": StageTimingRecord,
    "articles": ArticleRecord,
    "paragraphs": ParagraphRecord,
    "sentences": SentenceRecord,
    "entities": EntityRecord,
    "mentions": MentionRecord,
    "quotes": QuoteRecord,
    "residue": ResidueRecord,
    "quality_results": QualityResultRecord,
    "line_stats": LineStatRecord,
    "quarantine_decisions": QuarantineDecisionRecord,
    "raw_documents": RawDocumentRecord,
    "minhashes": MinhashRecord,
    "copies": CopyRecord,
}

# Tables whose rows belong to one article: these are split between published and quarantine.
ARTICLE_TABLES = (
    "articles",
    "paragraphs",
    "sentences",
    "entities",
    "mentions",
    "quotes",
    "residue",
    "minhashes",
)


def columns(record: type) -> list[str]:
    return [f.name for f in dataclasses.fields(record)]
