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
from pathlib import PurePath
from typing import Iterable, Optional
from urllib.parse import urlsplit

from transforms.records import LineStatRecord

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


def count_document_lines(sources_lines: Iterable[tuple[str, Iterable[str]]]) -> dict[tuple[str, str], list]:
    """(source, key) -> [articles containing it, an example line], over documents given as
    (source, lines). Each document counts once per key."""
    counts: dict[tuple[str, str], list] = {}
    for source, lines in sources_lines:
        seen: dict[str, str] = {}
        for line in lines:
            key = line_key(line)
            if len(key) >= MIN_KEY_CHARS and key not in seen:
                seen[key] = line.strip()
        for key, example in seen.items():
            entry = counts.setdefault((source, key), [0, example])
            entry[0] += 1
    return counts


def learned_by_source(
    batch_counts: dict[tuple[str, str], list], prior: dict[tuple[str, str], int], min_articles: int
) -> dict[str, frozenset[str]]:
    """source -> keys seen in at least min_articles articles, this batch and earlier runs together."""
    learned: dict[str, set[str]] = {}
    for (source, key) in set(batch_counts) | set(prior):
        total = batch_counts.get((source, key), [0])[0] + prior.get((source, key), 0)
        if total >= min_articles:
            learned.setdefault(source, set()).add(key)
    return {source: frozenset(keys) for source, keys in learned.items()}


def line_stat_records(counts: dict[tuple[str, str], list]) -> list[LineStatRecord]:
    """Batch increments as line_stats rows (the warehouse adds them to what it has)."""
    return [LineStatRecord(source, key, n, example) for (source, key), (n, example) in sorted(counts.items())]
