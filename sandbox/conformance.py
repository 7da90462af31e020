"""One behavioural conformance check run on every registered learner.

A ``Protocol`` isinstance check only looks at names; :func:`check_learner`
checks the contract itself, as scikit-learn's ``check_estimator`` does:

- ``__init__`` only stores its parameters: ``get_params`` returns them as given
  and no other attribute, public or private (learned state, whose names end in
  ``_``, or a cache), exists before ``fit``;
- ``predict`` and ``explain`` before ``fit`` raise a clear error that says the
  learner is not fitted (:class:`~sandbox.protocol.NotFittedError` or any
  ``RuntimeError``/``ValueError`` whose message says "not fitted"), not an
  ``AttributeError`` from missing state;
- ``fit`` returns ``self``;
- predictions are :class:`~sandbox.protocol.Prediction` values, one per input,
  in order;
- refitting on the same data gives the same predictions;
- ``explain`` agrees with ``predict``: the same tokens, relaxation level and
  derivation;
- a derivation, where one is given, replays to the predicted output.

>>> from sandbox.baselines import MemorizeLearner
>>> check_learner(MemorizeLearner)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sandbox.data import Example
from sandbox.derivation import ReplayError, replay
from sandbox.protocol import Learner, Prediction


class ConformanceError(AssertionError):
    """A learner breaks the learner contract."""


def _default_examples() -> list[Example]:
    pairs = [
        ("a", "A"), ("b", "B"), ("c", "C"),
        ("a twice", "A A"), ("b twice", "B B"),
        ("a and b", "A B"), ("b and c", "B C"), ("c and a", "C A"),
        ("a twice and b", "A A B"), ("c and b twice", "C B B"),
    ]  # fmt: skip
    return [Example.of(s, t, id=f"conf-{i}") for i, (s, t) in enumerate(pairs)]


def check_learner(
    factory: Callable[..., Learner],
    params: dict[str, Any] | None = None,
    examples: Sequence[Example] | None = None,
    probes: Sequence[tuple[str, ...]] | None = None,
) -> None:
    """Raise :class:`ConformanceError` where ``factory(**params)`` breaks the contract."""
    params = dict(params or {})
    data = list(examples or _default_examples())
    inputs = list(probes or [ex.source for ex in data] + [("c", "twice"), ("a", "and", "c"), ()])

    learner = factory(**params)
    got = learner.get_params()
    for key, value in params.items():
        _require(key in got and got[key] == value, f"get_params() lost parameter {key!r}")
    extra = sorted(k for k in vars(learner) if k not in got)
    _require(not [k for k in extra if k.endswith("_")], f"learned state {extra} exists before fit")
    _require(not extra, f"__init__ sets attributes that are not parameters: {extra}")
    _require_not_fitted("predict", lambda: learner.predict(inputs[:1]))
    _require_not_fitted("explain", lambda: learner.explain(inputs[0]))

    _require(learner.fit(data) is learner, "fit must return self")
    first = learner.predict(inputs)
    _require(isinstance(first, list) and len(first) == len(inputs), "predict must return one prediction per input")
    for pred in first:
        _require(isinstance(pred, Prediction), "predict must return Prediction values")
    second = factory(**params).fit(data).predict(inputs)
    _require([p.tokens for p in first] == [p.tokens for p in second], "refitting changed the predictions")
    again = learner.fit(data).predict(inputs)
    _require([p.tokens for p in first] == [p.tokens for p in again], "fitting twice changed the predictions")

    for src, pred in zip(inputs, first, strict=False):
        explained = learner.explain(src)
        _require(explained.tokens == pred.tokens, f"explain disagrees with predict on {' '.join(src)!r}")
        _require(explained.relaxation_level == pred.relaxation_level and explained.derivation == pred.derivation,
                 f"explain gives another derivation than predict on {' '.join(src)!r}")
        if pred.derivation is not None and pred.tokens is not None:
            try:
                rebuilt = replay(pred.derivation, src)
            except ReplayError as err:
                raise ConformanceError(f"derivation for {' '.join(src)!r} does not replay: {err}") from err
            _require(rebuilt == pred.tokens, f"derivation for {' '.join(src)!r} rebuilds {rebuilt}")


def _require_not_fitted(call: str, method: Callable[[], object]) -> None:
    """``method`` (a call before ``fit``) must fail with an error that says the learner is not fitted."""
    try:
        method()
    except (RuntimeError, ValueError) as err:  # NotFittedError is a RuntimeError
        _require("not fitted" in str(err), f"{call} before fit raises {type(err).__name__}: {err}, "
                                           "which does not say the learner is not fitted")
        return
    except Exception as err:
        raise ConformanceError(f"{call} before fit raises {type(err).__name__}: {err} "
                               "(raise sandbox.protocol.NotFittedError instead)") from err
    raise ConformanceError(f"{call} before fit answers instead of raising NotFittedError")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConformanceError(message)
