"""The auditor process: with one worker and a running Prefect API, `wirehouse run` and
`wirehouse reprocess` audit each staged batch with Great Expectations in a process of their own
(flows.child), started with the command just after the parser process.

Importing Great Expectations and building its suites costs about 1.3 s of CPU alone, and about
2.3 s in the run's process, where it takes turns for the interpreter lock with Prefect's and the
project's imports and the flow: nothing else is waited for against a running API, so that is
the run's critical path (one article: 6.28 s with GX in the run's process, 5.45 s with the
auditor, medians of 4 side by side). With Prefect's temporary server the run's process waits
for its boot anyway and loads GX meanwhile; there, a process more only slowed the boot (7.35 ->
8.60 s), so GX stays in the run's process. What travels: the staged frames the run read back
from the lake go in (the audit is still of what was staged), the AuditResult comes back.

`audit` uses the process once `start` was called in this process, and audits here otherwise:
`wirehouse serve` keeps GX loaded in its own process between runs, and a Dask worker audits the
batches it ran. If the process dies, the batch in it fails as a stage that raised does, and the
next batch starts a new one."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from flows.child import Child, ChildDied, Slot, answer, receive, replies_only

if TYPE_CHECKING:
    import pandas as pd

    from expectations import AuditResult


class AuditorDied(ChildDied):
    """The auditor process ended while it held a batch; the message says how."""


_slot = Slot(lambda _: Child("flows.auditor", [], "auditor", AuditorDied))
_started = False


def start() -> None:
    """Start the auditor process now (from the main thread: see flows.child.Child), and audit
    there from now on."""
    global _started
    _started = True
    _slot.current()


def started() -> bool:
    """Whether this process audits in the auditor process."""
    return _started


def audit(
    tables: Mapping[str, pd.DataFrame],
    languages: frozenset = frozenset({"en"}),
    max_article_chars: int | None = None,
    boilerplate: Mapping[str, frozenset[int]] | None = None,
) -> AuditResult:
    """expectations.audit_batch, in the auditor process once started, else in this one."""
    if not _started:
        from expectations import audit_batch

        return audit_batch(tables, languages, max_article_chars, boilerplate)
    return _slot.call(None, ("audit", dict(tables), languages, max_article_chars, boilerplate))


def stop() -> None:
    """Stop the auditor process (also done at exit); audits go on in this process."""
    global _started
    _started = False
    _slot.stop()


def _serve() -> None:
    """The process's loop: load GX and the suites, then answer audits until stdin closes."""
    requests, replies = replies_only()
    from expectations import audit_batch, warm_up

    with contextlib.suppress(Exception):  # what GX raised then, each audit raises: it says why
        warm_up()
    while True:
        try:
            request = receive(requests)
        except EOFError:
            return
        try:
            _, tables, languages, max_article_chars, boilerplate = request
            reply: tuple = (True, audit_batch(tables, languages, max_article_chars, boilerplate))
        except Exception as exc:
            reply = (False, exc)
        answer(replies, reply, "auditor")


if __name__ == "__main__":
    _serve()
