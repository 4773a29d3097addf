"""The quality report never lets scraped text reach the page as markup."""
from datetime import UTC, datetime, timedelta, timezone

from transforms.records import ArticleRecord, BatchRecord, QualityResultRecord, QuoteRecord
from warehouse.report import write_report
from warehouse.store import Warehouse

T = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SCRIPT = '<script>alert("pwned")</script>'


def test_report_escapes_scraped_text(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    body = f"“{SCRIPT}” was typed into the form."
    wh.stage("b1", {
        "articles": [ArticleRecord("a1", "f" * 64, 0, "/in/x.txt", None, f"Title {SCRIPT}", None, None, body,
                                   len(body), 0, "c1", "b1", "r1")],
        "quotes": [QuoteRecord("q1", "a1", SCRIPT, 1, 1 + len(SCRIPT), "direct", None, None, None, None, None, 0,
                               "none")],
    })
    quality = [QualityResultRecord("r1", "b1", "quotes", "quotes.speaker_not_null",
                                   "expect_column_values_to_not_be_null", "speaker", "every quote has a speaker",
                                   False, 1, 1)]
    wh.publish("b1", {"a1": "quotes.speaker_not_null"}, [], BatchRecord("b1", "r1", 1, 1, 0, 1, "x", False, T, T),
               quality)
    html = write_report(wh).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert html.count("&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;") == 3  # title, body snippet, quotation
    assert "quotes.speaker_not_null" in html


def test_reports_written_at_once_each_use_their_own_temporary_file(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda _: write_report(wh), range(32)))
    assert set(paths) == {wh.reports / "quality.html"}
    assert sorted(p.name for p in wh.reports.iterdir()) == ["quality.html"]  # no temporary file left
    assert "</html>" in paths[0].read_text(encoding="utf-8")


def test_report_shows_run_times_for_people(tmp_path):
    from transforms.records import RunRecord
    from warehouse.report import when

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    wh.record_run(RunRecord("r1", None, datetime(2026, 11, 1, 8, 0, 5, 900000, tzinfo=UTC),
                            datetime(2026, 11, 1, 8, 3, tzinfo=UTC), "/in", "completed", 2, 1, 1, 0, 0))
    wh.record_run(RunRecord("r2", None, datetime(2026, 11, 2, 9, 30, tzinfo=UTC), None, "/in", "running",
                            0, 0, 0, 0, 0))
    html = write_report(wh).read_text(encoding="utf-8")
    assert ("<tr><td>r2</td><td>2026-11-02 09:30:00 UTC</td><td></td><td>running</td><td>0</td>" in html
            and html.index("<td>r2</td>") < html.index("<td>r1</td>"))  # the latest first
    assert "<tr><td>r1</td><td>2026-11-01 08:00:05 UTC</td><td>2026-11-01 08:03:00 UTC</td><td>completed</td>" in html
    assert when(None) == "" and when(datetime(2026, 11, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))) == (
        "2026-11-01 08:00:00 UTC")
