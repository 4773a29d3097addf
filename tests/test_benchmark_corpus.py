"""benchmarks/corpus.py: the synthetic corpus is deterministic, mixed and sized like news."""
import gzip
import importlib.util
import json
import statistics
import sys
from pathlib import Path

import pytest

from flows.settings import Settings
from transforms.parse import parse_raw

CORPUS_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus.py"


@pytest.fixture(scope="module")
def corpus():
    # benchmarks/ is not a package: load the module from its path.
    spec = importlib.util.spec_from_file_location("benchmark_corpus", CORPUS_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(corpus, tmp_path):
    first = corpus.generate(tmp_path / "a", 30, seed=11)
    second = corpus.generate(tmp_path / "b", 30, seed=11)
    assert first == second
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert a and a == b
    other = corpus.generate(tmp_path / "c", 30, seed=12)
    assert other != first


def test_two_worker_processes_write_the_same_corpus(corpus, tmp_path):
    corpus.generate(tmp_path / "one", 40, seed=3, jobs=1)
    corpus.generate(tmp_path / "two", 40, seed=3, jobs=2)
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_format_mix_and_manifest_match_the_files(corpus, tmp_path):
    root = tmp_path / "corpus"
    manifest = corpus.generate(root, 120, seed=5)
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == {e["path"] for e in manifest}
    assert len({e["path"].split("/")[0] for e in manifest}) >= 6  # spread over the source folders
    by_format: dict[str, int] = {}
    texts: set[str] = set()
    for entry in manifest:
        path = root / entry["path"]
        assert entry["format"] == path.name.split(".", 1)[1]
        by_format[entry["format"]] = by_format.get(entry["format"], 0) + entry["articles"]
        documents = parse_raw(path.name, path.read_bytes(), Settings().input_limits).documents  # as read
        assert len(documents) == entry["articles"] == len(entry["article_words"])
        assert entry["words"] == sum(entry["article_words"])
        if entry["format"].endswith(".gz"):
            assert path.read_bytes()[:2] == b"\x1f\x8b"
        if entry["format"].startswith("jsonl"):
            raw = path.read_bytes()
            lines = (gzip.decompress(raw) if entry["format"].endswith(".gz") else raw).decode().splitlines()
            for line in lines:
                record = json.loads(line)
                assert {"title", "url", "date_publish", "authors"} <= set(record)
                assert record.get("maintext") or record.get("text")
        texts.update(doc.content for doc in documents)
    assert len(texts) == 120  # every article distinct
    n = sum(by_format.values())
    assert n == 120
    txt = by_format.get("txt", 0) + by_format.get("txt.gz", 0)
    jsonl = by_format.get("jsonl", 0) + by_format.get("jsonl.gz", 0)
    assert 0.55 <= txt / n <= 0.85
    assert by_format.get("html", 0) >= 6 and jsonl >= 6
    totals = corpus.summary(manifest)
    assert totals["articles"] == 120 and totals["files"] == len(manifest)
    assert totals["words"] == sum(e["words"] for e in manifest)
    # about one quotation per 80-120 words
    assert 70 <= totals["words"] / totals["quotes"] <= 130


def test_lengths_are_drawn_like_news(corpus, tmp_path):
    manifest = corpus.generate(tmp_path / "many", 400, seed=2)
    words = [w for entry in manifest for w in entry["article_words"]]
    assert len(words) == 400
    assert 450 <= statistics.median(words) <= 750
    assert min(words) >= corpus.MIN_WORDS - 40  # the closing paragraph may fall a little short
    assert max(words) <= corpus.MAX_WORDS + 120  # ... or run a little past the target
    assert sum(w > 2000 for w in words) >= 8  # a long tail


def test_cli_writes_a_hidden_manifest_and_prints_totals(corpus, tmp_path, capsys):
    assert corpus.main([str(tmp_path / "cli"), "--articles", "12", "--seed", "4", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "12 articles" in out and "median" in out and "p99" in out
    manifest = json.loads((tmp_path / "cli" / ".manifest.json").read_text(encoding="utf-8"))
    assert sum(e["articles"] for e in manifest) == 12
