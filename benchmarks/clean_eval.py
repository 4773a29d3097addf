"""Cleaning quality on real pages: our clean stage (the code the flow runs) on the
article-extraction-benchmark dev pages in ../shared, from HTML and from page text.

    .venv/bin/python benchmarks/clean_eval.py [--gold ../shared/eval/aeb-dev/pages.jsonl.gz]

Writes predictions to benchmarks/results/clean_{html,page_text}.jsonl, prints the benchmark's
own metric (../shared/eval/aeb_score.py) for both modes, and writes the figures to
benchmarks/results/clean_eval.txt.
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from transforms.clean import clean_document  # noqa: E402
from transforms.parse import RawDocument  # noqa: E402

SHARED = PROJECT.parent / "shared"
DEFAULT_GOLD = SHARED / "eval" / "aeb-dev" / "pages.jsonl.gz"
SCORER = SHARED / "eval" / "aeb_score.py"
RESULTS = PROJECT / "benchmarks" / "results"
MODES = {"html": "html", "page_text": "text"}


def predict(pages: list[dict], field: str, kind: str) -> tuple[list[dict], float]:
    start = time.perf_counter()
    out = []
    for page in pages:
        article = clean_document(RawDocument(0, kind, page[field] or ""))
        out.append({"id": page["id"], "text": article.body})
    return out, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--per-page", action="store_true", help="also write per-page scores")
    args = parser.parse_args()
    if not args.gold.exists() or not SCORER.exists():
        print(f"needs {args.gold} and {SCORER} (../shared beside the project)", file=sys.stderr)
        return 2
    with gzip.open(args.gold, "rt", encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle]
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = [f"clean_eval on {len(pages)} pages of {args.gold.name}"]
    for field, kind in MODES.items():
        predictions, seconds = predict(pages, field, kind)
        pred_path = RESULTS / f"clean_{field}.jsonl"
        pred_path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions), encoding="utf-8")
        cmd = [sys.executable, str(SCORER), str(pred_path), "--gold", str(args.gold), "--n-bootstrap", "200"]
        if args.per_page:
            cmd += ["--per-page", str(RESULTS / f"clean_{field}_per_page.jsonl")]
        scored = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        report.append(f"\n## from {field} ({seconds / len(pages) * 1000:.1f} ms/page)\n{scored}")
    text = "\n".join(report) + "\n"
    (RESULTS / "clean_eval.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
