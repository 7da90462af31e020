"""What one underived example proposes: abstractions, widenings, inferred parts, and their costs."""

from __future__ import annotations

from symbolic.induction import induce_rules
from symbolic.lexicon import induce_lexicon
from symbolic.proposals import NEW, NewRule, Offer, Proposal, Route, Widening, propose
from symbolic.rules import Rule, RuleKind
from symbolic.state import State
from tests.symbolic.grammars import tiny_examples

WORDS = ("ka", "mo", "pe")


def lexicon(*words: str) -> dict[str, Rule]:
    return {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in words}


def state_with(*rules: tuple[Rule, dict[int, set[str]]]) -> State:
    """A state whose rules' slots have held these fillers."""
    state = State(lexicon(*WORDS))
    for rule, slots in rules:
        state.rules[rule.id] = rule
        for slot, fillers in slots.items():
            for filler in fillers:
                state.admit(rule.id, slot, filler, ("e1",))
    state.changed()
    return state


TWICE = Rule("r1", (0, "ri"), (0, 0), ("e1",), RuleKind.COMPOSITION)
AND = Rule("r2", (0, "ba", 1), (0, 1), ("e2",), RuleKind.COMPOSITION)
JUXTAPOSED = Rule("r3", (0, 1), (0, 1), ("e3",), RuleKind.COMPOSITION)
WORD_SLOTS = {0: {"lex:ka", "lex:mo"}, 1: {"lex:ka", "lex:mo"}}


def keys(offers: list[Offer]) -> list[object]:
    return [o.key for o in offers]


def test_an_abstraction_reads_known_meanings_as_slots_and_keeps_what_is_left_as_constants():
    state = State(lexicon(*WORDS))
    assert keys(propose(state, ("ka", "ri"), ("KA", "KA"))) == [NewRule((0, "ri"), (0, 0))]
    # An output token no part means is a constant.
    assert keys(propose(state, ("ka", "ri"), ("KA", "X", "KA"))) == [NewRule((0, "ri"), (0, "X", 0))]


def test_an_example_the_rules_derive_proposes_nothing():
    # After induction every training example is derived, so none of them proposes anything.
    examples = tiny_examples()
    state = induce_rules(examples, induce_lexicon(examples))
    assert not state.exhausted
    assert all(propose(state, *ex.pair()) == [] for ex in examples)


def test_a_proposal_found_contradicted_is_not_offered_again():
    state = State(lexicon(*WORDS))
    first = propose(state, ("ka", "ri"), ("KA", "KA"))
    state.rejected.add(first[0].key)
    assert propose(state, ("ka", "ri"), ("KA", "KA")) == []


def test_a_known_rule_that_would_derive_the_example_offers_to_widen_its_slot():
    state = state_with((TWICE, {0: {"lex:ka"}}), (AND, WORD_SLOTS))
    # "ka ri ba mo": AND's first slot has held words only; the "ka ri" phrase would fill it.
    offers = propose(state, ("ka", "ri", "ba", "mo"), ("KA", "KA", "MO"))
    widenings = [o for o in offers if isinstance(o.key, Widening)]
    assert {o.key for o in widenings} == {Widening("r2", 0, "phrase")}
    assert {o.route.admissions for o in widenings} == {frozenset({("r2", 0, "r1")})}
    assert all(o.route.cost == 1 and o.root == "r2" for o in widenings)


def test_widening_a_rule_without_fixed_words_to_take_phrases_costs_more_than_a_rule_of_its_length():
    # A rule without fixed words whose slot takes phrases reads any sequence of constituents:
    # the admission counts its pattern's length and two more.
    state = state_with((TWICE, {0: {"lex:ka"}}), (JUXTAPOSED, WORD_SLOTS))
    offers = propose(state, ("ka", "ri", "mo"), ("KA", "KA", "MO"))
    widening = [o for o in offers if o.key == Widening("r3", 0, "phrase")]
    assert widening and min(o.route.cost for o in widening) == 1 + len(JUXTAPOSED.pattern) + 2
    new_rules = [o for o in offers if isinstance(o.key, NewRule)]
    assert new_rules and min(o.route.cost for o in new_rules) < widening[0].route.cost


def test_a_part_whose_meaning_a_known_rule_implies_is_proposed_with_the_admission_it_needs():
    state = state_with((AND, WORD_SLOTS))
    # "ka tu ba mo" -> KA KA KA MO: if AND reads it, "ka tu" means KA KA KA.
    offers = propose(state, ("ka", "tu", "ba", "mo"), ("KA", "KA", "KA", "MO"))
    inferred = [o for o in offers if o.root == "r2" and isinstance(o.key, NewRule)]
    assert [o.key for o in inferred] == [NewRule((0, "tu"), (0, 0, 0))]
    (route,) = [o.route for o in inferred]
    assert route.admissions == frozenset({("r2", 0, NEW)}) and route.cost == 2


def test_a_whole_example_never_offers_a_rule_of_its_own():
    # Words without meanings: a rule "gu zo -> X Y" would only memorize the example.
    state = State(lexicon(*WORDS))
    assert NewRule(("gu", "zo"), ("X", "Y")) not in keys(propose(state, ("gu", "zo"), ("X", "Y")))


def test_a_proposal_keeps_each_examples_cheapest_route():
    key = NewRule((0, "ri"), (0, 0))
    proposal = Proposal(key, NEW)
    proposal.merge(1, Offer(key, NEW, Route(3, first=2)))
    proposal.merge(1, Offer(key, NEW, Route(2, first=1)))
    proposal.merge(1, Offer(key, NEW, Route(2, first=5)))  # no cheaper: the first kept
    proposal.merge(2, Offer(key, NEW, Route(4, first=3)))
    assert {i: r.cost for i, r in proposal.routes.items()} == {1: 2, 2: 4}
    assert (proposal.cost, proposal.first, proposal.is_widening) == (2, 3, False)


def test_keys_order_as_the_tuples_they_replaced():
    # The ranking's last tie-break: keys of either kind keep one total order.
    keys_ = [Widening("r2", 0, "word"), NewRule((0, "ri"), (0, 0)), Widening("r10", 1, "phrase"),
             NewRule((0, "ba", 1), (1, 0))]
    old = {Widening: lambda k: ("widen", *k), NewRule: lambda k: ("rule", *k)}
    assert sorted(keys_, key=lambda k: k.order()) == sorted(keys_, key=lambda k: repr(old[type(k)](k)))
    assert len({k.order() for k in keys_}) == len(keys_)
