"""Small fake learners and a tiny task for the comparator's tests (no test functions here).

- :class:`WordByWord`: a "symbolic" fake. It learns one token per word from
  single-word training inputs, answers word by word with a derivation (one
  leaf per word, citing that word's training example), so its answers are
  traceable and its attributions come from the derivation; its relaxation
  level is 1 when the input is longer than any training input, else 0.
- :class:`Liar`: the same answers, but it attributes output ``i`` to input
  ``n-1-i`` (wrong whenever that is a different position).
- :class:`FakeNeural`: a seeded "neural" fake with ``encode``: word-by-word
  answers, except that a seeded share of the inputs gets its last token
  replaced; attention-style attribution ``(i,)``; bag-of-words-by-position vectors.
- :class:`FakeDecoding`: :class:`FakeNeural` with a ``first_output_state`` too
  (its first word one-hot, its last word one-hot and its length), as the GRU
  and the Transformer have.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.derivation import Derivation, attribution
from sandbox.protocol import ParamsMixin, Prediction
from sandbox.registry import register_learner

PRIMITIVES = {"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"}


def tiny_task(name: str = "toy/prim", *, description: str = "a toy task", references=()) -> Task:
    """Primitives alone; compositions of a, b, c in training (with duplicates); d and e composed in test."""
    train: list[tuple[str, str]] = [(w, t) for w, t in PRIMITIVES.items()] * 2
    seen = ["a", "b", "c"]
    for x in seen:
        for y in seen:
            train.append((f"{x} {y}", f"{PRIMITIVES[x]} {PRIMITIVES[y]}"))
            for z in seen:
                train.append((f"{x} {y} {z}", f"{PRIMITIVES[x]} {PRIMITIVES[y]} {PRIMITIVES[z]}"))
    test: list[tuple[str, str]] = []
    for x in ("d", "e"):
        for y in seen:
            test.append((f"{x} {y}", f"{PRIMITIVES[x]} {PRIMITIVES[y]}"))
            test.append((f"{y} {x} {y}", f"{PRIMITIVES[y]} {PRIMITIVES[x]} {PRIMITIVES[y]}"))
    test.append(("d e a b", "D E A B"))
    return Task(
        name=name,
        version="t1",
        train=tuple(Example.of(s, t, id=f"train-{i}") for i, (s, t) in enumerate(train)),
        test=tuple(Example.of(s, t, id=f"test-{i}", category="two" if len(s.split()) == 2 else "more",
                              meta={"kind": "lexical"}) for i, (s, t) in enumerate(test)),
        generalization=Generalization.PRIMITIVE,
        description=description,
        references=tuple(references),
    )


class WordByWord(ParamsMixin):
    """See the module docstring."""

    def __init__(self) -> None:
        pass

    def fit(self, examples: Sequence[Example]) -> WordByWord:
        self.lexicon_: dict[str, Example] = {}
        for ex in examples:
            if len(ex.source) == 1 and len(ex.target) == 1:
                self.lexicon_.setdefault(ex.source[0], ex)
        self.root_evidence_ = next(ex.id for ex in examples)
        self.max_len_ = max(len(ex.source) for ex in examples)
        return self

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        return [self.explain(tuple(s)) for s in sources]

    def explain(self, source: Tokens) -> Prediction:
        if not source or any(w not in self.lexicon_ for w in source):
            return Prediction.abstain("unknown word")
        leaves = tuple(
            Derivation(f"lex:{w}", (w,), self.lexicon_[w].target, (i, i + 1), (), (self.lexicon_[w].id,),
                       output=self.lexicon_[w].target)
            for i, w in enumerate(source)
        )
        slots = tuple(range(len(source)))
        output = tuple(t for leaf in leaves for t in leaf.output)
        root = Derivation("seq", slots, slots, (0, len(source)), leaves, (self.root_evidence_,), output=output)
        level = 1 if len(source) > self.max_len_ else 0
        return Prediction(output, relaxation_level=level, derivation=root, attribution=self._attribution(root))

    def _attribution(self, root: Derivation) -> tuple[tuple[int, ...], ...]:
        return attribution(root)


class Liar(WordByWord):
    """Right answers, attributions reversed."""

    def _attribution(self, root: Derivation) -> tuple[tuple[int, ...], ...]:
        n = len(root.output)
        return tuple((n - 1 - i,) for i in range(n))


class FakeNeural(ParamsMixin):
    """See the module docstring."""

    def __init__(self, seed: int = 0, epochs: int = 1) -> None:
        self.seed = seed
        self.epochs = epochs

    def fit(self, examples: Sequence[Example]) -> FakeNeural:
        self.lexicon_ = {ex.source[0]: ex.target[0] for ex in examples if len(ex.source) == 1}
        self.vocab_ = sorted({w for ex in examples for w in ex.source})
        return self

    def _flip(self, source: Tokens) -> bool:
        key = zlib.crc32(" ".join(source).encode()) ^ (self.seed * 2654435761 % 2**32)
        return np.random.default_rng(key).random() < 0.3

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        return [self.explain(tuple(s)) for s in sources]

    def explain(self, source: Tokens) -> Prediction:
        tokens = [self.lexicon_.get(w, "A") for w in source]
        if tokens and self._flip(source):
            tokens[-1] = "Z"
        return Prediction(tuple(tokens), attribution=tuple((i,) for i in range(len(tokens))))

    def encode(self, sources: Sequence[Tokens]) -> np.ndarray:
        index = {w: i for i, w in enumerate(self.vocab_)}
        out = np.zeros((len(sources), 2 * len(self.vocab_) + 1))
        for row, source in enumerate(sources):
            for pos, w in enumerate(source):
                if w in index:
                    out[row, index[w]] += 1.0
                    out[row, len(index) + index[w]] += pos
            out[row, -1] = len(source)
        return out


class FakeDecoding(FakeNeural):
    """See the module docstring."""

    def first_output_state(self, sources: Sequence[Tokens]) -> np.ndarray:
        index = {w: i for i, w in enumerate(self.vocab_)}
        out = np.zeros((len(sources), 2 * len(self.vocab_) + 1))
        for row, source in enumerate(sources):
            if source and source[0] in index:
                out[row, index[source[0]]] = 1.0
            if source and source[-1] in index:
                out[row, len(index) + index[source[-1]]] = 1.0
            out[row, -1] = len(source)
        return out


def register_fakes() -> None:
    """Register the fakes under ``fake-sym``, ``fake-liar``, ``fake-neural`` and ``fake-decoding``."""
    register_learner("fake-sym")(WordByWord)
    register_learner("fake-liar")(Liar)
    register_learner("fake-neural")(FakeNeural)
    register_learner("fake-decoding")(FakeDecoding)
