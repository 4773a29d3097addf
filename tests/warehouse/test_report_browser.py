"""The quality report in a real browser: three real `wirehouse run`s over the sample dumps (the
text folder; then HTML, JSON Lines and broken files added; then nothing new), a reviewer's
decision, and the report opened in headless Chromium: every chart drew a mark per row of its
data, the console logged nothing (a CSP violation would be an error there), and a screenshot."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import Browser, chromium
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples" / "dumps"

# Per chart: its id, and per mark: its text alternative and its row of the data table.
CHARTS = """JSON.stringify([...document.querySelectorAll('figure')].map(f => ({
  id: f.id,
  title: f.getAttribute('aria-label'),
  rows: [...f.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => td.textContent)),
  marks: [...f.querySelectorAll('svg .role-mark [role=graphics-symbol]')].map(m => {
    const box = m.getBBox();
    return {label: m.getAttribute('aria-label'), drawn: box.width > 0 || box.height > 0};
  }),
})))"""


def wirehouse(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, cwd=PROJECT, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    if chromium() is None:
        pytest.fail("no Chromium on PATH: install Debian's chromium package (.ci/run does)")
    root = tmp_path_factory.mktemp("browser")
    landing, wh = root / "landing", root / "wh"
    shutil.copytree(EXAMPLES / "text", landing / "text")
    wirehouse("run", str(landing), "-w", str(wh))
    for folder in ("html", "jsonl", "broken"):
        shutil.copytree(EXAMPLES / folder, landing / folder)
    wirehouse("run", str(landing), "-w", str(wh))
    wirehouse("run", str(landing), "-w", str(wh))  # nothing new
    held_quote = Warehouse(wh).query("SELECT quote_id FROM quarantine.quotes").quote_id.tolist()
    assert len(held_quote) == 1
    wirehouse("quarantine", "drop", held_quote[0], "--reason", "a heckler, not a source", "-w", str(wh))
    return wh / "reports" / "quality.html"


def test_every_chart_draws_its_data_and_the_console_stays_clean(report, tmp_path):
    import json

    with Browser(width=1280) as browser:
        page = browser.open(report.as_uri())
        charts = json.loads(browser.evaluate(CHARTS))
        items = browser.evaluate(
            "[...document.querySelectorAll('details.item')].map(d => d.querySelector('.badge').textContent)"
        )
        shot = browser.screenshot(tmp_path / "report.png")
    assert page.errors == [] and page.console == []
    assert [c["id"] for c in charts] == [
        "chart-outcomes", "chart-held", "chart-quotes", "chart-residue", "chart-timings", "chart-sources",
        "chart-speakers", "chart-clusters"]
    for chart in charts:
        assert chart["title"] and chart["rows"], chart["id"]  # a text alternative, and its data
        assert all(m["drawn"] for m in chart["marks"]), chart["id"]
        assert sorted(m["label"] for m in chart["marks"]) == sorted(
            f"{r[0]}, {r[1]}: {r[2]}" + (f" ({r[3]})" if len(r) > 3 else "") for r in chart["rows"]), chart["id"]
    outcomes = {c["id"]: c for c in charts}["chart-outcomes"]["rows"]
    # run 1: the text folder (6 published, the German article held); run 2: HTML and JSON Lines
    # (8 published, the residue-only record held) and two broken files; run 3 found nothing new
    assert [row[1:] for row in outcomes] == [
        ["published", "6"], ["held", "1"], ["published", "8"], ["held", "1"], ["rejected files", "2"]]
    assert [row[0][:2] for row in outcomes] == ["#1", "#1", "#2", "#2", "#2"]
    assert sorted(items) == ["dropped", "pending", "pending"]  # two articles held, the quote dropped
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG's IHDR
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and width == 1280 and height > 3000


def test_the_console_check_sees_a_content_security_policy_violation(report, tmp_path):
    """The clean console above means something: an inline style the policy does not name is
    refused, and the browser logs it as an error."""
    html = report.read_text(encoding="utf-8").replace("<h1>", '<h1 style="color: red">', 1)
    tampered = tmp_path / "tampered.html"
    tampered.write_text(html, encoding="utf-8")
    with Browser() as browser:
        page = browser.open(tampered.as_uri())
    assert len(page.errors) == 1 and "Content Security Policy" in page.errors[0]
