"""The learner registry and the conformance check shared by every learner."""

from __future__ import annotations

import pytest

from sandbox.baselines import MemorizeLearner
from sandbox.conformance import ConformanceError, check_learner
from sandbox.errors import UsageError
from sandbox.protocol import Learner, ParamsMixin, Prediction
from sandbox.registry import learner_names, make_learner, register_learner


def test_entry_points_list_the_learners():
    names = learner_names()
    assert {"memorize", "symbolic", "gru", "transformer"} <= set(names)


def test_make_learner_refuses_unknown_parameters():
    with pytest.raises(UsageError, match="takes no parameter 'epochs'"):
        make_learner("memorize", epochs=3)
    with pytest.raises(UsageError, match="unknown learner"):
        make_learner("no-such-learner")


def test_memorize_conforms():
    check_learner(MemorizeLearner)
    assert isinstance(MemorizeLearner(), Learner)


class _Forgetful(ParamsMixin):
    """Breaks the contract: answers change from one fit to the next."""

    def __init__(self) -> None:
        self.calls = 0

    def fit(self, examples):
        self.calls += 1
        return self

    def predict(self, sources):
        return [self.explain(s) for s in sources]

    def explain(self, source):
        return Prediction(("X",) * self.calls)


class _StateInInit(MemorizeLearner):
    def __init__(self) -> None:
        self.table_ = {}


def test_conformance_catches_broken_learners():
    with pytest.raises(ConformanceError, match="fitting twice"):
        check_learner(_Forgetful)
    with pytest.raises(ConformanceError, match="before fit"):
        check_learner(_StateInInit)


def test_runtime_registration():
    register_learner("test-memorize")(MemorizeLearner)
    assert "test-memorize" in learner_names()
    assert isinstance(make_learner("test-memorize"), MemorizeLearner)
