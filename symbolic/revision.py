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

A reducible rule that is *exactly* the composition of two known rules (the
outer rule with the inner one's pattern and template in one of its slots)
and that this does not replace is then tried as what it spells out, where
one of the slots it comes from has held more fillers than the rule's own
(so that the composition reads at level 0 what the rule reads only by
relaxing): the outer slot admits the inner rule, if no training example
contradicts that admission (a composition that keeps the nesting seen so
far first, then one whose slot takes phrases already). Induction's preferences
would not choose that admission where the outer rule has no fixed words
(its slot taking phrases is penalized there); but at level 0 it reads
nothing the rule it replaces did not (beyond level 0, the outer slot's
categories apply, as for any admission).

>>> reducible((0, 1, "rep"), [(0, 1), (0, "rep")])
True
>>> reducible((0, "and", 1), [(0, 1)])
False
>>> reducible((0, "rep", "and", 1), [(0, "and", 1)]), reducible((0, "and", 1), [(0, "and", 1)])
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from sandbox.data import Example
from symbolic.rules import Item, Rule, RuleKind
from symbolic.state import State

AddRules = Callable[[State, list[int]], list[int]]  # derives what it can, returns the rest
# Whether the rule's slot may admit the filler, backed by these examples (no contradiction).
Admissible = Callable[[State, str, int, str, list[int]], bool]


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


Composed = tuple[tuple[Item, ...], tuple[Item, ...], tuple[tuple[str, int], ...]]


def compose(outer: Rule, slot: int, inner: Rule) -> Composed:
    """The pattern and template of ``outer`` with ``inner`` in ``slot``, slots numbered left to right,
    and the (rule, slot) each slot of the composition comes from.

    >>> from symbolic.rules import Rule, RuleKind
    >>> juxtapose = Rule("r1", (0, 1), (1, 0), (), RuleKind.COMPOSITION)
    >>> post = Rule("r2", (0, "post"), (0, 0), (), RuleKind.COMPOSITION)
    >>> compose(juxtapose, 0, post)
    ((0, 'post', 1), (1, 0, 0), (('r2', 0), ('r1', 1)))
    """
    pattern: list[Item] = []
    origins: list[tuple[str, int]] = []
    outer_slots: dict[int, int] = {}
    inner_slots: dict[int, int] = {}
    for x in outer.pattern:
        if isinstance(x, str):
            pattern.append(x)
        elif x != slot:
            outer_slots[x] = len(origins)
            origins.append((outer.id, x))
            pattern.append(outer_slots[x])
        else:
            for y in inner.pattern:
                if isinstance(y, int):
                    inner_slots[y] = len(origins)
                    origins.append((inner.id, y))
                    pattern.append(inner_slots[y])
                else:
                    pattern.append(y)
    template: list[Item] = []
    for x in outer.template:
        if isinstance(x, str):
            template.append(x)
        elif x != slot:
            template.append(outer_slots[x])
        else:
            template.extend(inner_slots[y] if isinstance(y, int) else y for y in inner.template)
    return tuple(pattern), tuple(template), tuple(origins)


def _normal(rule: Rule) -> tuple[tuple[Item, ...], tuple[Item, ...]]:
    """The rule's pattern and template with its slots numbered left to right."""
    order = {x: k for k, x in enumerate(x for x in rule.pattern if isinstance(x, int))}
    return (tuple(order[x] if isinstance(x, int) else x for x in rule.pattern),
            tuple(order[x] if isinstance(x, int) else x for x in rule.template))


def compositions(rule: Rule, others: Sequence[Rule]) -> list[tuple[str, int, str, tuple[tuple[str, int], ...]]]:
    """(outer, slot, inner, origins) for every pair of other rules whose composition is ``rule``.

    ``origins[k]`` is the (rule, slot) that ``rule``'s ``k``-th slot from the left comes from.
    """
    target = _normal(rule)
    size = len(rule.pattern)
    out = []
    for outer in others:
        for inner in others:
            if len(outer.pattern) + len(inner.pattern) - 1 != size or not inner.n_slots:
                continue
            for s in range(outer.n_slots):
                pattern, template, origins = compose(outer, s, inner)
                if (pattern, template) == target:
                    out.append((outer.id, s, inner.id, origins))
    return out


def _replace_by_admission(state: State, rule: Rule, examples: Sequence[Example], add_rules: AddRules,
                          admissible: Admissible) -> bool:
    """Drop ``rule`` for an admission that composes two known rules into it, if one holds."""
    others = [r for r in state.rules.values() if r.id != rule.id and r.kind is RuleKind.COMPOSITION]
    left_to_right = [x for x in rule.pattern if isinstance(x, int)]
    h = state.hierarchy
    # The nesting seen so far first (precedence), then an outer slot that takes phrases already.
    found = sorted(compositions(rule, others),
                   key=lambda c: (h.cycles(c[0], c[2]), not h.admits_phrases(c[0], c[1])))
    seen = h.seen
    for outer, slot, inner, origins in found:
        # Only where the composition's slots have held more than the rule's own: then it
        # reads at level 0 what the rule reads only by relaxing; otherwise nothing changes.
        if not any(seen.get(origin, {}).keys() > seen.get((rule.id, s), {}).keys()
                   for origin, s in zip(origins, left_to_right, strict=True)):
            continue
        saved = state.snapshot()
        backers = list(saved.supporters.get(rule.id, []))
        if not admissible(state, outer, slot, inner, backers):
            continue
        # What the rule's slots held, the slots they come from hold; where its phrases
        # stood, the outer rule's phrases (which now spell them) stand.
        moved = []
        for (r, s, f), ids in saved.evidence.items():
            if r == rule.id:
                moved.append((*origins[left_to_right.index(s)], outer if f == rule.id else f, ids))
            elif f == rule.id:
                moved.append((r, s, outer, ids))
        state.remove(rule.id)
        for r, s, f, ids in moved:
            state.admit(r, s, f, ids)
        for i in backers:
            state.admit(outer, slot, inner, (examples[i].id,))
        state.rules[outer] = replace(state.rules[outer], support=state.rules[outer].support + len(backers))
        state.supporters.setdefault(outer, []).extend(backers)
        state.changed()
        pending = [i for i in backers if not state.chart.derivable(*examples[i].pair())]
        left = add_rules(state, pending) if pending else []
        if not left and not _back(state, rule):
            return True
        state.restore(saved)
    return False


def _back(state: State, rule: Rule) -> bool:
    """Whether the rules hold ``rule``'s pattern and template again."""
    return any((r.pattern, r.template) == (rule.pattern, rule.template) for r in state.rules.values())


def revise(state: State, examples: Sequence[Example], add_rules: AddRules,
           admissible: Admissible | None = None) -> bool:
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
        if not left and not _back(state, rule):
            dropped = True
            continue
        state.restore(saved)
        if admissible is not None and _replace_by_admission(state, rule, examples, add_rules, admissible):
            dropped = True
    return dropped
