"""Quote extraction and speaker attribution on our hand-written gold set (tests/data/quotes_gold.jsonl),
scored by the shared scorer (../shared/eval/score_quotes.py).

    .venv/bin/python benchmarks/quote_eval.py [--gold tests/data/quotes_gold.jsonl] [--repeat 3]

Runs the real stages the flow runs on every gold article's text: the configured spaCy pipeline
(transforms.nlp.load_pipeline(Settings().spacy_model), over all texts with nlp.pipe), then
transforms.entities.analyse_entities and transforms.quotes.extract_quotes. Writes one prediction
per quote (per paragraph of a multi-paragraph quote; scare quotes left out) to
benchmarks/results/quote_preds.jsonl ({"id", "text", "speaker", "kind"}), scores the
dev split, the test split and all articles, and writes the figures to
benchmarks/results/quote_eval.txt.

Timing: the spaCy parse (nlp.pipe over all texts) and the entity+quote stages are timed side by
side in the same run, each --repeat times after a warm-up; the medians and their ratio
(entities+quotes / parse) are reported. Exits 2 when ../shared/eval/score_quotes.py is absent.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SHARED = PROJECT.parent / "shared"
SCORER = SHARED / "eval" / "score_quotes.py"
DEFAULT_GOLD = PROJECT / "tests" / "data" / "quotes_gold.jsonl"
RESULTS = PROJECT / "benchmarks" / "results"
SPLITS = ("dev", "test", "all")


def run_stages(nlp, texts: list[str]):
    """One timed pass: parse all texts, then entities + quotes on every doc."""
    from transforms.entities import analyse_entities
    from transforms.nlp import pipe  # the NLP stage's own grouping of texts
    from transforms.quotes import extract_quotes

    t0 = time.perf_counter()
    docs = list(pipe(nlp, texts))
    t1 = time.perf_counter()
    quotes = [extract_quotes(doc, analyse_entities(doc)) for doc in docs]
    t2 = time.perf_counter()
    return quotes, t1 - t0, t2 - t1


def scored_parts(text: str) -> list[str]:
    """A multi-paragraph quotation is one row in the warehouse (its text runs across the
    paragraph breaks and re-opening marks); the scorer's units are the stretches inside marks,
    one per paragraph, so it is written as one prediction per paragraph."""
    return [part.strip().lstrip("“\"„«") for part in text.split("\n\n") if part.strip()]


def score(pred_path: Path, gold_path: Path, split: str) -> dict:
    cmd = [sys.executable, str(SCORER), str(pred_path), "--gold", str(gold_path), "--split", split, "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (medians are reported)")
    args = parser.parse_args()
    if not SCORER.exists():
        print(f"error: the scorer {SCORER} is absent; quote_eval needs ../shared checked out beside the "
              f"project (it holds eval/score_quotes.py)", file=sys.stderr)
        return 2
    if not args.gold.exists():
        print(f"error: gold file {args.gold} not found", file=sys.stderr)
        return 2

    from flows.settings import Settings
    from transforms.nlp import load_pipeline

    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [g["text"] for g in gold]
    model = Settings().spacy_model
    t_load = time.perf_counter()
    nlp = load_pipeline(model)
    load_seconds = time.perf_counter() - t_load

    run_stages(nlp, texts[:2])  # warm-up: lazy initialisation, rule files, caches
    parse_times, stage_times, quotes = [], [], None
    for _ in range(max(1, args.repeat)):
        quotes, parse_s, stage_s = run_stages(nlp, texts)
        parse_times.append(parse_s)
        stage_times.append(stage_s)
    parse_s, stage_s = statistics.median(parse_times), statistics.median(stage_times)

    RESULTS.mkdir(parents=True, exist_ok=True)
    pred_path = RESULTS / "quote_preds.jsonl"
    kinds: dict[str, int] = {}
    with pred_path.open("w", encoding="utf-8") as handle:
        for article, found in zip(gold, quotes):
            for q in found:
                kinds[q.kind] = kinds.get(q.kind, 0) + 1
                if q.kind == "scare":
                    continue  # scare quotes, terms and titles are not quotations
                for text in scored_parts(article["text"][q.start:q.end]):
                    handle.write(json.dumps({"id": article["id"], "text": text, "speaker": q.attribution.speaker,
                                             "kind": q.kind}, ensure_ascii=False) + "\n")

    results = {split: score(pred_path, args.gold, split) for split in SPLITS}
    n_words = sum(len(t.split()) for t in texts)
    lines = [
        f"quote_eval on {len(gold)} articles ({n_words} words) of {args.gold.relative_to(PROJECT) if args.gold.is_relative_to(PROJECT) else args.gold}",
        f"model {model} (spaCy {__import__('spacy').__version__}); predictions {sum(kinds.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}) -> {pred_path.relative_to(PROJECT)}",
        "",
        f"{'':20}" + "".join(f"{s:>8}" for s in SPLITS),
    ]
    for key in results["all"]:
        lines.append(f"{key:20}" + "".join(f"{results[s][key]:>8}" for s in SPLITS))
    lines += [
        "",
        f"timing (median of {len(parse_times)} passes, same run; model load {load_seconds:.2f} s not included)",
        f"  spaCy parse (nlp.pipe)     {parse_s:7.3f} s  {parse_s / len(texts) * 1000:6.1f} ms/article",
        f"  entities + quotes          {stage_s:7.3f} s  {stage_s / len(texts) * 1000:6.1f} ms/article",
        f"  overhead ratio (entities+quotes / parse)  {stage_s / parse_s:.3f}",
        f"  passes: parse {', '.join(f'{t:.3f}' for t in parse_times)}; "
        f"entities+quotes {', '.join(f'{t:.3f}' for t in stage_times)}",
    ]
    text = "\n".join(lines) + "\n"
    (RESULTS / "quote_eval.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
