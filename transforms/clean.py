"""Raw documents -> cleaned articles: main text, mojibake fixed, UI residue removed.

The body is a sequence of paragraphs joined by a blank line ("\\n\\n"); every later offset points
into it. Each line removed as residue is returned with the rule that removed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ftfy
import trafilatura
from trafilatura.utils import load_html

from transforms.corpus import RULE_ID as CORPUS_RULE_ID
from transforms.corpus import line_hash, line_key
from transforms.page_text import (
    LIST_HEADER_RULES,
    byline_metadata,
    furniture_removals,
    looks_like_title,
    main_text_removals,
)
from transforms.parse import RawDocument
from transforms.rules import ResidueRule, match_residue, residue_sentences

PARAGRAPH_SEPARATOR = "\n\n"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_TERMINAL = tuple('.!?:;"”’)]…')
# Lines ftfy leaves as they are: printable ASCII but "&" and "<" (HTML entities and tags), and
# typographic punctuation (mojibake always holds letters like Ã or â).
_PLAIN_LINE = re.compile(r"[\t\x20-\x25\x27-\x3b\x3d-\x7e‘’“”–—…•·]*\n?")
_FTFY_CONFIG = {
    unescape: ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=unescape, explain=False)
    for unescape in ("auto", False)
}


@dataclass
class RemovedLine:
    """A removed line, or a residue sentence removed from inside one: its text as it was in
    line line_no of the (fixed) input text, from offset start in that line."""

    line_no: int
    rule_id: str
    text: str
    start: int = 0


@dataclass
class CleanArticle:
    title: str | None
    body: str
    url: str | None = None
    authors: str | None = None
    published: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)


def fix_text(text: str) -> str:
    """Mojibake and broken escapes repaired by ftfy; typographic quotation marks are kept
    (ftfy would straighten them by default, losing what marks a quotation).

    Same result as ftfy.fix_text(text, uncurl_quotes=False), which fixes line by line and stops
    unescaping HTML entities once a line holds "<"; a line with nothing to fix (_PLAIN_LINE:
    most lines of a page copy) skips ftfy, which costs ~20 µs a line."""
    fixed = []
    unescape_html: str | bool = "auto"  # as ftfy's TextFixerConfig.unescape_html
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


# HTML structure, before trafilatura reads the page (prepare_html).
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A hover card inside a paragraph: an inline element holding this many links ...
HOVER_CARD_MIN_LINKS = 3
# ... whose text is (nearly) all link text.
HOVER_CARD_LINK_SHARE = 0.9
# A list of other stories: this many items, each opening with a link to a title this long
# (headed, or a link share of the item's words this high).
TEASER_LIST_MIN_ITEMS = 3
TEASER_TITLE_MIN_WORDS = 3
TEASER_LINK_SHARE = 0.8
# A paragraph of nothing but links holding this many words promotes other stories (a product
# or a person named in a link is shorter).
LINKED_HEADLINE_MIN_WORDS = 4
# A body container: an element with at least this many paragraphs of prose directly inside ...
BODY_PART_MIN_PARAGRAPHS = 2
# ... a paragraph of prose having at least this many words.
BODY_PARAGRAPH_MIN_WORDS = 10
_HTML_WORD = re.compile(r"\w+")
_SENTENCE_END_HTML = re.compile(r"[.!?…:][\"”’')\]]*$")


def prepare_html(content: str):
    """The page as an lxml tree, corrected where trafilatura misreads common page structures
    (hover cards inside paragraphs, a related-stories section, a body split into several
    containers); the content itself when it does not parse."""
    tree = load_html(content)
    if tree is None:
        return content
    drop_hover_cards(tree)
    drop_related_sections(tree)
    drop_teaser_lists(tree)
    drop_linked_headlines(tree)
    return tree


def _text_words(element) -> int:
    return len(
        _HTML_WORD.findall(
            element.text_content() if hasattr(element, "text_content") else "".join(element.itertext())
        )
    )


def _remove_keeping_tail(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def drop_hover_cards(tree) -> None:
    """A paragraph's hover card (a person's name opening a box of links to their latest
    stories, hidden until the pointer rests on it) is no part of the sentence: an inline
    element inside a paragraph holding several links and nothing but link text."""
    for paragraph in tree.iter("p"):
        # Innermost first: a card's own box goes, the linked name the card belongs to stays.
        for element in reversed(list(paragraph.iterdescendants("span", "div"))):
            links = list(element.iter("a"))
            if len(links) < HOVER_CARD_MIN_LINKS:
                continue
            text = len("".join(element.itertext()).strip())
            linked = sum(len("".join(link.itertext()).strip()) for link in links)
            if text and linked >= HOVER_CARD_LINK_SHARE * text:
                _remove_keeping_tail(element)


def drop_related_sections(tree) -> None:
    """A heading such as "Related stories" or "You may also like" (residue rule
    related-list-header) opens a list of other stories: the heading goes, and so do the
    elements after it in its section up to the next paragraph (teaser cards, lists, links)."""
    for heading in list(tree.iter(*_HEADINGS)):
        if heading.getparent() is None:
            continue
        text = normalise_line(" ".join("".join(heading.itertext()).split()))
        rule = match_residue(text) if text else None
        if rule is None or rule.id not in LIST_HEADER_RULES:
            continue
        sibling = heading.getnext()
        while sibling is not None and sibling.tag not in ("p", *_HEADINGS):
            following = sibling.getnext()
            _remove_keeping_tail(sibling)
            sibling = following
        _remove_keeping_tail(heading)


def drop_teaser_lists(tree) -> None:
    """A list whose every item opens with a link to another page and is mostly link text, or
    carries its linked title as a heading (a teaser card: picture, headline, a line of
    summary), lists other stories, not the article's own points."""
    for listing in list(tree.iter("ul", "ol")):
        if listing.getparent() is None:
            continue
        items = [item for item in listing if item.tag == "li" and "".join(item.itertext()).strip()]
        if len(items) >= TEASER_LIST_MIN_ITEMS and all(_is_teaser_item(item) for item in items):
            _remove_keeping_tail(listing)


