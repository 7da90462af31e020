"""A learner that translates word by word, from the one-word examples it was shown."""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.data import Example, Tokens
from sandbox.protocol import NotFittedError, ParamsMixin, Prediction


class WordByWordLearner(ParamsMixin):
    """Answers a seen input from memory; otherwise joins the answers of its words.

    A word's answer comes from a training example whose input is that word
    alone; an input with a word that has none is an abstention with a reason.
    """

    def __init__(self, memorize: bool = True):
        self.memorize = memorize  # __init__ only stores hyperparameters

    def fit(self, examples: Sequence[Example]) -> WordByWordLearner:
        self.seen_ = {ex.source: ex.target for ex in examples} if self.memorize else {}
        self.words_ = {ex.source[0]: ex.target for ex in examples if len(ex.source) == 1}
        return self

    def explain(self, source: Tokens) -> Prediction:
        if not hasattr(self, "words_"):
            raise NotFittedError("WordByWordLearner is not fitted: call fit() first")
        source = tuple(source)
        if source in self.seen_:
            return Prediction(self.seen_[source], reason="seen in training")
        missing = [w for w in source if w not in self.words_]
        if missing or not source:
            return Prediction.abstain(f"no one-word example for {missing[0]!r}" if missing else "empty input")
        tokens = tuple(tok for w in source for tok in self.words_[w])
        # Each output token comes from the input word whose answer holds it.
        attribution = tuple((i,) for i, w in enumerate(source) for _ in self.words_[w])
        return Prediction(tokens, attribution=attribution)

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        return [self.explain(s) for s in sources]
