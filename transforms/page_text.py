"""Main text of a "save as text" page copy, by line-level heuristics (no HTML needed).

A page copy holds the whole visible page: menus, link lists, teasers, footers and, somewhere, the
article. The article is the densest run of prose (long lines with sentence punctuation), found
as the maximum-sum contiguous region over per-line scores, as in Finn's body text extraction:
a prose line scores its length in words; every other line costs a little, more when it is an
item of a list (consecutive lines, no blank line between) and the longer it is (a teaser's
headline costs more than a menu item). jusText-style context adjusts the scores: a prose line
with no prose line beside it (a teaser's excerpt between headlines) counts less; lines repeated
elsewhere on the page, and residue (ad markers, share bars), count nothing.

Then the region is corrected by what a page says about its own structure: comments come after
the article (a comment-section line inside the region ends it), the page's headline starts it,
a paragraph's own block (lines not separated by a blank line) belongs to it, and so does a list
introduced by a lead-in ending with a colon. Inside the region every line stays except page
furniture: bylines, datelines, photo credits and captions (recorded under their own rule ids,
which is how they become metadata), policy notices, and lines the page also shows outside the
article.

Text an extractor already cut out of its page (trafilatura's main text, a record's fields) only
loses page furniture (furniture_removals): the same bylines, datelines, credits, captions and
policy notices, the headline, a second copy of its paragraphs and lists of other stories'
headlines.

Pure functions over normalised lines. Every removed line gets a rule id registered in
transforms/rules/line_rules.yaml: nothing is dropped silently.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from transforms.corpus import line_key

# Rule ids (transforms/rules/line_rules.yaml).
OUTSIDE = "page-outside-article"
LINK_LIST = "page-link-list"
REPEATED = "page-repeated-line"
HEADLINE = "page-headline"
BYLINE = "byline"
DATELINE = "dateline"
PHOTO_CREDIT = "photo-credit"
CAPTION = "image-caption"
POLICY = "policy-notice"
METADATA_RULES = frozenset({BYLINE, DATELINE, PHOTO_CREDIT})

# Residue rules (residue.yaml) with a meaning for the page's structure.
COMMENT_SECTION_RULES = frozenset({"comment-section"})  # the article is over
LIST_HEADER_RULES = frozenset({"related-list-header"})  # other stories follow
CREDIT_RULES = frozenset({"image-credit-line", PHOTO_CREDIT})  # the line above is a caption

# A line this long with sentence punctuation is prose ...
PROSE_MIN_WORDS = 10
# ... and so is a line this long without a final stop, punctuated like prose (a mark per 25 words).
PROSE_MIN_WORDS_UNENDED = 30
WORDS_PER_MARK = 25
# Region scores, in words of prose.
LIST_ITEM_COST = 3.0  # a non-prose line with other lines in its block
ALONE_COST = 1.0  # a non-prose line on its own (a subheading, a label)
NON_PROSE_WORD_COST = 0.4  # ... plus this per word
SHORT_SENTENCE_MIN_WORDS = 4  # "The ferry was late again." counts ...
SHORT_SENTENCE_WEIGHT = 0.5  # ... half
ISOLATED_PROSE_WEIGHT = 0.3  # a prose line without a prose neighbour
METADATA_COST = 3.0  # a byline, dateline or credit (teasers carry them too)
LIST_HEADER_COST = 20.0  # "Related articles", "Most popular"
# Prose words that make an article (what a headline or a comment section must leave).
MIN_ARTICLE_WORDS = 25
# Metadata lines (bylines, dates, credits) are short; longer lines are not tried.
METADATA_MAX_WORDS = 16
# A headline repeated in the page has at least this many words.
HEADLINE_MIN_WORDS = 3
# Extracted text opening with a line this short, this much made of the title's words, opens
# with the headline.
HEADLINE_VARIANT_MAX_WORDS = 25
HEADLINE_VARIANT_SHARE = 0.5
# A text dump's first line is its headline only when it reads like one: a few words (headlines
# run 5-20), not a sentence; a question or an exclamation as short as this can still be one.
TITLE_MAX_WORDS = 25
TITLE_QUESTION_MAX_WORDS = 12
# A list of headlines: this many lines in a row of at least this many longer words (4 letters
# or more), most of them capitalised.
HEADLINE_LIST_MIN_ITEMS = 2
HEADLINE_LIKE_MIN_WORDS = 3
HEADLINE_LIKE_CAPITALISED = 0.8
# A lead-in introducing a list ("The new sailing times are:") has at least this many words.
LEAD_IN_MIN_WORDS = 3
# Blank lines per non-empty line below which a page copy does not separate blocks by blank lines.
MIN_BLANK_SHARE = 0.05
# A caption and its credit are a block of their own, not items of a list.
CAPTION_BLOCK_MAX_LINES = 3
CAPTION_MIN_WORDS = 3

# Words: runs of letters (numbers, codes and phone numbers are not what makes prose); a Chinese
# or Japanese character counts as half a word (no spaces between words there).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}][^\W{_CJK}]*")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Ends like a sentence: terminal punctuation, optionally closed by quotation marks or brackets ...
_SENTENCE_END = re.compile(r"[.!?…。！？][\"”’'»)\]]*$")
# A question or an exclamation; a lead-in or a clause going on (a headline ends in neither).
_QUESTION_END = re.compile(r"[!?！？][\"”’'»)\]]*$")
_UNFINISHED_END = re.compile(r"[:,，\uff1a][\"”’'»)\]]*$")
# ... unless it is an excerpt cut short ("…", "...", "[…]"): teasers end like that.
_TRUNCATED = re.compile(r"(?:…|\.\.\.)\]?$")
# A sentence boundary inside the line: ". The", "? “We", "。".
_INNER_BOUNDARY = re.compile(r"\w[.!?][\"”’')\]]*\s+[\"“‘'(]?[A-Z]|[。！？]")
_PUNCTUATION = re.compile(r"[,.;!?](?=\s)|[，、。]")

# C4's policy phrases (and legal footers) ...
_POLICY = re.compile(
    r"terms (?:of (?:use|service|sale)|and conditions|& conditions)|privacy "
    r"(?:policy|notice|statement|settings)"
    r"|cookie (?:policy|notice|settings|preferences)|all rights reserved|©|\bcopyright\b|\bcookies\b"
    r"|\btrademarks?\b|\b(?:this|our) (?:web ?)?site\b|for informational purposes only",
    re.IGNORECASE,
)
_POLICY_WORDS = (
    "term",
    "privacy",
    "cookie",
    "reserved",
    "©",
    "copyright",
    "trademark",
    "site",
    "informational",
)
# ... remove an article sentence only when the page speaks about itself in legalese.
_SITE_VOICE = re.compile(
    r"\b(?:(?:this|our) (?:web ?)?site|you (?:agree|accept|consent)|all rights reserved|may not be "
    r"(?:re)?published"
    r"|registered trademarks?|(?:is|are) (?:a )?trademarks? of|informational purposes|(?:we|this "
    r"site) uses? cookies"
    r"|by (?:using|continuing))\b|©",
    re.IGNORECASE,
)

_DIGIT = re.compile(r"\d")
_METADATA_WORDS = (
    "by",
    "staff",
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "columnist",
    "contribut",
    "photo",
    "producer",
    "image",
    "picture",
    "illustration",
    "graphic",
    "credit",
    "courtesy",
    "getty",
    "press",
    "reuters",
    "afp",
    "epa",
    "shutterstock",
    "istock",
    "bloomberg",
)
# Dates and times as pages print them: "Mar 3, 2021, 9:15 pm CST", "3 Mar 2021 21:15 GMT",
# "03/03/2021 09:15 PM", "2021-03-03T21:15:00+01:00", "Updated 3 hours ago".
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\.?"
)
_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}(?:t[\d:.+-]+z?)?)"
)
_TIME = (
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s+\(?(?:[a-z]{1,3}t|utc|gmt)\)?)?"
)
_AGO = r"\d+\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|months?|years?)\s+ago"
_DATE_PREFIX = (
    r"(?:(?:published|updated|posted|modified|last updated|first published|date)(?:\s+on|\s+at)?\s*:?\s*)"
)
_DATE_ITEM = rf"(?:{_DATE}|{_TIME}|{_AGO})"
_SEPARATOR = r"(?:\s*[,|·•/–—-]\s*|\s+)"
_DATES = rf"{_DATE_PREFIX}?{_DATE_ITEM}(?:{_SEPARATOR}(?:(?:at|on|@)\s+)?{_DATE_PREFIX}?{_DATE_ITEM})*"
_DATELINE = re.compile(rf"{_DATES}\.?", re.IGNORECASE)

# Bylines: "By Ana Ruiz Staff Writer", "By Ana Ruiz - 3/3/21 09:15 AM EST",
# "Ana Ruiz - Mar 3, 2021, 9:15 pm CST", "Reuters March 3, 2021", "Ledger Staff",
# "(Reporting by Ana Ruiz; editing by Tom Lee)", "Tom Lee contributed reporting from Oslo.",
# "5:45 AM PST 11/19/2019 by Ana Ruiz".
# Names are capitalised words (case-sensitive inside the case-insensitive pattern).
_NAME_WORD = r"(?-i:[A-Z][\w’'.-]*)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|da|van|von|der|del|la|le|bin|al|du))*"
_ROLE = (
    r"(?:(?:staff|senior|contributing|special|chief|political|business|sports|foreign|investigative"
    r"|deputy|managing|executive|editorial)\s+)*"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor|photographer|producer|staff)"
)
_BYLINE = re.compile(
    rf"(?:(?:(?:written|words|story|reporting|additional reporting|posted|text)\s+)?by\s+"
    rf"{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*"
    rf"(?:(?:{_SEPARATOR}|\s+(?:on|at|updated|published)\s+)(?:{_ROLE}|{_DATES}))*"
    rf"|{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}(?:\s+@\w+)?{_SEPARATOR}{_DATES}"
    rf"|(?:{_NAME},?\s+)?{_ROLE}"
    rf"|{_DATES}\s+by\s+{_NAME}"
    rf"|{_NAME}(?:\s*(?:,|and)\s*{_NAME})*\s+contributed "
    r"(?:(?:reporting|research)(?: (?:from|in) [^.]{1,60})?|to this (?:report|article|story)))\.?",
    re.IGNORECASE,
)
# ... and a wire story's credits, however many names: "(Reporting by Ana Ruiz; editing by Tom Lee)".
_CREDITS_LINE = re.compile(
    r"\((?:additional |editing and )?(?:reporting|writing|editing|compiled) by [^()]{1,300}\)\.?",
    re.IGNORECASE,
)
# Photo credits: "Image credit: Harbor Ledger", "Photo by Jane Doe", "(Getty Images)" ...
_PHOTO_CREDIT = re.compile(
    r"\(?(?:(?:(?:photo(?:graph)?|image|picture|illustration|graphic)s?\s*(?:credit)?\s*(?::|by)"
    r"|credit\s*:|courtesy(?: of)?)"
    r"\s*[^.!?]{1,80}"
    r"|(?:getty(?: images)?|associated press|ap "
    r"photo|reuters|afp|epa|shutterstock|istock(?:photo)?|bloomberg)"
    r"(?:\s*/\s*[\w .]+)?(?:\s+via\s+getty images)?)\)?",
    re.IGNORECASE,
)
# ... and "(Jane Doe / Associated Press)", "Jane Doe/Harbor Ledger/Getty Images": a
# person's name, a slash and an organisation; only beside a caption (a menu has "About Us/Contact").
_NAME_SLASH_CREDIT = re.compile(
    rf"\(?{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}\s*/\s*{_NAME}(?:\s*/\s*{_NAME})*\)?", re.IGNORECASE
)
# Captions that say where the picture is ("Above: ..."), or carry their credit at the end
# ("Protesters at the gate (Image: Getty)").
_CAPTION = re.compile(
    r"(?:above|below|top|pictured|caption|in this photo)\s*:\s+\S.*"
    r"|.+\((?:image|photo|picture|pic|credit)s?\s*(?::|by)\s*[^()]{1,60}\)",
    re.IGNORECASE,
)
# Separators between a headline and the site name in a page title.
_TITLE_SEPARATOR = re.compile(r"\s+[|–—-]\s+|\s*[|»]\s*")


@dataclass(frozen=True)
class Line:
    """One logical line of the page: a physical line, with the hard-wrapped lines continuing it."""

    indices: tuple[int, ...]  # its physical line numbers
    text: str
    key: str  # corpus.line_key: how it is compared with other lines
    words: float
    sentence_end: bool
    prose: bool
    block: int  # lines not separated by a blank line share a block
    block_size: int  # lines in its block
    repeated: bool  # the page has another line with the same key
    policy: bool  # a policy or legal notice (is_policy)
    rule: str | None  # the rule that removes it whatever the region: residue, headline, metadata


def word_count(text: str) -> float:
    return len(_WORD.findall(text)) - len(_CJK_CHAR.findall(text)) / 2


def is_prose(text: str, words: float, sentence_end: bool) -> bool:
    if words >= PROSE_MIN_WORDS and (sentence_end or _INNER_BOUNDARY.search(text)):
        return True
    return words >= PROSE_MIN_WORDS_UNENDED and len(_PUNCTUATION.findall(text)) * WORDS_PER_MARK >= words


def is_policy(text: str, prose: bool) -> bool:
    """C4's policy lines (terms of use, privacy policy, cookies) and legal footers; an article
    sentence that only mentions a policy stays."""
    lower = text.lower()
    if not any(word in lower for word in _POLICY_WORDS):  # a quick no for most lines
        return False
    return bool(_POLICY.search(text)) and (not prose or bool(_SITE_VOICE.search(text)))


def metadata_kind(text: str, words: float | None = None) -> str | None:
    """BYLINE, DATELINE or PHOTO_CREDIT when the whole line is one, else None (words: its
    word_count, if known)."""
    if _CREDITS_LINE.fullmatch(text):
        return BYLINE
    if (words if words is not None else word_count(text)) > METADATA_MAX_WORDS:
        return None
    lower = text.lower()
    if not (_DIGIT.search(text) or "(" in text or any(word in lower for word in _METADATA_WORDS)):
        return None  # a quick no: every pattern below needs a digit, a bracket or one of these words
    if _DATELINE.fullmatch(text):
        return DATELINE
    if _PHOTO_CREDIT.fullmatch(text):
        return PHOTO_CREDIT
    if _BYLINE.fullmatch(text):
        return BYLINE
    return None


def looks_like_title(text: str) -> bool:
    """Whether a text dump's first line reads as a headline: at most TITLE_MAX_WORDS words, not a
    byline, dateline or credit, and not ending like a sentence, a lead-in (":") or a clause going
    on (","): a question or an exclamation still can, when it has at most TITLE_QUESTION_MAX_WORDS
    words. Whether body text follows is the caller's to check."""
    words = word_count(text)
    if not 0 < words <= TITLE_MAX_WORDS or metadata_kind(text, words) is not None:
        return False
    if _QUESTION_END.search(text):
        return words <= TITLE_QUESTION_MAX_WORDS
    return not _SENTENCE_END.search(text) and not _UNFINISHED_END.search(text)


