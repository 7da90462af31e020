"""The compositional laws: the oracle holds every one, and each one catches the learner that breaks it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sandbox.baselines import MemorizeLearner
from sandbox.protocol import Prediction
from sandbox.testing import LAWS, OracleLearner, PerTask, assert_law, check_law, operators, primitives
from sandbox.testing.runner import Verdict

N = 6  # tasks per law: enough to find each planted bug, small enough for the suite's budget


def per_task(cls: type[OracleLearner], name: str) -> PerTask:
    return PerTask(lambda case, **kw: cls(case.grammar, **kw), name=name, params=["max_relaxation"])


ORACLE = per_task(OracleLearner, "oracle")


@pytest.mark.parametrize("law", list(LAWS))
def test_the_oracle_holds_every_law(law):
    result = check_law(ORACLE, law, examples=N)
    assert result.verdict is Verdict.HELD, result.render()
    assert result.examples >= N


def test_memorize_breaks_systematicity_with_a_minimal_counterexample():
    result = check_law("memorize", "systematicity", examples=N)
    assert result.broken
    ce = result.counterexample
    assert len(primitives(ce.grammar)) <= 3 and len(operators(ce.grammar)) == 1
    assert len(ce.input) == 2 and ce.actual is None and ce.expected is not None
    assert ce.reason == "input not seen in training"
    assert ce.train_size == len(ce.train) <= 6
    assert "minimal counterexample" in result.render() and " ".join(ce.input) in result.render()


def test_memorize_verdicts():
    verdicts = {r.law: r.verdict for r in (check_law("memorize", law, examples=N) for law in LAWS)}
    assert verdicts == {
        "reproduces": Verdict.HELD,
        "systematicity": Verdict.BROKEN,
        "productivity": Verdict.BROKEN,
        "substitutivity": Verdict.BROKEN,
        "trace_replay": Verdict.HELD,
        "relaxation_monotone": Verdict.NOT_APPLICABLE,
    }


def test_same_seed_same_counterexample():
    first = check_law("memorize", "substitutivity", examples=N, seed=3).counterexample
    again = check_law("memorize", "substitutivity", examples=N, seed=3).counterexample
    assert first is not None and first == again


class ForgetsLastToken(OracleLearner):
    def explain(self, source):
        pred = super().explain(source)
        return replace(pred, tokens=pred.tokens[:-1], derivation=None) if len(source) > 2 else pred


class ConfusesFirstPrimitive(OracleLearner):
    """Right everywhere but where the alphabetically first primitive stands in a phrase."""

    def explain(self, source):
        pred = super().explain(source)
        first = min(str(p.source[0]) for p in primitives(self.grammar))
        if pred.tokens and len(source) > 1 and first in source:
            return Prediction(tuple(reversed(pred.tokens)) + pred.tokens)
        return pred


class CitesNothing(OracleLearner):
    def explain(self, source):
        pred = super().explain(source)
        if pred.derivation is None:
            return pred
        return replace(pred, derivation=replace(pred.derivation, evidence=("no-such-example",)))


class ChangesItsMind(OracleLearner):
    """Under a generous cap, answers a level-1 item differently than under a tight one."""

    def explain(self, source):
        pred = super().explain(source)
        if self.max_relaxation >= 2 and pred.relaxation_level == 1 and pred.tokens:
            return Prediction(pred.tokens + pred.tokens, relaxation_level=1)
        return pred


@pytest.mark.parametrize(("cls", "law"), [
    (ForgetsLastToken, "reproduces"),
    (ForgetsLastToken, "productivity"),
    (ConfusesFirstPrimitive, "substitutivity"),
    (ConfusesFirstPrimitive, "systematicity"),
    (CitesNothing, "trace_replay"),
    (ChangesItsMind, "relaxation_monotone"),
])
def test_each_law_catches_the_learner_that_breaks_it(cls, law):
    result = check_law(per_task(cls, cls.__name__), law, examples=N)
    assert result.broken, result.render()
    ce = result.counterexample
    assert ce.law == law and ce.input
    assert ce.expected != ce.actual or law == "trace_replay"  # a trace may replay yet cite nothing
    assert len(ce.input) <= 5, result.render()
    if law == "trace_replay":
        assert "no-such-example" in ce.reason


def test_laws_without_traces_or_caps_do_not_apply():
    class NoTraces(OracleLearner):
        def explain(self, source):
            return replace(super().explain(source), derivation=None)

    result = check_law(PerTask(lambda case: NoTraces(case.grammar)), "trace_replay", examples=N)
    assert result.verdict is Verdict.NOT_APPLICABLE and "no derivations" in result.note
    assert check_law(PerTask(lambda case: OracleLearner(case.grammar)), "relaxation_monotone").verdict is (
        Verdict.NOT_APPLICABLE)


def test_a_crashing_learner_breaks_the_law_where_it_crashes():
    class Crashes(OracleLearner):
        def fit(self, examples):
            if len(examples) > 6:
                raise RuntimeError("too many examples")
            return super().fit(examples)

    result = check_law(per_task(Crashes, "crashes"), "reproduces", examples=N)
    assert result.broken and "RuntimeError: too many examples" in result.counterexample.reason
    assert result.counterexample.train_size == 7  # shrunk to the smallest training set that crashes


def test_an_abstaining_learner_leaves_substitutivity_inconclusive():
    class Abstains(OracleLearner):
        def explain(self, source):
            return Prediction.abstain("never answers")

    result = check_law(per_task(Abstains, "abstains"), "substitutivity", examples=3)
    assert result.verdict is Verdict.INCONCLUSIVE


def test_a_spent_budget_is_reported():
    result = check_law("memorize", "systematicity", examples=3, budget=0.0)
    assert result.verdict is Verdict.INCONCLUSIVE and "budget" in result.note


def test_assert_law_accepts_an_instance_and_raises_with_the_counterexample():
    assert assert_law(MemorizeLearner(), "reproduces", examples=3).held
    with pytest.raises(AssertionError, match="minimal counterexample"):
        assert_law(MemorizeLearner(), "systematicity", examples=3)
