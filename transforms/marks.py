"""Pairing double quotation marks inside one paragraph (shared by segment and quotes).

Typographic “ … ”, German „ … “ or „ … ”, guillemets « … », and straight " … " (a straight
mark opens at the start of the text or after a space or opening bracket, and closes
elsewhere). Single quotes and apostrophes never take part, so “We’re ready” pairs cleanly.
"""
from __future__ import annotations

from typing import NamedTuple

OPENING = frozenset("“„«\"")
CLOSING = frozenset("”»\"")


class MarkPair(NamedTuple):
    open: int  # index of the opening mark
    end: int  # index of the closing mark; where the quotation was cut off when not closed
    closed: bool


def opens_straight(text: str, i: int) -> bool:
    """A straight double quote opens when it starts the text or follows a space or bracket."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-"


def pair_marks(text: str) -> list[MarkPair]:
    """Quotation mark pairs of one paragraph, in order. A new “ inside an open “ quotation
    cuts the open one there (it was never closed); a quotation still open at the end of the
    text ends at len(text), not closed."""
    pairs: list[MarkPair] = []
    open_at = None
    for i, ch in enumerate(text):
        if open_at is None:
            if ch in OPENING and (ch != '"' or opens_straight(text, i)):
                open_at = i
            continue
        opener = text[open_at]
        if (ch in CLOSING and ch != '"') or (ch == '"' and (not opens_straight(text, i) or i == len(text) - 1)) \
                or (ch == "“" and opener == "„"):
            pairs.append(MarkPair(open_at, i, True))
            open_at = None
        elif ch == "“" and opener == "“":
            pairs.append(MarkPair(open_at, i, False))
            open_at = i
    if open_at is not None:
        pairs.append(MarkPair(open_at, len(text), False))
    return pairs
