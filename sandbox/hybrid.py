"""A hybrid learner that routes by abstention: the symbolic learner where it answers within a cap, neural elsewhere.

This is the combination of NQG-T5 (Shaw, Chang, Pasupat & Toutanova 2021,
"Compositional generalization and natural language variation: can a semantic
parsing approach handle both?"): a grammar learner answers where it parses,
a neural model everywhere else. Here the grammar side is the learner
registered as ``symbolic``, capped at ``symbolic_max_relaxation``; the
neural side is the learner registered under ``neural``. Both are built
through the registry, so this module imports neither package's internals.

Each answer records its ``source`` (``"symbolic"`` or the neural learner's
name); a neural answer carries no derivation, so only the symbolic side's
answers can count as traceable.

- ``symbolic_max_relaxation = -1`` switches the symbolic side off (the hybrid
  is then its neural side);
- ``neural = ""`` switches the neural side off (the hybrid then abstains
  where the symbolic learner does).

>>> from sandbox.data import Example
>>> train = [Example.of("a", "A", id="0"), Example.of("b", "B", id="1"), Example.of("a b", "A B", id="2")]
>>> hybrid = HybridLearner(neural="memorize").fit(train)
>>> [(p.tokens, p.source) for p in hybrid.predict([("b", "a"), ("a",)])]
[(('B', 'A'), 'symbolic'), (('A',), 'symbolic')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sandbox.data import Example, Tokens
from sandbox.protocol import Learner, NotFittedError, ParamsMixin, Prediction
from sandbox.registry import learner_parameters, make_learner

SYMBOLIC = "symbolic"
CAPS = (0, 1, 2, 3)


class HybridLearner(ParamsMixin):
    """Symbolic answers within ``symbolic_max_relaxation``, the ``neural`` learner's answers elsewhere."""

    def __init__(self, symbolic_max_relaxation: int = 3, neural: str = "gru", epochs: int | None = None,
                 seed: int = 0, device: str | None = None):
        self.symbolic_max_relaxation = symbolic_max_relaxation
        self.neural = neural
        self.epochs = epochs
        self.seed = seed
        self.device = device

    def _neural_params(self) -> dict[str, Any]:
        accepted = set(learner_parameters(self.neural))
        wanted = {"epochs": self.epochs, "seed": self.seed, "device": self.device}
        return {k: v for k, v in wanted.items() if v is not None and k in accepted}

    def _symbolic(self, cap: int) -> Learner:
        return make_learner(SYMBOLIC, max_relaxation=cap)

    def fit(self, examples: Sequence[Example]) -> HybridLearner:
        if not -1 <= self.symbolic_max_relaxation <= max(CAPS):
            raise ValueError(f"symbolic_max_relaxation must be -1 (off) or 0..{max(CAPS)}, "
                             f"not {self.symbolic_max_relaxation}")
        examples = list(examples)
        self.examples_ = examples
        self.symbolic_ = None if self.symbolic_max_relaxation < 0 else \
            self._symbolic(self.symbolic_max_relaxation).fit(examples)
        self.neural_ = make_learner(self.neural, **self._neural_params()).fit(examples) if self.neural else None
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "examples_"):
            raise NotFittedError("HybridLearner is not fitted: call fit() first")

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        self._check_fitted()
        sources = [tuple(s) for s in sources]
        symbolic = self.symbolic_.predict(sources) if self.symbolic_ is not None else None
        return self._route(sources, symbolic)

    def _route(self, sources: list[Tokens], symbolic: list[Prediction] | None) -> list[Prediction]:
        """Symbolic answers where given, the neural side's answers (asked only for those items) elsewhere."""
        out: list[Prediction | None] = [None] * len(sources)
        routed = []
        for i in range(len(sources)):
            pred = symbolic[i] if symbolic is not None else None
            if pred is not None and not pred.abstained:
                out[i] = replace(pred, source=SYMBOLIC)
            else:
                routed.append(i)
        if self.neural_ is not None and routed:
            answers = self.neural_.predict([sources[i] for i in routed])
            for i, ans in zip(routed, answers, strict=True):
                out[i] = replace(ans, source=self.neural, relaxation_level=None, derivation=None)
        for i in routed:
            if out[i] is None:  # no neural side: the symbolic abstention stands
                pred = symbolic[i] if symbolic is not None else Prediction.abstain("both sides switched off")
                out[i] = replace(pred, source=SYMBOLIC)
        return [p for p in out if p is not None]

    def explain(self, source: Tokens) -> Prediction:
        return self.predict([source])[0]

    def routing_curve(self, sources: Sequence[Tokens], caps: Sequence[int] = CAPS) -> dict[int, list[Prediction]]:
        """The hybrid's answers at each symbolic cap in ``caps``, with this fit's neural side.

        The symbolic learner is refitted at each cap on the same examples (it
        fits in about a second on SCAN); the neural model is fitted once.
        """
        self._check_fitted()
        sources = [tuple(s) for s in sources]
        curve = {}
        for cap in caps:
            side = self.symbolic_ if cap == self.symbolic_max_relaxation else self._symbolic(cap).fit(self.examples_)
            curve[cap] = self._route(sources, side.predict(sources) if side is not None else None)
        return curve