def headline_keys(title: str) -> set[str]:
    """Keys of the page title and of what stands before or after any of its separators
    ("X - Daily Ledger" -> X, if a few words long): a line with one of these keys repeats the
    headline."""
    parts = []
    for separator in _TITLE_SEPARATOR.finditer(title):
        parts += [title[: separator.start()], title[separator.end() :]]
    keys = {key for key in map(line_key, parts) if len(key.split()) >= HEADLINE_MIN_WORDS}
    return keys | {line_key(title)} - {""}


def describe(
    lines: Sequence[str],
    handled: Mapping[int, str],
    title: str | None = None,
    paragraph_per_line: bool = False,
) -> list[Line]:
    """The page's logical lines with their features. A line continues the one before it
    (hard-wrapped) when that one does not end like a sentence and it starts in lower case.
    handled: physical line number -> id of a rule that already removes it; paragraph_per_line:
    the text puts one paragraph on each line (extracted text), so every line is its own block."""
    logical: list[tuple[list[int], list[str], int]] = []  # (indices, texts, block)
    block = 0
    for index, text in enumerate(lines):
        if not text:
            block += 1
            continue
        previous = logical[-1] if logical else None
        if (
            previous is not None
            and previous[2] == block
            and index not in handled
            and previous[0][-1] not in handled
            and text[:1].islower()
            and not _SENTENCE_END.search(previous[1][-1])
        ):
            previous[0].append(index)
            previous[1].append(text)
        else:
            block += paragraph_per_line and bool(logical)
            logical.append(([index], [text], block))
    keys = [line_key(" ".join(texts)) for _, texts, _ in logical]
    key_counts = Counter(keys)
    block_sizes = Counter(block for _, _, block in logical)
    headlines = headline_keys(title) if title else set()
    out: list[Line] = []
    for (indices, texts, block), key in zip(logical, keys, strict=True):
        text = " ".join(texts)
        words = word_count(text)
        sentence_end = bool(_SENTENCE_END.search(text)) and not _TRUNCATED.search(text)
        rule = handled.get(indices[0])
        if rule is None and key in headlines:
            rule = HEADLINE
        if rule is None:
            rule = metadata_kind(text, words)
        if (
            rule is None
            and words <= METADATA_MAX_WORDS
            and block_sizes[block] <= CAPTION_BLOCK_MAX_LINES
            and _NAME_SLASH_CREDIT.fullmatch(text)
        ):
            rule = PHOTO_CREDIT
        prose = is_prose(text, words, sentence_end)
        out.append(
            Line(
                tuple(indices),
                text,
                key,
                words,
                sentence_end,
                prose,
                block,
                block_sizes[block],
                bool(key) and key_counts[key] > 1,
                is_policy(text, prose),
                rule,
            )
        )
    return out


