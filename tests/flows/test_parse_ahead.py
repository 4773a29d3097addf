"""What the parser process parses ahead, step by step (flows.parser._Ahead, in this process: its
parse is transforms.pipeline.parse_texts with the real model, as in the parser process)."""
from __future__ import annotations

from dataclasses import replace

from flows.parser import _Ahead
from flows.settings import Settings
from transforms.pipeline import BatchContext


def bodies(n: int, words: int = 12) -> list[str]:
    return [f"Story {i} of the harbour. " + " ".join(["The ferry sailed on time."] * (words // 5)) for i in range(n)]


def ctx(texts: int, chars: int) -> BatchContext:
    return replace(BatchContext("b1", "r1", spacy_model=Settings().spacy_model), nlp_groups=(texts, chars))


def test_each_step_parses_one_group_of_the_nlp_stage_in_order():
    texts = bodies(11)
    ahead = _Ahead(ctx(4, 10_000), limit=256)
    ahead.add(texts, True, ahead.ctx, 256)
    ahead.step()
    assert list(ahead.parsed) == texts[:4]  # a whole group: 4 texts
    assert list(ahead.pending) == texts[4:]
    ahead.step()
    ahead.step()
    assert [place for place, _ in ahead.parsed.values()] == list(range(11))
    assert [doc.text for _, doc in ahead.parsed.values()] == texts
    assert not ahead.busy()


def test_a_step_stops_at_the_groups_characters_and_skips_bodies_parsed_or_asked_for():
    texts = bodies(6)
    size = len(texts[0])
    ahead = _Ahead(ctx(32, 2 * size + 5), limit=256)  # two bodies a group by their characters
    ahead.add([texts[0], texts[1], texts[0], *texts[2:]], True, ahead.ctx, 256)
    ahead.asked.add(texts[1])  # parsed on request meanwhile
    ahead.step()
    assert list(ahead.parsed) == [texts[0], texts[2]]
    assert list(ahead.pending) == texts[3:]
    docs = ahead.docs_for([texts[0], texts[2]])
    assert [d.text for d in docs] == [texts[0], texts[2]] and (ahead.hits, ahead.misses) == (2, 0)
