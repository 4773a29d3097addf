"""A batch: duplicates within and across runs, and one failing document rejecting only its file."""
import copy
from dataclasses import replace

import transforms.pipeline as pipeline
from flows.settings import Settings
from transforms.ingest import ParsedFile
from transforms.parse import RawDocument


def parsed(path: str, *texts: str) -> ParsedFile:
    docs = [RawDocument(i, "fields", t, title=f"T{i}") for i, t in enumerate(texts)]
    return ParsedFile(path, path.replace("/", "") * 4, 10, "jsonl", docs)


def context(known: frozenset[str] = frozenset()) -> pipeline.BatchContext:
    return pipeline.BatchContext("b1", "r1", known_contents=known, spacy_model=Settings().spacy_model)


def test_repeated_bodies_get_their_article_row_only_and_are_not_analysed(nlp):
    """A body ingested before, or earlier in the batch, is not parsed: its article row and
    signature are built for the publisher to decide (the same article again, or a copy)."""
    said = "Ruiz said on Monday that the ferry would sail on time, whatever the weather did next."
    a = parsed("/a.jsonl", said, "The ferry sailed on time.")
    b = parsed("/b.jsonl", said)
    known = frozenset({pipeline.content_sha256("The ferry sailed on time.")})
    result = pipeline.analyse_batch([a, b], context(known))
    assert [x.body for x in result.rows.articles] == [said, "The ferry sailed on time.", said]
    analysed = {p.article_id for p in result.rows.paragraphs} | {e.article_id for e in result.rows.entities}
    assert analysed == {result.rows.articles[0].article_id}  # only the first of the three
    assert [m.article_id for m in result.rows.minhashes] == [a.article_id for a in result.rows.articles]
    assert list(result.article_lines) == [result.rows.articles[0].article_id]  # repeats teach nothing
    assert result.rejected == {}


def test_a_failing_document_rejects_its_file_only(nlp, monkeypatch):
    original = pipeline.article_rows

    def flaky(*, article, **kwargs):
        if "explode" in article.body:
            raise ValueError("model crashed")
        return original(article=article, **kwargs)

    monkeypatch.setattr(pipeline, "article_rows", flaky)
    good = parsed("/good.jsonl", "Ruiz spoke on Monday.")
    bad = parsed("/bad.jsonl", "A calm record.", "This one will explode.")
    result = pipeline.analyse_batch([good, bad], context())
    assert result.rejected == {"/bad.jsonl": "record 1: cannot analyse (ValueError: model crashed)"}
    assert [x.body for x in result.rows.articles] == ["Ruiz spoke on Monday."]
    assert set(result.article_file.values()) == {"/good.jsonl"}


def test_the_stages_one_by_one_give_the_rows_of_analyse_batch_and_change_no_input(nlp):
    """clean -> nlp -> rules, as the one-worker pipeline runs them on two threads: the same rows
    as all at once; no stage changes its input, so a retried stage (its task retries on I/O
    trouble) builds the same rows again, not twice as many."""
    files = [parsed("/a.jsonl", '"We will reopen the yard," Ruiz said on Monday.', "Der Stadtrat hat am Montag beschlossen, den alten Hafen zu sanieren und neue Wohnungen am Ufer zu bauen. Die Arbeiten sollen im Frühjahr beginnen."),
             parsed("/b.jsonl", "The ferry sailed on time, the operator said.")]
    ctx = context()
    whole = pipeline.analyse_batch(files, ctx)
    assert [name for name, _ in pipeline.ANALYSIS] == ["clean", "nlp", "rules"]
    files_before = copy.deepcopy(files)
    prepared = pipeline.prepare_batch(files, ctx)
    assert files == files_before and prepared.supported == [True, False, True]
    cleaning_before = copy.deepcopy(prepared.cleaning)
    steps = pipeline.parse_batch(prepared, ctx)
    assert [doc is not None for doc in steps.docs] == [True, False, True]  # German goes unparsed
    first = pipeline.batch_rows(steps, ctx)
    again = pipeline.batch_rows(steps, ctx)
    assert prepared.cleaning == cleaning_before and prepared.cleaning.rows.articles == []
    for rows in (first, again):
        assert rows.rows == whole.rows and rows.article_file == whole.article_file
    assert [(q.text, q.speaker, q.kind) for q in first.rows.quotes] == [
        ("We will reopen the yard", "Ruiz", "direct"), ("The ferry sailed on time", "operator", "indirect")]


