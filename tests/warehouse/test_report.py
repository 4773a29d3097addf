"""The quality report never lets scraped text reach the page as markup."""
from datetime import UTC, datetime

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