def _is_teaser_item(item) -> bool:
    first = next(
        (
            node
            for node in item.iter()
            if isinstance(node.tag, str) and ((node.text or "").strip() or node.tag == "img")
        ),
        None,
    )
    if first is None or (first.tag != "a" and not any(a.tag == "a" for a in first.iterancestors())):
        return False  # the item does not open with a link
    words = _text_words(item)
    linked = sum(_text_words(a) for a in item.iter("a"))
    headed = any(
        _text_words(a) >= TEASER_TITLE_MIN_WORDS
        for heading in item.iter(*_HEADINGS)
        for a in heading.iter("a")
    )
    return headed or (words > 0 and linked >= TEASER_LINK_SHARE * words and linked >= TEASER_TITLE_MIN_WORDS)


def drop_linked_headlines(tree) -> None:
    """A paragraph that is nothing but links to other pages' headlines (no sentence of its
    own) is a promotion of other stories placed inside the article."""
    for paragraph in list(tree.iter("p")):
        if paragraph.getparent() is None or any(a.tag == "blockquote" for a in paragraph.iterancestors()):
            continue
        text = " ".join("".join(paragraph.itertext()).split())
        if not text or _SENTENCE_END_HTML.search(text):
            continue
        links = [
            a
            for a in paragraph.iter("a")
            if not (a.get("href") or "#").startswith(("#", "mailto:", "javascript:"))
        ]
        linked = sum(_text_words(a) for a in links)
        if linked >= LINKED_HEADLINE_MIN_WORDS and linked >= TEASER_LINK_SHARE * _text_words(paragraph):
            _remove_keeping_tail(paragraph)


