"""Peak memory and time of one long article through the analysis (issue 14).

    .venv/bin/python benchmarks/long_article.py [--chars 950000,1500000,2000000] [--out benchmarks/results]

For each size, a fresh process generates one article of that many characters (tests/long_article.py:
paragraphs of news prose with quotations), makes it a one-article batch and runs the analysis
stages of transforms.pipeline (clean, nlp, rules) with the default settings (no length limit, so
the size itself is what is measured). It reports the peak resident size of that process
(getrusage's ru_maxrss: the high-water mark, model and Python included), the resident size with
the model loaded and the batch cleaned (before the NLP stage), and each stage's seconds. Prints a
table and writes benchmarks/results/long_article.txt.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def measure(chars: int) -> dict:
    """One article of `chars` characters through clean, nlp and rules, in this process."""
    import resource

    sys.path.insert(0, str(PROJECT))
    import transforms.pipeline as pipeline
    from flows.settings import Settings
    from tests.long_article import long_article
    from transforms.ingest import ParsedFile
    from transforms.nlp import load_pipeline
    from transforms.parse import RawDocument

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    settings = Settings()
    load_pipeline(settings.spacy_model)
    body = long_article(chars).body
    document = RawDocument(0, "fields", body, title="G")
    files = [ParsedFile("/giant.jsonl", "g" * 64, len(body), "jsonl", [document])]
    ctx = pipeline.BatchContext(
        "b1", "r1", spacy_model=settings.spacy_model, nlp_groups=settings.nlp_groups,
        nlp_chunk_chars=settings.nlp_chunk_chars,
    )  # fmt: skip
    seconds = {}
    value: object = files
    for name, stage in pipeline.ANALYSIS:
        if name == "nlp":
            ready = peak_mb()
        started = time.perf_counter()
        value = stage(value, ctx)
        seconds[name] = round(time.perf_counter() - started, 1)
    assert isinstance(value, pipeline.BatchRows) and not value.rejected
    return {
        "chars": len(body),
        "ready_mb": round(ready),
        "peak_mb": round(peak_mb()),
        "seconds": seconds,
        "quotes": len(value.rows.quotes),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", default="950000,1500000,2000000")
    parser.add_argument("--out", type=Path, default=PROJECT / "benchmarks" / "results")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    lines = [
        f"# One long article through clean, nlp and rules ({time.strftime('%Y-%m-%d %H:%M')})",
        f"machine: {platform.machine()}, python {platform.python_version()}",
        "characters   ready MB   peak MB   clean s   nlp s   rules s   quotes",
    ]
    print("\n".join(lines), flush=True)
    for chars in (int(c) for c in args.chars.split(",")):
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(chars)], capture_output=True, text=True, cwd=PROJECT
        )
        if child.returncode != 0:
            line = f"{chars:>10,}   failed: {child.stderr.strip().splitlines()[-1]}"
        else:
            r = json.loads(child.stdout.strip().splitlines()[-1])
            s = r["seconds"]
            line = (
                f"{r['chars']:>10,}   {r['ready_mb']:>8,}   {r['peak_mb']:>7,}   {s['clean']:>7}   "
                f"{s['nlp']:>5}   {s['rules']:>7}   {r['quotes']:>6,}"
            )
        print(line, flush=True)
        lines.append(line)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "long_article.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