def test_released_files_plan_like_whole_ones_and_reload_with_their_first_decisions():
    from dataclasses import replace

    from transforms.ingest import plan_batches, reloaded

    files = [parsed(f"/f{i}.jsonl", *[f"Story {i}.{j} about the harbour." for j in range(i % 3 + 1)]) for i in range(40)]
    stubs = [f.released() for f in files]
    assert all(s.documents == [] for s in stubs) and [s.n_documents for s in stubs] == [f.n_documents for f in files]
    assert [[f.path for f in b] for b in plan_batches(stubs, 16)] == [[f.path for f in b] for b in plan_batches(files, 16)]
    first = replace(stubs[1], new_version=True)
    again = reloaded(first, files[1])
    assert again.documents == files[1].documents and again.new_version and again.released_count is None
    changed = reloaded(first, replace(files[1], file_id="f" * 64))
    assert changed.rejected == "the file changed while this run read it; the next run reads it again"
    assert changed.file_id == first.file_id and changed.documents == []
    unreadable = reloaded(first, replace(files[1], documents=[], rejected="cannot read file: gone"))
    assert unreadable.rejected == "cannot read file: gone"


def test_batches_are_even_and_a_multiple_of_the_workers():
    from transforms.ingest import plan_batches

    files = [parsed(f"/d/{i}.jsonl", "x") for i in range(300)]
    sizes = lambda batches: [sum(len(f.documents) for f in b) for b in batches]  # noqa: E731
    assert sizes(plan_batches(files, 256)) == [150, 150]
    assert sizes(plan_batches(files, 64)) == [60, 60, 60, 60, 60]
    assert sizes(plan_batches(files, 64, parallel=2)) == [50, 50, 50, 50, 50, 50]
    assert sizes(plan_batches(files, 1000, parallel=4)) == [75, 75, 75, 75]
    assert sizes(plan_batches(files[:3], 64, parallel=4)) == [1, 1, 1]
    assert plan_batches([], 64) == []
    # A file never spans batches; every file lands in exactly one, in order.
    mixed = [parsed(f"/m/{i}.jsonl", *(["x"] * (1 + i % 4))) for i in range(100)]  # 250 articles
    batches = plan_batches(mixed, 64)
    assert [f for b in batches for f in b] == mixed
    assert len(batches) == 4 and all(63 <= n <= 66 for n in sizes(batches[:-1]))


def test_one_workers_batches_ramp_up_so_the_parse_starts_early():
    from transforms.ingest import plan_batches

    files = [parsed(f"/d/{i}.jsonl", "x") for i in range(840)]
    sizes = lambda batches: [sum(len(f.documents) for f in b) for b in batches]  # noqa: E731
    # An eighth, a quarter, half of the batch size, then even batches of the rest (616 = 3 x 206 - 2).
    assert sizes(plan_batches(files, 256, ramp=True)) == [32, 64, 128, 206, 206, 204]
    assert sizes(plan_batches(files[:300], 256, ramp=True)) == [32, 64, 128, 76]
    assert sizes(plan_batches(files[:250], 256, ramp=True)) == [250]  # one batch holds it all
    assert sizes(plan_batches(files, 32, ramp=True)) == sizes(plan_batches(files, 32))  # tiny batches: even
    assert sizes(plan_batches(files, 256, parallel=2, ramp=True)) == sizes(plan_batches(files, 256, parallel=2))
    mixed = [parsed(f"/m/{i}.jsonl", *(["x"] * (1 + i % 4))) for i in range(200)]  # 500 articles
    batches = plan_batches(mixed, 256, ramp=True)
    assert [f for b in batches for f in b] == mixed  # a file never spans batches, all in order
    assert sizes(batches) == [33, 67, 130, 140, 130]  # each batch closes on the file that reaches its size


