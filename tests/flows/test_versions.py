"""Versions and copies through the real batch path (clean, spaCy, rules, stage, GX audit) and
the real publish commit into a DuckDB file: a newer version replaces the older one, which stays
queryable in history.*; a copy from another source publishes nothing and is recorded in copies.
Runs are made with the run's own pieces (plan, process, Publisher) in this process."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from flows.batch import STAGES, plan, process
from flows.progress import RunProgress
from flows.settings import Settings
from tests.stories import OTHER, SAME_EVENT, STORY, SYNDICATED, UPDATED
from transforms.ingest import ParsedFile, parse_file
from warehouse.ledger import Publisher, read_run
from warehouse.store import Warehouse

NAMES = tuple(s.name for s in STAGES)


def text_file(path: str, body: str, mtime_ns: int) -> ParsedFile:
    data = f"Pier to close for repairs\n\n{body}\n".encode()
    return parse_file(path, hashlib.sha256(data).hexdigest(), len(data), data, None, Settings().input_limits, mtime_ns)


def jsonl_file(path: str, records: list[dict], mtime_ns: int) -> ParsedFile:
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    return parse_file(path, hashlib.sha256(data).hexdigest(), len(data), data, None, Settings().input_limits, mtime_ns)


def run(settings: Settings, run_id: str, *files: ParsedFile) -> Warehouse:
    """One run over these files: every batch analysed, audited and published, as `wirehouse run`
    does it (a new Publisher: what it knows comes from the warehouse)."""
    wh = Warehouse.from_settings(settings)
    wh.initialise()
    publisher = Publisher(wh, run_id, wh.known_contents(), copy_threshold=settings.copy_threshold)
    batches = plan(list(files), settings, run_id, publisher, {}, lambda batch_files: batch_files, RunProgress(run_id))
    for batch in batches:
        done = batch.advanced(process.fn(batch, NAMES))
        publisher.publish(batch.files, done.value, started_at=batch.started_at, seconds={})
    return wh


def values(wh: Warehouse, sql: str) -> list[list]:
    frame = wh.query(sql)
    return [[None if pd.isna(v) else v for v in row] for row in frame.values.tolist()]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(dir=tmp_path / "wh")


def test_a_changed_file_replaces_its_older_version_which_stays_as_history(settings):
    wh = run(settings, "r1", text_file("/in/pier.txt", STORY, 1))
    [[first]] = values(wh, "SELECT article_id FROM articles")
    wh = run(settings, "r2", text_file("/in/pier.txt", UPDATED, 2))
    [[second, body]] = values(wh, "SELECT article_id, body FROM articles")
    assert second != first and body == UPDATED
    # The published tables hold the newer version alone: counts over quotes never double (its
    # two quotations and the two indirect quotes, Solberg's and the traders' request for help,
    # not those plus the older version's).
    assert values(wh, "SELECT kind, speaker, count(*) FROM quotes GROUP BY ALL ORDER BY 1, 2") == [
        ["direct", "Ingrid Solberg", 2], ["indirect", "Ingrid Solberg", 1],
        ["indirect", "Traders on the pier", 1]]
    assert values(wh, "SELECT count(*) FROM paragraphs WHERE article_id = ?".replace("?", f"'{first}'")) == [[0]]
    # The older version, every row of it, is history.
    assert values(wh, "SELECT article_id, superseded_by, version_key FROM history.articles") == [
        [first, second, "path:/in/pier.txt"]]
    assert values(wh, "SELECT count(*), min(superseded_by) FROM history.quotes") == [[3, second]]
    assert values(wh, "SELECT count(*) FROM history.paragraphs") == [[4]]
    assert values(wh, "SELECT count(*) FROM history.minhashes") == [[1]]
    ledger = values(wh, "SELECT run_id, status, n_published FROM files ORDER BY run_id")
    assert ledger == [["r1", "superseded", 0], ["r2", "published", 1]]
    assert values(wh, "SELECT count(*) FROM copies") == [[0]]  # a version is not a copy
    summary = read_run(wh, "r2", files_seen=1, already_ingested=[], seconds_read=0)
    assert (summary.published_articles, summary.superseded, summary.copies) == (1, 1, 0)


def test_json_lines_records_are_versions_of_one_another_by_url(settings):
    old = {"url": "https://www.harbour.example/news/pier?utm_source=rss", "title": "Pier", "text": STORY}
    farm = {"url": "https://harbour.example/news/harvest", "title": "Harvest", "text": OTHER}
    run(settings, "r1", jsonl_file("/in/feed-1.jsonl", [old, farm], 1))
    new = {"url": "http://harbour.example/news/pier/", "title": "Pier (updated)", "text": UPDATED}
    wh = run(settings, "r2", jsonl_file("/in/feed-2.jsonl", [new], 2))
    assert values(wh, "SELECT title, version_key FROM articles ORDER BY title") == [
        ["Harvest", "url:harbour.example/news/harvest"], ["Pier (updated)", "url:harbour.example/news/pier"]]
    assert values(wh, "SELECT title FROM history.articles") == [["Pier"]]
    # feed-1 still publishes its other record.
    assert values(wh, "SELECT path, status, n_published FROM files ORDER BY path") == [
        ["/in/feed-1.jsonl", "published", 1], ["/in/feed-2.jsonl", "published", 1]]


def test_within_one_file_the_later_record_of_a_url_is_the_newer_version(settings):
    url = "https://harbour.example/news/pier"
    wh = run(settings, "r1", jsonl_file("/in/scrape.jsonl", [
        {"url": url, "title": "first scrape", "text": STORY},
        {"url": url, "title": "second scrape", "text": UPDATED},
    ], 1))
    assert values(wh, "SELECT title FROM articles") == [["second scrape"]]
    assert values(wh, "SELECT title FROM history.articles") == [["first scrape"]]
    assert values(wh, "SELECT speaker, count(*) FROM quotes GROUP BY 1 ORDER BY 1") == [
        ["Ingrid Solberg", 3], ["Traders on the pier", 1]]


def test_an_older_version_read_later_goes_straight_to_history(settings):
    run(settings, "r1", text_file("/in/pier.txt", UPDATED, 2))
    # The same document from a backup copied in later with its older modification time.
    wh = run(settings, "r2", jsonl_file("/in/backup.jsonl", [
        {"url": None, "title": "x", "text": "filler"}], 0), text_file("/in/pier.txt", STORY, 1))
    assert values(wh, "SELECT body FROM articles WHERE version_key = 'path:/in/pier.txt'") == [[UPDATED]]
    assert values(wh, "SELECT body FROM history.articles") == [[STORY]]


def test_a_syndicated_copy_publishes_nothing_and_is_recorded_with_its_source(settings):
    original = {"url": "https://harbour.example/news/pier", "title": "Pier to close", "text": STORY}
    run(settings, "r1", jsonl_file("/in/harbour.jsonl", [original], 1))
    wire = {"url": "https://wire.example/2026/pier-closure", "title": "Island ferry pier shut for a year",
            "text": SYNDICATED}
    verbatim = {"url": "https://daily.example/pier", "title": "Pier closes", "text": STORY}
    event = {"url": "https://islander.example/ferry-walk", "title": "A longer walk", "text": SAME_EVENT}
    wh = run(settings, "r2", jsonl_file("/in/others.jsonl", [wire, verbatim, event], 2))
    [[canonical]] = values(wh, "SELECT article_id FROM articles WHERE source = 'harbour.example'")
    copies = values(wh, "SELECT source, url, title, duplicate_of, method, similarity >= 0.8, run_id FROM copies "
                        "ORDER BY source")
    assert copies == [
        ["daily.example", "https://daily.example/pier", "Pier closes", canonical, "exact", True, "r2"],
        ["wire.example", "https://wire.example/2026/pier-closure", "Island ferry pier shut for a year", canonical,
         "minhash", True, "r2"],
    ]
    # Another report of the same event is an article of its own.
    assert values(wh, "SELECT source FROM articles ORDER BY source") == [["harbour.example"], ["islander.example"]]
    # The quotation is counted once per article that published it, not per outlet that ran it.
    assert values(wh, "SELECT a.source, count(*) FROM quotes q JOIN articles a USING (article_id) "
                      "WHERE q.speaker = 'Ingrid Solberg' GROUP BY 1 ORDER BY 1") == [
        ["harbour.example", 2], ["islander.example", 1]]
    # Which outlets ran the story: one query.
    outlets = values(wh, f"SELECT source FROM articles WHERE article_id = '{canonical}' UNION ALL "
                         f"SELECT source FROM copies WHERE duplicate_of = '{canonical}' ORDER BY 1")
    assert outlets == [["daily.example"], ["harbour.example"], ["wire.example"]]
    assert values(wh, "SELECT status, n_articles, n_published, n_duplicates FROM files WHERE path = '/in/others.jsonl'") \
        == [["published", 3, 1, 2]]
    summary = read_run(wh, "r2", files_seen=1, already_ingested=[], seconds_read=0)
    assert (summary.published_articles, summary.copies) == (1, 2)


def test_copies_within_one_batch_and_the_threshold_setting(tmp_path):
    files = [jsonl_file("/in/a.jsonl", [{"url": "https://harbour.example/pier", "text": STORY},
                                        {"url": "https://wire.example/pier", "text": SYNDICATED}], 1)]
    wh = run(Settings(dir=tmp_path / "default"), "r1", *files)
    assert values(wh, "SELECT url FROM articles") == [["https://harbour.example/pier"]]
    assert values(wh, "SELECT url, method FROM copies") == [["https://wire.example/pier", "minhash"]]
    strict = run(Settings(dir=tmp_path / "strict", copy_threshold=0.95), "r1", *files)
    assert values(strict, "SELECT count(*) FROM articles") == [[2]] and values(strict, "SELECT count(*) FROM copies") == [[0]]


def test_a_copy_of_a_replaced_article_names_the_newer_version(settings):
    run(settings, "r1", text_file("/in/pier.txt", STORY, 1),
        jsonl_file("/in/wire.jsonl", [{"url": "https://wire.example/pier", "text": SYNDICATED}], 1))
    wh = run(settings, "r2", text_file("/in/pier.txt", UPDATED, 2))
    [[newest]] = values(wh, "SELECT article_id FROM articles")
    assert values(wh, "SELECT duplicate_of FROM copies") == [[newest]]


@pytest.mark.e2e
def test_versions_and_copies_through_wirehouse_run_and_reprocess(tmp_path):
    """The real flow: a changed file replaces its older version, a wire copy in another folder
    is recorded as a copy, and `reprocess --all` brings back neither the older version nor the
    copy's rows."""
    from flows.runner import run_ingest, run_reprocess

    settings = Settings(dir=tmp_path / "wh")
    harbour, wire = tmp_path / "harbour", tmp_path / "wire"
    harbour.mkdir()
    wire.mkdir()
    (harbour / "pier.txt").write_text(f"Pier to close for repairs\n\n{STORY}\n", encoding="utf-8")
    (wire / "pier-wire.txt").write_text(f"Island ferry pier shut for a year\n\n{SYNDICATED}\n", encoding="utf-8")
    first = run_ingest([str(tmp_path)], settings)
    assert (first.published_articles, first.copies, first.superseded) == (1, 1, 0)
    (harbour / "pier.txt").write_text(f"Pier to close for repairs\n\n{UPDATED}\n", encoding="utf-8")
    second = run_ingest([str(tmp_path)], settings)
    assert (second.published_articles, second.copies, second.superseded, second.already_ingested) == (1, 0, 1, 1)
    wh = Warehouse.from_settings(settings)

    def state() -> list:
        return [
            values(wh, "SELECT body FROM articles"),
            values(wh, "SELECT body FROM history.articles"),
            values(wh, "SELECT speaker, count(*) FROM quotes GROUP BY 1 ORDER BY 1"),
            values(wh, "SELECT c.source, a.body = ? FROM copies c JOIN articles a ON a.article_id = c.duplicate_of"
                       .replace("?", "'" + UPDATED.replace("'", "''") + "'")),
            values(wh, "SELECT path, status, reason FROM files ORDER BY path, status"),
        ]

    expected = [
        [[UPDATED]],
        [[STORY]],
        [["Ingrid Solberg", 3], ["Traders on the pier", 1]],
        [[str(wire), True]],
        [[str(harbour / "pier.txt"), "published", None], [str(harbour / "pier.txt"), "superseded", None],
         [str(wire / "pier-wire.txt"), "duplicate", "every article is a copy of a published one (see copies)"]],
    ]
    assert state() == expected
    run_reprocess(settings, since=None)
    assert state() == expected


