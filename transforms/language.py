"""Language identification of a cleaned body (lingua, models bundled in the package).

Returns an ISO 639-1 code ("en", "de", ...) or None when the text is too short to tell. The
NLP stages are English-only for now: the audit quarantines articles in other languages
(articles.language_supported), so they are tagged and kept, never analysed as English
silently.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

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


def detect_language(body: str) -> Optional[str]:
    sample = body[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language is not None else None
