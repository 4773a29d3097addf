"""Settings: the input limits reach the parser with the names of the settings that set them."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from flows.settings import Settings
from transforms.parse import InputLimits


def test_input_limits_come_from_the_settings_their_rejections_name(monkeypatch):
    assert Settings().input_limits == InputLimits(
        256_000_000, 200, "WIREHOUSE_MAX_FILE_MB", "WIREHOUSE_MAX_COMPRESSION_RATIO"
    )
    monkeypatch.setenv("WIREHOUSE_MAX_FILE_MB", "8")
    monkeypatch.setenv("WIREHOUSE_MAX_COMPRESSION_RATIO", "50")
    limits = Settings().input_limits
    assert (limits.max_bytes, limits.max_ratio) == (8_000_000, 50)
    assert limits.size_limit() == "8 MB (WIREHOUSE_MAX_FILE_MB)"


def test_article_length_settings(monkeypatch):
    assert (Settings().max_article_chars, Settings().nlp_chunk_chars) == (2_000_000, 50_000)
    monkeypatch.setenv("WIREHOUSE_MAX_ARTICLE_CHARS", "500000")
    monkeypatch.setenv("WIREHOUSE_NLP_CHUNK_CHARS", "20000")
    assert (Settings().max_article_chars, Settings().nlp_chunk_chars) == (500_000, 20_000)
    monkeypatch.setenv("WIREHOUSE_NLP_CHUNK_CHARS", "999")  # pieces of a few words: refused
    with pytest.raises(ValidationError, match="nlp_chunk_chars"):
        Settings()


def test_web_archive_filters_from_the_environment(monkeypatch):
    from datetime import UTC, datetime

    from transforms.warc import WarcFilters

    assert Settings().warc_filters == WarcFilters()
    monkeypatch.setenv("WIREHOUSE_WARC_ALLOW", '["example.org", "*://*/politics/*"]')
    monkeypatch.setenv("WIREHOUSE_WARC_DENY", '["ads.example.org"]')
    monkeypatch.setenv("WIREHOUSE_WARC_FROM", "2026-11-02")
    monkeypatch.setenv("WIREHOUSE_WARC_TO", "2026-11-03T06:00+01:00")
    assert Settings().warc_filters == WarcFilters(
        ("example.org", "*://*/politics/*"),
        ("ads.example.org",),
        datetime(2026, 11, 2, tzinfo=UTC),
        datetime(2026, 11, 3, 5, 0, tzinfo=UTC),
    )
    monkeypatch.setenv("WIREHOUSE_WARC_FROM", "yesterday")  # read by the one time rule, or refused
    with pytest.raises(ValidationError, match="not an ISO 8601 date or time: 'yesterday'"):
        Settings()
