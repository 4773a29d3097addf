"""Raw documents -> cleaned articles: main text, mojibake fixed, UI residue removed.

The body is a sequence of paragraphs joined by a blank line ("\\n\\n"); every later offset points
into it. Each line removed as residue is returned with the rule that removed it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import ftfy
import trafilatura

from transforms.corpus import RULE_ID as CORPUS_RULE_ID
from transforms.corpus import line_key
from transforms.parse import RawDocument
from transforms.rules import match_residue

PARAGRAPH_SEPARATOR = "\n\n"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_TERMINAL = tuple(".!?:;\"”’)]…")


@dataclass
class RemovedLine:
    line_no: int
    rule_id: str
    text: str


@dataclass
class CleanArticle:
    title: Optional[str]
    body: str
    url: Optional[str] = None
    authors: Optional[str] = None
    published: Optional[str] = None
    removed: list[RemovedLine] = field(default_factory=list)


def fix_text(text: str) -> str:
    """Mojibake and broken escapes repaired by ftfy; typographic quotation marks are kept
    (ftfy would straighten them by default, losing what marks a quotation)."""
    return ftfy.fix_text(text, uncurl_quotes=False)


def normalise_line(line: str) -> str:
    """Zero-width characters dropped, runs of spaces (incl. no-break spaces) collapsed, trimmed."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", line)).strip()


def clean_document(doc: RawDocument, boilerplate: frozenset[str] = frozenset()) -> CleanArticle:
    """Clean one raw document (page copy, HTML or extracted main text).

    boilerplate: corpus-learned line keys (transforms.corpus.line_key) of the document's source;
    a line with such a key is removed with rule id `corpus-boilerplate`."""
    title, url, authors, published = doc.title, doc.url, doc.authors, doc.published
    if doc.kind == "html":
        extracted = trafilatura.bare_extraction(
            doc.content, with_metadata=True, include_comments=False, include_tables=False
        )
        text = (extracted.text if extracted is not None else "") or ""
        if extracted is not None:
            title = title or extracted.title
            url = url or extracted.url
            authors = authors or extracted.author
            published = published or extracted.date
        title_from_first_line = False
    else:
        text = doc.content
        # A page copy's headline is its first non-empty line; extracted fields carry it separately.
        title_from_first_line = doc.kind == "text" and not title
    text = fix_text(text)
    title = normalise_line(fix_text(title)) if title else None
    body, removed, first_line = clean_lines(text, title_from_first_line, title, boilerplate)
    if title_from_first_line:
        title = first_line
    return CleanArticle(title=title or None, body=body, url=url, authors=authors,
                        published=published, removed=removed)


def clean_lines(
    text: str, take_title: bool, title: Optional[str], boilerplate: frozenset[str] = frozenset()
) -> tuple[str, list[RemovedLine], Optional[str]]:
    """Split text into lines, drop residue lines, rebuild paragraphs.

    Returns (body, removed lines, the first kept line when take_title). A line repeating the
    title is dropped from the body (the title lives in its own column). Consecutive lines are
    one paragraph only when the first is hard-wrapped (no terminal punctuation) and the next
    continues in lower case; otherwise each line is its own paragraph.
    """
    removed: list[RemovedLine] = []
    paragraphs: list[str] = []
    joinable = False
    first: Optional[str] = None
    for line_no, raw_line in enumerate(text.splitlines()):
        line = normalise_line(raw_line)
        if not line:
            joinable = False
            continue
        rule = match_residue(line)
        if rule is not None:
            removed.append(RemovedLine(line_no, rule.id, raw_line.rstrip("\r\n")))
            continue
        if boilerplate and line_key(line) in boilerplate:
            removed.append(RemovedLine(line_no, CORPUS_RULE_ID, raw_line.rstrip("\r\n")))
            continue
        if take_title and first is None:
            first = line
            continue
        if title and not paragraphs and line == title:
            continue
        if joinable and line[:1].islower():
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        joinable = not paragraphs[-1].endswith(_TERMINAL)
    return PARAGRAPH_SEPARATOR.join(paragraphs), removed, first
