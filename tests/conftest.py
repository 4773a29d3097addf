"""Shared fixtures: the real spaCy model, the shared seed (skipped when ../shared is absent)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.prefect_env import apply_quiet_defaults

apply_quiet_defaults()  # the test session is a command: Prefect's quiet defaults before it is imported

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT / "examples" / "dumps"
SHARED = Path(os.environ.get("WIREHOUSE_SHARED", PROJECT.parent / "shared"))
SEED = SHARED / "seeds" / "000_38ddffedfffae26d.txt"


@pytest.fixture(scope="session")
def nlp():
    from flows.settings import Settings
    from transforms.nlp import load_pipeline

    return load_pipeline(Settings().spacy_model)


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the shared seed {SEED} is absent (../shared is not checked out beside the project)")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fast_tier_starts_no_process(request, monkeypatch):
    """A test outside the e2e tier that starts a process (a subprocess, Prefect's temporary
    server, a Dask cluster) fails at once, so the fast tier stays fast and its marker stays true."""
    if request.node.get_closest_marker("e2e") is not None:
        return
    import subprocess

    def refuse(self, args, *rest, **kwargs):
        raise AssertionError(f"{request.node.nodeid} starts a process ({args!r}): mark it e2e")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
