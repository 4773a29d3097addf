"""Warm-up: load the spaCy model and build the Great Expectations context in a background
thread while the process waits on something else (Prefect's temporary server starting, the
input files being read), so the first batch does not pay for them. Both loaders are
thread-safe and cached per process; an error here is left for the real call to raise."""
from __future__ import annotations

import threading

from flows.settings import Settings


def warm_in_background(settings: Settings) -> threading.Thread:
    def warm() -> None:
        try:
            from transforms.nlp import load_pipeline

            load_pipeline(settings.spacy_model)
            from expectations import warm_up

            warm_up()
        except Exception:  # noqa: BLE001 - the flow's own load reports it properly
            pass

    thread = threading.Thread(target=warm, name="wirehouse-warm-up", daemon=True)
    thread.start()
    return thread


def dask_setup(worker) -> None:
    """Dask preload hook (`dask worker ... --preload flows.warm`, and our local clusters): each
    worker process warms up as it starts, with the settings of its environment."""
    warm_in_background(Settings())
