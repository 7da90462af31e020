"""The seen fillers of every slot, read off clean derivations of the training examples.

Induction settles the rules; this pass settles the categories, in two steps
(so that a structurally ambiguous example never decides a category alone):

1. every training example with exactly one derivation gives its slot fillers;
2. every example with several derivations that give its output (the same
   output read with two bracketings, say) gives the fillers of its least
   relaxed derivation under the categories of step 1; among equally relaxed
   ones, the grouping bias prefers the longer first slot.

The derivations are those of the induction chart, where every slot admits
what the training data needed (:mod:`symbolic.induction`).

>>> from symbolic.rules import Rule, RuleKind
>>> lexicon = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in ("blor", "tepa")}
>>> then = Rule("r1", (0, "zim", 1), (1, 0), ("e1",), RuleKind.COMPOSITION)
>>> chart = InductionChart(lexicon, [then], lambda rule, slot, filler: 0)
>>> data = [Example.of("blor zim tepa", "TEPA BLOR", id="e1"),
...         Example.of("tepa zim blor zim tepa", "TEPA BLOR TEPA", id="e2")]
>>> [chart.count(ex.source, ex.target) for ex in data]  # e2: two bracketings, one output
[1, 2]
>>> h = build_hierarchy(chart, data, {"lex:blor": "word:1", "lex:tepa": "word:1", "r1": "phrase"}, {}, 0.5,
...                     [("r1", 0), ("r1", 1)])

e1 alone says that ``blor`` goes first and ``tepa`` second. Read as
``tepa zim (blor zim tepa)``, e2 relaxes its outer first slot (level 2)
and keeps its inner phrase as e1 has it; read the other way, it would relax
both slots of its inner phrase. So e2 adds a phrase to the second slot:

>>> h.seen[("r1", 0)], h.seen[("r1", 1)]
({'lex:blor': ('e1', 'e2'), 'lex:tepa': ('e2',)}, {'lex:tepa': ('e1', 'e2'), 'r1': ('e2',)})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import networkx as nx

from sandbox.data import Example
from symbolic.chart import InductionChart
from symbolic.hierarchy import Hierarchy, Seen, Slot, reverses
from symbolic.rules import ADMISSION_EVIDENCE


def build_hierarchy(chart: InductionChart, examples: Sequence[Example], mtypes: Mapping[str, str],
                    rule_evidence: Mapping[str, Sequence[str]], similarity: float,
                    slots: Sequence[Slot]) -> Hierarchy:
    """The hierarchy of the final rules (see the module docstring)."""
    seen: Seen = {}
    done: set[tuple[tuple[str, ...], str, tuple[str, ...]]] = set()
    ambiguous: list[Example] = []
    for ex in sorted(examples, key=lambda e: len(e.source)):
        n = chart.count(ex.source, ex.target)
        if n == 1:
            _record_unique(chart, ex, seen, done)
        elif n > 1:
            ambiguous.append(ex)
    first = Hierarchy(seen, mtypes, rule_evidence, similarity, slots)
    nesting = Nesting(first)
    memo: dict[Key, Choice] = {}
    for ex in ambiguous:
        roots = sorted(r for r, m in chart.analyses(ex.source) if m == ex.target)
        best = min(roots, key=lambda r: _least(chart, first, nesting, (ex.source, r, ex.target), memo)[0])
        if _record_least(chart, first, nesting, (ex.source, best, ex.target), ex.id, seen, memo):
            memo.clear()  # the nesting changed: the readings' reversals may have too
    return Hierarchy(seen, mtypes, rule_evidence, similarity, slots)


class Nesting:
    """Which rules' phrases have been seen inside which, transitively, growing as examples are read.

    An ambiguous example read one way nests its phrases that way; the next
    ambiguous example is then read so as not to reverse it (short examples
    first), so that an operator whose examples are all ambiguous (one that
    means its argument, say) is put at one place in the order, not at a
    different one in each example.
    """

    def __init__(self, h: Hierarchy):
        self._h = h
        self._graph = h.nesting_graph()
        self._inside = h.inside

    def _edge(self, filler: str, rule: str) -> bool:
        if not self._h.nests(rule, filler) or self._graph.has_edge(filler, rule):
            return False
        self._graph.add_edge(filler, rule)
        return True

    def cycles(self, rule: str, filler: str) -> int:
        """1 if putting a ``filler`` phrase into a slot of ``rule`` reverses a seen nesting, else 0."""
        return reverses(self._inside, rule, filler)

    def add(self, rule: str, filler: str) -> bool:
        """Record a ``filler`` phrase inside ``rule``; whether the transitive nesting changed."""
        if not self._edge(filler, rule) or rule in self._inside.get(filler, set()):
            return False
        self._inside = {f: nx.descendants(self._graph, f) for f in self._graph}
        return True


Key = tuple[tuple[str, ...], str, tuple[str, ...]]  # (phrase, root rule, meaning)


class ReadingCost(NamedTuple):
    """How relaxed a reading is, compared field by field in this order (see ``_least``).

    >>> a = ReadingCost(level3=0, reversals=1, level2=0, level1=0, distance=0.0, first=0)
    >>> b = ReadingCost(level3=0, reversals=0, level2=0, level1=2, distance=0.0, first=0)
    >>> b < a  # a reversed nesting outranks level-1 slots
    True
    >>> a.plus(b).reversals, a.plus(b).level1
    (1, 2)
    """

    level3: int
    reversals: int
    level2: int
    level1: int
    distance: float
    first: int  # minus the first slot's length (the grouping bias: longer first)

    def plus(self, other: ReadingCost) -> ReadingCost:
        """The field-wise sum (a child's cost added to its parent's; ``first`` stays the parent's)."""
        return ReadingCost(self.level3 + other.level3, self.reversals + other.reversals,
                           self.level2 + other.level2, self.level1 + other.level1,
                           self.distance + other.distance, self.first)


Choice = tuple[ReadingCost, tuple[tuple[int, int, str, tuple[str, ...]], ...]]


def _least(chart: InductionChart, h: Hierarchy, nesting: Nesting, key: Key,
           memo: dict[Key, Choice]) -> Choice:
    """The least relaxed way to derive ``key`` under ``h``: its order and its children.

    The order counts slots at level 3 (any constituent), then the nestings
    it reverses (see :class:`Nesting`), then slots at levels 2 and 1, then
    adds up how far the level-1 fillers are from their slots' own (see
    ``Hierarchy.closeness``), then prefers the longer first slot (the
    grouping bias); a dynamic program over the chart's alternatives, shared
    by every example with the same sub-phrase. Precedence outranks the
    meaning-type and distributional levels (an example both readings of
    which give its output says nothing against the order the unambiguous
    ones show), but not level 3: sparse data can make the nesting cyclic,
    and then a reading that keeps one cycle's order may put a phrase where
    no phrase of its kind has ever stood.
    """
    found = memo.get(key)
    if found is not None:
        return found
    phrase, root, meaning = key
    best: Choice | None = None
    for children in chart.analyses(phrase)[(root, meaning)].alternatives:
        # A child's cost counts field by field: its reversals as reversals, its
        # level-2 slots as level-2 slots (an older positional tuple once mixed them).
        counts = [0, 0, 0, 0]
        distance = 0.0
        reversals = 0
        inner = ReadingCost(0, 0, 0, 0, 0.0, 0)
        for slot, (a, b, child, child_meaning) in enumerate(children):
            inner = inner.plus(_least(chart, h, nesting, (phrase[a:b], child, child_meaning), memo)[0])
            level = h.level(root, slot, child)
            counts[level] += 1
            reversals += nesting.cycles(root, child)
            if level == 1:
                distance += 1 - h.closeness(root, slot, child)
        first = children[0][0] - children[0][1] if children else 0
        own = ReadingCost(counts[3], reversals, counts[2], counts[1], distance, first)
        total = own.plus(inner)
        order = total._replace(distance=round(total.distance, 9))
        if best is None or order < best[0]:
            best = (order, children)
    assert best is not None
    memo[key] = best
    return best


def _record_least(chart: InductionChart, h: Hierarchy, nesting: Nesting, key: Key, ex_id: str,
                  seen: Seen, memo: dict[Key, Choice]) -> bool:
    """Record the fillers of the least relaxed reading of ``key``; whether the nesting changed."""
    phrase, root, _ = key
    changed = False
    for slot, (a, b, child, child_meaning) in enumerate(_least(chart, h, nesting, key, memo)[1]):
        _add(seen, (root, slot), child, ex_id)
        changed |= nesting.add(root, child)
        changed |= _record_least(chart, h, nesting, (phrase[a:b], child, child_meaning), ex_id, seen, memo)
    return changed


def _add(seen: Seen, slot: Slot, filler: str, ex_id: str) -> None:
    ids = seen.setdefault(slot, {}).setdefault(filler, ())
    if len(ids) < ADMISSION_EVIDENCE and ex_id not in ids:
        seen[slot][filler] = (*ids, ex_id)


def _record_unique(chart: InductionChart, ex: Example, seen: Seen,
                   done: set[tuple[tuple[str, ...], str, tuple[str, ...]]]) -> None:
    # A sub-phrase of a unique derivation has a unique derivation too, the same
    # in every example; one walked already (in any example) adds nothing new.
    root = next(r for (r, m), e in chart.analyses(ex.source).items() if m == ex.target)
    stack = [(ex.source, root, ex.target)]
    while stack:
        phrase, rule, meaning = stack.pop()
        (children,) = chart.analyses(phrase)[(rule, meaning)].alternatives
        for slot, (a, b, child, child_meaning) in enumerate(children):
            _add(seen, (rule, slot), child, ex.id)
            key = (phrase[a:b], child, child_meaning)
            if key not in done:
                done.add(key)
                stack.append(key)


