"""Revision: a greedy learner's early rules, reconsidered once the later ones exist.

Induction adds rules greedily, short examples first. Where short examples
are scarce, it may first learn a rule that spells out a combination of
rules it has not learned yet ("<0> <1> rep" before "<0> <1>" and "<0> rep").
Such a rule is *reducible*: its pattern contains another rule's pattern,
slots standing for slots; or another rule's pattern with fixed words matches
part of it, each of that rule's slots standing for one or more items
("<0> rep and <1>" holds "<0> and <1>" with "<0> rep" in its first slot).
Revision tries each reducible rule in turn, longest first: without it, do
the examples that proposed it get derived by cheaper changes (the same
proposals and preferences as induction, typically a slot admitting
phrases)? If so, the rule goes; if not, everything is put back as it was.

>>> reducible((0, 1, "rep"), [(0, 1), (0, "rep")])
True
>>> reducible((0, "and", 1), [(0, 1)])
False
>>> reducible((0, "rep", "and", 1), [(0, "and", 1)]), reducible((0, "and", 1), [(0, "and", 1)])
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sandbox.data import Example
from symbolic.proposals import State
from symbolic.rules import Item, RuleKind

AddRules = Callable[[State, list[int]], list[int]]  # derives what it can, returns the rest


def reducible(pattern: Sequence[Item], others: Sequence[Sequence[Item]]) -> bool:
    """Whether another pattern occurs inside ``pattern`` (see the module docstring)."""
    shape = tuple("" if isinstance(x, int) else x for x in pattern)
    for other in others:
        if not 1 < len(other) <= len(pattern):
            continue
        inner = tuple("" if isinstance(x, int) else x for x in other)
        if len(inner) < len(shape) and any(shape[k : k + len(inner)] == inner
                                           for k in range(len(shape) - len(inner) + 1)):
            return True
        if any(inner) and any(_spans(inner, shape, k) for k in range(len(shape))):
            return True
    return False


def _spans(inner: tuple[str, ...], shape: tuple[str, ...], start: int) -> bool:
    """Whether ``inner`` matches ``shape`` from ``start`` with some slot taking several items."""

    def match(i: int, k: int, stretched: bool) -> bool:
        if i == len(inner):
            return stretched
        if inner[i]:  # a fixed word matches itself
            return k < len(shape) and shape[k] == inner[i] and match(i + 1, k + 1, stretched)
        return any(match(i + 1, j, stretched or j - k > 1) for j in range(k + 1, len(shape) + 1))

    return match(0, start, False)


def revise(state: State, examples: Sequence[Example], add_rules: AddRules) -> bool:
    """Drop each reducible rule that cheaper changes can replace; whether any went."""
    dropped = False
    candidates = [r for r in state.rules.values() if r.kind is RuleKind.COMPOSITION]
    for rule in sorted(candidates, key=lambda r: (-len(r.pattern), r.id)):
        if rule.id not in state.rules:
            continue
        others = [r.pattern for r in state.rules.values() if r.id != rule.id and len(r.pattern) > 1]
        if not reducible(rule.pattern, others):
            continue
        saved = state.snapshot()
        state.remove(rule.id)
        pending = [i for i in saved.supporters.get(rule.id, [])
                   if not state.chart.derivable(*examples[i].pair())]
        left = add_rules(state, pending) if pending else []
        back = any((r.pattern, r.template) == (rule.pattern, rule.template) for r in state.rules.values())
        if left or back:
            state.restore(saved)
        else:
            dropped = True
    return dropped
