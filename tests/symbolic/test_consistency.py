"""The consistency check: which training examples a proposed rule or widening contradicts."""

from __future__ import annotations

import pytest

from sandbox.data import Example
from symbolic.chart import InductionChart
from symbolic.consistency import Consistency
from symbolic.rules import Rule, RuleKind
from symbolic.work import BudgetSpent, Work

WORDS = ("ka", "mo", "pe")
LEXICON = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in WORDS}
LEXICAL = frozenset(r.id for r in LEXICON.values())
# "X vin Y" keeps the order; "X ri" doubles.
CONCAT = Rule("r1", (0, "vin", 1), (0, 1), ("e1",), RuleKind.COMPOSITION)
TWICE = Rule("r2", (0, "ri"), (0, 0), ("e2",), RuleKind.COMPOSITION)
WORD_FILLERS = {0: set(LEXICAL), 1: set(LEXICAL)}


def chart(*rules: Rule) -> InductionChart:
    """Every filler admitted at level 0: the chart derives what the rules can."""
    return InductionChart(LEXICON, rules, lambda rule, slot, filler: 0)


def examples(*pairs: tuple[str, str]) -> list[Example]:
    return [Example.of(s, t, id=f"e{i}") for i, (s, t) in enumerate(pairs, 1)]


def test_a_rule_is_contradicted_by_the_first_derivable_example_it_misreads():
    data = examples(("ka vin mo", "KA MO"), ("mo vin pe", "MO PE"))
    check = Consistency(data, LEXICAL)
    swap = check.contradiction(chart(CONCAT), (0, "vin", 1), (1, 0), WORD_FILLERS)
    assert swap == "e1"
    assert check.contradiction(chart(CONCAT), (0, "vin", 1), (0, 1), WORD_FILLERS) is None


def test_an_example_the_rules_cannot_derive_yet_says_nothing():
    # Without CONCAT the chart derives neither example: their parts' meanings are not settled.
    data = examples(("ka vin mo", "KA MO"))
    check = Consistency(data, LEXICAL)
    assert check.contradiction(chart(), (0, "vin", 1), (1, 0), WORD_FILLERS) is None


def test_only_examples_within_reach_are_checked():
    # Only a 4-word example shows the swap wrong: induction that has reached 3-word inputs
    # cannot be told so yet.
    check = Consistency(examples(("ka ri vin mo", "KA KA MO")), LEXICAL)
    fillers = {0: set(LEXICAL) | {"r2"}, 1: set(LEXICAL)}
    args = (chart(CONCAT, TWICE), (0, "vin", 1), (1, 0), fillers)
    assert check.contradiction(*args, max_length=3) is None
    assert check.contradiction(*args, max_length=4) == "e1"


def test_a_slot_that_held_words_does_not_read_a_phrase():
    # "ka ri" in the first slot is a phrase; a rule whose slots hold words never applies to it,
    # so the example cannot contradict it, however it swaps.
    data = examples(("ka ri vin mo", "KA KA MO"))
    check = Consistency(data, LEXICAL)
    assert check.contradiction(chart(CONCAT, TWICE), (0, "vin", 1), (1, 0), WORD_FILLERS) is None
    with_phrases = {0: set(LEXICAL) | {"r2"}, 1: set(LEXICAL)}
    assert check.contradiction(chart(CONCAT, TWICE), (0, "vin", 1), (1, 0), with_phrases) == "e1"


def test_a_widening_is_judged_only_on_readings_that_use_the_new_filler():
    data = examples(("ka vin mo", "KA MO"), ("ka ri vin mo", "KA KA MO"))
    check = Consistency(data, LEXICAL)
    fillers = {0: set(LEXICAL) | {"r2"}, 1: set(LEXICAL) | {"r2"}}
    args = (chart(CONCAT, TWICE), (0, "vin", 1), (1, 0), fillers)
    assert check.contradiction(*args) == "e1"  # the bare words already show the swap wrong
    # Widening slot 0 to take "X ri" phrases: only e2 reads that way, and disagrees.
    assert check.contradiction(*args, must_use=(0, {"r2"})) == "e2"
    # Widening slot 1 instead: no example puts an "X ri" phrase there, so none can object.
    assert check.contradiction(*args, must_use=(1, {"r2"})) is None


def test_required_words_limit_the_examples_checked():
    data = examples(("ka vin mo", "MO KA"), ("pe ri vin mo", "PE PE MO"))
    check = Consistency(data, LEXICAL)
    fillers = {0: set(LEXICAL) | {"r2"}, 1: set(LEXICAL)}
    # Only examples with "ri" can hold an "X ri" phrase: e1 is not looked at.
    assert check.contradiction(chart(CONCAT, TWICE), (0, "vin", 1), (1, 0), fillers,
                               required=frozenset({"ri"})) == "e2"
    assert check.contradiction(chart(CONCAT, TWICE), (0, "vin", 1), (1, 0), fillers,
                               required=frozenset({"ri", "pe", "ka"})) is None


def test_each_example_checked_is_a_step_of_work():
    data = examples(("ka vin mo", "KA MO"), ("mo vin pe", "MO PE"), ("pe vin ka", "PE KA"))
    work = Work(None)
    check = Consistency(data, LEXICAL, work)
    assert check.contradiction(chart(CONCAT), (0, "vin", 1), (0, 1), WORD_FILLERS) is None
    assert work.spent >= len(data)
    with pytest.raises(BudgetSpent):
        Consistency(data, LEXICAL, Work(2)).contradiction(chart(CONCAT), (0, "vin", 1), (0, 1), WORD_FILLERS)
