"""Property tests on random synchronous grammars (the sandbox's generators and laws).

Every law runs hypothesis over random grammars (random primitive words and
tokens, unary and binary operators with random concatenative templates and
constants, random precedence levels, left recursion, words that mean
nothing) and shrinks any failure to a minimal counterexample, printed with
the grammar. The example counts are modest to keep the suite fast; the
benchmark script can run the laws at length.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from sandbox.derivation import check_evidence
from sandbox.derivation import replay as sandbox_replay
from sandbox.testing import check_law, generated_tasks
from symbolic import SymbolicLearner, replay

LAWS = {"reproduces": 20, "systematicity": 20, "productivity": 15, "substitutivity": 15,
        "trace_replay": 12, "relaxation_monotone": 10}


@pytest.mark.parametrize("law", sorted(LAWS))
def test_law_holds(law):
    result = check_law("symbolic", law, examples=LAWS[law], seed=0)
    assert result.held, result.render()


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(generated_tasks())
def test_traces_replay_from_the_rules_alone(case):
    """Every answer's trace rebuilds it with the learner's rules and without the learner."""
    task = case.task
    learner = SymbolicLearner().fit(task.train)
    train = {e.id: e for e in task.train}
    for ex in task.train + task.test:
        pred = learner.explain(ex.source)
        if pred.tokens is None:
            continue
        assert replay(pred.derivation, learner.rules_, ex.source) == pred.tokens
        assert sandbox_replay(pred.derivation, ex.source) == pred.tokens
        assert check_evidence(pred.derivation, train) is None
        assert pred.relaxation_level == pred.derivation.level
