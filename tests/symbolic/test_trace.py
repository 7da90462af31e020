"""Rules as values, the learner-independent replay, and its failure modes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sandbox.derivation import ReplayError, check_evidence
from sandbox.derivation import replay as sandbox_replay
from symbolic import Rule, RuleKind, SymbolicLearner, replay
from tests.symbolic.grammars import tiny_examples


@pytest.fixture(scope="module")
def learner():
    return SymbolicLearner().fit(tiny_examples())


def test_rules_are_immutable_values_with_evidence(learner):
    train = {e.id for e in tiny_examples()}
    for rule in learner.rules_.values():
        assert rule.evidence and set(rule.evidence) <= train
        assert Rule.from_json(rule.to_json()) == rule
        with pytest.raises(AttributeError):
            rule.template = ()  # type: ignore[misc]


def test_rule_instantiate_and_text():
    r = Rule("r9", (0, "ba", 1), (1, 0), ("x",), RuleKind.COMPOSITION)
    assert r.instantiate([("A",), ("B", "C")]) == ("B", "C", "A")
    assert r.text() == "r9: <0> ba <1> -> <1> <0>"


@pytest.mark.parametrize("source", ["ka lu ri ba mo", "pe ri ba zo su", "mo su ri"])
def test_every_answer_replays_from_the_rules_alone(learner, source):
    src = tuple(source.split())
    pred = learner.explain(src)
    assert pred.tokens is not None
    assert replay(pred.derivation, learner.rules_, src) == pred.tokens
    assert replay(pred.derivation, learner.rules_) == pred.tokens  # without the input too
    assert sandbox_replay(pred.derivation, src) == pred.tokens
    assert check_evidence(pred.derivation, {e.id: e for e in tiny_examples()}) is None


def test_replay_rejects_a_tampered_trace(learner):
    src = ("ka", "lu", "ri")
    d = learner.explain(src).derivation
    with pytest.raises(ReplayError, match="not among the rules"):
        replay(replace(d, rule="r999"), learner.rules_)
    with pytest.raises(ReplayError, match="another pattern or template"):
        replay(replace(d, template=(0,)), learner.rules_)
    with pytest.raises(ReplayError, match="states"):
        replay(replace(d, output=("K",)), learner.rules_)
    with pytest.raises(ReplayError, match="expected word"):
        replay(d, learner.rules_, ("ka", "lu", "lu"))
    other = dict(learner.rules_)
    other[d.rule] = replace(other[d.rule], template=(0,))
    with pytest.raises(ReplayError):
        replay(d, other)
