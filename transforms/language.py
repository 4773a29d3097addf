"""Language identification of a cleaned body (lingua, models bundled in the package).

Returns an ISO 639-1 code ("en", "de", ...) or None when the text is too short to tell. The
NLP stages are English-only for now: the audit quarantines articles in other languages
(articles.language_supported), so they are tagged and kept, never analysed as English
silently.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Below this many letters a guess is noise ("Oops", a headline fragment).
MIN_LETTERS = 40
# Detection reads at most this much of the body: enough for a stable answer, cheap on long texts.
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    # Low-accuracy mode uses the trigram models only: fast and small, and plenty on article-
    # length text (it is the short-text accuracy that suffers).
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


# English prose is about half function words; no other language's text is close to this share
# of *English* ones. Past both bars the answer is English without asking the models, which cost
# ~10 ms an article, a tenth of the parse.
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "a",
        "in",
        "that",
        "is",
        "was",
        "for",
        "on",
        "with",
        "as",
        "by",
        "it",
        "at",
        "he",
        "she",
        "his",
        "her",
        "they",
        "their",
        "from",
        "be",
        "has",
        "have",
        "had",
        "will",
        "would",
        "said",
        "says",
        "not",
        "are",
        "were",
        "but",
        "this",
        "an",
        "which",
        "who",
        "or",
        "its",
        "been",
        "after",
    ]
)
ENGLISH_MIN_WORDS = 60
ENGLISH_MIN_SHARE = 0.3
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def plainly_english(sample: str) -> bool:
    words = _WORDS.findall(sample.lower())
    return len(words) >= ENGLISH_MIN_WORDS and sum(
        w in ENGLISH_FUNCTION_WORDS for w in words
    ) >= ENGLISH_MIN_SHARE * len(words)


def detect_language(body: str) -> str | None:
    sample = body[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    if plainly_english(sample):
        return "en"
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language is not None else None