def test_stored_documents_index_as_released_files_and_load_per_batch():
    from transforms.ingest import parsed_from_raw, restored
    from transforms.pipeline import stored_sources

    def row(path, file_id, index, content=None):
        r = {"path": path, "file_id": file_id, "record_index": index, "size_bytes": 10, "format": "jsonl",
             "mtime_ns": 5, "kind": "fields", "title": f"T{index}", "url": f"https://{path[1]}.example/{index}",
             "authors": None, "published": None}
        return r if content is None else {**r, "content": content}

    stored = [row("/b.jsonl", "bb", 1, "Second."), row("/a.jsonl", "aa", 0, "Alone."), row("/b.jsonl", "bb", 0, "First.")]
    index = [{k: v for k, v in r.items() if k != "content"} for r in stored]
    stubs = parsed_from_raw(index)
    assert [(f.path, f.documents, f.n_documents, f.mtime_ns) for f in stubs] == [("/a.jsonl", [], 1, 5), ("/b.jsonl", [], 2, 5)]
    assert stored_sources(index) == ["a.example", "b.example"]
    whole = parsed_from_raw(stored)
    assert [[d.content for d in f.documents] for f in whole] == [["Alone."], ["First.", "Second."]]
    # A batch gets its files' documents in its own order; one whose stored rows are gone is rejected.
    loaded = restored([stubs[1], stubs[0]], [whole[1]])
    assert [[d.content for d in f.documents] for f in loaded] == [["First.", "Second."], []]
    assert (loaded[0].rejected, loaded[0].released_count) == (None, None)
    assert (loaded[1].rejected, loaded[1].n_documents) == ("its stored raw documents are gone", 0)


def test_the_file_status_rule():
    """The one rule every ledger row is written and recounted by (transforms.ingest.file_status)."""
    from transforms.ingest import FileCounts, file_status

    f = ParsedFile("/in/a.jsonl", "a" * 64, 10, "jsonl")
    assert file_status(replace(f, rejected="invalid JSON on line 1"), FileCounts(published=1)) == (
        "rejected", "invalid JSON on line 1")
    assert file_status(replace(f, duplicate_of="/in/b.jsonl"), FileCounts()) == (
        "duplicate", "same bytes as /in/b.jsonl")
    held = FileCounts(published=2, quarantined=2, reasons=["b.rule", "a.rule; b.rule", "b.rule"])
    assert file_status(f, held) == ("quarantined", "a.rule; b.rule")  # each rule once
    assert file_status(f, FileCounts(published=1, superseded=1, duplicates=1)) == ("published", None)
    assert file_status(f, FileCounts(superseded=2, duplicates=1)) == ("superseded", None)
    assert file_status(f, FileCounts(duplicates=2)) == ("duplicate", "every article was already ingested")
    assert file_status(f, FileCounts(duplicates=2, copies=2)) == (
        "duplicate", "every article is a copy of a published one (see copies)")
    assert file_status(f, FileCounts(duplicates=2, copies=1)) == (
        "duplicate", "every article was already ingested or is a copy of a published one (see copies)")
    assert file_status(f, FileCounts()) == ("published", None)  # a file of no articles


def test_a_body_the_model_cannot_parse_rejects_its_file_only(nlp, monkeypatch):
    """The model raising on one body fails its group: each body is parsed alone again, and only
    the file holding the one that fails is rejected, with the error."""
    original = pipeline.pipe

    def fragile(model, texts, *args, **kwargs):
        texts = list(texts)
        if any("explode" in t for t in texts):
            raise ValueError("[E999] the model broke")
        return original(model, texts, *args, **kwargs)

    monkeypatch.setattr(pipeline, "pipe", fragile)
    good = parsed("/good.jsonl", "Ruiz spoke on Monday.")
    bad = parsed("/bad.jsonl", "A calm record.", "This one will explode.")
    also_good = parsed("/also-good.jsonl", "The ferry sailed on time.")
    result = pipeline.analyse_batch([good, bad, also_good], context())
    assert result.rejected == {"/bad.jsonl": "record 1: cannot parse (ValueError: [E999] the model broke)"}
    assert [x.body for x in result.rows.articles] == ["Ruiz spoke on Monday.", "The ferry sailed on time."]
    assert set(result.article_file.values()) == {"/good.jsonl", "/also-good.jsonl"}


TAGLINE = "The Harbour Ledger, on the quayside at Calderwick since 1892."


