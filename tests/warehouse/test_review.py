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
    assert listed[["article_id", "reason", "decision"]].values.tolist() == [
        ["a1", "quotes.speaker_not_null", "pending"], ["a2", "quotes.speaker_not_null", "pending"]]
    parts = show(warehouse, "a1", frozenset({"en"}))
    assert list(parts) == ["article", "decisions", "quotes.speaker_not_null"]
    assert parts["quotes.speaker_not_null"][["quote_id", "speaker"]].values.tolist() == [["q-a1", None]]
    with pytest.raises(WarehouseError, match="no quarantined article 'zz'"):
        show(warehouse, "zz", frozenset({"en"}))


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
    parts = show(wh, "a1", frozenset({"en"}), boilerplate_min_articles=3)
    assert parts["articles.no_ui_residue"]["article_id"].tolist() == ["a1"]
    assert show(wh, "a1", frozenset({"en"}), boilerplate_min_articles=4)["articles.no_ui_residue"].empty
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
    assert list_quarantined(warehouse)[["article_id", "decision"]].values.tolist() == [["a1", "dropped"]]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", "quarantine", *args], capture_output=True, text=True,
                          cwd=PROJECT, timeout=300)


@pytest.mark.e2e  # runs `wirehouse quarantine` as a subprocess
def test_cli_release_re_audits_with_current_rules(warehouse):
    # a2 has a speaker now (say, after a rule fix): the re-audit passes and publishes it.
    ok = cli("release", "a2", "-w", str(warehouse.root))
    assert ok.returncode == 0 and ok.stdout.strip() == "a2: released (re-audit passed)"
    # a1 still has no speaker: it stays, and the decision says why.
    kept = cli("release", "a1", "-w", str(warehouse.root))
    assert kept.returncode == 0 and kept.stdout.strip() == "a1: kept (quotes.speaker_not_null)"
    assert warehouse.query("select article_id from articles").article_id.tolist() == ["a2"]
    missing = cli("drop", "nope", "-w", str(warehouse.root))
    assert missing.returncode == 2 and "no quarantined article 'nope'" in missing.stderr
