"""The share of real news `wirehouse run` holds back, and why, on the real sets in ../shared:

    .venv/bin/python benchmarks/held_share.py [--shared ../shared]

- polnear-train: the 840 PolNeAR train articles (US political news) as text dumps (their `text`:
  a title line, then paragraphs);
- aeb-dev page copies: the 119 article-extraction-benchmark pages as "save as text" page copies
  (their `page_text`: menus and residue included), one .txt each;
- aeb-dev HTML: the same 119 pages as .html files.

Each set goes through `wirehouse run` (a subprocess, as a user runs it) into a warehouse of its
own. Reported per set: files, articles, published, held (share of articles), held by rule,
quotes held alone, copies found (transforms.copies) and older versions replaced. Figures only (no
text of the articles) go to benchmarks/results/held_share.txt. Exits 2 when ../shared is absent.
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
RESULTS = PROJECT / "benchmarks" / "results"


def write_sets(shared: Path, root: Path) -> dict[str, Path]:
    sets = {name: root / name for name in ("polnear-train", "aeb-dev-page-copies", "aeb-dev-html")}
    for folder in sets.values():
        folder.mkdir(parents=True)
    with gzip.open(shared / "eval" / "polnear-train" / "gold.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            (sets["polnear-train"] / f"{article['id']}.txt").write_text(article["text"], encoding="utf-8")
    with gzip.open(shared / "eval" / "aeb-dev" / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            page = json.loads(line)
            (sets["aeb-dev-page-copies"] / f"{page['id']}.txt").write_text(page["page_text"], encoding="utf-8")
            (sets["aeb-dev-html"] / f"{page['id']}.html").write_text(page["html"], encoding="utf-8")
    return sets


def measure(name: str, folder: Path, warehouse: Path) -> list[str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(folder), "-w", str(warehouse)],
        cwd=PROJECT, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return [f"{name}: wirehouse run failed ({done.returncode}): {done.stderr.strip()[-500:]}"]
    con = duckdb.connect(str(warehouse / "wirehouse.duckdb"), read_only=True)
    one = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
    files = one("SELECT count(*) FROM files")
    published = one("SELECT count(*) FROM articles")
    held = one("SELECT count(*) FROM quarantine.articles")
    copies = one("SELECT count(*) FROM copies")
    superseded = one("SELECT count(*) FROM history.articles")
    rejected = one("SELECT count(*) FROM files WHERE status = 'rejected'")
    quotes = one("SELECT count(*) FROM quotes")
    held_quotes = one("SELECT count(*) FROM quarantine.quotes q JOIN articles a USING (article_id)")
    reasons = collections.Counter(
        rule for (reason,) in con.execute("SELECT reason FROM quarantine.articles").fetchall()
        for rule in reason.split("; ")
    )
    quote_reasons = collections.Counter(
        rule for (reason,) in con.execute(
            "SELECT q.reason FROM quarantine.quotes q JOIN articles a USING (article_id)").fetchall()
        for rule in reason.split("; ")
    )
    con.close()
    articles = published + held
    lines = [
        f"{name}: {files} files, {rejected} rejected, {articles} articles audited, {copies} copies found, "
        f"{superseded} older versions replaced ({seconds:.0f} s)",
        f"  published {published}, held {held} ({held / articles:.1%} of articles)" if articles else "  no articles",
    ]
    lines += [f"    {n} held for {rule} ({n / articles:.1%})" for rule, n in reasons.most_common()]
    lines.append(f"  quotes published {quotes}, held alone {held_quotes} (their articles published)")
    lines += [f"    {n} for {rule}" for rule, n in quote_reasons.most_common()]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    args = parser.parse_args()
    if not (args.shared / "eval").is_dir():
        print(f"{args.shared / 'eval'} is absent: the real sets are not checked out beside the project",
              file=sys.stderr)
        return 2
    lines = ["Held-back share of real news through `wirehouse run` (benchmarks/held_share.py)", ""]
    with tempfile.TemporaryDirectory(prefix="wirehouse-held-") as tmp:
        root = Path(tmp)
        for name, folder in write_sets(args.shared, root / "inputs").items():
            lines += measure(name, folder, root / "warehouses" / name)
            lines.append("")
            print("\n".join(lines[-8:]), flush=True)
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "held_share.txt").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
