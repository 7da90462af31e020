"""The learner registry and the conformance check shared by every learner."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sandbox.baselines import MemorizeLearner
from sandbox.conformance import ConformanceError, check_learner
from sandbox.errors import UsageError
from sandbox.protocol import Learner, NotFittedError, ParamsMixin, Prediction
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
        pass

    def fit(self, examples):
        self.calls_ = getattr(self, "calls_", 0) + 1
        return self

    def predict(self, sources):
        return [self.explain(s) for s in sources]

    def explain(self, source):
        if not hasattr(self, "calls_"):
            raise NotFittedError("_Forgetful is not fitted")
        return Prediction(("X",) * self.calls_)


class _StateInInit(MemorizeLearner):
    def __init__(self) -> None:
        self.table_ = {}


class _CacheInInit(MemorizeLearner):
    def __init__(self) -> None:
        self._cache: dict[str, str] = {}


class _AnswersUnfitted(MemorizeLearner):
    def explain(self, source):
        return Prediction.abstain("nothing learned yet") if not hasattr(self, "table_") else super().explain(source)


class _MissingState(MemorizeLearner):
    def explain(self, source):
        return Prediction(self.table_[tuple(source)].target)  # a KeyError or AttributeError, not a clear error


class _ExplainsOtherwise(MemorizeLearner):
    def explain(self, source):
        return replace(super().explain(source), derivation=None)

    def predict(self, sources):
        return [super(_ExplainsOtherwise, self).explain(tuple(s)) for s in sources]


def test_conformance_catches_broken_learners():
    with pytest.raises(ConformanceError, match="fitting twice"):
        check_learner(_Forgetful)
    with pytest.raises(ConformanceError, match="before fit"):
        check_learner(_StateInInit)
    with pytest.raises(ConformanceError, match=r"not parameters: \['_cache'\]"):
        check_learner(_CacheInInit)
    with pytest.raises(ConformanceError, match="predict before fit answers"):
        check_learner(_AnswersUnfitted)
    with pytest.raises(ConformanceError, match="predict before fit raises AttributeError"):
        check_learner(_MissingState)
    with pytest.raises(ConformanceError, match="explain gives another derivation"):
        check_learner(_ExplainsOtherwise)


def test_runtime_registration():
    register_learner("test-memorize")(MemorizeLearner)
    assert "test-memorize" in learner_names()
    assert isinstance(make_learner("test-memorize"), MemorizeLearner)
