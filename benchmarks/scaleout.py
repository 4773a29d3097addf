"""Speed-up of `wirehouse run --workers 2` over one worker, and the no-op rerun, side by side.

    .venv/bin/python benchmarks/scaleout.py [--articles 400] [--seed 5]

Generates a corpus with benchmarks/corpus.py (our synthetic news dumps: page copies, HTML and
JSON Lines over eight sources, lognormal lengths with a median of 600 words), then times, in
one run, the CLI end to end into fresh warehouses with 1 worker and with 2 (a local Dask
cluster), and a no-op rerun over the same input (median of 3). Prints each run's per-stage
seconds from the warehouse's `batches` and `runs` tables. Writes benchmarks/results/scaleout.json.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "benchmarks" / "results"
WIREHOUSE = [sys.executable, "-m", "flows.cli"]
STAGES = ("clean", "nlp", "rules", "stage", "audit", "publish")


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("wirehouse_bench_corpus", PROJECT / "benchmarks" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(WIREHOUSE + args, cwd=PROJECT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"wirehouse {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def stage_seconds(warehouse: Path) -> dict:
    sys.path.insert(0, str(PROJECT))
    from warehouse.store import Warehouse

    wh = Warehouse(warehouse)
    timed = dict(wh.query("SELECT stage, sum(seconds) AS s FROM stage_timings GROUP BY stage").values.tolist())
    row = {"batches": int(wh.query("SELECT count(*) AS n FROM batches").n[0])}
    row.update({s: round(float(timed.get(s, 0.0)), 1) for s in STAGES})
    row["read"] = round(float(wh.query("SELECT sum(seconds_read) AS s FROM runs").s[0]) + timed.get("read", 0.0), 1)
    row["articles"] = int(wh.query("SELECT count(*) AS n FROM articles").n[0]
                          + wh.query("SELECT count(*) AS n FROM quarantine.articles").n[0])
    return {k: (int(v) if k in ("batches", "articles") else float(v)) for k, v in row.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    corpus = load_corpus_module()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        manifest = corpus.generate(root / "dumps", args.articles, seed=args.seed, jobs=2)
        stats = corpus.summary(manifest)
        one = timed(["run", str(root / "dumps"), "-w", str(root / "wh1")])
        two = timed(["run", str(root / "dumps"), "-w", str(root / "wh2"), "--workers", "2"])
        noop = statistics.median(timed(["run", str(root / "dumps"), "-w", str(root / "wh1")]) for _ in range(3))
        stages_one, stages_two = stage_seconds(root / "wh1"), stage_seconds(root / "wh2")
    n = args.articles
    figures = {
        "articles": n, "words": stats.get("words"), "one_worker_s": round(one, 1), "two_workers_s": round(two, 1),
        "speedup_two_over_one": round(one / two, 2), "noop_rerun_s": round(noop, 2),
        "articles_per_s_one": round(n / one, 2), "articles_per_s_two": round(n / two, 2),
        "stage_seconds_one_worker": stages_one, "stage_seconds_two_workers (summed over workers)": stages_two,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scaleout.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for key, value in figures.items():
        print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
