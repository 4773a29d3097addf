"""Corpus-learned boilerplate: lines that recur across many articles of one source.

As in CCNet, a line is compared by a normalised key (lowercase, digits folded to 0,
punctuation removed, spaces collapsed). A key seen in at least `min_articles` distinct articles
of the same source (the URL's domain, else the dump folder) is boilerplate for that source:
"Copyright 2024 Daily Ledger", "Follow us on ...", a recurring promo line. Pure functions; the
counts persist in the warehouse (`line_stats`) so later runs know what earlier runs saw.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePath
from urllib.parse import urlsplit

import numpy as np

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


def source_of(url: str | None, path: str) -> str:
    """The source an article belongs to: its URL's host (without www.), else its folder."""
    if url:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        if host:
            return host.removeprefix("www.")
    return str(PurePath(path).parent)


def _keyed_lines(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(key, line) for every line whose key is long enough to be evidence."""
    for line in lines:
        key = line_key(line)
        if len(key) >= MIN_KEY_CHARS:
            yield key, line


def document_line_keys(lines: Iterable[str]) -> dict[str, str]:
    """The distinct keys of one document's lines (too short ones left out), each with the first
    line that had it."""
    seen: dict[str, str] = {}
    for key, line in _keyed_lines(lines):
        if key not in seen:
            seen[key] = line.strip()
    return seen


def count_document_lines(sources_lines: Iterable[tuple[str, Iterable[str]]]) -> dict[tuple[str, str], list]:
    """(source, key) -> [articles containing it, an example line], over documents given as
    (source, lines). Each document counts once per key."""
    return count_article_lines(
        {i: (source, document_line_keys(lines)) for i, (source, lines) in enumerate(sources_lines)}
    )


def count_article_lines(article_lines: Mapping, skip: Iterable = ()) -> dict[tuple[str, str], list]:
    """(source, key) -> [articles containing it, an example line], over articles given as
    article -> (source, document_line_keys), leaving out the articles in `skip`."""
    skip = set(skip)
    counts: dict[tuple[str, str], list] = {}
    for article, (source, keys) in article_lines.items():
        if article in skip:
            continue
        for key, example in keys.items():
            entry = counts.setdefault((source, key), [0, example])
            entry[0] += 1
    return counts


def line_hash(key: str) -> int:
    """A line key as a stable 64-bit number (blake2b; the same in every process): what a run's
    statistics and the learned boilerplate hold instead of the line itself."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


_NO_KEYS = np.empty(0, dtype=np.uint64)
_NO_COUNTS = np.empty(0, dtype=np.int64)


def _merge(keys: np.ndarray, counts: np.ndarray, more_keys: np.ndarray, more_counts: np.ndarray):
    """Two (sorted unique hashes, counts) tables added together."""
    merged, inverse = np.unique(np.concatenate([keys, more_keys]), return_inverse=True)
    totals = np.bincount(inverse, weights=np.concatenate([counts, more_counts]), minlength=len(merged))
    return merged, totals.astype(np.int64)


class LineCounter:
    """A run's line statistics, counted as the files stream by: per source, how many distinct
    documents contain each line key, held as 8-byte key hashes and counts in numpy arrays (16
    bytes per distinct line however long the line, a few megabytes for 20,000 articles) instead
    of a dict of every line. A document with the same text as one already counted for its
    source counts once."""

    FLUSH_EVERY = 1 << 16  # pending hashes folded into the arrays this often

    def __init__(self) -> None:
        self._pending: dict[str, list[int]] = {}
        self._n_pending = 0
        self._counted: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._documents: set[int] = set()

    def add(self, source: str, text: str) -> None:
        """Count the lines of one document of `source` (each key once per document)."""
        digest = line_hash(f"{source}\0{text}")
        if digest in self._documents:
            return
        self._documents.add(digest)
        keys = {line_hash(key) for key, _ in _keyed_lines(text.splitlines())}
        self._pending.setdefault(source, []).extend(keys)
        self._n_pending += len(keys)
        if self._n_pending >= self.FLUSH_EVERY:
            self._flush()

    def add_all(self, documents: Iterable[tuple[str, str]]) -> None:
        """add() each (source, text)."""
        for source, text in documents:
            self.add(source, text)

    def _flush(self) -> None:
        for source, hashes in self._pending.items():
            keys, counts = self._counted.get(source, (_NO_KEYS, _NO_COUNTS))
            self._counted[source] = _merge(
                keys, counts, np.array(hashes, dtype=np.uint64), np.ones(len(hashes), dtype=np.int64)
            )
        self._pending.clear()
        self._n_pending = 0

    def count(self, source: str, key: str) -> int:
        """Documents of `source` counted with this line key."""
        self._flush()
        keys, counts = self._counted.get(source, (_NO_KEYS, _NO_COUNTS))
        wanted = np.uint64(line_hash(key))
        at = np.searchsorted(keys, wanted)
        return int(counts[at]) if at < len(keys) and keys[at] == wanted else 0

    def learned(self, prior: Mapping[tuple[str, str], int], min_articles: int) -> dict[str, frozenset[int]]:
        """source -> hashes (line_hash) of the keys seen in at least min_articles articles, this
        run and earlier runs (prior: (source, key) -> articles, from the warehouse) together."""
        self._flush()
        earlier: dict[str, dict[int, int]] = {}
        for (source, key), n in prior.items():
            earlier.setdefault(source, {})[line_hash(key)] = n
        learned: dict[str, frozenset[int]] = {}
        for source in set(self._counted) | set(earlier):
            keys, counts = self._counted.get(source, (_NO_KEYS, _NO_COUNTS))
            if source in earlier:
                keys, counts = _merge(
                    keys,
                    counts,
                    np.fromiter(earlier[source], dtype=np.uint64),
                    np.fromiter(earlier[source].values(), dtype=np.int64),
                )
            frequent = frozenset(int(h) for h in keys[counts >= min_articles])
            if frequent:
                learned[source] = frequent
        return learned


def line_stat_records(counts: dict[tuple[str, str], list]) -> list[LineStatRecord]:
    """Batch increments as line_stats rows (the warehouse adds them to what it has)."""
    return [LineStatRecord(source, key, n, example) for (source, key), (n, example) in sorted(counts.items())]
