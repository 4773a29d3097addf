"""The quality report on real DuckDB warehouses: scraped text never reaches the page as markup,
the page is self-contained under a strict Content Security Policy, every chart draws a mark
per row of its data (counts as integers, shares as percentages), runs that found nothing new
fold into one line, and every held article or quote has its drill-down."""

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from transforms.records import (
    ArticleRecord,
    BatchRecord,
    QualityResultRecord,
    QuoteRecord,
    ResidueRecord,
    RunRecord,
    StageTimingRecord,
)
from warehouse.report import CHART_CACHE, write_report
from warehouse.store import Warehouse

T = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SCRIPT = '<script>alert("pwned")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;"


def article(aid: str, body: str, run: str, batch: str, source: str = "/in/desk", title: str | None = None,
            language: str = "en") -> ArticleRecord:
    return ArticleRecord(aid, "f" * 64, 0, f"{source}/{aid}.txt", None, title or f"Title {aid}", None, None, body,
                         len(body), 0, f"c{aid}", batch, run, language, source)


def quote(qid: str, aid: str, body: str, text: str, speaker: str | None, kind: str = "direct") -> QuoteRecord:
    start = body.index(text)
    return QuoteRecord(qid, aid, text, start, start + len(text), kind, speaker, None, speaker, "said" if speaker else None,
                       None, 0, "cue" if speaker else "none")


def quality(run: str, batch: str, rule: str, checked: int, failed: int) -> QualityResultRecord:
    return QualityResultRecord(run, batch, rule.split(".")[0], rule, "expect_column_values_to_be_in_set", None,
                               f"what {rule} checks", failed == 0, checked, failed)


def publish_batch(wh: Warehouse, run: str, batch: str, started: datetime, tables: dict, held: dict[str, str],
                  results: list, timings: dict[str, float], held_quotes: dict[str, str] | None = None) -> None:
    n = len(tables["articles"])
    wh.stage(batch, tables)
    wh.publish(batch, held, [], BatchRecord(batch, run, n, n, n - len(held), len(held), "x", not held, started,
                                            started), results,
               timings=[StageTimingRecord(batch, stage, s) for stage, s in timings.items()], held_quotes=held_quotes)


def run_row(run: str, started: datetime, published: int = 0, held: int = 0, rejected: int = 0, duplicates: int = 0,
            seconds_read: float = 0.0) -> RunRecord:
    return RunRecord(run, None, started, started + timedelta(seconds=12), "/in", "completed", published + held,
                     published, held, rejected, duplicates, seconds_read)


B1 = [  # run r1: three articles, one held by the residue gate, one quote held alone
    "Ana Ruiz opened the depot. “We open in May,” Ana Ruiz said.",
    "The bridge reopens next week. Oops! Something went wrong. Please try again.",
    "“Nobody told us anything,” came a shout from the crowd.",
]
B2 = ["“Trains run again,” Ana Ruiz said on Monday. “Buses too,” Ben Okafor said."]  # run r2


def build_three_runs(root) -> Warehouse:
    """r1 and r2 published batches; r3 and r4 found nothing new."""
    wh = Warehouse(root)
    wh.initialise()
    t1, t2 = T, T + timedelta(hours=1)
    wh.record_run(run_row("r1", t1, published=2, held=1, rejected=1, seconds_read=0.3))
    publish_batch(
        wh, "r1", "r1-b1", t1,
        {
            "articles": [article(f"a{i}", body, "r1", "r1-b1") for i, body in enumerate(B1)],
            "quotes": [quote("q0", "a0", B1[0], "We open in May,", "Ana Ruiz"),
                       quote("q2", "a2", B1[2], "Nobody told us anything,", None)],
            "residue": [ResidueRecord("a0", 0, "share-bar", "Share this", 0), ResidueRecord("a0", 3, "advertisement",
                                                                                             "Advertisement", 0),
                        ResidueRecord("a2", 1, "share-bar", "Share this", 0)],
        },
        {"a1": "articles.no_ui_residue"},
        [quality("r1", "r1-b1", "articles.no_ui_residue", 3, 1), quality("r1", "r1-b1", "quotes.speaker_not_null", 2, 1),
         quality("r1", "r1-b1", "articles.body_not_empty", 3, 0)],
        {"clean": 0.3, "nlp": 0.6, "audit": 0.9},
        held_quotes={"q2": "quotes.speaker_not_null"},
    )
    wh.record_run(run_row("r2", t2, published=1, duplicates=2, seconds_read=0.1))
    publish_batch(
        wh, "r2", "r2-b1", t2,
        {"articles": [article("b0", B2[0], "r2", "r2-b1", source="wire.example.com")],
         "quotes": [quote("q3", "b0", B2[0], "Trains run again,", "Ana Ruiz"),
                    quote("q4", "b0", B2[0], "Buses too,", "Ben Okafor")]},
        {},
        [quality("r2", "r2-b1", "articles.no_ui_residue", 1, 0), quality("r2", "r2-b1", "quotes.speaker_not_null", 2, 0)],
        {"clean": 0.1, "nlp": 0.4, "audit": 0.6},
    )
    for i, run in enumerate(("r3", "r4"), start=2):
        wh.record_run(run_row(run, T + timedelta(hours=i)))
    return wh