def repeated_prose_runs(described: list[Line]) -> set[int]:
    """Positions of prose lines that repeat earlier ones, two or more in a row: the second copy
    of a block of paragraphs (a page's metadata repeating its article). A single repeated line
    (a pull quote, an interview's recurring question) is not a block."""
    seen: set[str] = set()
    repeats: list[int] = []
    for position, line in enumerate(described):
        if line.rule is not None:
            continue
        if line.prose and line.key in seen:
            repeats.append(position)
        seen.add(line.key)
    counted = [position for position, line in enumerate(described) if line.rule is None]
    rank = {position: k for k, position in enumerate(counted)}
    runs: set[int] = set()
    for a, b in itertools.pairwise(repeats):
        if rank[b] == rank[a] + 1:
            runs.update((a, b))
    return runs


def densest_region(scores: Sequence[float]) -> tuple[int, int]:
    """[start, end) of the maximum-sum contiguous run (Kadane); (0, 0) when no score is positive."""
    best, best_start, best_end = 0.0, 0, 0
    run, run_start = 0.0, 0
    for i, score in enumerate(scores):
        if run <= 0:
            run, run_start = 0.0, i
        run += score
        if run > best:
            best, best_start, best_end = run, run_start, i + 1
    return best_start, best_end


def main_text_removals(
    lines: Sequence[str], handled: Mapping[int, str] = {}, title: str | None = None
) -> dict[int, str]:
    """Which lines of a page copy are not its article: physical line number -> rule id.

    lines: the page's normalised lines (blank lines as "");
    handled: lines other rules already remove (residue, the title line: number -> rule id); they
    are not returned again, but they still mark the page's structure (a comment-section line
    ends the article, a photo credit makes the line above it a caption);
    title: the page title, so that the headline is recognised where the page repeats it."""
    # A copy that puts one paragraph on each line, with no blank lines between, has no blocks.
    blank = sum(not line for line in lines)
    per_line = blank < MIN_BLANK_SHARE * (len(lines) - blank)
    described = describe(lines, handled, title, paragraph_per_line=per_line)
    start, end = article_region(described, per_line)
    if start >= end:
        # No prose anywhere (a note of a few short lines): nothing to tell an article from.
        start, end = 0, len(described)
    # A line of the article that the page also shows outside it is page furniture (a menu item,
    # a teaser's title), and so is a repeated item of a list; lines repeated only inside the
    # article on their own (an interview's questions) stay.
    outside = {line.key for position, line in enumerate(described) if not start <= position < end}
    removals: dict[int, str] = {}
    for position, line in enumerate(described):
        rule = _rule_for(line, position, described, start <= position < end, same_block=not per_line)
        if (
            rule is None
            and line.repeated
            and (line.key in outside or (line.block_size > 1 and not line.prose))
        ):
            rule = REPEATED
        if rule is not None:
            removals.update((index, rule) for index in line.indices if index not in handled)
    return removals