def join_split_bodies(tree, extracted: str) -> bool:
    """An article body interrupted by full-width ads or widgets is often several containers of
    the same tag and class, each holding paragraphs of prose, and an extractor may keep only
    the first. When the extracted text has the paragraphs of some of them but none of others',
    the later containers' content is moved into the first one, in page order, and True is
    returned (extract again); otherwise the tree is left as it is."""
    seen = " ".join(extracted.split())
    groups: dict[tuple[str, str], list] = {}
    for element in tree.iter("div", "section", "article"):
        classes = " ".join((element.get("class") or "").split())
        if not classes:
            continue
        prose = [
            child for child in element if child.tag == "p" and _text_words(child) >= BODY_PARAGRAPH_MIN_WORDS
        ]
        if len(prose) >= BODY_PART_MIN_PARAGRAPHS:
            groups.setdefault((element.tag, classes), []).append((element, prose))
    joined = False
    for parts in groups.values():
        if len(parts) < 2:
            continue
        kept = [any(_paragraph_text(p) in seen for p in prose) for _, prose in parts]
        if all(kept) or not any(kept):
            continue
        first = parts[0][0]
        for part, _ in parts[1:]:
            if any(ancestor is first for ancestor in part.iterancestors()):
                continue
            for child in list(part):
                first.append(child)
            joined = True
    return joined


def _paragraph_text(paragraph) -> str:
    return " ".join("".join(paragraph.itertext()).split())[:80]


