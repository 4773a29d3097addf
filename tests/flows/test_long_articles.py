"""A real `wirehouse run` over a giant article: held whole beyond WIREHOUSE_MAX_ARTICLE_CHARS, a long
one analysed in pieces, and the run goes on, exit 0."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.long_article import long_article

pytestmark = pytest.mark.e2e  # runs the `wirehouse` command as a subprocess

PROJECT = Path(__file__).resolve().parents[2]
SMALL = "“We will reopen the yard next spring,” Marta Ruiz said on Monday. The council agreed to pay for it."


def wirehouse(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=PROJECT, timeout=900)


def record(title: str, body: str) -> str:
    url = f"https://news.example/{title.lower()}"
    return json.dumps({"title": title, "maintext": body, "url": url}) + "\n"


def test_a_giant_article_is_held_whole_and_the_others_publish(tmp_path):
    written = long_article(120_000, seed=2)
    giant, long = long_article(2_100_000, seed=1).body, written.body
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "giant.jsonl").write_text(record("Giant", giant), encoding="utf-8")
    (dumps / "long.jsonl").write_text(record("Long", long), encoding="utf-8")
    (dumps / "small.jsonl").write_text(record("Small", SMALL), encoding="utf-8")
    wh = tmp_path / "wh"
    assert (len(giant), len(long)) == (2_100_215, 120_196)

    run = wirehouse("run", str(dumps), "--warehouse", str(wh))  # the default settings: 2,000,000 at most
    assert run.returncode == 0, run.stderr
    out = " ".join(run.stdout.split())
    for line in ("files seen: 3", "articles published: 2", "articles quarantined: 1",
                 "1 × articles.length_within_limit", "files rejected: 0"):
        assert line in out, line

    def sql(query: str) -> list[dict]:
        result = wirehouse("sql", query, "--warehouse", str(wh), "--format", "json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    files = "select regexp_extract(path, '[a-z]+\\.jsonl') as file, status, reason from files order by 1"
    assert sql(files) == [
        {"file": "giant.jsonl", "status": "quarantined", "reason": "articles.length_within_limit"},
        {"file": "long.jsonl", "status": "published", "reason": None},
        {"file": "small.jsonl", "status": "published", "reason": None}]
    # Held whole, with nothing analysed: the body byte for byte, no rows in the other tables.
    [held] = sql("select article_id, title, n_chars, md5(body) as md5, reason from quarantine.articles")
    assert held | {"article_id": None} == {"article_id": None, "title": "Giant", "n_chars": 2_100_215,
                                           "md5": hashlib.md5(giant.encode()).hexdigest(),
                                           "reason": "articles.length_within_limit"}
    tables = ("paragraphs", "sentences", "entities", "mentions", "quotes")
    held_rows = " + ".join(f"(select count(*) from quarantine.{t})" for t in tables)
    assert sql(f"select {held_rows} as n") == [{"n": 0}]
    # The long one analysed in three pieces, every quotation with its speaker; the small one as ever.
    assert sql("select title, n_chars from articles order by n_chars") == [
        {"title": "Small", "n_chars": len(SMALL)}, {"title": "Long", "n_chars": 120_196}]
    direct = sql("select text, speaker from quotes join articles using (article_id) "
                 "where title = 'Long' and kind = 'direct' order by start_char")
    assert [(q["text"], q["speaker"]) for q in direct] == written.quotes and len(direct) == 254
    assert sql("select text, speaker from quotes join articles using (article_id) where title = 'Small' "
               "order by start_char") == [
        {"text": "We will reopen the yard next spring", "speaker": "Marta Ruiz"},
        {"text": "to pay for it", "speaker": "council"}]  # "The council agreed to pay for it."
    assert sql("select count(*) as n from quotes join articles using (article_id) "
               "where text != substr(body, start_char + 1, end_char - start_char)") == [{"n": 0}]

    shown = wirehouse("quarantine", "show", held["article_id"], "--warehouse", str(wh))
    assert shown.returncode == 0, shown.stderr
    assert "articles.length_within_limit (1 row)" in shown.stdout and "n_chars: 2100215" in shown.stdout
