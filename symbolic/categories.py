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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sandbox.data import Example
from symbolic.chart import InductionChart, Tree
from symbolic.hierarchy import MAX_IDS, Hierarchy, Seen, Slot

MAX_TREES = 16


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
    for ex in ambiguous:
        trees = chart.trees(ex.source, ex.target, MAX_TREES)
        best = min(trees, key=lambda t: (_cost(first, t), _grouping(t)))
        _record_tree(best, ex.id, seen)
    return Hierarchy(seen, mtypes, rule_evidence, similarity, slots)


def _add(seen: Seen, slot: Slot, filler: str, ex_id: str) -> None:
    ids = seen.setdefault(slot, {}).setdefault(filler, ())
    if len(ids) < MAX_IDS and ex_id not in ids:
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


def _record_tree(tree: Tree, ex_id: str, seen: Seen) -> None:
    for slot, child in enumerate(tree.children):
        _add(seen, (tree.rule, slot), child.rule, ex_id)
        _record_tree(child, ex_id, seen)


def _cost(h: Hierarchy, tree: Tree) -> tuple[int, int, int]:
    counts = [0, 0, 0, 0]
    stack = [tree]
    while stack:
        node = stack.pop()
        for slot, child in enumerate(node.children):
            counts[h.level(node.rule, slot, child.rule)] += 1
            stack.append(child)
    return counts[3], counts[2], counts[1]


def _grouping(tree: Tree) -> tuple[int, ...]:
    """Longer first slots first, from the root down (the left-grouping bias)."""
    out = []
    stack = [tree]
    while stack:
        node = stack.pop(0)
        if node.children:
            first = node.children[0].span
            out.append(first[0] - first[1])
        stack.extend(node.children)
    return tuple(out)
