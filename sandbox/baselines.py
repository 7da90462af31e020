"""A trivial baseline that exercises the whole pipeline: it memorizes.

It answers an input seen in training with its training output (a one-node
derivation citing that example, so its answers are fully traceable) and
abstains on anything else. It is the floor every learner should beat out of
distribution, and it makes the pipeline testable without any real learner.

>>> from sandbox.data import Example
>>> m = MemorizeLearner().fit([Example.of("a b", "X Y", id="t-0")])
>>> m.predict([("a", "b"), ("c",)])[0].tokens
('X', 'Y')
>>> m.predict([("c",)])[0].reason
'input not seen in training'
"""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.data import Example, Tokens
from sandbox.derivation import Derivation, attribution
from sandbox.protocol import NotFittedError, ParamsMixin, Prediction


class MemorizeLearner(ParamsMixin):
    """Answer only inputs seen in training; abstain on the rest."""

    def __init__(self) -> None:
        pass

    def fit(self, examples: Sequence[Example]) -> MemorizeLearner:
        table: dict[Tokens, Example] = {}
        for ex in examples:
            table.setdefault(ex.source, ex)  # the first occurrence is the evidence
        self.table_ = table
        return self

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        return [self.explain(tuple(s)) for s in sources]

    def explain(self, source: Tokens) -> Prediction:
        if not hasattr(self, "table_"):
            raise NotFittedError("MemorizeLearner is not fitted: call fit() first")
        ex = self.table_.get(tuple(source))
        if ex is None:
            return Prediction.abstain("input not seen in training")
        node = Derivation(
            rule=f"memorized:{ex.id}",
            pattern=ex.source,
            template=ex.target,
            span=(0, len(ex.source)),
            children=(),
            evidence=(ex.id,),
            output=ex.target,
        )
        return Prediction(ex.target, relaxation_level=0, derivation=node, attribution=attribution(node))
