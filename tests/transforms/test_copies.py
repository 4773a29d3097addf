"""Versions (version_key) and copies (MinHash signatures and the CopyIndex): pure functions."""
from __future__ import annotations

import pytest

from tests.stories import SAME_EVENT, STORY, SYNDICATED
from transforms.copies import (
    MIN_SHINGLES,
    CopyIndex,
    canonical_url,
    shingles,
    signature,
    similarity,
    version_key,
)


@pytest.mark.parametrize("url, expected", [
    ("https://www.Example.com/news/pier-closes/?utm_source=x&utm_medium=y#comments", "example.com/news/pier-closes"),
    ("http://example.com/news/pier-closes", "example.com/news/pier-closes"),
    ("example.com/news/pier-closes/", "example.com/news/pier-closes"),
    ("https://example.com/article?id=42&fbclid=abc", "example.com/article?id=42"),
    ("https://example.com:8080/a", "example.com:8080/a"),
    ("https://example.com/", None),  # the front page names no article
    ("https://example.com", None),
    ("not a url", None),
    ("", None),
    (None, None),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_version_key_is_the_page_when_there_is_one_else_the_path():
    assert version_key("https://www.example.com/a/b/?utm_source=rss", "/in/feed.jsonl#3") == "url:example.com/a/b"
    assert version_key("https://example.com/", "/in/feed.jsonl#3") == "path:/in/feed.jsonl#3"
    assert version_key(None, "/in/story.txt") == "path:/in/story.txt"


def test_shingles_ignore_case_punctuation_and_spacing():
    assert shingles("One, two  THREE four five six.") == shingles("one two three four five\nsix") != []
    assert sorted(shingles("a b c d e f")) == [b"a b c d e", b"b c d e f"]
    assert shingles("Too short.") == [b"too short"]
    assert shingles(" ... ") == [] and signature(" ... ") == (0, None)


def test_a_syndicated_copy_is_similar_and_another_report_of_the_event_is_not():
    n, story = signature(STORY)
    assert n == len(shingles(STORY)) >= MIN_SHINGLES
    assert len(story) == 128 * 4
    assert similarity(story, signature(SYNDICATED)[1]) >= 0.8
    assert similarity(story, signature(SAME_EVENT)[1]) < 0.3
    assert similarity(story, story) == 1.0


def index_of(*articles: tuple[str, str, str]) -> CopyIndex:
    index = CopyIndex(0.8)
    for article_id, key, body in articles:
        n, sig = signature(body)
        index.add(article_id, key, sig, n)
    return index


def test_the_index_tells_versions_copies_and_new_articles_apart():
    index = index_of(("a1", "url:harbour.example/pier", STORY))
    n, sig = signature(SYNDICATED)
    copy = index.match("url:wire.example/pier", sig, n)
    assert copy is not None and (copy.of, copy.version) == ("a1", False) and copy.similarity >= 0.8
    # The same key is a new version, whatever the content.
    n2, sig2 = signature(SAME_EVENT)
    version = index.match("url:harbour.example/pier", sig2, n2)
    assert version is not None and (version.of, version.version) == ("a1", True) and version.similarity < 0.3
    assert index.match("url:other.example/pier", sig2, n2) is None  # distinct article
    index.remove("a1")
    assert len(index) == 0 and index.match("url:wire.example/pier", sig, n) is None


def test_short_bodies_are_never_near_copies():
    brief = "Markets closed higher on Monday. The index rose 1.2 percent in thin trading."
    index = index_of(("b1", "path:/in/b1.txt", brief))
    n, sig = signature(brief.replace("1.2", "0.4"))
    assert n < MIN_SHINGLES
    assert index.match("path:/in/b2.txt", sig, n) is None
    assert index.match("path:/in/b1.txt", sig, n).version  # its own key is still a version


def test_the_most_similar_article_is_the_canonical_one():
    index = index_of(("a1", "path:/in/a.txt", STORY), ("a2", "path:/in/b.txt", SYNDICATED))
    n, sig = signature(STORY + "\n\nThis article was first published by the Calderwick Courier.")
    found = index.match("path:/in/c.txt", sig, n)
    assert found is not None and found.of == "a1"


def test_the_threshold_must_be_a_share():
    with pytest.raises(ValueError, match=r"the copy threshold must be in \(0, 1\], not 1.5"):
        CopyIndex(1.5)
