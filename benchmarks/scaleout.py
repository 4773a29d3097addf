"""Speed-up of `wirehouse run --workers 2` over one worker, and the no-op rerun, side by side.

    .venv/bin/python benchmarks/scaleout.py [--copies 6]

Builds a corpus of page copies from our quote gold set (tests/data/quotes_gold.jsonl: original
articles): --copies folders holding every article once, each copy made distinct by a closing
sentence, so nothing is a duplicate and no folder repeats a line. Then times, in one run, the
CLI end to end into fresh warehouses with 1 worker and with 2 (a local Dask cluster), and a
no-op rerun over the same input. Writes benchmarks/results/scaleout.json.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
GOLD = PROJECT / "tests" / "data" / "quotes_gold.jsonl"
RESULTS = PROJECT / "benchmarks" / "results"
WORDS = ("amber birch cedar delta ember fjord garnet harbor indigo juniper kestrel lagoon maple nectar "
         "orchid pepper quartz raven saffron tundra umber violet willow xenon yarrow zephyr").split()
WIREHOUSE = [sys.executable, "-m", "flows.cli"]


def build_corpus(root: Path, copies: int) -> int:
    articles = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    n = 0
    for copy in range(copies):
        folder = root / f"desk{copy}"
        folder.mkdir(parents=True)
        for article in articles:
            title = article["text"].split(".")[0][:80]
            # A closing line of words unique to this copy of this article: digits would be folded
            # by the boilerplate statistics (CCNet normalisation) and make every copy one article.
            body = article["text"] + f"\n\nFiled by the {WORDS[copy]} {WORDS[n % len(WORDS)]} {WORDS[n // len(WORDS) % len(WORDS)]} desk."
            (folder / f"{article['id']}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
            n += 1
    return n


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(WIREHOUSE + args, cwd=PROJECT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"wirehouse {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = build_corpus(root / "dumps", args.copies)
        one = timed(["run", str(root / "dumps"), "-w", str(root / "wh1")])
        two = timed(["run", str(root / "dumps"), "-w", str(root / "wh2"), "--workers", "2"])
        noop = timed(["run", str(root / "dumps"), "-w", str(root / "wh1")])
    figures = {"articles": n, "one_worker_s": round(one, 1), "two_workers_s": round(two, 1),
               "speedup_two_over_one": round(one / two, 2), "noop_rerun_s": round(noop, 1),
               "articles_per_s_one": round(n / one, 2), "articles_per_s_two": round(n / two, 2)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scaleout.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for key, value in figures.items():
        print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
