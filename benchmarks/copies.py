"""Copy detection (transforms.copies) on a generated benchmark of copies and of distinct articles
about the same story: precision, recall, merges of distinct articles, time and memory per article.

    .venv/bin/python benchmarks/copies.py [--stories 300] [--seed 7] [--thresholds 0.6,0.7,0.8,0.9]

Every document is a page copy of a fictional source (benchmarks/corpus.py: menus, bylines,
residue, footers of its own), cleaned by the real cleaner (transforms.clean.clean_document), then
signed and matched the way the publisher does it (transforms.copies: signature, CopyIndex.match,
CopyIndex.add), in one shuffled order. For each story:

- the original article, on its own source;
- five copies on other sources: syndicated (the headline rewritten, one word changed, a wire
  credit line added), trimmed (the same, its last paragraph cut, as a subscriber trims wire copy
  to fit), updated (a paragraph added at the end and a figure changed), edited (one word in
  every 150 changed), restyled (straight quotation marks and apostrophes for curly ones, the
  paragraphs' line breaks and the page furniture its own);
- two distinct articles about the same story on other sources: another article on the same topic
  from the same templates, carrying the original's two paragraphs with quotations (the same
  speakers, the same words quoted) and its first paragraph reworded (every fourth word changed);
  and a follow-up by the original's source that repeats its background (the original's last
  two paragraphs) under new reporting.

A document is a copy when it is one of its story's copies. Scored over the documents that come
after another document of their own story in the order (those the index could find): a copy
linked to its own story is a true positive, a copy left alone a false negative, a link to
another story's document, or from a distinct article, a false positive. "merges" counts links
from a distinct article (same story or not) to any other document: the goal is none.

Time per article: signature and match (median of the per-document times, and the total), beside
the cleaner's time for scale. Memory: the CopyIndex's Python allocations per indexed article
(tracemalloc), and the signature stored per article in the warehouse (minhashes.signature).
Writes the figures to benchmarks/results/copies.txt.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, replace
from pathlib import Path
from random import Random

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))

import corpus  # noqa: E402  (benchmarks/corpus.py)

from transforms.clean import clean_document  # noqa: E402
from transforms.copies import DEFAULT_COPY_THRESHOLD, NUM_PERM, CopyIndex, signature  # noqa: E402
from transforms.parse import RawDocument  # noqa: E402

RESULTS = PROJECT / "benchmarks" / "results"
COPY_KINDS = ("syndicated", "trimmed", "updated", "edited", "restyled")
DISTINCT_KINDS = ("same-story", "follow-up")
WORD = re.compile(r"\b[a-z]{4,}\b")
FILLERS = ("notably", "reportedly", "again", "also", "still", "meanwhile", "indeed", "locally")


@dataclass
class Document:
    doc_id: str
    story: int
    kind: str  # original, a COPY_KINDS or a DISTINCT_KINDS
    key: str  # its version_key: every document is its own page
    body: str = ""
    n_shingles: int = 0
    sig: bytes | None = None


def _change_words(rng: Random, text: str, every: int) -> str:
    """One lowercase word of four letters or more in every `every` words replaced."""
    words = text.split(" ")
    for i in range(rng.randrange(every), len(words), every):
        if WORD.fullmatch(words[i]):
            words[i] = rng.choice(FILLERS)
    return " ".join(words)


def _page(article: corpus.Article, source_index: int, seed: int, paragraphs: list[str], title: str) -> str:
    """The article as a page copy of another source (its furniture, its residue)."""
    source = corpus.SOURCES[source_index % len(corpus.SOURCES)]
    moved = replace(article, source=source, paragraphs=paragraphs, title=title, extras={
        "rng": Random(f"page/{seed}/{article.index}/{source_index}/{title}")})
    return corpus.render_txt(moved, corpus._furniture(seed, source_index % len(corpus.SOURCES)))


def story_documents(seed: int, story: int) -> list[tuple[Document, str]]:
    rng = Random(f"copies/{seed}/{story}")
    home = story % len(corpus.SOURCES)
    original = corpus.make_article(seed, story, corpus.SOURCES[home])
    paras = list(original.paragraphs)
    others = [s for s in range(len(corpus.SOURCES)) if s != home]
    rng.shuffle(others)
    credit = f"Reporting by {rng.choice(corpus.FEMALE)} {rng.choice(corpus.LAST)} for the Coastline Wire Service."
    one_word = _change_words(rng, paras[0], max(8, len(paras[0].split(" ")) - 1))
    syndicated = [one_word, *paras[1:], credit]
    updated = [*paras[:-1], re.sub(r"\d+", lambda m: str(int(m.group()) + 1), paras[-1], count=1),
               "Update: the council said on Thursday evening that it would publish the full figures next week."]
    edited = [_change_words(rng, p, 150) if len(p.split(" ")) > 20 else p for p in paras]
    restyled = [p.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'") for p in paras]
    quoted = [p for p in paras if "\u201c" in p or '"' in p][:2]
    other = corpus.make_article(seed + 1, 100_000 + story, corpus.SOURCES[home])
    same_story = [_change_words(rng, paras[0], 4), *other.paragraphs[1:3], *quoted, *other.paragraphs[3:]]
    follow_up = corpus.make_article(seed + 2, 200_000 + story, corpus.SOURCES[home]).paragraphs + paras[-2:]
    title = original.title
    versions = [
        ("original", home, paras, title),
        ("syndicated", others[0], syndicated, f"Wire: {title.lower()}"),
        ("trimmed", others[1], syndicated[:-2] + [credit], title),
        ("updated", others[2], updated, f"{title} (updated)"),
        ("edited", others[3], edited, title),
        ("restyled", others[4], restyled, title.upper()),
        ("same-story", others[5], same_story, f"What the {original.topic} decision means"),
        ("follow-up", home, follow_up, f"Follow-up: {title.lower()}"),
    ]
    docs = []
    for kind, source, body_paras, headline in versions:
        doc = Document(f"{story}/{kind}", story, kind, f"url:{corpus.SOURCES[source].domain}/{story}/{kind}")
        docs.append((doc, _page(original, source, seed, body_paras, headline)))
    return docs


def score(docs: list[Document], threshold: float) -> dict:
    """Feed the documents in order to a CopyIndex as the publisher does; count the outcomes."""
    index = CopyIndex(threshold)
    by_id = {d.doc_id: d for d in docs}
    indexed_stories: set[int] = set()  # stories with a version of them (not a distinct article) indexed
    tp = fp = fn = merges = 0
    match_seconds: list[float] = []
    misses: dict[str, int] = {}
    for d in docs:
        started = time.perf_counter()
        found = index.match(d.key, d.sig, d.n_shingles)
        match_seconds.append(time.perf_counter() - started)
        linked = by_id[found.of] if found is not None and not found.version else None
        findable = d.kind not in DISTINCT_KINDS and d.story in indexed_stories
        if linked is not None:
            if d.kind in DISTINCT_KINDS or linked.kind in DISTINCT_KINDS:
                merges += 1
            if findable and linked.story == d.story and linked.kind not in DISTINCT_KINDS:
                tp += 1
            else:
                fp += 1
            continue
        if findable:
            fn += 1
            misses[d.kind] = misses.get(d.kind, 0) + 1
        index.add(d.doc_id, d.key, d.sig, d.n_shingles)
        if d.kind not in DISTINCT_KINDS:
            indexed_stories.add(d.story)
    return {"tp": tp, "fp": fp, "fn": fn, "merges": merges, "misses": misses, "match_seconds": match_seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--thresholds", default="0.6,0.7,0.8,0.9")
    args = parser.parse_args(argv)

    docs: list[Document] = []
    clean_seconds, sign_seconds = [], []
    for story in range(args.stories):
        for doc, page in story_documents(args.seed, story):
            started = time.perf_counter()
            doc.body = clean_document(RawDocument(0, "text", page)).body
            clean_seconds.append(time.perf_counter() - started)
            started = time.perf_counter()
            doc.n_shingles, doc.sig = signature(doc.body)
            sign_seconds.append(time.perf_counter() - started)
            docs.append(doc)
    Random(f"order/{args.seed}").shuffle(docs)
    words = statistics.median(len(d.body.split()) for d in docs)

    lines = [
        f"Copy detection on {len(docs)} generated page copies: {args.stories} stories x (original, "
        f"{len(COPY_KINDS)} copies, {len(DISTINCT_KINDS)} distinct articles), seed {args.seed}, "
        f"median body {words:.0f} words, cleaned by transforms.clean, shuffled.",
        "",
        "threshold  precision  recall  copies found  missed  false links  merges of distinct articles",
    ]
    results = {}
    for threshold in (float(t) for t in args.thresholds.split(",")):
        r = score(docs, threshold)
        results[threshold] = r
        precision = r["tp"] / (r["tp"] + r["fp"]) if r["tp"] + r["fp"] else 1.0
        recall = r["tp"] / (r["tp"] + r["fn"]) if r["tp"] + r["fn"] else 1.0
        r["precision"], r["recall"] = precision, recall
        default = "  (default)" if threshold == DEFAULT_COPY_THRESHOLD else ""
        lines.append(f"{threshold:9.2f}  {precision:9.3f}  {recall:6.3f}  {r['tp']:12d}  {r['fn']:6d}  "
                     f"{r['fp']:11d}  {r['merges']:6d}{default}")
    lines.append("")
    for threshold, r in results.items():
        if r["misses"]:
            missed = ", ".join(f"{k} {n}" for k, n in sorted(r["misses"].items()))
            lines.append(f"missed at {threshold:.2f}: {missed}")

    # Time and memory per article, at the default threshold.
    default = results.get(DEFAULT_COPY_THRESHOLD) or score(docs, DEFAULT_COPY_THRESHOLD)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = CopyIndex(DEFAULT_COPY_THRESHOLD)
    for d in docs:
        index.add(d.doc_id, d.key, d.sig, d.n_shingles)
    index_bytes = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    ms = 1000
    lines += [
        "",
        f"per article (median): clean {statistics.median(clean_seconds) * ms:.2f} ms, "
        f"signature {statistics.median(sign_seconds) * ms:.2f} ms, "
        f"match {statistics.median(default['match_seconds']) * ms:.3f} ms",
        f"all {len(docs)} articles: signatures {sum(sign_seconds):.2f} s, matches "
        f"{sum(default['match_seconds']):.2f} s (cleaning {sum(clean_seconds):.2f} s)",
        f"memory: the CopyIndex holds {index_bytes / len(docs) / 1024:.1f} KiB per indexed article "
        f"({len(docs)} articles, tracemalloc); each stores a {NUM_PERM * 4}-byte signature in minhashes",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "copies.txt").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
