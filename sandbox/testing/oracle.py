"""A reference learner that knows the true grammar: every compositional law holds for it.

The oracle parses with the grammar it is given, so it answers every input of
the language; it is what the laws are checked against in their own tests (a
law the oracle breaks is a broken law). It still reads its training data:
each step of its derivations cites training examples that use the same
production, and an answer that puts a primitive in a slot (or an operator in
a slot) never seen in training has relaxation level 1, so that
``max_relaxation=0`` makes it abstain there as a cautious learner would.
Given a :class:`~sandbox.testing.seqlang.SequenceLanguage` instead of a
grammar, it answers that language's tasks with derivations whose templates
apply sequence operations (:mod:`sandbox.testing.seqoracle`).

>>> from sandbox.testing.grammars import example_grammar
>>> from sandbox.testing.tasks import Split, make_task
>>> case = make_task(example_grammar(), Split("primitive", word="zup"))
>>> oracle = OracleLearner(case.grammar).fit(case.task.train)
>>> pred = oracle.explain(("zup", "wug"))
>>> pred.tokens, pred.relaxation_level
(('ZUP', 'ZUP'), 1)
>>> OracleLearner(case.grammar, max_relaxation=0).fit(case.task.train).explain(("zup", "wug")).reason
'would need relaxation level 1'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox.data import Example, Tokens
from sandbox.derivation import Derivation, Relaxation, attribution
from sandbox.grammar import Grammar, Production, Ref
from sandbox.protocol import ParamsMixin, Prediction
from sandbox.testing.seqlang import SequenceLanguage
from sandbox.testing.seqoracle import explain_sequence, sequence_evidence
from sandbox.testing.trees import Tree, is_operator, parse


class OracleLearner(ParamsMixin):
    """Answer by parsing with ``grammar``; cite training examples as evidence."""

    uses_: dict[Any, list[str]]  # a production or rule, and the training examples that use it
    shown_: set[Any]  # what training shows (a primitive or operator in a slot)

    def __init__(self, grammar: Grammar | SequenceLanguage, max_relaxation: int = 3) -> None:
        self.grammar = grammar
        self.max_relaxation = max_relaxation

    def fit(self, examples: Sequence[Example]) -> OracleLearner:
        if isinstance(self.grammar, SequenceLanguage):
            self.uses_, self.shown_ = sequence_evidence(self.grammar, examples)
            return self
        uses: dict[Any, list[str]] = {}
        shown: set[Any] = set()
        for i, ex in enumerate(examples):
            found = parse(self.grammar, ex.source)
            if not found:
                continue
            shown |= found[0].shows
            for node in found[0].nodes():
                uses.setdefault(node.production, []).append(ex.id or f"#{i}")
        self.uses_ = uses
        self.shown_ = shown
        return self

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        return [self.explain(tuple(s)) for s in sources]

    def explain(self, source: Tokens) -> Prediction:
        if isinstance(self.grammar, SequenceLanguage):
            return explain_sequence(self.grammar, self.uses_, self.shown_, source, self.max_relaxation)
        found = parse(self.grammar, source)
        if not found:
            return Prediction.abstain("not a sentence of the grammar")
        tree = found[0]
        if any(node.production not in self.uses_ for node in tree.nodes()):
            return Prediction.abstain("uses a production never seen in training")
        level = 0 if tree.shows <= self.shown_ else 1
        if level > self.max_relaxation:
            return Prediction.abstain(f"would need relaxation level {level}", level)
        derivation = self._derivation(tree, 0)
        return Prediction(tree.target, relaxation_level=level, derivation=derivation,
                          attribution=attribution(derivation))

    def _derivation(self, tree: Tree, start: int) -> Derivation:
        p = tree.production
        pattern: list[str | int] = []
        children = []
        pos = start
        slot = 0
        for sym in p.source:
            if isinstance(sym, Ref):
                child = self._derivation(tree.children[slot], pos)
                children.append(child)
                pattern.append(slot)
                pos = child.span[1]
                slot += 1
            else:
                pattern.append(sym)
                pos += 1
        evidence = tuple(self.uses_[p][:1])
        relaxations = tuple(
            Relaxation(i, 1, "fillers seen in training", "its meaning type", evidence)
            for i, child in enumerate(tree.children)
            if is_operator(p) and _shown_in_slot(p, i, child) not in self.shown_
        )
        return Derivation(str(p), tuple(pattern), p.target, (start, pos), tuple(children), evidence,
                          relaxations, tree.target)


def _shown_in_slot(p: Production, slot: int, child: Tree) -> tuple[object, ...]:
    word = child.bare_word()
    return ("fills", p, slot, word) if word is not None else ("nests", p, slot, child.head())
