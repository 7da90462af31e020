"""The learner registry: a plain dict filled by a decorator and by entry points.

``sandbox`` never imports a learner's internals: learners are found by name,
either registered at run time with :func:`register_learner` or declared by an
installed distribution under the ``sandbox.learners`` entry-point group
(``symbolic``, ``gru`` and ``transformer`` are declared that way in
``pyproject.toml``, so third-party learners plug in the same way).

>>> learner = make_learner("memorize")
>>> type(learner).__name__
'MemorizeLearner'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from sandbox.errors import UsageError
from sandbox.protocol import Learner, init_parameters

LearnerFactory = Callable[..., Learner]

_REGISTERED: dict[str, LearnerFactory] = {}
_GROUP = "sandbox.learners"


def register_learner(name: str) -> Callable[[LearnerFactory], LearnerFactory]:
    """Register a learner class (or factory) under ``name``."""

    def decorate(factory: LearnerFactory) -> LearnerFactory:
        _REGISTERED[name] = factory
        return factory

    return decorate


def _entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=_GROUP)}


def learner_names() -> list[str]:
    """Every learner name that :func:`make_learner` accepts, sorted."""
    return sorted(set(_REGISTERED) | set(_entry_points()))


def learner_factory(name: str) -> LearnerFactory:
    """The class or factory registered under ``name``."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(learner_names())
        raise UsageError(f"unknown learner {name!r} (known: {known})")
    factory = eps[name].load()
    _REGISTERED[name] = factory
    return factory


def learner_parameters(name: str) -> list[str]:
    """The hyperparameter names the learner's constructor accepts."""
    factory = learner_factory(name)
    if isinstance(factory, type):
        return init_parameters(factory)
    sig = inspect.signature(factory)
    return [
        p.name
        for p in sig.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"
    ]


def make_learner(name: str, **params: Any) -> Learner:
    """Build the learner ``name`` with ``params``.

    A parameter the learner does not take is a usage error, so that an option
    such as ``--epochs`` given to a learner without epochs is never silently
    ignored.
    """
    factory = learner_factory(name)
    accepted = set(learner_parameters(name))
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise UsageError(
            f"learner {name!r} takes no parameter {', '.join(map(repr, unknown))} "
            f"(it takes: {', '.join(sorted(accepted)) or 'none'})"
        )
    return factory(**params)
