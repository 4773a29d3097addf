"""Versions and copies of an article: pure decisions, no I/O.

- A *version*: the same document read again with other content (a changed file at the same path,
  a JSON Lines record with the same URL). Its identity is `version_key`: the article's URL,
  normalised (canonical_url), when the input gives one that names a page; else its source_uri
  (the file's path, `#N` for the N-th record). The newer version replaces the older one in the
  published tables; the warehouse keeps the older one as history (warehouse.store).
- A *copy*: another document carrying the same story (syndication, a wire credit line, a new
  headline, small edits, an update). An identical body is an exact copy (content_sha256); a
  body whose word 5-gram shingles overlap an article's by at least the copy threshold
  (estimated Jaccard similarity, MinHash with 128 permutations) is a near copy, found through
  locality-sensitive hashing (datasketch's MinHashLSH). One article is canonical (the first
  published); each copy is recorded with duplicate_of and publishes no rows of its own.

A signature is computed from the body once, when the article's rows are built
(transforms.article), stored with the article (table minhashes) and read back into a CopyIndex
by each run, so later runs see earlier articles.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128  # permutations of every stored signature: changing it makes stored ones unreadable
SEED = 1
SCHEME = "affine32"  # datasketch's hashing scheme the signatures were made with
SHINGLE_WORDS = 5
# A body with fewer shingles than this is too short to tell a copy from a template (two brief
# market reports differ in a few numbers): it can only be an exact copy.
MIN_SHINGLES = 20
# The estimated Jaccard similarity at or above which a body is a copy (benchmarks/copies.py: copies
# score 0.71 and more there, distinct articles about the same story 0.26 at most).
DEFAULT_COPY_THRESHOLD = 0.7
# How far below the threshold the LSH bands are tuned: at 0.7 they are 25 bands of 5 rows, which
# make a pair of similarity 0.7 a candidate with probability 0.99 (0.5: 0.55; 0.2: 0.008).
LSH_MARGIN = 0.2

_WORD = re.compile(r"\w+")
# Query parameters that track a click, not name a page.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|src|smid|share)$", re.I)


def canonical_url(url: str | None) -> str | None:
    """A URL as the name of one page: host lowercased without `www.`, path without a trailing
    slash, the fragment and click-tracking parameters (utm_*, fbclid, ...) dropped, the other
    parameters sorted; the scheme left out (http and https name the same page). None when the
    URL names no page of its own: no host, or the site's front page (a scraper that gives every
    record the site's address must not make its articles versions of one another)."""
    if not url or not url.strip():
        return None
    text = url.strip()
    parts = urlsplit(text if "//" in text else f"//{text}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = re.sub(r"/+$", "", parts.path)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    if not host or (not path and not query):
        return None
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    return f"{host}{port}{path}" + (f"?{urlencode(query)}" if query else "")


def version_key(url: str | None, source_uri: str) -> str:
    """What makes two articles versions of one document (see the module docstring)."""
    page = canonical_url(url)
    return f"url:{page}" if page is not None else f"path:{source_uri}"


def shingles(body: str) -> list[bytes]:
    """The body's word 5-grams (lowercased words, punctuation and spacing ignored), distinct."""
    words = _WORD.findall(body.lower())
    if len(words) < SHINGLE_WORDS:
        return [" ".join(words).encode()] if words else []
    return list(
        {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}
    )


@functools.cache
def _empty_minhash():
    """An empty MinHash of NUM_PERM and SEED: its random permutations are drawn once, and each
    signature starts from a copy, which shares them."""
    from datasketch import MinHash  # imported when first used: datasketch's import takes ~1 s

    return MinHash(num_perm=NUM_PERM, seed=SEED)


def signature(body: str) -> tuple[int, bytes | None]:
    """(number of shingles, the MinHash signature as NUM_PERM little-endian uint32) of a body;
    None for a body without words."""
    grams = shingles(body)
    if not grams:
        return 0, None
    m = _empty_minhash().copy()
    m.update_batch(grams)
    return len(grams), m.hashvalues.astype("<u4").tobytes()


def _minhash(sig: bytes) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=np.frombuffer(sig, dtype="<u4"), scheme=SCHEME)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the shingles behind two signatures."""
    return float(np.mean(np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4")))


@dataclass(frozen=True)
class Match:
    """What an article is to the index: a copy of `of`, or a new version of `of`."""

    of: str  # the indexed article's id
    similarity: float
    version: bool  # True: the same version_key (a new version, not a copy)


class CopyIndex:
    """The published articles, searchable for versions (by version_key) and copies (MinHash LSH
    over their signatures at `threshold`)."""

    def __init__(self, threshold: float = DEFAULT_COPY_THRESHOLD):
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"the copy threshold must be in (0, 1], not {threshold}")
        from datasketch import MinHashLSH

        self.threshold = threshold
        # Candidates are searched below the threshold, then confirmed by their signatures: LSH
        # tuned at the threshold itself finds only about half the copies just over it.
        self._lsh = MinHashLSH(threshold=max(0.1, threshold - LSH_MARGIN), num_perm=NUM_PERM)
        self._signatures: dict[str, bytes] = {}  # article_id -> signature (bodies long enough)
        self._keys: dict[str, str] = {}  # version_key -> article_id
        self._key_of: dict[str, str] = {}  # article_id -> version_key

    def __len__(self) -> int:
        return len(self._key_of)

    def add(self, article_id: str, key: str, sig: bytes | None, n_shingles: int) -> None:
        """Index a published article (its version_key, signature and number of shingles)."""
        if article_id in self._key_of:
            return
        self._keys[key] = article_id
        self._key_of[article_id] = key
        if sig is not None and n_shingles >= MIN_SHINGLES:
            self._lsh.insert(article_id, _minhash(sig))
            self._signatures[article_id] = sig

    def remove(self, article_id: str) -> None:
        """Forget an article that is no longer published (superseded by a newer version)."""
        key = self._key_of.pop(article_id, None)
        if key is not None and self._keys.get(key) == article_id:
            del self._keys[key]
        if self._signatures.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def match(self, key: str, sig: bytes | None, n_shingles: int) -> Match | None:
        """The indexed article this one is a version of (the same version_key, whatever its
        content), else the most similar one at or over the threshold it is a copy of; None when
        neither. A body shorter than MIN_SHINGLES is never a near copy."""
        if key in self._keys:
            of = self._keys[key]
            known = self._signatures.get(of)
            score = similarity(sig, known) if sig is not None and known is not None else 0.0
            return Match(of, score, version=True)
        if sig is None or n_shingles < MIN_SHINGLES or not self._signatures:
            return None
        best: Match | None = None
        for candidate in self._lsh.query(_minhash(sig)):
            score = similarity(sig, self._signatures[candidate])
            if score >= self.threshold and (best is None or (score, candidate) > (best.similarity, best.of)):
                best = Match(candidate, score, version=False)
        return best
