"""Sentence segmentation accuracy on our hand-annotated set (tests/data/segmentation.jsonl).

    .venv/bin/python benchmarks/segment_eval.py

Prints paragraph accuracy (every sentence right) and boundary precision/recall/F1, and writes
them to benchmarks/results/segment_eval.txt.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from transforms.segment import sentences_in  # noqa: E402

GOLD = PROJECT / "tests" / "data" / "segmentation.jsonl"
RESULTS = PROJECT / "benchmarks" / "results"


def boundaries(text: str, sentences: list[str]) -> set[int]:
    ends, pos = set(), 0
    for sentence in sentences[:-1]:
        pos = text.index(sentence, pos) + len(sentence)
        ends.add(pos)
    return ends


def main() -> int:
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    exact = tp = fp = fn = 0
    for item in items:
        got = [item["text"][s:e] for s, e in sentences_in(item["text"])]
        exact += got == item["sentences"]
        gold_b, got_b = boundaries(item["text"], item["sentences"]), boundaries(item["text"], got)
        tp += len(gold_b & got_b)
        fp += len(got_b - gold_b)
        fn += len(gold_b - got_b)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    text = (f"segment_eval on {len(items)} hand-annotated paragraphs ({GOLD.relative_to(PROJECT)})\n"
            f"paragraphs exactly right  {exact}/{len(items)} = {exact / len(items):.3f}\n"
            f"boundaries  P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "segment_eval.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
