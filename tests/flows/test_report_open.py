"""`wirehouse report --open`: the report opened in the browser Python's webbrowser finds (the
BROWSER variable here, a command that records what it was asked to open), or one plain line
when there is none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # runs the `wirehouse` command as a subprocess

PROJECT = Path(__file__).resolve().parents[2]
# What makes webbrowser look for a desktop or console browser on Linux.
BROWSER_HINTS = ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "TERM")


def report_open(wh: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in BROWSER_HINTS}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "report", "--open", "-w", str(wh)],
        capture_output=True, text=True, cwd=PROJECT, timeout=300, env={**clean, **env},
    )


@pytest.fixture()
def warehouse(tmp_path) -> Path:
    wh = Warehouse(tmp_path / "wh")
    wh.initialise()
    return wh.root


def test_open_hands_the_report_to_the_users_browser(warehouse, tmp_path):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    result = report_open(warehouse, BROWSER=str(browser))
    report = warehouse / "reports" / "quality.html"
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{report}\n"
    assert result.stderr == f"opened in your web browser ({browser})\n"
    assert opened.read_text(encoding="utf-8") == report.as_uri()


def test_open_says_so_when_there_is_no_browser(warehouse):
    result = report_open(warehouse)
    assert result.returncode == 0  # the report was written; only opening it could not be done
    assert result.stdout == f"{warehouse / 'reports' / 'quality.html'}\n"
    assert result.stderr == (
        "no web browser is available here; open the file above in one, or set BROWSER to a browser command\n"
    )
