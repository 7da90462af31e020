"""The chart parser: least relaxed derivations, the cap, ties, and the cost that orders them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sandbox.testing import generated_tasks
from symbolic import SymbolicLearner
from symbolic.hierarchy import Hierarchy
from symbolic.parser import Analysis, Parser, Tie, slot_cost
from symbolic.rules import Rule, RuleKind
from tests.symbolic.grammars import tiny_examples

WORDS = ("ka", "mo")
LEXICON = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in WORDS}
MTYPES = {"lex:ka": "word:1", "lex:mo": "word:1", "r1": "phrase", "r2": "phrase"}


def parser_with(*rules: Rule) -> Parser:
    """Every slot has held both words and both rules' phrases: everything fills it at level 0."""
    every = {f: ("e1",) for f in MTYPES}
    seen = {(r.id, s): every for r in rules for s in range(r.n_slots)}
    return Parser(LEXICON, {r.id: r for r in rules}, Hierarchy(seen, MTYPES, {}))


def spell(analysis: Analysis, rules: dict[str, Rule]) -> tuple[str, ...]:
    """The analysis's meaning rebuilt from its rules' templates and its children's meanings."""
    rule = rules[analysis.rule]
    if not analysis.children:  # a word, or a rule without slots
        return tuple(str(x) for x in rule.template)
    parts = [spell(child, rules) for _, _, child in analysis.children]
    return tuple(t for x in rule.template for t in (parts[x] if isinstance(x, int) else (x,)))


def deepest(analysis: Analysis) -> int:
    return max((*analysis.levels, *(deepest(c) for _, _, c in analysis.children)), default=0)


def fitted_parser(examples) -> tuple[SymbolicLearner, Parser | None]:
    learner = SymbolicLearner().fit(examples)
    return learner, getattr(learner, "_parser", None)  # only where it read rules (not sequences)


def check_parses(learner: SymbolicLearner, parser: Parser, sources: list[tuple[str, ...]]) -> None:
    fresh = Parser(parser.lexicon, {r.id: r for r in parser.rules}, parser.hierarchy)
    rules = {**{r.id: r for r in parser.lexicon.values()}, **{r.id: r for r in parser.rules}}
    answers = {}
    for source in sources:
        if parser.unknown_words(source):
            continue
        found = parser.least_cap(source, 0, 3)
        answers[source] = found
        if found is None:
            continue
        cap, top = found
        # The least cap: nothing below it; above it, the same analysis (a more relaxed
        # derivation always costs more than the cheapest one).
        assert all(parser.best(source, lower) is None for lower in range(cap))
        for higher in range(cap + 1, 4):
            again = parser.best(source, higher)
            assert again is not None
            assert (again.cost, again.meaning, again.tie) == (top.cost, top.meaning, top.tie)
        assert deepest(top) == cap
        assert spell(top, rules) == top.meaning
        assert top.width == len(source)
    # The memo is shared by phrases, not tied to inputs: another order, another memo, the same answers.
    for source in reversed(list(answers)):
        assert fresh.least_cap(source, 0, 3) == answers[source]


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(generated_tasks())
def test_least_cap_derivations_on_random_grammars(case):
    learner, parser = fitted_parser(case.task.train)
    assume(parser is not None)
    assert parser is not None
    check_parses(learner, parser, [ex.source for ex in case.task.train + case.task.test])


def test_least_cap_derivations_on_the_tiny_language():
    examples = tiny_examples()
    learner, parser = fitted_parser(examples)
    assert parser is not None
    sources = [ex.source for ex in examples] + [tuple(s.split()) for s in (
        "pe ri", "pe lu ri", "zo su ri ba pe lu", "mo ri ba ka ri ba pe", "pe ba mo ba ka", "ka ka")]
    check_parses(learner, parser, sources)


def test_forgetting_the_memo_changes_no_answer():
    examples = tiny_examples()
    _, parser = fitted_parser(examples)
    assert parser is not None
    sources = [ex.source for ex in examples] + [("pe", "lu", "ri", "ba", "mo")]
    before = [parser.least_cap(s) for s in sources]
    parser.forget()
    assert [parser.least_cap(s) for s in sources] == before


def test_equally_cheap_readings_with_different_meanings_are_marked():
    concat = Rule("r1", (0, "vin", 1), (0, 1, 1), ("e1",), RuleKind.COMPOSITION)
    top = parser_with(concat).best(("ka", "vin", "mo", "vin", "ka"), 0)
    # (ka vin mo) vin ka against ka vin (mo vin ka): the longer first slot is preferred.
    assert top is not None and top.tie is Tie.GROUPED
    assert [(a, b) for a, b, _ in top.children] == [(0, 3), (4, 5)]
    assert top.meaning == ("KA", "MO", "MO", "KA", "KA")
    # Two rules on the same span: nothing ranks them.
    swap = Rule("r2", (0, "vin", 1), (1, 0), ("e2",), RuleKind.COMPOSITION)
    two = parser_with(concat, swap).best(("ka", "vin", "mo"), 0)
    assert two is not None and two.tie is Tie.UNDECIDED
    # Readings that agree on the meaning are no tie.
    assoc = Rule("r1", (0, "vin", 1), (0, 1), ("e1",), RuleKind.COMPOSITION)
    same = parser_with(assoc).best(("ka", "vin", "mo", "vin", "ka"), 0)
    assert same is not None and same.tie is Tie.NONE


@pytest.mark.parametrize("level", [1, 2, 3])
def test_one_slot_a_level_up_outweighs_any_number_of_slots_below(level):
    # Up to 256 slots (the inputs the packing is for), each at the worst it can be one level down.
    worst_below = slot_cost(level - 1, 0.0, reversal=1)
    assert 256 * worst_below < slot_cost(level, 1.0)


@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1), st.integers(0, 1)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1), st.integers(0, 1)), min_size=1, max_size=40))
def test_summed_costs_compare_as_level_counts_then_reversals(a, b):
    def counts(slots):
        return (*(sum(1 for lv, _, _ in slots if lv == k) for k in (3, 2, 1)), sum(r for _, _, r in slots))

    cost_a = sum(slot_cost(lv, c, r) for lv, c, r in a)
    cost_b = sum(slot_cost(lv, c, r) for lv, c, r in b)
    if counts(a) < counts(b):
        assert cost_a < cost_b
    elif counts(a) > counts(b):
        assert cost_a > cost_b
