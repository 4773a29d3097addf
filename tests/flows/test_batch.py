"""One batch path: the stages, the one task that runs them, and the plan that makes batches."""
from __future__ import annotations

from flows.batch import NLP_STAGE, STAGES, Batch, Done, plan, process
from flows.progress import RunProgress
from flows.settings import Settings
from transforms.article import article_id_for
from transforms.ingest import ParsedFile
from transforms.parse import RawDocument
from transforms.pipeline import ANALYSIS, BatchContext
from warehouse.ledger import BatchOutcome, Publisher
from warehouse.store import Warehouse

TEXTS = [
    '"We will reopen the yard," Ruiz said on Monday. The council agreed.',
    "The ferry sailed on time, the operator said.",
]


def parsed(path: str, *texts: str) -> ParsedFile:
    docs = [RawDocument(i, "fields", t, title=f"T{i}") for i, t in enumerate(texts)]
    return ParsedFile(path, path.replace("/", "") * 4, 10, "jsonl", docs)


def test_stages_are_the_analysis_then_stage_and_audit():
    assert [s.name for s in STAGES] == [*(name for name, _ in ANALYSIS), "stage", "audit"]
    assert NLP_STAGE in [s.name for s in STAGES]


def test_the_pipelined_split_runs_what_one_task_runs(tmp_path):
    """The one-worker pipeline runs STAGES in three stretches (before the NLP stage, the NLP
    stage, after it) and a Dask worker runs them in one: the same task, the same outcome."""
    settings = Settings(dir=tmp_path / "wh")
    Warehouse.from_settings(settings).initialise()
    files = [parsed("/a.jsonl", *TEXTS)]
    batch = Batch(BatchContext("r1-b0001", "r1", spacy_model=settings.spacy_model), files, settings, "t0")
    names = [s.name for s in STAGES]
    whole = batch.advanced(process.fn(batch, tuple(names)))
    split = names.index(NLP_STAGE)
    step = batch
    for stretch in (names[:split], [NLP_STAGE], names[split + 1 :]):
        step = step.advanced(process.fn(step, tuple(stretch)))
    assert isinstance(whole.value, BatchOutcome) and whole.value == step.value
    assert sorted(whole.value.article_file.values()) == ["/a.jsonl", "/a.jsonl"]
    assert whole.value.failed_articles == {}
    assert list(whole.seconds) == list(step.seconds) == names
    assert batch.value is files and batch.seconds == {}  # running stages changed nothing of its input


def test_an_article_over_the_length_limit_is_held_by_the_audit_and_the_others_pass(tmp_path):
    """The batch's context carries the setting to the analysis (which skips the article) and to the
    audit (which holds it, with the rule as its reason)."""
    settings = Settings(dir=tmp_path / "wh", max_article_chars=60)
    Warehouse.from_settings(settings).initialise()
    files = [parsed("/a.jsonl", *TEXTS)]
    [batch] = plan(list(files), settings, "r1", Publisher(Warehouse.from_settings(settings), "r1", set()), {},
                   lambda batch_files: batch_files, RunProgress("r1"))
    assert (len(TEXTS[0]), len(TEXTS[1])) == (67, 44)
    done = process.fn(batch, tuple(s.name for s in STAGES))
    first, second = (article_id_for(files[0].file_id, i) for i in (0, 1))
    assert done.value.failed_articles == {first: ["articles.length_within_limit"]}
    assert sorted(done.value.article_file) == sorted([first, second]) and done.value.rejected == {}


def test_plan_makes_each_batch_when_asked_with_the_contents_published_by_then(tmp_path):
    settings = Settings(dir=tmp_path / "wh", batch_size=2)
    publisher = Publisher(Warehouse.from_settings(settings), "r1", {"known-before"})
    whole = [parsed(f"/f{i}.jsonl", f"Story {i}.") for i in range(4)]
    files = [whole[0], whole[1], whole[2].released(), whole[3]]
    loads = []

    def load(batch_files):
        loads.append([f.path for f in batch_files])
        return [whole[int(f.path[2])] if f.released_count is not None else f for f in batch_files]

    progress = RunProgress("r1")
    batches = plan(files, settings, "r1", publisher, {"src": frozenset({1})}, load, progress)
    first = next(batches)
    assert files == []  # consumed: the plan holds the files now
    assert (progress.counts.batches, progress.counts.articles) == (2, 4)  # reported as planned
    publisher.known_contents["published-by-batch-1"] = ("a1", None)
    second = next(batches)
    assert next(batches, None) is None
    assert [b.batch_id for b in (first, second)] == ["r1-b0001", "r1-b0002"]
    assert [[f.path for f in b.files] for b in (first, second)] == [["/f0.jsonl", "/f1.jsonl"], ["/f2.jsonl", "/f3.jsonl"]]
    assert loads == [["/f2.jsonl", "/f3.jsonl"]] and second.files[0].documents == whole[2].documents
    assert "read" not in first.seconds and set(second.seconds) == {"read"}
    assert first.context.known_contents == frozenset({"known-before"})
    assert second.context.known_contents == frozenset({"known-before", "published-by-batch-1"})
    assert second.context.learned == {"src": frozenset({1})}
    assert second.context.nlp_groups == settings.nlp_groups and second.value is second.files
    assert (second.context.max_article_chars, second.context.nlp_chunk_chars) == (2_000_000, 50_000)


class _Future:
    """A submitted stretch of stages that ends after `delay` seconds, on a thread of its own; as
    much of a PrefectFuture as the pipeline uses."""

    def __init__(self, events: list, name: str, delay: float, done: Done):
        import concurrent.futures
        import threading

        self._final_state = None
        self._future: concurrent.futures.Future = concurrent.futures.Future()

        def end():
            events.append(f"{name} done")
            self._final_state = "Completed"
            self._future.set_result(done)

        threading.Timer(delay, end).start()

    def add_done_callback(self, callback):
        self._future.add_done_callback(lambda _: callback(self))

    def result(self):
        return self._future.result()


def test_the_pipeline_publishes_each_batch_once_audited_not_after_the_next_parse(tmp_path, monkeypatch):
    """With one worker, batch k-1 is yielded (published) as soon as it is staged and audited,
    while batch k is still parsed; so after the last parse only the last batch is left, and the
    batches still come in order."""
    from flows import batch as batch_module

    events: list[str] = []
    delays = {"before": 0.0, "nlp": 0.3, "after": 0.05}

    class Run:
        def submit(self, batch, names, in_parser=False):
            part = "nlp" if in_parser else "before" if names[0] == STAGES[0].name else "after"
            number = batch.context.batch_id[-1]
            return _Future(events, f"{part} {number}", delays[part], Done(f"{part} {number}", {part: 0.0}))

    monkeypatch.setattr(batch_module, "with_storage_retries", lambda process, settings: Run())
    settings = Settings(dir=tmp_path / "wh")
    batches = (Batch(BatchContext(f"r1-b000{n}", "r1", spacy_model=settings.spacy_model), [], settings, "t0")
               for n in (1, 2, 3))
    for finished in batch_module.pipelined(batches, settings):
        events.append(f"published {finished.value}")
    published = [e for e in events if e.startswith("published")]
    assert published == ["published after 1", "published after 2", "published after 3"]
    assert events.index("published after 1") < events.index("nlp 2 done")
    assert events.index("published after 2") < events.index("nlp 3 done")
    assert events[-3:] == ["nlp 3 done", "after 3 done", "published after 3"]
