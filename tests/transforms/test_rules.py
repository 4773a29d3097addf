"""Every residue rule's own examples: positives are removed, negatives kept."""
import pytest

from transforms.clean import clean_lines
from transforms.rules import (
    line_rules,
    match_residue,
    removal_rule_ids,
    residue_rules,
    residue_sentences,
    speech_lexicon,
)

RULES = residue_rules()
INLINE = [r for r in RULES if r.inline is not None]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    assert rule.positive, f"rule {rule.id} has no positive example"
    assert rule.negative, f"rule {rule.id} has no negative example"
    for line in rule.positive:
        assert rule.compiled.match(line), f"{rule.id} should remove {line!r}"
    for line in rule.negative:
        assert match_residue(line) is None, f"no rule may remove the article line {line!r}"


@pytest.mark.parametrize("rule", INLINE, ids=[r.id for r in INLINE])
def test_inline_examples(rule):
    """Each inline example line, cleaned as a paragraph of extracted text, keeps exactly what the
    example says, and this rule removed one of its sentences."""
    assert rule.inline_examples, f"rule {rule.id} has an inline pattern but no inline example"
    for line, kept in rule.inline_examples:
        body, removed, _ = clean_lines(line, take_title=False, title=None)
        assert body == kept, line
        assert rule.id in {r.rule_id for r in removed}, line
        assert all(line[r.start : r.start + len(r.text)] == r.text for r in removed)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_negative_examples_keep_every_sentence(rule):
    for line in rule.negative:
        assert residue_sentences(line) == [], f"no sentence of the article line {line!r} is residue"


def test_rule_ids_are_unique_and_patterns_are_whole_line():
    assert len({r.id for r in RULES}) == len(RULES)
    # Anchored at both ends: a residue phrase inside a sentence is not residue.
    assert match_residue("Please try again later.") is not None
    assert match_residue("She said: please try again later.") is None


def test_speech_lexicon_loads_lemmas():
    lex = speech_lexicon()
    assert {"say", "warn", "stress", "tell"} <= lex.direct_cues
    assert lex.indirect_cues <= lex.direct_cues | {"testify"}
    # Indirect-only cues: thinking verbs, object and preposition cues, reporting nouns.
    assert {"hope", "want"} <= lex.attitude_cues and not lex.attitude_cues & lex.indirect_cues
    assert "announce" in lex.object_cues and ("call", "for") in lex.preposition_cues
    assert {"claim", "promise"} <= lex.reporting_nouns
    assert "treasurer" in lex.titles


def test_line_rules_have_ids_and_descriptions_and_do_not_clash():
    rules = line_rules()
    assert "corpus-boilerplate" in rules and all(rules.values())
    ids = removal_rule_ids()
    assert len(ids) == len(set(ids))


def test_one_pass_matching_picks_the_same_rule_as_trying_rules_in_order():
    def first_rule(line):
        return next((rule for rule in RULES if rule.compiled.match(line)), None)

    lines = [line for rule in RULES for line in rule.positive + rule.negative]
    lines += ["  • Comments", "Most read: Ferry strike enters second week", "Share", "Comments (4)"]
    assert [match_residue(line) for line in lines] == [first_rule(line) for line in lines]
