"""Quarantine review on a real DuckDB warehouse: list, show, decisions, and the CLI re-audit."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from transforms.records import ArticleRecord, ParagraphRecord, QuoteRecord
from warehouse.review import decide, list_quarantined, show
from warehouse.store import Warehouse, WarehouseError

PROJECT = Path(__file__).resolve().parents[2]
BODY = "“Nobody told us anything,” a voice said.\n\nThe depot opens in May."


def held_article(aid: str, speaker: str | None) -> dict[str, list]:
    quote = QuoteRecord(f"q-{aid}", aid, "Nobody told us anything", 1, 24, "direct", speaker, None, "a voice", "said",
                        None, 0, "cue" if speaker else "none")
    return {
        "articles": [ArticleRecord(aid, "f" * 64, 0, f"/in/{aid}.txt", None, f"Depot {aid}", None, None, BODY,
                                   len(BODY), 0, f"c{aid}", "b1", "r1", "en", "/in")],
        "paragraphs": [ParagraphRecord(aid, 0, 0, 40, BODY[:40]), ParagraphRecord(aid, 1, 42, len(BODY), BODY[42:])],
        "quotes": [quote],
    }


@pytest.fixture()
def warehouse(tmp_path) -> Warehouse:
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    rows = {t: held_article("a1", None)[t] + held_article("a2", "Ana Ruiz")[t] for t in ("articles", "paragraphs", "quotes")}
    wh.stage("b1", rows)
    wh.publish("b1", {"a1": "quotes.speaker_not_null", "a2": "quotes.speaker_not_null"}, [], None, [])
    return wh


def test_list_and_show_the_offending_rows(warehouse):
    listed = list_quarantined(warehouse)
    assert listed[["held", "id", "reason", "decision"]].values.tolist() == [
        ["article", "a1", "quotes.speaker_not_null", "pending"], ["article", "a2", "quotes.speaker_not_null", "pending"]]
    parts = show(warehouse, "a1", frozenset({"en"}), None)
    assert list(parts) == ["article", "decisions", "quotes.speaker_not_null"]
    assert parts["quotes.speaker_not_null"][["quote_id", "speaker"]].values.tolist() == [["q-a1", None]]
    with pytest.raises(WarehouseError, match="nothing quarantined has the id 'zz'"):
        show(warehouse, "zz", frozenset({"en"}), None)


def test_show_finds_a_body_over_the_length_limit_with_the_limit_audited(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    wh.stage("b1", {t: held_article("a1", "Ana Ruiz")[t] for t in ("articles", "paragraphs", "quotes")})
    wh.publish("b1", {"a1": "articles.length_within_limit"}, [], None, [])
    parts = show(wh, "a1", frozenset({"en"}), 40)
    assert list(parts) == ["article", "decisions", "articles.length_within_limit"]
    assert parts["articles.length_within_limit"][["article_id", "n_chars", "body"]].values.tolist() == [
        ["a1", 65, BODY]]
    assert show(wh, "a1", frozenset({"en"}), len(BODY))["articles.length_within_limit"].empty


def test_show_finds_residue_by_the_boilerplate_the_warehouse_learned(tmp_path):
    from transforms.corpus import line_hash, line_key
    from transforms.records import LineStatRecord
    from warehouse.review import learned_boilerplate

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    promo = "The depot opens in May."  # the second paragraph of BODY, seen in 3 articles of /in
    wh.stage("b1", held_article("a1", "Ana Ruiz"))
    wh.publish("b1", {"a1": "articles.no_ui_residue"}, [], None, [],
               line_stats=[LineStatRecord("/in", line_key(promo), 3, promo)])
    parts = show(wh, "a1", frozenset({"en"}), None, boilerplate_min_articles=3)
    assert parts["articles.no_ui_residue"]["article_id"].tolist() == ["a1"]
    assert show(wh, "a1", frozenset({"en"}), None, boilerplate_min_articles=4)["articles.no_ui_residue"].empty
    assert learned_boilerplate(wh, {"articles": parts["article"]}, 3) == {"/in": frozenset({line_hash(line_key(promo))})}


def test_release_moves_every_row_in_one_go_and_drop_only_records(warehouse):
    decide(warehouse, "a2", "force_released", "checked by the desk")
    decide(warehouse, "a1", "dropped", "no source")
    assert warehouse.query("select article_id from articles").article_id.tolist() == ["a2"]
    assert warehouse.query("select count(*) as n from paragraphs where article_id = 'a2'").n[0] == 2
    assert warehouse.query("select count(*) as n from quarantine.paragraphs where article_id = 'a2'").n[0] == 0
    assert warehouse.query("select article_id from quarantine.articles").article_id.tolist() == ["a1"]
    decisions = warehouse.query("select article_id, action, reason from quarantine_decisions order by article_id")
    assert decisions.values.tolist() == [["a1", "dropped", "no source"], ["a2", "force_released", "checked by the desk"]]
    assert list_quarantined(warehouse)[["id", "decision"]].values.tolist() == [["a1", "dropped"]]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", "quarantine", *args], capture_output=True, text=True,
                          cwd=PROJECT, timeout=300)


@pytest.mark.e2e  # runs `wirehouse quarantine` as a subprocess
def test_cli_release_re_audits_with_current_rules(warehouse):
    # a2 has a speaker now (say, after a rule fix): the re-audit passes and publishes it.
    ok = cli("release", "a2", "-w", str(warehouse.root))
    assert ok.returncode == 0 and ok.stdout.strip() == "a2: released (re-audit passed)"
    # a1's quote still has no speaker: the article publishes (it was held, by an older version,
    # for its quote alone), the quote stays held alone.
    released = cli("release", "a1", "-w", str(warehouse.root))
    assert released.returncode == 0
    assert released.stdout.strip() == "a1: released (re-audit passed; 1 of its quotes held alone)"
    assert warehouse.query("select article_id from articles order by 1").article_id.tolist() == ["a1", "a2"]
    assert warehouse.query("select quote_id, reason from quarantine.quotes").values.tolist() == [
        ["q-a1", "quotes.speaker_not_null"]]
    kept = cli("release", "q-a1", "-w", str(warehouse.root))
    assert kept.returncode == 0 and kept.stdout.strip() == "q-a1: kept (quotes.speaker_not_null)"
    forced = cli("release", "q-a1", "--reason", "the voice is the narrator", "-w", str(warehouse.root))
    assert forced.returncode == 0 and forced.stdout.strip() == "q-a1: force_released (the voice is the narrator)"
    assert warehouse.query("select quote_id from quotes order by 1").quote_id.tolist() == ["q-a1", "q-a2"]
    missing = cli("drop", "nope", "-w", str(warehouse.root))
    assert missing.returncode == 2 and "nothing quarantined has the id 'nope'" in missing.stderr


def test_a_quote_held_alone_is_listed_shown_and_released_alone(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    rows = held_article("a1", None)
    wh.stage("b1", rows)
    wh.publish("b1", {}, [], None, [], held_quotes={"q-a1": "quotes.speaker_not_null"})
    assert wh.query("select article_id from articles").article_id.tolist() == ["a1"]
    assert wh.query("select count(*) as n from quotes").n[0] == 0
    listed = list_quarantined(wh)
    assert listed[["held", "id", "text", "reason", "decision"]].values.tolist() == [
        ["quote", "q-a1", "Nobody told us anything", "quotes.speaker_not_null", "pending"]]
    parts = show(wh, "q-a1", frozenset({"en"}), None)
    assert list(parts) == ["quote", "decisions"] and parts["quote"].quote_id.tolist() == ["q-a1"]
    decide(wh, "q-a1", "force_released", "the voice is the narrator")
    assert wh.query("select quote_id from quotes").quote_id.tolist() == ["q-a1"]
    assert wh.query("select count(*) as n from quarantine.quotes").n[0] == 0
    decisions = wh.query("select article_id, quote_id, action from quarantine_decisions")
    assert decisions.values.tolist() == [["a1", "q-a1", "force_released"]]


def test_a_release_updates_the_ledger_and_the_report(tmp_path):
    from transforms.records import FileRecord

    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    rows = held_article("a1", "Ana Ruiz")
    wh.stage("b1", rows)
    ledger_row = FileRecord("f" * 64, "/in/a1.txt", 10, "text", "quarantined", "articles.language_supported", 1, 0, 1,
                            0, "r1", "b1")
    wh.publish("b1", {"a1": "articles.language_supported"}, [ledger_row], None, [])
    from warehouse.report import write_report

    assert "/in/a1.txt" in write_report(wh).read_text(encoding="utf-8")  # held, and its file not published
    decide(wh, "a1", "force_released", "Welsh, and we publish Welsh")
    assert wh.query("select status, reason, n_published, n_quarantined from files").values.tolist() == [
        ["published", None, 1, 0]]
    # The report was rewritten by the decision: nothing of the article or its file is listed as held.
    assert "/in/a1.txt" not in (wh.reports / "quality.html").read_text(encoding="utf-8")
