"""Warm-up: load the spaCy model (or start the parser process that loads it, flows.parser),
build the Great Expectations context, run the cleaning libraries once (warm_cleaning), build a
copy index (warm_copies) and start the charts' renderer, in a background thread while the
process waits on something else (Prefect's temporary server starting, the input files being
read), so the first batch and the report do not pay for them. The loaders are thread-safe and
cached per process; an error here is left for the real call to raise.

Once loaded, the model's and the libraries' objects are frozen out of the garbage collector's
reach (gc.freeze): they live as long as the process, and a full collection would otherwise walk
them again and again while the rules allocate."""

from __future__ import annotations

import gc
import logging
import threading
from contextlib import suppress

from flows.settings import Settings


def warm_all(settings: Settings, parse_here: bool = False, charts: bool = True) -> None:
    """Load now what every run uses: the model (in this process when it parses here, a Dask
    worker; else in the parser process, flows.parser), the GX suites (here, unless the auditor
    process audits: flows.auditor), the cleaning libraries,
    the copy index and (where a report is written: charts) the chart renderer; then freeze
    them out of the garbage collector's reach."""
    if parse_here:
        from transforms.nlp import load_pipeline

        load_pipeline(settings.spacy_model)
    else:
        from flows import parser

        parser.start(settings.spacy_model)
    from flows import auditor

    if not auditor.started():  # else GX loads in the auditor process
        from expectations import warm_up

        warm_up()
    warm_cleaning()
    warm_copies()
    if charts:
        from warehouse.charts import warm_up as warm_charts

        warm_charts()
    gc.freeze()


def warm_in_background(settings: Settings, parse_here: bool = False, charts: bool = True) -> threading.Thread:
    def warm() -> None:
        with suppress(Exception):
            warm_all(settings, parse_here, charts)

    thread = threading.Thread(target=warm, name="wirehouse-warm-up", daemon=True)
    thread.start()
    return thread


def warm_cleaning() -> None:
    """trafilatura's and lxml's first page: imports and set-up, ~1.5 s. (lingua's detector is
    left to the first article that is not plainly English: ~60 MB a process that an English-only
    corpus never needs.)"""
    from transforms.clean import clean_document
    from transforms.parse import RawDocument

    clean_document(
        RawDocument(
            0,
            "html",
            "<html><body><article><p>" + "A warm-up paragraph. " * 20 + "</p></article></body></html>",
        )
    )


def warm_copies() -> None:
    """The copy index's first use: datasketch and the scipy.integrate it imports to size its LSH
    bands, ~0.5 s, which the first publish (on a one-batch run, the last) would pay."""
    from transforms.copies import CopyIndex

    CopyIndex()


def dask_setup(worker) -> None:
    """Dask preload hook (`dask worker ... --preload flows.warm`, and our local clusters): each
    worker process warms up as it starts, with the settings of its environment."""
    from flows.prefect_env import apply_quiet_defaults

    apply_quiet_defaults()  # a worker is a command's process too: quiet before it imports Prefect
    warm_in_background(Settings(), parse_here=True, charts=False)  # it parses; it writes no report


# A local cluster: single-threaded worker processes (spaCy is not shared between threads), each
# warming up as it starts. The scheduler's HTTP endpoint (health, and the dashboard when bokeh is
# installed) takes a free port: a second cluster on the machine must not collide on 8787.
LOCAL_CLUSTER = {
    "threads_per_worker": 1,
    "processes": True,
    "dashboard_address": ":0",
    "preload": ["flows.warm"],
}


def start_local_cluster(workers: int):
    """A local Dask cluster of `workers` processes (LOCAL_CLUSTER), started now: `wirehouse run
    --workers N` starts it while Prefect's server boots, so the workers load the model meanwhile."""
    from distributed import LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)  # not the cluster's INFO chatter
    return LocalCluster(n_workers=workers, **LOCAL_CLUSTER)