def page(path: str, story: str) -> ParsedFile:
    """A page copy from the /feed folder (one source), with the source's tagline."""
    return ParsedFile(path, path.replace("/", "") * 4, 10, "text", [RawDocument(0, "text", f"{story}\n\n{TAGLINE}\n")])


def test_expected_texts_are_the_bodies_a_run_parses_in_its_order():
    """What the parser process parses ahead (flows.parser): the bodies the NLP stage will get,
    cleaned with the boilerplate learned from these files' own lines (the tagline, in 3 of the
    source's articles), a repeated body once, nothing of a rejected file or of a
    body in a language the run does not analyse."""
    ferry = "The ferry to Calderwick sailed on time on Monday, the operator said in a short statement."
    quay = "Work on the new quay will start in spring, the harbour master told the council on Tuesday."
    files = [
        page("/feed/ferry.txt", ferry),
        page("/feed/quay.txt", quay),
        page("/feed/ferry-copy.txt", ferry),
        ParsedFile("/feed/broken.txt", "ee" * 32, 3, "text", rejected="cannot read file: Permission denied"),
        page("/feed/rat.txt", "Der Stadtrat hat am Montag beschlossen, den alten Hafen zu sanieren und neue Wohnungen am Ufer zu bauen."),
    ]
    texts = list(pipeline.expected_texts(files, context(), min_articles=3, chunk=2))
    assert texts == [ferry, quay]
    # The run's own way: its learned lines, then prepare_batch batch by batch.
    learned = pipeline.run_line_counts(files).learned({}, 3)
    prepared = pipeline.prepare_batch(files, replace(context(), learned=learned))
    assert [a.body for (_, _, a, _), ok in zip(prepared.pending, prepared.supported) if ok] == texts


def test_expected_texts_learn_with_the_earlier_runs_line_counts():
    """A scheduled run's one new page: its tagline is boilerplate only with the two
    articles earlier runs counted for the source (Warehouse.line_counts), as the run learns it."""
    from transforms.corpus import line_key

    story = "The ferry to Calderwick sailed on time on Monday, the operator said in a short statement."
    files = [page("/feed/ferry.txt", story)]
    assert list(pipeline.expected_texts(files, context(), min_articles=3)) == [f"{story}\n\n{TAGLINE}"]
    prior = {("/feed", line_key(TAGLINE)): 2}
    assert list(pipeline.expected_texts(files, context(), min_articles=3, prior=prior)) == [story]


def test_the_clean_stage_signs_each_body_and_the_rules_stage_uses_that_signature(nlp, monkeypatch):
    """The MinHash signature needs the body only: the clean stage makes it (in the run's process),
    and the rules stage, which waits for the parse, does not make it again. Parsing ahead, which
    needs the bodies only, makes none."""
    from transforms.copies import signature

    said = "Ruiz said on Monday that the ferry would sail on time, whatever the weather did next."
    files = [parsed("/a.jsonl", said, "The ferry sailed on time."), parsed("/b.jsonl", "")]
    prepared = pipeline.prepare_batch(files, context())
    assert prepared.signatures == [signature(said), signature("The ferry sailed on time."), (0, None)]
    assert pipeline.prepare_batch(files, context(), signatures=False).signatures == []
    parsed_batch = pipeline.parse_batch(prepared, context())

    def unsigned(body):
        raise AssertionError("signed again after the parse")

    monkeypatch.setattr("transforms.article.signature", unsigned)
    rows = pipeline.batch_rows(parsed_batch, context()).rows
    assert [(m.n_shingles, m.signature) for m in rows.minhashes] == prepared.signatures[:2]

    def flaky(body):  # a document that cannot be signed rejects its file, as one that cannot be cleaned
        if "ferry" in body:
            raise UnicodeEncodeError("utf-8", body, 0, 1, "surrogates not allowed")
        return signature(body)

    monkeypatch.setattr(pipeline, "signature", flaky)
    prepared = pipeline.prepare_batch([*files, parsed("/c.jsonl", "The council met on Tuesday.")], context())
    assert list(prepared.cleaning.rejected) == ["/a.jsonl"]
    assert [a.body for _, _, a, _ in prepared.pending] == ["", "The council met on Tuesday."]
    assert prepared.signatures == [(0, None), signature("The council met on Tuesday.")]
