"""Reading web archives: is it ever the bottleneck? (issue 17)

    .venv/bin/python benchmarks/warc.py [--articles 20000] [--pad-kb 48] [--extract-sample 1000]
        [--tmp /tmp] [--out benchmarks/results] [--keep]

Generates a CC-NEWS-like WARC (per-record gzip, as Common Crawl writes them) under --tmp from our
own synthetic articles (benchmarks/corpus.py, rendered as HTML pages and padded with generated
script and style blocks to the size of real news pages): a warcinfo record, then per article a
request and a response, and every 25th article also an image response and a redirect. Then, in
a fresh process each:

* reading: what a run reads of the file (warehouse.warc.read_warc: every record's headers, each
  article's payload checked and decoded, the file hashed; then load_warc_part for every segment
  of a batch's size, as the batches load them): records/s, articles/s and MB/s, and the peak RSS
  of the process (ru_maxrss) against its RSS after imports, with the RSS after every segment
  (flat: it does not grow with the file);
* reading plus HTML extraction: the same articles' reading cost plus transforms.clean's
  clean_document (trafilatura and our cleaning) on the first --extract-sample articles;
* the share against the NLP stage: the first segment (one batch, 256 articles) through the clean
  stage and the NLP stage (transforms.pipeline.prepare_batch, parse_batch with the run's spaCy
  model, loaded beforehand), and reading's cost for the same articles as a share of the NLP
  stage's time (target: under 20%).

Prints the figures and writes them to benchmarks/results/warc.txt. The WARC is deleted afterwards
unless --keep.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from urllib.parse import quote

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))

SEGMENT = 256  # the default batch size


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


# --- generation --------------------------------------------------------------------------------

_JS_WORDS = ["function", "var", "let", "const", "return", "if", "else", "for", "while", "window", "document", "push", "length", "analytics", "consent", "banner", "slot", "lazy", "image", "srcset", "viewport", "module", "export", "import", "default", "async", "await", "promise", "then", "catch", "config", "tracking", "pixel", "event", "listener", "click", "scroll", "resize", "dataset", "style", "display", "none", "block", "flex", "grid", "padding", "margin", "color", "background", "font", "weight", "header", "footer", "nav"]


_POOL: list[str] = []


def padding(rng: Random, kb: int) -> str:
    """Script blocks of about `kb` KB, as news pages carry: lines drawn from a pool of generated
    statements (the pool made once, from a fixed seed)."""
    if not _POOL:
        pool_rng = Random("warc/pool")
        for _ in range(4000):
            words = " ".join(pool_rng.choice(_JS_WORDS) for _ in range(12))
            name = f"{pool_rng.choice(_JS_WORDS)}_{pool_rng.randrange(10**6)}"
            _POOL.append(f"  {name} = function(a, b) {{ {words}; }};\n")
    lines = rng.choices(_POOL, k=max(1, kb * 1000 // 100))
    return "<script>\n" + "".join(lines) + "</script>"


def generate(path: Path, n_articles: int, pad_kb: int, seed: int = 0, distinct: int | None = None) -> dict:
    """The WARC; distinct: only this many articles are generated and then cycled, each copy with
    its own marker (so its payload digest differs): a large file written faster."""
    import corpus
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    started = time.perf_counter()
    rng = Random(f"warc/{seed}")
    crawl = datetime(2026, 11, 2, tzinfo=UTC)
    records = articles = 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "benchmarks/warc.py"}))
        records += 1
        for i in range(n_articles):
            index = i if distinct is None else i % distinct
            source_index = index % len(corpus.SOURCES)
            article = corpus.make_article(seed, index, corpus.SOURCES[source_index])
            page = corpus.render_html(article, corpus._furniture(seed, source_index))
            page = page.replace("</head>", padding(rng, pad_kb) + f"<!-- copy {i} --></head>", 1)
            y, m, d, *_ = article.published
            slug = quote(article.slug)
            url = f"https://{article.source.domain}/{article.topic}/{y}/{m:02d}/{d:02d}/{slug}"
            date = (crawl + timedelta(seconds=4 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            request = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(
                    f"GET /{slug} HTTP/1.1", [("Host", article.source.domain)], is_http_request=True
                ),
            )
            response = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(page.encode("utf-8")),
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                ),
            )
            for r in (request, response):
                r.rec_headers.replace_header("WARC-Date", date)
                writer.write_record(r)
            records += 2
            articles += 1
            if i % 25 == 0:
                image = writer.create_warc_record(
                    url + ".jpg",
                    "response",
                    payload=io.BytesIO(rng.randbytes(30_000)),
                    http_headers=StatusAndHeaders(
                        "200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1"
                    ),
                )
                moved = writer.create_warc_record(
                    url + "/amp",
                    "response",
                    payload=io.BytesIO(b""),
                    http_headers=StatusAndHeaders(
                        "301 Moved Permanently", [("Location", url)], protocol="HTTP/1.1"
                    ),
                )
                writer.write_record(image)
                writer.write_record(moved)
                records += 2
    return {
        "path": str(path),
        "bytes": path.stat().st_size,
        "records": records,
        "articles": articles,
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- measurements (each in a fresh process) ------------------------------------------------------


def measure_reading(path: Path) -> dict:
    from transforms.parse import InputLimits
    from warehouse.warc import WarcReading, load_warc_part, read_warc

    baseline = _rss_mb()
    started = time.perf_counter()
    parts = read_warc(path, InputLimits(256_000_000, 200), WarcReading(segment_size=SEGMENT))
    scanned = time.perf_counter() - started
    rss_after_segment = []
    loaded = time.perf_counter()
    chars = 0
    for part in parts:
        docs = load_warc_part(part).documents
        chars += sum(len(d.content) for d in docs)
        del docs
        rss_after_segment.append(round(_rss_mb(), 1))
    load = time.perf_counter() - loaded
    warc = parts[0].warc
    return {
        "scan_s": round(scanned, 2),
        "load_s": round(load, 2),
        "records": warc.n_records,
        "articles": warc.n_articles,
        "segments": len(parts),
        "skipped": dict(warc.skipped),
        "errors": list(warc.errors),
        "html_chars": chars,
        "rss_baseline_mb": round(baseline, 1),
        "rss_after_first_segment_mb": rss_after_segment[0],
        "rss_after_last_segment_mb": rss_after_segment[-1],
        "rss_segments_min_max_mb": [min(rss_after_segment), max(rss_after_segment)],
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def measure_extraction(path: Path, sample: int) -> dict:
    from transforms.clean import clean_document
    from transforms.parse import InputLimits
    from warehouse.warc import WarcReading, load_warc_part, read_warc

    parts = read_warc(path, InputLimits(256_000_000, 200), WarcReading(segment_size=SEGMENT))
    docs = []
    for part in parts:
        docs += load_warc_part(part).documents
        if len(docs) >= sample:
            break
    docs = docs[:sample]
    clean_document(docs[0])  # imports and first-call costs
    started = time.perf_counter()
    words = 0
    for doc in docs:
        words += len(clean_document(doc).body.split())
    return {"articles": len(docs), "extract_s": round(time.perf_counter() - started, 2), "words": words}


def measure_nlp(path: Path) -> dict:
    from flows.settings import Settings
    from transforms.nlp import load_pipeline
    from transforms.parse import InputLimits
    from transforms.pipeline import BatchContext, parse_batch, prepare_batch
    from warehouse.warc import WarcReading, load_warc_part, read_warc

    settings = Settings()
    load_pipeline(settings.spacy_model)
    first = read_warc(path, InputLimits(256_000_000, 200), WarcReading(segment_size=SEGMENT))[0]
    started = time.perf_counter()
    batch = load_warc_part(first)
    load_s = time.perf_counter() - started
    ctx = BatchContext(batch_id="bench", run_id="bench", spacy_model=settings.spacy_model)
    started = time.perf_counter()
    prepared = prepare_batch([batch], ctx)
    clean_s = time.perf_counter() - started
    started = time.perf_counter()
    parse_batch(prepared, ctx)
    nlp_s = time.perf_counter() - started
    words = sum(len(item[2].body.split()) for item in prepared.pending)
    return {
        "articles": len(batch.documents),
        "analysed": len(prepared.pending),
        "words": words,
        "load_segment_s": round(load_s, 3),
        "clean_s": round(clean_s, 2),
        "nlp_s": round(nlp_s, 2),
    }


def _child(kind: str, path: Path, extra: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", kind, "--warc", str(path), *extra],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def report_reading(gen: dict, reading: dict, args) -> list[str]:
    mb = gen["bytes"] / 1e6
    read_s = reading["scan_s"] + reading["load_s"]
    per_article_read = read_s / reading["articles"]
    cpus = os.cpu_count()
    load = os.getloadavg()[0]
    distinct = f" ({args.distinct:,} distinct, cycled)" if args.distinct else ""
    return [
        f"# Wirehouse: reading web archives ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        f"machine: {cpus} CPUs, {platform.platform()}; load average {load:.2f} (shared with other work)",
        f"data: a generated CC-NEWS-like WARC, per-record gzip, {mb:,.0f} MB on disk "
        f"({reading['html_chars'] / 1e6:,.0f} million characters of HTML in its articles), "
        f"{gen['records']:,} records: {gen['articles']:,} HTML responses of our synthetic articles"
        f"{distinct} (benchmarks/corpus.py, {args.pad_kb} KB of generated script each), one request "
        "each, and every 25th article an image and a redirect; written in "
        f"{gen['seconds']:.0f} s",
        "",
        "## reading (warehouse.warc: the run's scan of the file, then every segment read again "
        "for its batch)",
        f"scan  {reading['scan_s']:8.1f} s   {reading['records'] / reading['scan_s']:8,.0f} records/s   "
        f"{mb / reading['scan_s']:6.1f} MB/s",
        f"load  {reading['load_s']:8.1f} s   {reading['articles'] / reading['load_s']:8,.0f} articles/s "
        f"({reading['segments']} segments of {SEGMENT})",
        f"both  {read_s:8.1f} s   {reading['records'] / read_s:8,.0f} records/s   "
        f"{reading['articles'] / read_s:8,.0f} articles/s   {1000 * per_article_read:.2f} ms an article",
        f"skipped: {reading['skipped']}; damage: {reading['errors'] or 'none'}",
        f"RSS: {reading['rss_baseline_mb']:.0f} MB after imports; after the first segment "
        f"{reading['rss_after_first_segment_mb']:.0f} MB, after the last "
        f"{reading['rss_after_last_segment_mb']:.0f} MB (range over all segments "
        f"{reading['rss_segments_min_max_mb'][0]:.0f}-{reading['rss_segments_min_max_mb'][1]:.0f} MB); "
        f"peak {reading['peak_rss_mb']:.0f} MB for a {mb:,.0f} MB file",
    ]


def report(gen: dict, reading: dict, extraction: dict, nlp: dict, args) -> list[str]:
    read_s = reading["scan_s"] + reading["load_s"]
    per_article_read = read_s / reading["articles"]
    per_article_extract = extraction["extract_s"] / extraction["articles"]
    per_article_nlp = nlp["nlp_s"] / nlp["analysed"]
    share = per_article_read / per_article_nlp
    lines = [
        *report_reading(gen, reading, args),
        "",
        "## reading + HTML extraction (clean_document: trafilatura and our cleaning, on the first "
        f"{extraction['articles']:,} articles)",
        f"extraction {1000 * per_article_extract:.1f} ms an article; reading + extraction "
        f"{1 / (per_article_read + per_article_extract):,.1f} articles/s "
        f"({(reading['records'] / reading['articles']) / (per_article_read + per_article_extract):,.1f} "
        "records/s)",
        "",
        f"## against the NLP stage (the first segment: {nlp['articles']} articles, "
        f"{nlp['words']:,} words, through prepare_batch and parse_batch)",
        f"clean stage {nlp['clean_s']:.1f} s, NLP stage {nlp['nlp_s']:.1f} s "
        f"({1000 * per_article_nlp:.0f} ms an article, {nlp['words'] / nlp['nlp_s']:,.0f} words/s)",
        f"reading these articles: {1000 * per_article_read * nlp['articles']:.0f} ms "
        f"= {100 * share:.2f}% of the NLP stage (target: under 20%): {'PASS' if share < 0.2 else 'FAIL'}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--pad-kb", type=int, default=48)
    parser.add_argument("--extract-sample", type=int, default=1000)
    parser.add_argument("--tmp", type=Path, default=Path("/tmp"))
    parser.add_argument("--out", type=Path, default=PROJECT / "benchmarks" / "results")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--distinct", type=int, help="generate only this many articles and cycle them (a large file, faster)"
    )
    parser.add_argument(
        "--reading-only", action="store_true", help="measure reading only (figures to warc_reading.txt)"
    )
    parser.add_argument("--measure", choices=("reading", "extraction", "nlp"), help=argparse.SUPPRESS)
    parser.add_argument("--warc", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        figures = {
            "reading": lambda: measure_reading(args.warc),
            "extraction": lambda: measure_extraction(args.warc, args.extract_sample),
            "nlp": lambda: measure_nlp(args.warc),
        }[args.measure]()
        print(json.dumps(figures))
        return 0
    folder = args.tmp / "wirehouse-warc-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "CC-NEWS-bench.warc.gz"
    try:
        print(f"writing {path} ({args.articles:,} articles) ...", file=sys.stderr)
        gen = generate(path, args.articles, args.pad_kb, distinct=args.distinct)
        print(f"  {gen['bytes'] / 1e6:,.0f} MB in {gen['seconds']} s; reading ...", file=sys.stderr)
        reading = _child("reading", path, [])
        if args.reading_only:
            lines = report_reading(gen, reading, args)
            print("\n".join(lines))
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "warc_reading.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            return 0
        print("  extraction ...", file=sys.stderr)
        extraction = _child("extraction", path, ["--extract-sample", str(args.extract_sample)])
        print("  NLP stage ...", file=sys.stderr)
        nlp = _child("nlp", path, [])
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
            folder.rmdir()
    lines = report(gen, reading, extraction, nlp, args)
    print("\n".join(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "warc.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "warc.json").write_text(
        json.dumps({"generated": gen, "reading": reading, "extraction": extraction, "nlp": nlp}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
