"""Paragraphs and sentences with character offsets into the cleaned body.

Sentences are split by rule, not by the parser: a boundary is a run of `.`, `!` or `?`
(optionally followed by closing quotation marks or brackets), then whitespace, then something
that can start a sentence. Known abbreviations (U.S., Mr., Sen., Jan., ...) and single-letter
initials do not end a sentence unless the next word is a typical sentence opener.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

from transforms.clean import PARAGRAPH_SEPARATOR
from transforms.marks import pair_marks

# Abbreviations that never end a sentence (titles before a name, "No. 5", ...).
TITLE_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "lt",
    "col",
    "capt",
    "sgt",
    "cmdr",
    "adm",
    "maj",
    "rev",
    "hon",
    "pres",
    "sr",
    "jr",
    "st",
    "mt",
    "ft",
    "vs",
    "v",
    "supt",
    "insp",
    "det",
    "atty",
    "sec",
    "amb",
}
# Abbreviations only before a number ("No. 2", "Vol. 3"); elsewhere ordinary words ("voted no.").
NUMBER_ABBREVIATIONS = {"no", "nos", "vol", "pp", "art"}
# Abbreviations that may end a sentence; they end one only before a typical sentence opener.
OTHER_ABBREVIATIONS = {
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "d.c",
    "l.a",
    "n.y",
    "a.m",
    "p.m",
    "i.e",
    "e.g",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "ave",
    "blvd",
    "rd",
    "approx",
    "dept",
    "est",
    "fig",
    "al",
}
SENTENCE_OPENERS = {
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "for",
    "after",
    "before",
    "when",
    "while",
    "as",
    "if",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "both",
    "some",
    "many",
    "most",
    "officials",
    "police",
    "meanwhile",
    "however",
    "still",
    "now",
    "then",
    "last",
    "next",
}

_CANDIDATE = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+([\"“‘'(\[]?)(\S+)")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    index: int
    paragraph_index: int = 0


def paragraphs(body: str) -> list[Span]:
    """Paragraph spans: the body split on the blank-line separator the cleaner writes."""
    spans = []
    start = 0
    for index, text in enumerate(body.split(PARAGRAPH_SEPARATOR)):
        if body:
            spans.append(Span(start, start + len(text), index, index))
        start += len(text) + len(PARAGRAPH_SEPARATOR)
    return spans


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    nxt = _NEXT_START.match(text, match.end())
    if nxt is None:
        return False
    opener, word = nxt.group(1), nxt.group(2)
    first = word[0]
    if not (first.isupper() or first.isdigit() or opener):
        return False
    mark = match.group()
    if mark != ".":
        # "!", "?", "...", or a period inside closing quotes/brackets: always a boundary.
        return True
    before = _abbreviation_before(text, match.start())
    if before is None:
        return True
    if before in NUMBER_ABBREVIATIONS:
        return not first.isdigit()
    if before in TITLE_ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
        return False  # "Sen. Warren", "J. Smith"
    return word.strip("\"“‘'(").lower() in SENTENCE_OPENERS


def _abbreviation_before(text: str, dot: int) -> str | None:
    """The abbreviation ending at the period at `dot` (lowercased, inner dots kept), if any."""
    m = _WORD_BEFORE.search(text, max(0, dot - 20), dot + 1)
    if m is None:
        return None
    word = m.group(1).lower()
    if word in TITLE_ABBREVIATIONS or word in OTHER_ABBREVIATIONS or word in NUMBER_ABBREVIATIONS:
        return word
    if len(word) == 1 and word.isalpha():
        return word
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        return word  # dotted initialisms: "U.S", "N.A.T.O"
    return None


def sentences_in(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in one paragraph's text, shifted by offset. Whitespace
    between sentences belongs to neither. Inside a quotation that closes in the paragraph there
    is no boundary unless the quotation closes there (`this. Not the council,” Lin said.` is
    one sentence with its attribution; `“We are ready.” Nobody moved.` is two)."""
    quoted = [(p.open, p.end) for p in pair_marks(text) if p.closed]  # in order, never overlapping
    opens = [o for o, _ in quoted]
    spans = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        # Only the last quotation opened before the candidate can hold it.
        last = bisect_left(opens, match.start()) - 1
        inside = last >= 0 and match.start() < quoted[last][1] and match.end() <= quoted[last][1]
        if not inside and _is_boundary(text, match):
            spans.append((start, match.end()))
            start = match.end()
            while start < len(text) and text[start].isspace():
                start += 1
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s + offset, e + offset) for s, e in spans if e > s]


def sentences(body: str) -> list[Span]:
    """Sentence spans over the whole body, never crossing a paragraph boundary."""
    spans: list[Span] = []
    for para in paragraphs(body):
        for start, end in sentences_in(body[para.start : para.end], para.start):
            spans.append(Span(start, end, len(spans), para.index))
    return spans


def chunks(body: str, max_chars: int) -> list[str]:
    """The body cut into consecutive pieces of at most max_chars characters each that join back
    to it exactly (the NLP stage parses a long body piece by piece: transforms.nlp.pipe). Cuts
    fall between paragraphs, a paragraph's separator ending the piece before it; a paragraph
    longer than max_chars is cut between its sentences (sentences_in: never inside a quotation
    that closes in the paragraph), a sentence longer than that after a whitespace, and a run of
    max_chars characters without whitespace where it reaches max_chars. Pieces are as long as
    whole units allow."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    if len(body) <= max_chars:
        return [body]
    # Every place a piece may end, in order: paragraph starts, and cuts inside long paragraphs.
    starts = [0, *(para.start for para in paragraphs(body)[1:]), len(body)]
    units = [0]
    for start, end in pairwise(starts):
        if end - start > max_chars:
            units.extend(_long_unit_cuts(body, start, end, max_chars))
        units.append(end)
    pieces: list[str] = []
    start = 0
    for i, at in enumerate(units[1:], 1):
        if i == len(units) - 1 or units[i + 1] - start > max_chars:
            pieces.append(body[start:at])
            start = at
    return pieces


def _long_unit_cuts(body: str, start: int, end: int, max_chars: int) -> list[int]:
    """Cut points strictly inside body[start:end] (a paragraph with its separator) leaving no
    part longer than max_chars: sentence starts, then whitespace, then a hard cut."""
    sentence_starts = [s for s, _ in sentences_in(body[start:end], start)][1:]
    cuts: list[int] = []
    at = start
    for bound in [*sentence_starts, end]:
        while bound - at > max_chars:
            # The last whitespace within reach: the cut goes right after it.
            space = max(body.rfind(ws, at + 1, at + max_chars) for ws in (" ", "\n", "\t"))
            at = space + 1 if space > at else at + max_chars
            cuts.append(at)
        if bound < end:
            cuts.append(bound)
            at = bound
    return cuts