def test_a_held_newer_version_replaces_the_older_one_when_a_reviewer_releases_it(settings):
    from warehouse.review import release

    run(settings, "r1", text_file("/in/pier.txt", STORY, 1))
    german = ("Der Hafenrat von Calderwick hat am Dienstag beschlossen, den alten Fähranleger für ein Jahr "
              "zu schließen. Die Fähre legt bis zum Herbst am Frachtkai an, und Pendler müssen zehn "
              "Minuten länger laufen. Die Händler am Anleger verlangen Hilfe für die verlorene Saison.")
    wh = run(settings, "r2", text_file("/in/pier.txt", german, 2))
    # Held (its language), the newer version does not replace the published one yet.
    assert values(wh, "SELECT body FROM articles") == [[STORY]]
    [[held, reason]] = values(wh, "SELECT article_id, reason FROM quarantine.articles")
    assert reason == "articles.language_supported" and values(wh, "SELECT count(*) FROM history.articles") == [[0]]
    release(wh, held, frozenset(settings.languages), settings.max_article_chars, reason="the desk's translation")
    assert values(wh, "SELECT body FROM articles") == [[german]]
    assert values(wh, "SELECT body, superseded_by FROM history.articles") == [[STORY, held]]
    assert values(wh, "SELECT status FROM files ORDER BY run_id") == [["superseded"], ["published"]]
