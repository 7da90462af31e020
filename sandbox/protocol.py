"""The learner protocol: what the comparator and the CLI may assume of a learner.

The contract follows scikit-learn's estimators: ``__init__`` only stores
hyperparameters (learned state ends in ``_`` and appears in ``fit``), ``fit``
returns ``self``, refitting on the same data gives the same predictions.
``predict`` returns one :class:`Prediction` per source, and a prediction may be
an honest abstention with a reason. Learners that explain themselves attach a
:class:`~sandbox.derivation.Derivation`; learners with an embedding space also
implement :class:`EmbeddingLearner`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from sandbox.data import Example, Tokens
from sandbox.derivation import Derivation


class NotFittedError(RuntimeError):
    """``predict``, ``explain`` (or any other use of learned state) before ``fit``."""


@dataclass(frozen=True)
class Prediction:
    """A learner's answer for one input, or its abstention.

    ``tokens`` is ``None`` when the learner abstains; ``reason`` then says why
    (unknown word, no rule matches, would need relaxation level k).
    ``attribution[i]`` lists the input positions that produced output position
    ``i`` (from a derivation, or from attention for a neural model).
    ``source`` names the part of a composite learner that gave the answer
    (the hybrid's ``"symbolic"`` or its neural learner's name); empty otherwise.
    """

    tokens: Tokens | None
    reason: str = ""
    relaxation_level: int | None = None
    derivation: Derivation | None = None
    attribution: tuple[tuple[int, ...], ...] | None = None
    source: str = ""

    @property
    def abstained(self) -> bool:
        return self.tokens is None

    @classmethod
    def abstain(cls, reason: str, relaxation_level: int | None = None) -> Prediction:
        return cls(None, reason=reason, relaxation_level=relaxation_level)


@runtime_checkable
class Learner(Protocol):
    """Anything with ``fit``/``predict``/``explain``/``get_params`` is a learner.

    A ``Protocol`` isinstance check only looks at names; the behavioural
    contract is checked by :func:`sandbox.conformance.check_learner`.
    """

    def fit(self, examples: Sequence[Example]) -> Learner: ...

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]: ...

    def explain(self, source: Tokens) -> Prediction: ...

    def get_params(self) -> dict[str, Any]: ...


@runtime_checkable
class EmbeddingLearner(Learner, Protocol):
    """A learner whose inputs live in a vector space open for analysis."""

    def encode(self, sources: Sequence[Tokens]) -> np.ndarray:
        """One fixed-size vector per source, shape ``(len(sources), dim)``."""
        ...


def init_parameters(cls: type) -> list[str]:
    """The hyperparameter names ``cls(...)`` takes: its ``__init__``'s named parameters, and, where that
    ``__init__`` hands ``**kwargs`` on to its base class, the base's as well (subclass first).

    This lets a family of learners keep their shared hyperparameters in one base ``__init__``
    while every name stays explicit in some signature (as scikit-learn needs to read them).

    >>> class Base:
    ...     def __init__(self, seed: int = 0): self.seed = seed
    >>> class Child(Base):
    ...     def __init__(self, width: int = 8, **shared: Any):
    ...         super().__init__(**shared)
    ...         self.width = width
    >>> init_parameters(Child)
    ['width', 'seed']
    """
    import inspect

    names: list[str] = []
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass is object:
            continue
        params = list(inspect.signature(vars(klass)["__init__"]).parameters.values())[1:]  # drop self
        names += [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in names]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return names


class ParamsMixin:
    """``get_params`` read off ``__init__``'s signature (and its bases', see :func:`init_parameters`),
    as scikit-learn does."""

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in init_parameters(type(self))}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
