from pathlib import Path

from expectations.__main__ import rules_markdown

PROJECT = Path(__file__).resolve().parents[2]


def test_expectations_doc_is_current():
    assert (PROJECT / "docs" / "expectations.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/expectations.md is stale: regenerate with `python -m expectations > docs/expectations.md`")