@pytest.fixture()
def three_runs(tmp_path) -> Warehouse:
    return build_three_runs(tmp_path / "wh")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    """The report of build_three_runs, for the tests that only read it."""
    return write_report(build_three_runs(tmp_path_factory.mktemp("report") / "wh")).read_text(encoding="utf-8")


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'<figure id="([^"]+)".*?>(.*?)</figure>', html, re.S))


def marks(figure: str) -> list[str]:
    """The aria-labels of the marks a chart drew (Vega writes one per data item)."""
    return re.findall(r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="(?:bar|point)"',
                      figure)


def data_rows(figure: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", figure, re.S).group(1)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_every_chart_draws_a_mark_per_row_of_its_data(report):
    html = report
    shown = figures(html)
    assert list(shown) == ["chart-outcomes", "chart-held", "chart-quotes", "chart-residue", "chart-timings",
                           "chart-sources", "chart-speakers", "chart-clusters"]
    for key, figure in shown.items():
        assert len(marks(figure)) == len(data_rows(figure)) > 0, key
        assert f'data-rows="{len(data_rows(figure))}"' in html
    r1, r2 = "#1 11-01 08:00", "#2 11-01 09:00"  # runs #3 and #4 found nothing new: not drawn
    assert data_rows(shown["chart-outcomes"]) == [
        [r1, "published", "2"], [r1, "held", "1"], [r1, "rejected files", "1"],
        [r2, "published", "1"], [r2, "duplicate files", "2"]]
    for key, figure in shown.items():  # each mark's text alternative is its row of the data table
        assert sorted(marks(figure)) == sorted(
            f"{r[0]}, {r[1]}: {r[2]}" + (f" ({r[3]})" if len(r) > 3 else "") for r in data_rows(figure)), key
    assert data_rows(shown["chart-held"]) == [
        [r1, "articles.no_ui_residue", "33%", "1 of 3 rows"], [r1, "quotes.speaker_not_null", "50%", "1 of 2 rows"]]
    assert data_rows(shown["chart-quotes"]) == [[r1, "quotes attributed", "50%", "1 of 2"],
                                                [r2, "quotes attributed", "100%", "2 of 2"]]
    assert data_rows(shown["chart-residue"]) == [[r1, "share-bar", "2"], [r1, "advertisement", "1"]]  # most first
    # (seconds of the stages + the run's first reading) / articles audited, in whole milliseconds; the
    # publish stage is timed by the publish itself
    timings = data_rows(shown["chart-timings"])
    assert [row[:2] for row in timings if row[1] == "publish"] == [[r1, "publish"], [r2, "publish"]]
    assert [row for row in timings if row[1] != "publish"] == [
        [r1, "read", "100"], [r1, "clean", "100"], [r1, "nlp", "200"], [r1, "audit", "300"],
        [r2, "read", "100"], [r2, "clean", "100"], [r2, "nlp", "400"], [r2, "audit", "600"]]
    assert data_rows(shown["chart-sources"]) == [["/in/desk", "published", "2"], ["/in/desk", "held", "1"],
                                                 ["wire.example.com", "published", "1"]]
    assert data_rows(shown["chart-speakers"]) == [[r1, "Ana Ruiz", "1"], [r2, "Ana Ruiz", "1"], [r2, "Ben Okafor", "1"]]
    assert data_rows(shown["chart-clusters"]) == [[r1, "quoted in one article", "1"], [r2, "quoted in one article", "2"]]
    assert "Attribution confidence is not recorded" in shown["chart-quotes"]


def test_counts_are_integers_and_shares_percentages(report):
    html = report
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', html)
    assert cells and all(re.fullmatch(r"\d{1,3}(,\d{3})*|\d+%|<1%|>99%|none|\d+ lines?, removed \d+×", c)
                         for c in cells), cells
    tiles = dict((what, n) for n, what in re.findall(r'<span class="n">([^<]*)</span><span class="what">([^<]*)<',
                                                     html))
    assert tiles == {"articles published": "3", "articles held": "1", "quotes published": "3",
                     "quotes held alone": "1", "speakers": "2", "files rejected": "0"}


def test_runs_that_found_nothing_new_fold_into_one_line(report):
    html = report
    runs = re.search(r'<section id="runs">(.*?)</section>', html, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", runs, re.S)[1:]
    assert len(rows) == 3  # the fold, then r2 and r1, newest first
    assert "2 runs found nothing new (#3 11-01 10:00 to #4 11-01 11:00" in rows[0]
    assert "r2" in rows[1] and "r1" in rows[2]
    assert "4 runs, 2 of them found nothing new" in html


def test_a_single_run_that_found_nothing_new_stays_a_run(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    wh.record_run(run_row("r1", T))
    html = write_report(wh).read_text(encoding="utf-8")
    assert "completed (nothing new)" in html and "found nothing new (" not in html
    assert "No run has read anything yet." in html and "<figure" not in html


def test_the_page_loads_nothing_and_allows_only_its_own_style(report):
    html = report
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert (f'content="default-src \'none\'; style-src \'sha256-{digest}\'; base-uri \'none\'; '
            f'form-action \'none\'"') in html
    assert html.count("<style>") == 1
    assert not re.search(r"<script|\bstyle=|\bsrc=|@import|url\(", html, re.I)
    assert set(re.findall(r'[\w:]+="https?://[^"]*"', html)) == {  # SVG's namespaces name no resource
        'xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"'}
    assert all(link.startswith("#") for link in re.findall(r'href="([^"]*)"', html))
    assert html.count("<svg ") == 8 and html.count('<svg aria-hidden="true" focusable="false" ') == 8


def test_report_escapes_scraped_text(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    body = f"“{SCRIPT}” was typed into the form. “Fine,” {SCRIPT} said."
    wh.record_run(run_row("r1", T, published=1))
    publish_batch(
        wh, "r1", "b1", T,
        {"articles": [article("a1", body, "r1", "b1", title=f"Title {SCRIPT}", source=f"/in/{SCRIPT}")],
         "quotes": [quote("q1", "a1", body, SCRIPT, None), quote("q2", "a1", body, "Fine,", SCRIPT)]},
        {}, [quality("r1", "b1", "quotes.speaker_not_null", 2, 1)], {"nlp": 0.1},
        held_quotes={"q1": "quotes.speaker_not_null"},
    )
    html = write_report(wh).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    held = re.search(r'<section id="held">(.*?)</section>', html, re.S).group(1)
    assert f"<mark>{ESCAPED}</mark>" in held  # the held quotation, highlighted in its article
    assert f"<strong>quote</strong> Title {ESCAPED}" in held
    assert ESCAPED in figures(html)["chart-speakers"]  # the speaker's name in the chart, escaped by vl-convert
    assert f"<td>/in/{ESCAPED}</td>" in html  # the source


def test_every_held_item_has_its_evidence_decision_and_commands(three_runs):
    from warehouse.review import decide

    decide(three_runs, "q2", "dropped", "a heckler")  # rewrites the report
    html = (three_runs.reports / "quality.html").read_text(encoding="utf-8")
    items = dict(re.findall(r'<details class="item[^"]*" id="held-([^"]+)">(.*?)</details>\n', html, re.S))
    assert list(items) == ["a1", "q2"]
    root = three_runs.root.resolve()
    assert "<mark>Oops! Something went wrong</mark>. Please try again." in items["a1"]
    assert "UI phrase widget-error (expectations/ui_residue.yaml)" in items["a1"]
    assert "The bridge reopens next week. <mark>" in items["a1"]  # in its context
    assert '<span class="badge pending">pending</span>' in items["a1"]
    assert f"<code>wirehouse quarantine release a1 --warehouse {root}</code>" in items["a1"]
    assert f"<code>wirehouse quarantine drop a1 --reason &#34;…&#34; --warehouse {root}</code>" in items["a1"]
    assert "“<mark>Nobody told us anything,</mark>” came a shout from the crowd." in items["q2"]
    assert '<span class="badge dropped">dropped</span>' in items["q2"]
    assert ": dropped (a heckler)</li>" in items["q2"]
    assert "Held for review (2)" in html


def test_an_empty_body_shows_every_line_cleaning_removed(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    wh.record_run(run_row("r1", T, held=1))
    publish_batch(
        wh, "r1", "b1", T,
        {"articles": [article("a1", "", "r1", "b1")],
         "residue": [ResidueRecord("a1", 1, "error-oops", "Oops!", 0), ResidueRecord("a1", 0, "share-bar", "Share", 0)]},
        {"a1": "articles.body_not_empty"}, [quality("r1", "b1", "articles.body_not_empty", 1, 1)], {"nlp": 0.1},
    )
    html = write_report(wh).read_text(encoding="utf-8")
    assert "the body is empty after cleaning: every line was removed (2), by these rules" in html
    assert ('<div><span class="rule">share-bar</span> <mark>Share</mark></div>'
            '<div><span class="rule">error-oops</span> <mark>Oops!</mark></div>') in html


def test_attribution_confidence_is_charted_when_the_warehouse_records_it(three_runs):
    with three_runs.connect() as con:
        con.execute("UPDATE quotes SET confidence = CASE quote_id WHEN 'q0' THEN 0.9 WHEN 'q3' THEN 0.7 ELSE 0.8 END")
    figure = figures(write_report(three_runs).read_text(encoding="utf-8"))["chart-quotes"]
    r1, r2 = "#1 11-01 08:00", "#2 11-01 09:00"
    assert data_rows(figure) == [
        [r1, "quotes attributed", "50%", "1 of 2"], [r1, "mean attribution confidence", "90%", "1 attributed quotes"],
        [r2, "quotes attributed", "100%", "2 of 2"], [r2, "mean attribution confidence", "75%", "2 attributed quotes"]]
    assert len(marks(figure)) == 4 and "not recorded" not in figure


def test_charts_unchanged_since_the_last_report_are_not_rendered_again(three_runs):
    write_report(three_runs)
    cache = three_runs.reports / CHART_CACHE
    kept = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(kept) == 8
    three_runs.record_run(run_row("r5", T + timedelta(hours=5)))  # nothing new: the same charts
    write_report(three_runs)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == kept
    three_runs.record_run(run_row("r6", T + timedelta(hours=6), duplicates=1))  # a run to chart
    write_report(three_runs)
    now = {p.name for p in cache.iterdir()}
    assert len(now) == 8 and len(now - set(kept)) == 7  # every chart over runs changed (its runs); sources did not


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
    from warehouse.report import when

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    wh.record_run(RunRecord("r1", None, datetime(2026, 11, 1, 8, 0, 5, 900000, tzinfo=UTC),
                            datetime(2026, 11, 1, 8, 3, tzinfo=UTC), "/in", "completed", 2, 1, 1, 0, 0))
    wh.record_run(RunRecord("r2", None, datetime(2026, 11, 2, 9, 30, tzinfo=UTC), None, "/in", "running",
                            0, 0, 0, 0, 0))
    html = write_report(wh).read_text(encoding="utf-8")
    assert ('<td>#2 11-02 09:30 <span class="mono">r2</span></td><td>2026-11-02 09:30:00 UTC</td><td></td>'
            "<td>running</td>") in html
    assert ('<td>#1 11-01 08:00 <span class="mono">r1</span></td><td>2026-11-01 08:00:05 UTC</td>'
            "<td>2 min 54 s</td><td>completed</td>") in html
    assert html.index(">r2<") < html.index(">r1<")  # the latest first
    assert when(None) == "" and when(datetime(2026, 11, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))) == (
        "2026-11-01 08:00:00 UTC")


def test_count_axes_tick_whole_numbers():
    from warehouse.charts import count_ticks

    assert [count_ticks(top) for top in (0, 1, 2, 6, 11, 870)] == [
        [0, 1], [0, 1], [0, 1, 2], [0, 2, 4, 6], [0, 5, 10, 15], [0, 200, 400, 600, 800, 1000]]


def test_attribution_confidence_of_another_kind_is_not_recorded(three_runs):
    """A confidence that is not a number (a label, say) is not averaged: the report says so."""
    with three_runs.connect() as con:
        con.execute("ALTER TABLE quotes ALTER COLUMN confidence SET DATA TYPE VARCHAR")
        con.execute("UPDATE quotes SET confidence = 'high'")
    figure = figures(write_report(three_runs).read_text(encoding="utf-8"))["chart-quotes"]
    assert "Attribution confidence is not recorded" in figure and len(data_rows(figure)) == 2
