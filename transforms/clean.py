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
from transforms.page_text import byline_metadata, furniture_removals, main_text_removals
from transforms.parse import RawDocument
from transforms.rules import match_residue

PARAGRAPH_SEPARATOR = "\n\n"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_TERMINAL = tuple(".!?:;\"”’)]…")
# Lines ftfy leaves as they are: printable ASCII but "&" and "<" (HTML entities and tags), and
# typographic punctuation (mojibake always holds letters like Ã or â).
_PLAIN_LINE = re.compile(r"[\t\x20-\x25\x27-\x3b\x3d-\x7e‘’“”–—…•·]*\n?")
_FTFY_CONFIG = {unescape: ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=unescape, explain=False)
                for unescape in ("auto", False)}


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
    (ftfy would straighten them by default, losing what marks a quotation).

    Same result as ftfy.fix_text(text, uncurl_quotes=False), which fixes line by line and stops
    unescaping HTML entities once a line holds "<"; a line with nothing to fix (_PLAIN_LINE:
    most lines of a page copy) skips ftfy, which costs ~20 µs a line."""
    fixed = []
    unescape_html = "auto"
    position = 0
    while position < len(text):
        line_end = text.find("\n", position) + 1 or len(text)
        segment = text[position:line_end]
        position = line_end
        if unescape_html == "auto" and "<" in segment:
            unescape_html = False
        if _PLAIN_LINE.fullmatch(segment):
            fixed.append(segment)
        else:
            fixed.append(ftfy.fix_text(segment, _FTFY_CONFIG[unescape_html]))
    return "".join(fixed)


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
    body, removed, first_line = clean_lines(text, title_from_first_line, title, boilerplate,
                                            page_copy=doc.kind == "text")
    if title_from_first_line:
        title = first_line
    if authors is None or published is None:
        found_authors, found_published = byline_metadata(removed)
        authors, published = authors or found_authors, published or found_published
    return CleanArticle(title=title or None, body=body, url=url, authors=authors,
                        published=published, removed=removed)


def clean_lines(
    text: str, take_title: bool, title: Optional[str], boilerplate: frozenset[str] = frozenset(),
    page_copy: bool = False,
) -> tuple[str, list[RemovedLine], Optional[str]]:
    """Split text into lines, drop residue lines, rebuild paragraphs.

    Returns (body, removed lines, the first kept line when take_title). A line repeating the
    title is removed (rule page-headline: the title lives in its own column). Consecutive lines are
    one paragraph only when the first is hard-wrapped (no terminal punctuation) and the next
    continues in lower case; otherwise each line is its own paragraph. page_copy: the text is a
    whole page, so only its main text is kept (transforms.page_text.main_text_removals); other
    text is already the main text and loses only page furniture (bylines, datelines, captions,
    policy notices, a repeated headline: transforms.page_text.furniture_removals).
    """
    raw_lines = text.splitlines()
    lines = [normalise_line(raw_line) for raw_line in raw_lines]
    rules: dict[int, str] = {}  # line number -> id of the rule that removed it
    first: Optional[str] = None
    first_no: Optional[int] = None
    for line_no, line in enumerate(lines):
        if not line:
            continue
        rule = match_residue(line)
        if rule is not None:
            rules[line_no] = rule.id
        elif boilerplate and line_key(line) in boilerplate:
            rules[line_no] = CORPUS_RULE_ID
        elif take_title and first is None:
            first, first_no = line, line_no
    handled = dict(rules) if first_no is None else {**rules, first_no: "title"}
    if page_copy:
        rules.update(main_text_removals(lines, handled, title or first))
    else:
        rules.update(furniture_removals(lines, handled, title))
    removed = [RemovedLine(n, rules[n], raw_lines[n].rstrip("\r\n")) for n in sorted(rules)]
    paragraphs: list[str] = []
    joinable = False
    for line_no, line in enumerate(lines):
        if not line:
            joinable = False
            continue
        if line_no in rules or line_no == first_no:
            continue
        if joinable and line[:1].islower():
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        joinable = not paragraphs[-1].endswith(_TERMINAL)
    return PARAGRAPH_SEPARATOR.join(paragraphs), removed, first