def article_region(described: list[Line], per_line: bool = False) -> tuple[int, int]:
    """[start, end) positions of the article among the described lines (per_line: described
    with paragraph_per_line)."""
    start, end = densest_region(region_scores(described))
    start, end = _before_comments(described, start, end)
    start = _after_headline(described, start, end)
    return _complete_blocks(described, start, end, per_line)


def region_scores(described: list[Line]) -> list[float]:
    """Per-line scores for the region search. A prose line between two non-prose lines (a
    teaser's excerpt between its headline and the next teaser's) counts less than a paragraph
    beside another."""
    scores = [_score(line) for line in described]
    counted = [i for i, line in enumerate(described) if line.rule is None or scores[i] != 0]
    for k, i in enumerate(counted):
        if scores[i] <= 0 or not described[i].prose:
            continue
        before = k > 0 and described[counted[k - 1]].prose and scores[counted[k - 1]] > 0
        after = k + 1 < len(counted) and described[counted[k + 1]].prose and scores[counted[k + 1]] > 0
        if not (before or after):
            scores[i] *= ISOLATED_PROSE_WEIGHT
    return scores


def _score(line: Line) -> float:
    if line.rule in LIST_HEADER_RULES:
        return -LIST_HEADER_COST
    if line.rule in METADATA_RULES:
        return -METADATA_COST
    if line.rule is not None or line.repeated:
        # Residue inside an article (an ad marker, a share bar) and what the page repeats
        # (menus, but also an interview's questions) neither add nor cost.
        return 0.0
    if line.policy:
        return -max(LIST_ITEM_COST, line.words)
    if line.prose:
        return line.words
    if line.sentence_end and line.words >= SHORT_SENTENCE_MIN_WORDS:
        return line.words * SHORT_SENTENCE_WEIGHT
    return -(ALONE_COST if line.block_size == 1 else LIST_ITEM_COST) - NON_PROSE_WORD_COST * line.words


