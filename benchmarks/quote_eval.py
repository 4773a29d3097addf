"""Quote extraction and speaker attribution scored by the shared scorer (../shared/eval/score_quotes.py),
on our hand-written gold set (tests/data/quotes_gold.jsonl, the default) or on any gold file in the
same format, e.g. the 840 real articles of PolNeAR's train compartment:

    .venv/bin/python benchmarks/quote_eval.py [--gold tests/data/quotes_gold.jsonl] [--repeat 3]
    .venv/bin/python benchmarks/quote_eval.py --gold ../shared/eval/polnear-train/gold.jsonl.gz

Runs the real stages the flow runs on every gold article's text: the configured spaCy pipeline
(transforms.nlp.load_pipeline(Settings().spacy_model), over all texts with nlp.pipe), then
transforms.entities.analyse_entities and transforms.quotes.extract_quotes. Writes one prediction
per quote (per paragraph of a multi-paragraph quote; scare quotes left out) to
benchmarks/results/<name>_preds.jsonl ({"id", "text", "speaker", "kind", "confidence"}; a
quotation in ''…'' marks is given as indirect, the gold's convention: scorer_kind), scores
every split the gold file has ("compartment": dev/test for ours, train for PolNeAR) and all
articles, prints the calibration of the attributions' confidence (share right per confidence
band, on the matched quotations with a named gold speaker), and writes the figures to
benchmarks/results/<name>.txt (quote_eval.txt for our gold set, quote_eval_<gold name>.txt else).

Parse cache: the parsed Docs are kept on disk (a spaCy DocBin under --cache, default
/tmp/wirehouse-parse-cache, keyed by model name and version and a hash of the texts), with the
parse time measured when they were made. With a cache hit the parse is not repeated and the
overhead ratio divides the rules' time now by that recorded parse time, so scoring a rules
change on the 840 PolNeAR articles takes seconds. --no-cache parses (and times) afresh.

Timing: the entity+quote stages are timed --repeat times after a warm-up; the medians and their
ratio (entities+quotes / parse) are reported. Exits 2 when ../shared/eval/score_quotes.py is absent.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
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
DEFAULT_CACHE = Path("/tmp/wirehouse-parse-cache")
# Confidence bands of the calibration table (lower bounds).
BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)


def load_gold(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def parse(nlp, texts: list[str], model: str, cache: Path | None):
    """The Docs of the texts and the seconds their parse took (recorded with the cache)."""
    from spacy.tokens import DocBin

    from transforms.nlp import pipe  # the NLP stage's own grouping of texts

    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    key = f"{model}-{nlp.meta.get('version', '?')}-{digest}"
    if cache is not None and (cache / f"{key}.spacy").exists():
        meta = json.loads((cache / f"{key}.json").read_text())
        docs = list(DocBin().from_disk(cache / f"{key}.spacy").get_docs(nlp.vocab))
        return docs, meta["parse_seconds"], True
    t0 = time.perf_counter()
    docs = list(pipe(nlp, texts))
    parse_seconds = time.perf_counter() - t0
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=False, docs=docs).to_disk(cache / f"{key}.spacy")
        (cache / f"{key}.json").write_text(json.dumps({"parse_seconds": parse_seconds, "texts": len(texts)}))
    return docs, parse_seconds, False


def run_rules(docs):
    """One timed pass of the rules: entities + quotes on every doc."""
    from transforms.entities import analyse_entities
    from transforms.quotes import extract_quotes

    t0 = time.perf_counter()
    quotes = [extract_quotes(doc, analyse_entities(doc)) for doc in docs]
    return quotes, time.perf_counter() - t0


def scored_parts(text: str) -> list[str]:
    """A multi-paragraph quotation is one row in the warehouse (its text runs across the
    paragraph breaks and re-opening marks); the scorer's units are the stretches inside marks,
    one per paragraph, so it is written as one prediction per paragraph."""
    return [part.strip().lstrip("“\"„«") for part in text.split("\n\n") if part.strip()]


def scorer_kind(body: str, q) -> str:
    """The kind the scorer is given: ours, except that a quotation in ``''…''`` marks (NYT copy) is
    given as indirect. The scorer's quoted units are the stretches inside double quotation marks
    (“ ” and "), as in the gold, where PolNeAR's attributions in ''…'' marks have kind indirect
    with their content as the span: there the unit is an attribution, scored by indirect recall."""
    if q.kind != "indirect" and body[q.start - 2 : q.start] in ("''", "``"):
        return "indirect"
    return q.kind


def scorer_speaker(a, convention: str) -> str | None:
    """The speaker the scorer is given. canonical: the warehouse's speaker (the entity's full
    name). written: PolNeAR's convention, where a speaker is the source as written ("the
    senator", "a spokeswoman"): the description as written when the cue's subject is one (its
    head word a common noun), the canonical name for names and pronouns; for a quotation whose
    speaker is itself reported ("Ruiz said, according to the Ledger"), the outer source."""
    surface = a.speaker_surface or ""
    head = surface.split()[-1] if surface else ""
    # "the Florida senator", "the senator from Vermont" (a description the rules resolved)
    description = (head[:1].islower() or a.method == "description") and surface.lower() not in PRONOUNS
    if convention == "written" and a.speaker and a.according_to and a.method != "according_to":
        # "Ruiz said, according to the Ledger": PolNeAR's source is the outer one, who reports it.
        return a.according_to
    if convention == "written" and a.speaker and description:
        return surface
    return a.speaker


def attribution(a, convention: str) -> dict:
    """A prediction's speaker, confidence and method (how the speaker was found)."""
    return {"speaker": scorer_speaker(a, convention), "confidence": a.confidence, "method": a.method}


PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "who"}


def score(pred_path: Path, gold_path: Path, split: str) -> dict:
    cmd = [sys.executable, str(SCORER), str(pred_path), "--gold", str(gold_path), "--split", split, "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def calibration(gold: list[dict], preds: list[dict]) -> list[tuple[float, int, int]]:
    """(band lower bound, attributions, right) per confidence band: the predicted quotations the
    scorer matches to a gold unit with a named speaker, judged right as the scorer judges them."""
    sys.path.insert(0, str(SCORER.parent))
    import score_quotes as sq  # the scorer's own units, matching and speaker test

    by_article: dict[str, list[dict]] = {}
    for p in preds:
        if p["kind"] != "indirect" and p.get("speaker"):
            by_article.setdefault(p["id"], []).append(dict(p, t=sq.toks(p["text"])))
    counts = {b: [0, 0] for b in BANDS}
    methods: dict[str, list[int]] = {}
    for art in gold:
        units = [dict(u, t=sq.toks(u["text"])) for u in sq.quoted_units(art)]
        ps = by_article.get(art["id"], [])
        for gi, pi in sq.match(units, ps, 0.5):
            u, p = units[gi], ps[pi]
            if u["pronoun"] or not u["speaker"]:
                continue
            band = max(b for b in BANDS if p["confidence"] >= b)
            counts[band][0] += 1
            right = bool(sq.speaker_ok(u["speaker"], p["speaker"]))
            counts[band][1] += right
            methods.setdefault(p["method"], [0, 0])
            methods[p["method"]][0] += 1
            methods[p["method"]][1] += right
    return [(b, n, ok) for b, (n, ok) in counts.items()], methods


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed passes of the rules (medians are reported)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="directory of the parse cache")
    parser.add_argument("--speakers", choices=("canonical", "written"), default=None,
                        help="speaker convention of the gold: canonical names (ours, the default for "
                        "tests/data) or the source as written (PolNeAR, the default for other gold files)")
    parser.add_argument("--no-cache", action="store_true", help="parse afresh (and time the parse)")
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

    gold = load_gold(args.gold)
    texts = [g["text"] for g in gold]
    model = Settings().spacy_model
    nlp = load_pipeline(model)
    docs, parse_s, cached = parse(nlp, texts, model, None if args.no_cache else args.cache)

    run_rules(docs[:2])  # warm-up: lazy initialisation, rule files, caches
    stage_times, quotes = [], None
    for _ in range(max(1, args.repeat)):
        quotes, stage_s = run_rules(docs)
        stage_times.append(stage_s)
    stage_s = statistics.median(stage_times)

    is_own = args.gold.resolve() == DEFAULT_GOLD.resolve()
    convention = args.speakers or ("canonical" if is_own else "written")
    name = "quote_eval" if is_own else f"quote_eval_{args.gold.parent.name or args.gold.stem}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    pred_path = RESULTS / f"{name.replace('quote_eval', 'quote')}_preds.jsonl"
    kinds: dict[str, int] = {}
    preds = []
    for article, found in zip(gold, quotes, strict=True):
        body = article["text"]
        turn = None  # the last ''…'' quotation given as indirect: (pred, paragraph, speaker)
        clauses = [(q.start, q.end) for q in found if q.kind == "indirect"]
        for q in found:
            kinds[q.kind] = kinds.get(q.kind, 0) + 1
            if q.kind == "scare":
                continue  # scare quotes, terms and titles are not quotations
            kind = scorer_kind(body, q)
            if kind == "indirect" and q.kind != "indirect":
                if any(start <= q.start < end for start, end in clauses):
                    continue  # words quoted inside a reported clause: the clause is the gold's unit
                # The gold's attribution spans one speaker's turn: its ''…'' parts in one paragraph
                # and the attribution between them, as one unit.
                if turn is not None and turn[1] == q.paragraph_index and turn[2] == q.attribution.speaker:
                    turn[0]["text"] = body[turn[0]["start"]:q.end]
                    continue
                pred = {"id": article["id"], "text": body[q.start:q.end], "kind": kind, "start": q.start,
                        **attribution(q.attribution, convention)}
                preds.append(pred)
                turn = (pred, q.paragraph_index, q.attribution.speaker)
                continue
            for text in scored_parts(body[q.start:q.end]):
                preds.append({"id": article["id"], "text": text, "kind": kind,
                              **attribution(q.attribution, convention)})
    with pred_path.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({k: v for k, v in p.items() if k != "start"}, ensure_ascii=False) + "\n"
                          for p in preds)

    splits = [*sorted({g.get("compartment") for g in gold if g.get("compartment")}), "all"]
    if len(splits) == 2:
        splits = ["all"]
    results = {split: score(pred_path, args.gold, split) for split in splits}
    n_words = sum(len(t.split()) for t in texts)
    where = args.gold.relative_to(PROJECT) if args.gold.resolve().is_relative_to(PROJECT) else args.gold
    lines = [
        f"quote_eval on {len(gold)} articles ({n_words} words) of {where}",
        f"speakers given as: {convention}",
        f"model {model} (spaCy {__import__('spacy').__version__}); predictions {sum(kinds.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}) -> {pred_path.relative_to(PROJECT)}",
        "",
        f"{'':20}" + "".join(f"{s:>8}" for s in splits),
    ]
    for key in results["all"]:
        lines.append(f"{key:20}" + "".join(f"{results[s][key]:>8}" for s in splits))
    lines += ["", "calibration (attributed quotations matched to a named gold speaker, all articles)",
              f"  {'confidence':>12} {'n':>6} {'right':>7}   {'cumulative (conf >= band)':>26}"]
    table, methods = calibration(gold, preds)
    for i, (band, n, ok) in enumerate(table):
        upper = BANDS[i + 1] if i + 1 < len(BANDS) else 1.0
        cum_n = sum(c[1] for c in table[i:])
        cum_ok = sum(c[2] for c in table[i:])
        label = f"{band:.2f}-{upper:.2f}" if upper < 1 else f"{band:.2f}-1.00"
        lines.append(f"  {label:>12} {n:6} {ok / n if n else 0:7.3f}   "
                     f"{cum_ok / cum_n if cum_n else 0:>20.3f} of {cum_n}")
    lines += ["", "speaker accuracy by how the speaker was found (same quotations)"]
    for method, (n, ok) in sorted(methods.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"  {method:14} {n:6} {ok / n:7.3f}")
    lines += [
        "",
        f"timing (rules: median of {len(stage_times)} passes; parse: "
        + ("recorded when the parse cache was made)" if cached else "this run)"),
        f"  spaCy parse (nlp.pipe)     {parse_s:7.3f} s  {parse_s / len(texts) * 1000:6.1f} ms/article",
        f"  entities + quotes          {stage_s:7.3f} s  {stage_s / len(texts) * 1000:6.1f} ms/article",
        f"  overhead ratio (entities+quotes / parse)  {stage_s / parse_s:.3f}",
        f"  passes: entities+quotes {', '.join(f'{t:.3f}' for t in stage_times)}",
    ]
    text = "\n".join(lines) + "\n"
    (RESULTS / f"{name}.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
