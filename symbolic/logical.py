"""Meanings that are sets of conjuncts over word positions (logical forms).

Tried before the other rule languages: kept only where the outputs name input
words by position (:mod:`symbolic.lfsyntax` finds the marker and brackets)
and the rules learned read at least ``coverage`` of the training examples as
trees (:mod:`symbolic.lfgrammar`). The render law (parts in an order, then the
positions each conjunct mentions) is learned from the outputs and checked on
every training sentence: those it does not re-render are memorized, as are
the sentences that do not read as trees. Answers come from
:mod:`symbolic.lfparse` (least relaxed first) with a derivation in format 3
that the sandbox's replayer rebuilds without the learner.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from graphlib import CycleError, TopologicalSorter

from sandbox.data import Example, Tokens
from sandbox.derivation import Derivation, attribution, replay_attributed
from sandbox.lforms import Render
from sandbox.protocol import Prediction
from symbolic.lfgrammar import Grammar, Shape, induce, learn_words
from symbolic.lfparse import MAX_ITEMS, Budget, LFParser, copy_evidence, derivation
from symbolic.lfsyntax import Observed, is_position, learn_syntax
from symbolic.work import Work


class LogicalReading:
    """A fitted conjunct reading: grammar, render law, parser, memory."""

    def __init__(self, g: Grammar, law: Render, memory: dict[Tokens, tuple[Tokens, str]],
                 word_evidence: dict[str, tuple[str, ...]], similarity: float, notes: tuple[str, ...],
                 max_items: int = MAX_ITEMS):
        self.grammar, self.law, self.memory = g, law, memory
        self.word_evidence = word_evidence
        self.parser = LFParser(g, similarity, frozenset(word_evidence), max_items)
        self.notes = notes
        self.render_evidence = tuple(next(iter(g.rules.values()))[:1])
        self.copied = copy_evidence(g, word_evidence)

    def kinds(self) -> dict[str, int]:
        """How many rules of each kind (unit, phrase, sentence), and the examples memorized."""
        out: dict[str, int] = {}
        for shape in self.parser.shapes:
            out[shape.kind] = out.get(shape.kind, 0) + 1
        return {**out, "memorized": len(self.memory)}

    def rule_map(self) -> dict[str, Shape]:
        return {f"lf{i + 1}": s for i, s in enumerate(self.parser.shapes)}

    def explain(self, source: Tokens, max_relaxation: int) -> Prediction:
        if source in self.memory:
            target, ex_id = self.memory[source]
            memo = Derivation(f"memory:{ex_id}", source, target, (0, len(source)), (), (ex_id,), output=target)
            return Prediction(target, "recalled: a training example the rules do not read", 0, memo,
                              attribution(memo))
        unknown = [w for w in source if w not in self.word_evidence]
        if unknown and self.parser.copy_kind is None:
            return Prediction.abstain(f"unknown word {unknown[0]!r}")
        try:
            node = self.parser.parse(source)
        except Budget:
            return Prediction.abstain(f"parse budget spent ({self.parser.max_items} items)")
        if node is None:
            return Prediction.abstain("no rule matches (no derivation at any relaxation level)")
        level = node.cost[0]
        if level > max_relaxation:
            return Prediction.abstain(f"would need relaxation level {level} (the cap is {max_relaxation})", level)
        top = derivation(node, source, self.parser, self.word_evidence, self.copied)
        root = Derivation("render", (0,), (self.law,), (0, len(source)), (top,), self.render_evidence)
        # The answer is what the sandbox's own replayer builds from the derivation, stated on its root.
        output, behind = replay_attributed(root, source)
        root = replace(root, output=output)
        return Prediction(output, "", level, root, behind)


def read_logical_forms(train: Sequence[Example], work: Work, coverage: float,
                       similarity: float, max_items: int | None = MAX_ITEMS) -> LogicalReading | str:
    """The conjunct reading of ``train``, or why it does not apply."""
    pairs = [(ex.source, ex.target) for ex in train]
    # Most tasks name no position at all: one pass over the output vocabulary says so.
    if not any(x.isascii() and x.isdigit() for x in set().union(*(t for _, t in pairs))):
        return "outputs do not name input positions"
    with_positions = sum(1 for s, t in pairs if any(is_position(x, len(s)) for x in t))
    if with_positions < coverage * len(pairs) * 0.5:
        return "outputs do not name input positions"
    syntax = learn_syntax(pairs, work)
    if syntax is None:
        if work.exhausted:
            return f"work budget spent ({work.limit} steps) while learning the outputs' syntax"
        return "no marker and bracket pair reads every output that names positions"
    graphs: list[tuple[Example, list[Observed]]] = []
    alone: dict[str, Tokens] = {}
    memory: dict[Tokens, tuple[Tokens, str]] = {}
    evidence: dict[str, list[str]] = defaultdict(list)
    for ex in train:
        if not work.spend(len(ex.target)):
            return f"work budget spent ({work.limit} steps) while reading the outputs"
        conj = syntax.conjuncts(ex.source, ex.target)
        for w in set(ex.source):
            if len(evidence[w]) < 3:
                evidence[w].append(ex.id)
        if conj is not None:
            graphs.append((ex, conj))
        elif len(ex.source) == 1:
            alone[ex.source[0]] = ex.target
            memory[ex.source] = (ex.target, ex.id)
        else:
            memory[ex.source] = (ex.target, ex.id)
    law = _render_law(graphs)
    if law is None:
        return "the parts of the outputs come in no fixed order"
    # Both passes read every conjunct once per position of its sentence at most: counted before.
    if not work.afford(sum(len(ex.source) * (1 + len(conj)) for ex, conj in graphs)):
        return f"work budget spent ({work.limit} steps) while reading the words and the trees"
    words, classmates = learn_words(graphs, alone)
    g = induce(graphs, words, classmates, syntax, law.parts[-1] if law.parts else "")
    for ex in g.left_out:
        memory[ex.source] = (ex.target, ex.id)
    read = len(train) - len(memory)
    if read < coverage * len(train):
        return f"the conjunct rules read {read} of {len(train)} training examples (need {coverage:.0%})"
    reading = LogicalReading(g, law, memory, {w: tuple(v) for w, v in evidence.items()}, similarity,
                             (f"{len(g.left_out)} sentences do not read as trees (memorized)",),
                             sys.maxsize if max_items is None else max_items)
    return reading


def _render_law(graphs: Sequence[tuple[Example, list[Observed]]]) -> Render | None:
    """Parts (separators) in the order outputs put them; ``None`` where two outputs disagree."""
    order = TopologicalSorter[str]()
    for _, conj in graphs:
        seps = [c.separator for c in conj if c.separator is not None]
        for a, b in itertools.pairwise(seps):
            order.add(a)
            if a != b:
                order.add(b, a)
    try:
        parts = tuple(order.static_order())
    except CycleError:
        return None
    return Render(parts, parts)
