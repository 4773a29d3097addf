from flows.settings import Settings
from transforms.corpus import LineCounter, count_document_lines, line_hash, line_key, line_stat_records, source_of
from transforms.ingest import ParsedFile
from transforms.parse import RawDocument
from transforms.pipeline import BatchContext, analyse_batch, run_line_counts

FOLLOW = "Follow the Norbury Ledger on Mastodon for 24/7 updates!"


def test_line_key_and_source():
    assert line_key("  Follow the Norbury Ledger on Mastodon for 24/7 updates! ") == \
        "follow the norbury ledger on mastodon for 00 0 updates"
    assert source_of("https://www.ledger.example/news/1", "/dumps/a/x.txt") == "ledger.example"
    assert source_of(None, "/dumps/a/x.txt") == "/dumps/a"


def test_counts_are_per_article_and_threshold_is_inclusive():
    counts = count_document_lines([("s", ["A line here", "A line here!", "OK"]), ("s", ["a LINE here"])])
    assert counts[("s", "a line here")] == [2, "A line here"]
    assert ("s", "ok") not in counts  # too short to be evidence
    assert [r.n_articles for r in line_stat_records(counts)] == [2]


def test_run_counter_counts_documents_and_adds_earlier_runs():
    counter = LineCounter()
    counter.add("s", "A line here\nA line here!\nOK")
    counter.add("s", "a LINE here")
    counter.add("s", "a LINE here")  # the same document again counts once
    counter.add("t", "A line here")
    assert counter.count("s", "a line here") == 2 and counter.count("s", "ok") == 0
    assert counter.learned({("s", "a line here"): 1}, 3) == {"s": frozenset({line_hash("a line here")})}
    assert counter.learned({}, 3) == {}
    assert counter.learned({("u", "only earlier"): 3}, 3) == {"u": frozenset({line_hash("only earlier")})}


def test_run_counter_folds_its_buffer_without_losing_counts(monkeypatch):
    monkeypatch.setattr(LineCounter, "FLUSH_EVERY", 3)
    counter = LineCounter()
    for i in range(50):
        counter.add("s", f"Shared footer line\nStory line number {'x' * i}\nAnother story line {'y' * i}")
    assert counter.count("s", "shared footer line") == 50
    assert counter.count("s", f"story line number {'x' * 7}") == 1
    assert set(counter.learned({}, 3)["s"]) == {line_hash("shared footer line")}


TOPICS = ["harbour budget", "library hours", "bus depot", "school meals"]


def page(i: int) -> str:
    topic = TOPICS[i]
    return (f"Council debates the {topic}\n\nThe council met on Monday to discuss the {topic} in detail.\n\n"
            f"{FOLLOW}\n\nMembers will vote on the {topic} again next month.")


def batch(n: int, prior: dict | None = None, versions: bool = False):
    """A run of n page copies from one folder, counted as the flow counts a run."""
    files = [ParsedFile(f"/dumps/ledger/p{i}.txt", f"{i:064d}", 10, "text", [RawDocument(0, "text", page(i))],
                        new_version=versions) for i in range(n)]
    learned = run_line_counts(files).learned(prior or {}, 3)
    return analyse_batch(files, BatchContext("b", "r", learned=learned, spacy_model=Settings().spacy_model))


def test_a_line_in_three_articles_of_a_source_is_removed_everywhere():
    result = batch(3)
    assert all(FOLLOW not in a.body for a in result.rows.articles)
    assert [(r.rule_id, r.text) for r in result.rows.residue] == [("corpus-boilerplate", FOLLOW)] * 3
    assert result.line_counts()[("/dumps/ledger", line_key(FOLLOW))][0] == 3
    # An article found to be a duplicate at publish time does not count.
    assert result.line_counts(skip={result.rows.articles[0].article_id})[("/dumps/ledger", line_key(FOLLOW))][0] == 2


def test_two_articles_are_not_enough_but_earlier_runs_count():
    assert all(FOLLOW in a.body for a in batch(2).rows.articles)
    learned = batch(1, prior={("/dumps/ledger", line_key(FOLLOW)): 2})
    assert FOLLOW not in learned.rows.articles[0].body


def test_new_versions_of_known_files_do_not_count_again():
    # Three versions of stories already counted once: their lines must not become boilerplate.
    result = batch(3, prior={("/dumps/ledger", line_key(FOLLOW)): 1}, versions=True)
    assert all(FOLLOW in a.body for a in result.rows.articles)
    assert result.line_counts() == {}
