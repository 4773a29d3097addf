"""The seed article (../shared/seeds), through the real flow: skipped when ../shared is absent."""
from __future__ import annotations

import pytest

from flows.runner import run_ingest
from flows.settings import Settings
from tests.conftest import SEED
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e  # the whole flow, with Prefect's temporary server

TITLE = "U.S., Russian diplomats exchange stern words ahead of Biden-Putin summit"


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    if not SEED.exists():
        pytest.skip(f"the shared seed {SEED} is absent (../shared is not checked out beside the project)")
    settings = Settings(dir=tmp_path_factory.mktemp("seed-warehouse"))
    summary = run_ingest([str(SEED)], settings)
    return summary, Warehouse(settings.warehouse_dir)


def test_seed_is_published_with_its_title_and_no_residue(seed_run):
    summary, wh = seed_run
    assert (summary.published_articles, summary.quarantined_articles, summary.rejected_files) == (1, 0, {})
    title, body = wh.query("select title, body from articles").values.tolist()[0]
    assert title == TITLE
    for residue in ("Oops", "Something went wrong", "Please try again later", "•"):
        assert residue not in body
    assert body.startswith("Secretary of State Antony Blinken warned his Russian counterpart")
    assert body.endswith("such as pandemics and climate change.")
    removed = wh.query("select rule_id, count(*) as n from residue group by 1 order by 1").values.tolist()
    assert removed == [["error-oops", 4], ["error-something-went-wrong", 4], ["error-try-again", 4]]


def test_seed_sentences_keep_us_abbreviations(seed_run):
    _, wh = seed_run
    sentences = wh.query("select text from sentences").text.tolist()
    assert ("Russia has denied any wrongdoing and accused the U.S. of hypocrisy and inappropriate interference "
            "in its domestic sphere.") in sentences
    assert any(s.startswith("The United States and Russia are at odds") and "U.S.-backed Ukraine" in s
               for s in sentences)
    assert "Russian Foreign Minister Sergey Lavrov" not in [s[:38] for s in sentences]


def test_seed_quotes_and_speakers(seed_run):
    _, wh = seed_run
    rows = wh.query("""select text, kind, speaker, cue, according_to, attribution from quotes
                       where kind <> 'indirect' order by start_char""").values.tolist()
    rows = [[None if v != v else v for v in r] for r in rows]
    assert [(r[0][:40], r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("predictable", "partial", "Antony Blinken", "warned", None, "cue"),
        ("As President Biden has also shared with ", "direct", "Antony Blinken", "said", "Associated Press", "cue"),
        ("a predictable, stable relationship with ", "partial", "Antony Blinken", "stressed", None, "cue"),
        ("good for the world.", "partial", "Antony Blinken", "stressed", None, "cue"),
        ("We have serious differences in the asses", "direct", "Sergey Lavrov", "said", None, "cue"),
        ("Our position is very simple: We are read", "direct", "Sergey Lavrov", None, None, "follow_on"),
    ]
    assert rows[2][0] == "a predictable, stable relationship with Russia"
    assert rows[5][0].endswith("and of course on the basis of mutual respect.")
    indirect = wh.query("select text, speaker, cue from quotes where kind = 'indirect' "
                        "order by start_char").values.tolist()
    assert [(t[:24], speaker, cue) for t, speaker, cue in indirect] == [
        ("any wrongdoing", "Russia", "denied"),  # a denial's object is what was denied
        ("the U.S. of hypocrisy", "Russia", "accused"),  # and an accusation's, with its charge
        ("it would sanction severa", "Biden administration", "announced"),  # a description as written
        ("the two sides needed to ", "Sergey Lavrov", "said"),
        ("they hope to work with t", "Both countries", "said"),
    ]
    speakers = wh.query("select distinct speaker, coalesce(speaker_role, '') from quotes "
                        "where speaker_entity_id is not null order by 1").values.tolist()
    assert speakers == [["Antony Blinken", "Secretary of State"], ["Russia", ""],
                        ["Sergey Lavrov", "Russian Foreign Minister"]]


def test_seed_entities_vote_person_for_surnames(seed_run):
    _, wh = seed_run
    entities = dict(wh.query("select name, label from entities").values.tolist())
    assert entities["Antony Blinken"] == "PERSON" and entities["Sergey Lavrov"] == "PERSON"
    assert "Blinken" not in entities and "Lavrov" not in entities
    labels = wh.query("""select m.text, m.model_label from mentions m join entities e
                         on m.article_id = e.article_id and m.entity_id = e.entity_id
                         where e.name = 'Sergey Lavrov' order by m.start_char""").values.tolist()
    assert ["Lavrov", "ORG"] in labels  # the model's own label is kept on the mention
