"""benchmarks/quote_eval.py: the speaker each gold convention is given."""
import importlib.util
import sys
from pathlib import Path

import pytest

from transforms.quotes import Attribution

QUOTE_EVAL_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "quote_eval.py"


@pytest.fixture(scope="module")
def quote_eval():
    # benchmarks/ is not a package: load the module from its path.
    spec = importlib.util.spec_from_file_location("benchmark_quote_eval", QUOTE_EVAL_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_reported_speaker_is_given_as_the_outer_source_in_the_written_convention(quote_eval):
    # “...,” Ruiz said, according to the Harbour Ledger.
    a = Attribution("Dana Ruiz", "e1", "Ruiz", "said", "Harbour Ledger", "cue")
    assert quote_eval.scorer_speaker(a, "written") == "Harbour Ledger"
    assert quote_eval.scorer_speaker(a, "canonical") == "Dana Ruiz"
    # "according to the Harbour Ledger" alone: the source is the speaker.
    b = Attribution("Harbour Ledger", "e2", "Harbour Ledger", None, "Harbour Ledger", "according_to")
    assert quote_eval.scorer_speaker(b, "written") == "Harbour Ledger"


def test_a_description_is_given_as_written_in_the_written_convention(quote_eval):
    a = Attribution("Kilby Council", "e3", "the council's spokeswoman", "said", None, "description")
    assert quote_eval.scorer_speaker(a, "written") == "the council's spokeswoman"
    assert quote_eval.scorer_speaker(a, "canonical") == "Kilby Council"
