"""Peak memory and outcome of `wirehouse run` over a hostile corpus, made here (never in git).

    .venv/bin/python benchmarks/hostile.py [--out benchmarks/results]

The corpus (all generated in a temporary folder): the bundled sample articles; a gzip bomb
(1 GiB of zeros in ~1 MB); articles of 950,000, 1,200,000 and 2,500,000 characters; text with
a stray byte, UTF-16 with a BOM, Windows-1251; values that look like Rich markup and spreadsheet
formulas; JSON nested 100,000 deep, invalid JSON, binary data; a named pipe, a socket, a device
link, a symlink loop and a broken link. The run is a real `wirehouse run` in its own process,
whose process tree is sampled every 0.1 s for its resident memory (RSS).

Prints the exit code, time, peak RSS of the run's process and of its whole tree (with the
temporary Prefect server), the ledger's verdict on every input, and writes the same to
benchmarks/results/hostile.txt. Figures are for this machine only (see `machine:`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
RESULTS = PROJECT / "benchmarks" / "results"
MB = 1_000_000

SENTENCES = [
    "The council voted on Tuesday to reopen the Alder bridge after repairs.",
    "“We have waited long enough for this crossing,” said Ana Ruiz, the mayor of Ashford.",
    "Engineers found the old piers sound, but the deck needed new steel beams.",
    "Traffic on the ferry route fell by a third during the works, the harbour office said.",
    "Residents were asked to comment on the plans at the library until the end of the month.",
]


def long_article(chars: int, title: str) -> str:
    """An article of about `chars` characters: paragraphs of our own sentences, varied so that
    no line repeats (a repeated line would be learned as boilerplate)."""
    paragraphs, size, n = [], 0, 0
    while size < chars:
        n += 1
        words = " ".join(s.replace("bridge", f"bridge (section {_words(n)})") for s in SENTENCES)
        paragraphs.append(words)
        size += len(words) + 2
    return f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"


def _words(n: int) -> str:
    names = ["north", "south", "east", "west", "upper", "lower", "inner", "outer", "old", "new"]
    out = []
    while True:
        out.append(names[n % 10])
        n //= 10
        if n == 0:
            return "-".join(out)


def gzip_bomb(path: Path, total: int) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    chunk = bytes(MB)
    with open(path, "wb") as out:
        for _ in range(total // MB):
            out.write(compressor.compress(chunk))
        out.write(compressor.flush())


def make_corpus(root: Path) -> list:
    shutil.copytree(PROJECT / "examples" / "dumps", root / "sample")
    hostile = root / "hostile"
    hostile.mkdir()
    gzip_bomb(hostile / "bomb.txt.gz", 1024 * 1024 * 1024)
    for chars in (950_000, 1_200_000, 2_500_000):
        (hostile / f"long-{chars}.txt").write_text(
            long_article(chars, f"A very long report ({chars})"), "utf-8"
        )
    body = "Title of a plain story\n\n" + " ".join(SENTENCES) + "\n"
    stray = body.encode().replace(b"Tuesday", b"Tues\x81day")
    (hostile / "stray-byte.txt").write_bytes(stray)
    (hostile / "utf16.txt").write_bytes(b"\xff\xfe" + body.replace("Alder", "Birch").encode("utf-16-le"))
    russian = "Новости города\n\nГородской совет во вторник проголосовал за открытие моста.\n"  # noqa: RUF001
    (hostile / "cp1251.txt").write_bytes(russian.encode("cp1251"))
    (hostile / "markup.txt").write_text(
        "[bold]Markup[/bold] in a [link=http://example.com]title[/link]\n\n" + body.replace("Alder", "Cedar"),
        "utf-8",
    )
    (hostile / "formula.jsonl").write_text(
        '{"title": "=HYPERLINK(\\"http://example.com\\")", "maintext": "'
        + " ".join(SENTENCES).replace('"', '\\"').replace("Alder", "Elm")
        + '"}\n',
        "utf-8",
    )
    (hostile / "deep.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    (hostile / "invalid.jsonl").write_text('{"title": "x", "maintext": \n', "utf-8")
    (hostile / "binary.txt").write_bytes(os.urandom(4096))
    return [special_entries(hostile)]


def special_entries(folder: Path) -> socket.socket:
    """Entries that are not regular files: a named pipe, a socket (returned: close it when done),
    a device through a link, a symlink loop and a broken link."""
    os.mkfifo(folder / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "socket.txt"))
    os.symlink("/dev/null", folder / "device.txt")
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    os.symlink(folder / "gone.txt", folder / "broken.txt")
    return server


def run_and_sample(corpus: Path, warehouse: Path) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", str(corpus), "-w", str(warehouse)],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    main = psutil.Process(proc.pid)
    peak_main = peak_tree = 0
    while proc.poll() is None:
        try:
            rss_main = main.memory_info().rss
            tree = rss_main + sum(c.memory_info().rss for c in main.children(recursive=True))
        except psutil.Error:
            continue
        peak_main, peak_tree = max(peak_main, rss_main), max(peak_tree, tree)
        time.sleep(0.1)
    out, err = proc.communicate()
    return {
        "exit": proc.returncode,
        "seconds": time.perf_counter() - started,
        "peak_main": peak_main,
        "peak_tree": peak_tree,
        "stdout": out,
        "stderr": err,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    from warehouse.store import Warehouse

    with tempfile.TemporaryDirectory(prefix="wirehouse-hostile-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        keep = make_corpus(corpus)
        result = run_and_sample(corpus, Path(tmp) / "wh")
        for handle in keep:
            handle.close()
        wh = Warehouse(Path(tmp) / "wh")
        ledger = wh.query(
            "SELECT path, status, coalesce(reason, '') AS reason, encoding, replaced_bytes "
            "FROM files ORDER BY path"
        )
        held = wh.query("SELECT source_uri, reason FROM quarantine.articles ORDER BY source_uri")
    lines = [
        f"# Wirehouse over a hostile corpus ({time.strftime('%Y-%m-%d %H:%M')})",
        f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB",
        f"exit code: {result['exit']}    time: {result['seconds']:.1f} s",
        f"peak RSS of the run's process: {result['peak_main'] / MB:.0f} MB",
        f"peak RSS of its process tree (with Prefect's temporary server): {result['peak_tree'] / MB:.0f} MB",
        "",
        "ledger (path relative to the corpus, status, reason, encoding, replaced bytes):",
    ]
    for row in ledger.itertuples():
        name = os.path.relpath(row.path, corpus)
        lines.append(f"  {name}: {row.status} {row.reason} [{row.encoding}, {row.replaced_bytes}]".rstrip())
    lines.append("held articles:")
    lines += [f"  {os.path.relpath(r.source_uri, corpus)}: {r.reason}" for r in held.itertuples()]
    if result["stderr"]:
        lines += ["stderr:", result["stderr"]]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "hostile.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
