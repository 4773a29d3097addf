"""Text dumps of real articles through the real pipeline: titles, first paragraphs and what the
gate holds, on the PolNeAR train articles in ../shared (840 US political news articles; each
`text` is a title line, then paragraphs separated by blank lines).

    .venv/bin/python benchmarks/dump_eval.py [--gold ../shared/eval/polnear-train/gold.jsonl.gz]

Each article is written to a temporary folder as a .txt file in two shapes, and each folder goes
through `wirehouse run` into a warehouse of its own:
- `titled`: the text as given (a title line, blank lines between paragraphs);
- `scraped`: as article scrapers export text (no title line, one paragraph a line, no blank lines).
It reports per shape the articles (published and held), how many got a title and which, how
many keep their first paragraph (the first after the title line) in the body and, for those that
do not, the rule that removed it, and the share held back by each audit rule (always listing
articles.body_not_empty and articles.no_ui_residue). The figures go to
benchmarks/results/dump_eval.txt; no article text is written there (PolNeAR has no licence).
Takes about 10 minutes on 2 cores. Exits 2 when the gold file is absent.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = PROJECT.parent / "shared" / "eval" / "polnear-train" / "gold.jsonl.gz"
RESULTS = PROJECT / "benchmarks" / "results"
SHAPES = ("titled", "scraped")
# The audit rules that text handling and cleaning answer for: an empty body, residue left in it.
GATE_RULES = ("articles.body_not_empty", "articles.no_ui_residue")
ARTICLE_ROWS = """
    SELECT article_id, source_uri, title, body, NULL AS reason FROM articles
    UNION ALL SELECT article_id, source_uri, title, body, reason FROM quarantine.articles"""
REMOVED_ROWS = """
    SELECT article_id, line_no, rule_id FROM residue
    UNION ALL SELECT article_id, line_no, rule_id FROM quarantine.residue"""


def paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def dump(paras: list[str], shape: str) -> str:
    return "\n\n".join(paras) + "\n" if shape == "titled" else "\n".join(paras[1:]) + "\n"


def same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


def measure(warehouse: Path, articles: dict[str, list[str]], shape: str) -> list[str]:
    con = duckdb.connect(str(warehouse / "wirehouse.duckdb"), read_only=True)
    rows = con.execute(ARTICLE_ROWS).fetchall()
    removed = {(a, n): rule for a, n, rule in con.execute(REMOVED_ROWS).fetchall()}
    first_line = 2 if shape == "titled" else 0  # the first paragraph's line in the dump
    counts: collections.Counter = collections.Counter()
    held: collections.Counter = collections.Counter()
    lost: collections.Counter = collections.Counter()
    for article_id, uri, title, body, reason in rows:
        paras = articles[Path(uri).stem]
        counts["held" if reason else "published"] += 1
        counts["title"] += title is not None
        counts["title is the title line"] += shape == "titled" and same(title, paras[0])
        counts["title is the first paragraph"] += same(title, paras[1])
        if " ".join(paras[1].split()) in " ".join(body.split()):
            counts["first paragraph in the body"] += 1
        elif same(title, paras[1]):
            lost["taken as the title"] += 1
        else:
            lost[removed.get((article_id, first_line), "not found")] += 1
        counts["empty body"] += not body
        held.update(r for r in (reason or "").split("; ") if r)
    held.update(dict.fromkeys(GATE_RULES, 0))  # listed even when they hold nothing
    n = counts["published"] + counts["held"]
    out = [f"## {shape}: {n} articles ({counts['published']} published, {counts['held']} held)"]
    names = [
        "title",
        "title is the title line",
        "title is the first paragraph",
        "first paragraph in the body",
    ]
    if shape != "titled":
        names.remove("title is the title line")
    out += [f"{name:32} {counts[name]:4}" for name in [*names, "empty body"]]
    out += [f"  first paragraph lost: {why:22} {k:4}" for why, k in lost.most_common()]
    out += [f"held by {rule:38} {k:4} ({k / n:.1%})" for rule, k in held.most_common()]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    args = parser.parse_args()
    if not args.gold.exists():
        print(f"needs {args.gold} (../shared beside the project)", file=sys.stderr)
        return 2
    with gzip.open(args.gold, "rt", encoding="utf-8") as handle:
        articles = {r["id"]: paragraphs(r["text"]) for r in map(json.loads, handle)}
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT)
    report = [f"dump_eval on {len(articles)} articles of {args.gold.name} (commit {git.stdout.strip()})", ""]
    with tempfile.TemporaryDirectory() as tmp:
        for shape in SHAPES:
            folder, warehouse = Path(tmp) / shape, Path(tmp) / f"wh-{shape}"
            folder.mkdir()
            for article_id, paras in articles.items():
                (folder / f"{article_id}.txt").write_text(dump(paras, shape), encoding="utf-8")
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "flows.cli", "run", str(folder), "-w", str(warehouse)],
                cwd=PROJECT,
                check=True,
                capture_output=True,
            )
            seconds = time.perf_counter() - started
            report += [*measure(warehouse, articles, shape), f"(run: {seconds:.0f} s)", ""]
    text = "\n".join(report)
    (RESULTS / "dump_eval.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
