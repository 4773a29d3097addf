"""Cross-article speaker linking (speaker_links, speaker_stats views; warehouse.speakers) on a
real warehouse: surname-only and variant speakers join the one canonical person, a surname that
several people share stays unlinked and is counted."""
from __future__ import annotations

import pytest

from transforms.records import ArticleRecord, EntityRecord, QuoteRecord, stable_id
from warehouse.speakers import link_counts, top_speakers
from warehouse.store import Warehouse

# article -> (person entities named in it: name -> mentions, the speaker of its one quote)
ARTICLES = {
    "a1": ({"Mara Quellen": 5}, "Mara Quellen"),
    "a2": ({"Quellen": 2}, "Quellen"),
    "a3": ({"Mara J. Quellen": 1}, "Mara J. Quellen"),
    "a4": ({"Mara Quellen": 3, "Tobias Brandt": 1, "Ilse Brandt": 1}, "Mara Quellen"),
    "a5": ({"Brandt": 2}, "Brandt"),
    "a6": ({"Okonkwo": 1}, "Okonkwo"),
}


def pid(name: str) -> str:
    return stable_id("PERSON", name)


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("speakers") / "wh")
    wh.initialise()
    rows: dict[str, list] = {"articles": [], "entities": [], "quotes": []}
    for aid, (people, speaker) in ARTICLES.items():
        body = f"“We open in May,” {speaker} said."
        rows["articles"].append(ArticleRecord(aid, "f" * 64, 0, f"/in/{aid}.txt", None, "Depot", None, None,
                                              body, len(body), 0, f"c{aid}", "b1", "r1", "en", "/in"))
        rows["entities"] += [EntityRecord(aid, pid(name), name, "PERSON", n) for name, n in people.items()]
        rows["quotes"].append(QuoteRecord(f"q-{aid}", aid, "We open in May", 1, 15, "direct", speaker,
                                          pid(speaker), speaker.split()[-1], "said", None, 0, "cue",
                                          confidence=0.95))
    wh.stage("b1", rows)
    wh.publish("b1", {}, [], None, [])
    return wh


def test_surname_and_variant_speakers_link_to_the_one_canonical_person(wh):
    links = wh.query("SELECT name, linked_name, link, n_candidates FROM speaker_links ORDER BY name")
    links = links.astype(object).where(links.notna(), None)
    assert [tuple(r) for r in links.itertuples(index=False)] == [
        ("Brandt", None, "ambiguous", 2),
        ("Mara J. Quellen", "Mara Quellen", "variant", 1),
        ("Mara Quellen", "Mara Quellen", "self", 1),
        ("Okonkwo", "Okonkwo", "unknown", 0),
        ("Quellen", "Mara Quellen", "surname", 1),
    ]
    linked = wh.query("SELECT DISTINCT linked_entity_id FROM speaker_links "
                      "WHERE linked_name = 'Mara Quellen'")
    assert list(linked["linked_entity_id"]) == [pid("Mara Quellen")]  # the stable id of the full name
    assert link_counts(wh) == {"ambiguous": 1, "self": 1, "surname": 1, "unknown": 1, "variant": 1}


def test_speaker_statistics_count_the_linked_entity(wh):
    stats = wh.query("SELECT speaker, speaker_entity_id, n_quotes, n_articles, names FROM speaker_stats "
                     "ORDER BY n_quotes DESC, speaker")
    assert [(r.speaker, r.speaker_entity_id, r.n_quotes, r.n_articles, list(r.names))
            for r in stats.itertuples()] == [
        ("Mara Quellen", pid("Mara Quellen"), 4, 4, ["Mara J. Quellen", "Mara Quellen", "Quellen"]),
        ("Brandt", pid("Brandt"), 1, 1, ["Brandt"]),  # ambiguous: left as itself
        ("Okonkwo", pid("Okonkwo"), 1, 1, ["Okonkwo"]),
    ]
    top = top_speakers(wh, "r1", 2)
    assert [tuple(r) for r in top.itertuples(index=False)] == [("Mara Quellen", 4), ("Brandt", 1)]
    assert wh.query("SELECT confidence FROM quotes WHERE quote_id = 'q-a1'")["confidence"].iloc[0] == 0.95