def _before_comments(described: list[Line], start: int, end: int) -> tuple[int, int]:
    """Comments come after the article: comment-section lines cut the region into pieces, and
    the first piece holding an article's worth of prose is the article."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for position in range(start, end):
        if described[position].rule in COMMENT_SECTION_RULES:
            pieces.append((piece_start, position))
            piece_start = position + 1
    pieces.append((piece_start, end))
    for first, last in pieces:
        if _prose_words(described, first, last) >= MIN_ARTICLE_WORDS:
            return first, last
    return start, end


def _after_headline(described: list[Line], start: int, end: int) -> int:
    """The headline starts the article: a region that spans the page's first headline line
    starts after it (later copies are galleries and teasers repeating it)."""
    position = next((i for i, line in enumerate(described) if line.rule == HEADLINE), None)
    if position is None or not start <= position < end:
        return start
    if _prose_words(described, position + 1, end) >= MIN_ARTICLE_WORDS:
        return position + 1
    return start


def _prose_words(described: list[Line], start: int, end: int) -> float:
    return sum(line.words for line in described[start:end] if line.prose and line.rule is None)


def _complete_blocks(described: list[Line], start: int, end: int, per_line: bool) -> tuple[int, int]:
    """The region takes in the rest of the blocks it starts and ends in (a standfirst without a
    final stop, in the first paragraph's block), and a list that a lead-in ending with a colon
    right after it introduces."""
    if start >= end:
        return start, end
    while start > 0 and _same_block(described[start - 1], described[start]):
        start -= 1
    end = _block_end(described, end)
    if end < len(described) and _is_lead_in(described[end]):
        end += 1
        if per_line:  # no blocks: the list is the short lines that follow
            while end < len(described) and _is_list_item(described[end]):
                end += 1
            return start, end
        if (
            end < len(described)
            and described[end].rule is None
            and described[end].block != described[end - 1].block
        ):
            end += 1  # the list is the next block
        end = _block_end(described, end)
    return start, end


def _block_end(described: list[Line], end: int) -> int:
    while end < len(described) and _same_block(described[end], described[end - 1]):
        end += 1
    return end


def _same_block(line: Line, neighbour: Line) -> bool:
    return line.block == neighbour.block and line.rule is None and not line.repeated and not line.policy


def _is_list_item(line: Line) -> bool:
    return line.rule is None and not line.prose and not line.repeated and not line.policy


def _is_lead_in(line: Line) -> bool:
    return line.rule is None and line.text.endswith(":") and line.words >= LEAD_IN_MIN_WORDS


def _rule_for(line: Line, position: int, described: list[Line], inside: bool, same_block: bool) -> str | None:
    if line.rule is not None:
        return line.rule
    if line.policy:
        return POLICY
    if _is_caption(line, position, described, same_block):
        return CAPTION
    if inside:
        return None
    return LINK_LIST if line.block_size > 1 and not line.prose and not line.sentence_end else OUTSIDE


def _is_caption(line: Line, position: int, described: list[Line], same_block: bool = True) -> bool:
    """A caption sits right above its photo credit (in the same block, on a page copy), says
    where the photo is, or ends with its credit."""
    if _CAPTION.fullmatch(line.text):
        return True
    if line.block_size > CAPTION_BLOCK_MAX_LINES or line.words < CAPTION_MIN_WORDS:
        return False
    following = described[position + 1] if position + 1 < len(described) else None
    return (
        following is not None
        and following.rule in CREDIT_RULES
        and (following.block == line.block or not same_block)
    )


def furniture_removals(
    lines: Sequence[str], handled: Mapping[int, str] = {}, title: str | None = None
) -> dict[int, str]:
    """Page furniture in text an extractor already cut out of its page (HTML main text, a
    record's fields): the headline, bylines, datelines, photo credits, captions, policy notices
    and a second copy of paragraphs (repeated_prose_runs), by the same tests as on page copies
    but without looking for the article. Arguments and result as main_text_removals."""
    described = describe(lines, handled, title, paragraph_per_line=True)
    copies = repeated_prose_runs(described)
    link_lists = headline_lists(described)
    opening = next((position for position, line in enumerate(described) if line.rule is None), None)
    removals: dict[int, str] = {}
    for position, line in enumerate(described):
        rule = line.rule
        if rule is None:
            rule = (
                POLICY if line.policy else CAPTION if _is_caption(line, position, described, False) else None
            )
        if rule is None and position in copies:
            rule = REPEATED
        if rule is None and position in link_lists:
            rule = LINK_LIST
        if rule is None and position == opening and title and _is_headline_variant(line, title):
            rule = HEADLINE
        if rule is not None:
            removals.update((index, rule) for index in line.indices if index not in handled)
    return removals


def headline_lists(described: list[Line]) -> set[int]:
    """Positions of lists of other stories' headlines in extracted text: two or more list items
    in a row (an extractor writes them "- item"), each a headline (a few words, nearly all
    capitalised, no final stop), as links to related stories are. An article's own lists
    (sentences, names with figures) stay."""
    positions: set[int] = set()
    run: list[int] = []
    for position, line in enumerate([*described, None]):
        if line is not None and line.rule is None and line.text.startswith("- ") and _is_headline_like(line):
            run.append(position)
            continue
        if line is not None and line.rule is not None and line.rule not in LIST_HEADER_RULES:
            continue  # residue between items does not end the list
        if len(run) >= HEADLINE_LIST_MIN_ITEMS:
            positions.update(run)
        run = []
    return positions


def _is_headline_like(line: Line) -> bool:
    long_words = [word for word in _WORD.findall(line.text) if len(word) > 3]
    return (
        not line.sentence_end
        and len(long_words) >= HEADLINE_LIKE_MIN_WORDS
        and sum(word[0].isupper() for word in long_words) >= HEADLINE_LIKE_CAPITALISED * len(long_words)
    )


def _is_headline_variant(line: Line, title: str) -> bool:
    """Extracted text often opens with the headline worded a little differently from the page
    title: a short line without a final stop, most of whose words are the title's."""
    words = [word.lower() for word in _WORD.findall(line.text)]
    title_words = {word.lower() for word in _WORD.findall(title)}
    return (
        not line.sentence_end
        and 0 < len(words) <= HEADLINE_VARIANT_MAX_WORDS
        and sum(word in title_words for word in words) >= HEADLINE_VARIANT_SHARE * len(words)
    )


_BY_NAMES = re.compile(rf"\bby\s+({_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)", re.IGNORECASE)
_ROLE_TAIL = re.compile(rf"\s+{_ROLE}s?$", re.IGNORECASE)
_DATE_FORMATS = (
    "%B %d, %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%m/%d/%Y",
)
_DATE_TEXT = re.compile(rf"{_DATE}", re.IGNORECASE)


def byline_metadata(removed: list) -> tuple[str | None, str | None]:
    """Authors and publication date from the byline and dateline lines a page copy's cleaning
    removed (RemovedLine with rule byline / dateline): ("Meg James", "2019-11-19") from "By Meg
    James Staff Writer" and "Nov. 19, 2019". Dates that no known format reads stay as written."""
    authors = published = None
    for line in removed:
        text = " ".join(line.text.split())
        if authors is None and line.rule_id == BYLINE:
            match = _BY_NAMES.search(text)
            if match:
                names = re.split(r"\s*(?:,|\band\b|&)\s*", match.group(1))
                names = [_ROLE_TAIL.sub("", n).strip() for n in names if n.strip()]
                authors = "; ".join(n for n in names if n) or None
        if published is None and line.rule_id in (DATELINE, BYLINE):
            match = _DATE_TEXT.search(text)
            if match:
                published = _iso_date(match.group(0))
    return authors, published


def _iso_date(text: str) -> str:
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().rstrip("."))
    cleaned = re.sub(r"^\w+day,?\s+", "", cleaned)  # a leading weekday
    for fmt in _DATE_FORMATS:
        for candidate in (cleaned, cleaned.replace("Sept.", "Sep.").replace(".", "")):
            try:
                return (
                    datetime.strptime(candidate, fmt.replace(".", "") if "." not in candidate else fmt)
                    .date()
                    .isoformat()
                )
            except ValueError:
                continue
    return text.strip()
