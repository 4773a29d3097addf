"""GX imports scipy.stats for distribution expectations our suites never use; the audit defers
it (expectations.audit.DEFERRED_IMPORTS). Checked in a fresh interpreter: the GX runtime is
built without executing scipy.stats, and the module still works when something uses it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e  # a fresh interpreter, to see what importing GX executes

PROJECT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from expectations.audit import _runtime
_runtime()
stats = sys.modules["scipy.stats"]
print("executed" if "norm" in object.__getattribute__(stats, "__dict__") else "deferred")
from scipy import stats
print(stats.norm.cdf(0.0))
"""


def test_gx_runtime_is_built_without_executing_scipy_stats():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=PROJECT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["deferred", "0.5"]
