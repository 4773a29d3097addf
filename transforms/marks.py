"""Pairing double quotation marks inside one paragraph (shared by segment and quotes).

Typographic “ … ”, German „ … “ or „ … ”, guillemets « … », straight " … " (a straight mark
opens at the start of the text or after a space or opening bracket, and closes elsewhere), and
the two-character ``…'' and ''…'' of typewriter and LaTeX-style copy. Single quotes and
apostrophes never take part, so “We’re ready” and "don't" pair cleanly.
"""

from __future__ import annotations

import re
from typing import NamedTuple

OPENING = frozenset('“„«"')
CLOSING = frozenset('”»"')
DOUBLED = ("``", "''")
_MARK_CHARACTER = re.compile("[" + re.escape("".join(sorted(OPENING | CLOSING | {"`", "'"}))) + "]")


class MarkPair(NamedTuple):
    open: int  # index of the opening mark
    end: int  # index of the closing mark; where the quotation was cut off when not closed
    closed: bool
    open_width: int = 1  # characters of the opening mark (2 for `` and '')


# A straight mark inside an open quotation, after a space, still closes it when a space or
# punctuation follows (…harvest its brain,' " said Ruiz): an opening mark is followed by a word.
_AFTER_CLOSING = frozenset(" \t\n.,;:!?)]")


def opens_straight(text: str, i: int) -> bool:
    """A straight double quote opens when it starts the text or follows a space, bracket, dash or
    colon (Ruiz:"We won" is a typo common enough)."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-:"


def _closes_as_typed(text: str, i: int) -> bool:
    """A “ typed where ” was meant (…for her here,“ said Ruiz; called them “rivals“ and): right
    after a word or sentence punctuation, with no space before it, and a space, punctuation or
    the end after it; an opening mark is followed by a word."""
    after_word = text[i - 1] in ",.?!" or text[i - 1].isalnum()
    return after_word and (i == len(text) - 1 or text[i + 1] in _AFTER_CLOSING)


def _opens_as_typed(text: str, i: int) -> bool:
    """A straight mark with no space before it that can only open, nothing being open: after a
    sentence's full stop or a word and before a word (...the authorities."We were misled.";
    waxed poetic about"joint operations")."""
    return (text[i - 1] in ".,;?!" or text[i - 1].isalpha()) and text[i + 1 : i + 2].isalpha()


def pair_marks(text: str) -> list[MarkPair]:
    """Quotation mark pairs of one paragraph, in order. A new “ inside an open “ quotation
    cuts the open one there (it was never closed); a quotation still open at the end of the
    text ends at len(text), not closed."""
    pairs: list[MarkPair] = []
    open_at, width = None, 1
    i = 0
    while True:
        # Only mark characters change the state: jump from one to the next.
        found = _MARK_CHARACTER.search(text, i)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == '"' and text[i + 1 : i + 2] == ">":
            i += 1  # the end of a markup attribute (<tweet date="2016-03-09">), not a quotation mark
            continue
        doubled = text[i : i + 2] in DOUBLED
        if open_at is None:
            if doubled and opens_straight(text, i):
                open_at, width = i, 2
                i += 2
                continue
            if ch in OPENING and (ch != '"' or opens_straight(text, i) or _opens_as_typed(text, i)):
                open_at, width = i, 1
            i += 1
            continue
        opener = text[open_at]
        if width == 2:
            if text[i : i + 2] == "''" and not opens_straight(text, i):
                pairs.append(MarkPair(open_at, i, True, 2))
                open_at = None
                i += 2
                continue
        elif (
            (ch in CLOSING and ch != '"')
            or (
                ch == '"'
                and (not opens_straight(text, i) or i == len(text) - 1 or text[i + 1] in _AFTER_CLOSING)
            )
            or (ch == "“" and opener == "„")
            or (ch == "“" and opener == "“" and _closes_as_typed(text, i))
        ):
            pairs.append(MarkPair(open_at, i, True))
            open_at = None
        elif ch == "“" and opener == "“":
            pairs.append(MarkPair(open_at, i, False))
            open_at = i
        i += 1
    if open_at is not None:
        pairs.append(MarkPair(open_at, len(text), False, width))
    return pairs
