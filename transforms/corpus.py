"""Corpus-learned boilerplate: lines that recur across many articles of one source.

As in CCNet, a line is compared by a normalised key (lowercase, digits folded to 0,
punctuation removed, spaces collapsed). A key seen in at least `min_articles` distinct articles
of the same source (the URL's domain, else the dump folder) is boilerplate for that source:
"Copyright 2024 Daily Ledger", "Follow us on ...", a recurring promo line. Pure functions; the
counts persist in the warehouse (`line_stats`) so later runs know what earlier runs saw.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import PurePath
from typing import Iterable, Optional
from urllib.parse import urlsplit

RULE_ID = "corpus-boilerplate"
_DIGITS = re.compile(r"\d")
_NON_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
# A key shorter than this carries no evidence (empty lines, lone punctuation).
MIN_KEY_CHARS = 3


def line_key(line: str) -> str:
    """CCNet-style normalisation of one line."""
    text = unicodedata.normalize("NFKC", line).lower()
    text = _DIGITS.sub("0", text)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def source_of(url: Optional[str], path: str) -> str:
    """The source an article belongs to: its URL's host (without www.), else its folder."""
    if url:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        if host:
            return host.removeprefix("www.")
    return str(PurePath(path).parent)


def article_keys(lines: Iterable[str]) -> set[str]:
    """The distinct keys of one article's lines (each article counts once per key)."""
    return {k for k in (line_key(line) for line in lines) if len(k) >= MIN_KEY_CHARS}


def learned_boilerplate(counts: Counter, min_articles: int) -> frozenset[str]:
    """Keys seen in at least min_articles articles (counts: key -> articles)."""
    return frozenset(k for k, n in counts.items() if n >= min_articles)
