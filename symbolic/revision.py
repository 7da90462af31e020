"""Revision: a greedy learner's early rules, reconsidered once the later ones exist.

Induction adds rules greedily, short examples first. Where short examples
are scarce, it may first learn a rule that spells out a combination of
rules it has not learned yet ("<0> <1> rep" before "<0> <1>" and "<0> rep").
Such a rule is *reducible*: its pattern contains another rule's pattern.
Revision tries each reducible rule in turn, longest first: without it, do
the examples that proposed it get derived by cheaper changes (the same
proposals and preferences as induction, typically a slot admitting
phrases)? If so, the rule goes; if not, everything is put back as it was.

>>> reducible((0, 1, "rep"), [(0, 1), (0, "rep")])
True
>>> reducible((0, "and", 1), [(0, 1)])
False
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sandbox.data import Example
from symbolic.proposals import State
from symbolic.rules import Item, RuleKind

AddRules = Callable[[State, list[int]], list[int]]  # derives what it can, returns the rest


def reducible(pattern: Sequence[Item], others: Sequence[Sequence[Item]]) -> bool:
    """Whether another (shorter) pattern occurs inside ``pattern``, slots standing for slots."""
    shape = ["" if isinstance(x, int) else x for x in pattern]
    for other in others:
        if not 1 < len(other) < len(pattern):
            continue
        inner = ["" if isinstance(x, int) else x for x in other]
        if any(shape[k : k + len(inner)] == inner for k in range(len(shape) - len(inner) + 1)):
            return True
    return False


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