def normalise_line(line: str) -> str:
    """Zero-width characters dropped, runs of spaces (incl. no-break spaces) collapsed, trimmed."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", line)).strip()


def _raw_positions(line: str) -> list[int]:
    """Where each character of normalise_line(line) stands in line."""
    kept: list[tuple[int, str]] = []
    for i, ch in enumerate(line):
        if _ZERO_WIDTH.match(ch):
            continue
        if _SPACES.match(ch):
            if kept and kept[-1][1] == " ":
                continue
            ch = " "
        kept.append((i, ch))
    start, end = 0, len(kept)
    while start < end and kept[start][1].isspace():
        start += 1
    while end > start and kept[end - 1][1].isspace():
        end -= 1
    return [i for i, _ in kept[start:end]]


def _outside(line: str, spans: list[tuple[int, int, ResidueRule]]) -> list[str]:
    """The parts of a line around the spans, trimmed: the prose the residue sentences leave."""
    cuts = [0, *(offset for a, b, _ in spans for offset in (a, b)), len(line)]
    return [line[a:b].strip() for a, b in zip(cuts[::2], cuts[1::2], strict=True)]


def _extract(page):
    return trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=False)


def clean_document(doc: RawDocument, boilerplate: frozenset[int] = frozenset()) -> CleanArticle:
    """Clean one raw document (page copy, HTML or extracted main text).

    boilerplate: corpus-learned lines of the document's source, as hashes (transforms.corpus.line_hash)
    of their keys (transforms.corpus.line_key); such a line is removed with rule id
    `corpus-boilerplate`."""
    title, url, authors, published = doc.title, doc.url, doc.authors, doc.published
    if doc.kind == "html":
        page = prepare_html(doc.content)
        extracted = _extract(page)
        text = (extracted.text if extracted is not None else "") or ""
        if not isinstance(page, str) and join_split_bodies(page, text):
            extracted = _extract(page) or extracted
            text = (extracted.text if extracted is not None else "") or ""
        if extracted is not None:
            title = title or extracted.title
            url = url or extracted.url
            authors = authors or extracted.author
            published = published or extracted.date
        title_from_first_line = False
    else:
        text = doc.content
        # A text dump's headline is its first line when that reads as one (clean_lines); extracted
        # fields carry it separately.
        title_from_first_line = doc.kind == "text" and not title
    text = fix_text(text)
    title = normalise_line(fix_text(title)) if title else None
    body, removed, first_line = clean_lines(
        text, title_from_first_line, title, boilerplate, page_copy=doc.kind == "text"
    )
    if title_from_first_line:
        title = first_line
    if authors is None or published is None:
        found_authors, found_published = byline_metadata(removed)
        authors, published = authors or found_authors, published or found_published
    # A page from a web archive that gives no date of its own: when it was crawled.
    published = published or doc.warc_date
    return CleanArticle(
        title=title or None, body=body, url=url, authors=authors, published=published, removed=removed
    )


def clean_lines(
    text: str,
    take_title: bool,
    title: str | None,
    boilerplate: frozenset[int] = frozenset(),
    page_copy: bool = False,
) -> tuple[str, list[RemovedLine], str | None]:
    """Split text into lines, drop residue lines, rebuild paragraphs.

    Returns (body, removed lines, the title line when take_title): the first line that no rule
    removes, when it reads as a headline (transforms.page_text.looks_like_title) and text follows
    it; otherwise None, and that line stays in the body. A line repeating the title is removed
    (rule page-headline: the title lives in its own column). Consecutive lines are one paragraph
    only when the first is hard-wrapped (no terminal punctuation) and the next continues in lower
    case; otherwise each line is its own paragraph. page_copy: the text is a
    whole page, so only its main text is kept (transforms.page_text.main_text_removals); other
    text is already the main text and loses only page furniture (bylines, datelines, captions,
    policy notices, a repeated headline: transforms.page_text.furniture_removals).
    """
    raw_lines = text.splitlines()
    lines = [normalise_line(raw_line) for raw_line in raw_lines]
    rules: dict[int, str] = {}  # line number -> id of the rule that removed the whole line
    # line number -> the residue sentences removed from it (transforms.rules.residue_sentences)
    sentences: dict[int, list[tuple[int, int, ResidueRule]]] = {}
    emptied: dict[int, str] = {}  # lines nothing is left of once their sentences are removed
    first: str | None = None
    first_no: int | None = None
    for line_no, line in enumerate(lines):
        if not line:
            continue
        rule = match_residue(line)
        if rule is not None:
            rules[line_no] = rule.id
            continue
        if boilerplate and line_hash(line_key(line)) in boilerplate:
            rules[line_no] = CORPUS_RULE_ID
            continue
        spans = residue_sentences(line)
        if spans:
            sentences[line_no] = spans
            left = " ".join(part for part in _outside(line, spans) if part)
            if not left:
                emptied[line_no] = spans[0][2].id
                continue
            line = lines[line_no] = left
        if take_title and first is None:
            first, first_no = line, line_no
    if first_no is not None and not (
        looks_like_title(lines[first_no])
        and any(
            line and n not in rules and n not in emptied
            for n, line in enumerate(lines[first_no + 1 :], first_no + 1)
        )
    ):
        first = first_no = None  # a paragraph, or the only text there is: the body keeps it
    handled = {**rules, **emptied} if first_no is None else {**rules, **emptied, first_no: "title"}
    if page_copy:
        rules.update(main_text_removals(lines, handled, title or first))
    else:
        rules.update(furniture_removals(lines, handled, title))
    removed = [RemovedLine(n, rules[n], raw_lines[n]) for n in rules]
    for n, spans in sentences.items():
        if n not in rules:  # a line removed whole after all is recorded whole, under that rule
            at = _raw_positions(raw_lines[n])
            removed += [RemovedLine(n, r.id, raw_lines[n][at[a] : at[b - 1] + 1], at[a]) for a, b, r in spans]
    removed.sort(key=lambda r: (r.line_no, r.start))
    paragraphs: list[str] = []
    joinable = False
    for line_no, line in enumerate(lines):
        if not line:
            joinable = False
            continue
        if line_no in rules or line_no in emptied or line_no == first_no:
            continue
        if joinable and line[:1].islower():
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        joinable = not paragraphs[-1].endswith(_TERMINAL)
    return PARAGRAPH_SEPARATOR.join(paragraphs), removed, first
