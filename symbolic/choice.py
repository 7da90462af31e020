"""Which proposal induction adds: a ranking, the proposals held back, and a consistency check.

:func:`first_consistent` goes through the proposals in the order
:func:`candidates` gives and returns the first that no training example
contradicts. The order has two parts, kept apart:

- the *ranking* (:func:`ranked`, :func:`preference`): what a proposal
  explains less what it adds, then support, then Occam, then a fixed order;
- the proposals *held back* (:class:`HeldBack`): those that override a bias
  come after all the others, and while ``min_support`` can wait for more
  examples, some are not tried yet.

One-to-one (Lake, Linzen & Baroni 2019): a pattern has one meaning, so a rule
that repeats a known rule's pattern with another template overrides a bias;
so does a rule with a constant that a word names (mutual exclusivity). Such
rules are tried only when nothing else fits, and are backed only by the
examples that nothing else fits: while ``min_support`` holds back less
supported proposals, two examples that share a word by chance must not
outvote the admissions that each of them needs alone. Nor do examples that
every template of a pattern fits ("a op a") choose among them while
``min_support`` can wait for more: the iconic bias would decide alone.

The search changes nothing: it returns the keys of the proposals it found
contradicted, for induction to remember (so that no example proposes them
again).

>>> from symbolic.proposals import NewRule, Route
>>> both = {i: Route(1) for i in (1, 2)}
>>> swap, keep = Proposal(NewRule((0, "blor", 1), (1, 0)), "<new>", dict(both)), \\
...     Proposal(NewRule((0, "blor", 1), (0, 1)), "<new>", dict(both))
>>> [p.key.template for p in ranked([swap, keep], iconic=True, patterns=set())]  # the iconic order first
[(0, 1), (1, 0)]
>>> held = HeldBack([keep, swap], frozenset(), set())
>>> held.undecided(keep)  # the same two examples back both templates: wait for one that decides
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from symbolic.consistency import Consistency
from symbolic.proposals import Key, NewRule, Proposal, Widening
from symbolic.rules import Item
from symbolic.state import State

Patterns = set[tuple[Item, ...]]  # the patterns of the rules learned so far


def first_consistent(state: State, check: Consistency, proposals: Iterable[Proposal], min_support: int,
                     iconic: bool, reach: int) -> tuple[Proposal | None, list[Key]]:
    """The most preferred proposal that contradicts no training example induction has reached.

    Also the keys of the proposals found contradicted on the way (see the
    module docstring). Where a new rule is contradicted, the same rule backed
    only by the examples that fill its slots with bare words is tried next
    (:func:`on_words`).
    """
    contradicted: list[Key] = []
    for p in candidates(state, proposals, min_support, iconic):
        if contradiction(state, check, p, reach) is None:
            return p, contradicted
        contradicted.append(p.key)
        narrow = on_words(state, p)
        if narrow is not None and len(narrow.routes) >= min_support \
                and contradiction(state, check, narrow, reach) is None:
            return narrow, contradicted
    return None, contradicted


def candidates(state: State, proposals: Iterable[Proposal], min_support: int, iconic: bool) -> Iterator[Proposal]:
    """The proposals to try, in order: ranked, those that override a bias last, less those held back."""
    patterns = {r.pattern for r in state.rules.values()}
    order = ranked(proposals, iconic, patterns)
    held = HeldBack(order, state.named, patterns)
    for second_pass in (False, True):
        for p in order:
            if held.overrides_a_bias(p) != second_pass:
                continue
            if len(p.routes) < min_support:
                break  # the rest of this pass is less preferred still
            if min_support > 1 and (held.undecided(p) or (second_pass and held.fit_otherwise(p, min_support))):
                continue
            yield p


def ranked(proposals: Iterable[Proposal], iconic: bool, patterns: Patterns) -> list[Proposal]:
    """The proposals, most preferred first: new patterns and widenings before known patterns."""
    return sorted(proposals, reverse=True, key=lambda p: (
        isinstance(p.key, Widening) or p.key.pattern not in patterns, preference(p, iconic)))


def preference(p: Proposal, iconic: bool) -> tuple[object, ...]:
    """What a proposal explains less what it adds; then support; then Occam; then a fixed order.

    A new rule adds its pattern's items, a widening its admissions (a
    description-length trade-off: a rule that spells out a combination of
    known rules, backed by a couple of examples, loses to the admission that
    lets the known rules combine).
    """
    key = p.key
    if isinstance(key, Widening):
        return (len(p.routes) - p.cost, len(p.routes), 0, -p.cost, p.first, 0, key.order())
    constants = sum(1 for x in key.template if isinstance(x, str))
    added = len(key.pattern) + p.cost - 1
    return (len(p.routes) - added, len(p.routes), -len(key.pattern), -p.cost, -constants,
            int(iconic and is_iconic(key.template)), key.order())


def is_iconic(template: tuple[Item, ...]) -> bool:
    """Whether slots first appear in the template in the order they appear in the input.

    >>> is_iconic((0, "BLOR", 1, 0)), is_iconic((1, 0))
    (True, False)
    """
    firsts: list[int] = []
    for x in template:
        if isinstance(x, int) and x not in firsts:
            firsts.append(x)
    return firsts == sorted(firsts)


class HeldBack:
    """The rules that hold proposals back (see the module docstring), over one ranking.

    What they need from the whole ranking is computed once, when first asked.
    """

    def __init__(self, order: Sequence[Proposal], named: frozenset[str], patterns: Patterns):
        self._order = order
        self._named = named
        self._patterns = patterns
        # pattern -> (template, examples), over the new rules proposed
        self._backers: dict[tuple[Item, ...], list[tuple[tuple[Item, ...], frozenset[int]]]] | None = None
        self._fit_otherwise: set[int] | None = None  # examples some proposal derives without overriding a bias

    def overrides_a_bias(self, p: Proposal) -> bool:
        """Whether a new rule breaks one-to-one or mutual exclusivity."""
        return isinstance(p.key, NewRule) and (p.key.pattern in self._patterns
                                               or names_a_constant(self._named, p.key))

    def undecided(self, p: Proposal) -> bool:
        """Whether the examples behind a new rule back another template of its pattern just as well."""
        key = p.key
        if not isinstance(key, NewRule):
            return False
        if self._backers is None:
            self._backers = {}
            for q in self._order:
                if isinstance(q.key, NewRule):
                    self._backers.setdefault(q.key.pattern, []).append((q.key.template, frozenset(q.routes)))
        own = frozenset(p.routes)
        return any(t != key.template and b == own for t, b in self._backers[key.pattern])

    def fit_otherwise(self, p: Proposal, min_support: int) -> bool:
        """Whether fewer than ``min_support`` of a proposal's examples are ones nothing else fits."""
        if self._fit_otherwise is None:
            self._fit_otherwise = {i for q in self._order if not self.overrides_a_bias(q) for i in q.routes}
        return len(p.routes.keys() - self._fit_otherwise) < min_support


def names_a_constant(named: frozenset[str], key: NewRule) -> bool:
    """Whether a new rule writes, as a constant, a token that a word names (mutual exclusivity).

    >>> names_a_constant(frozenset({"BLOR"}), NewRule((0, "voss"), (0, "BLOR"))), \\
    ...     names_a_constant(frozenset({"BLOR"}), NewRule((0, "voss"), (0, 0)))
    (True, False)
    """
    return any(isinstance(x, str) and x in named for x in key.template)


def on_words(state: State, p: Proposal) -> Proposal | None:
    """A new rule backed only by the examples that fill its slots with bare words, if some do not.

    Examples that put phrases in a slot claim more (the slot takes phrases);
    where that claim is contradicted, the rule may still hold of words, and
    the other examples may then be read another way.
    """
    if p.is_widening:
        return None
    words = {r.id for r in state.lexicon.values()}
    routes = {i: r for i, r in p.routes.items() if all(f <= words for _, f in r.slot_fillers)}
    return Proposal(p.key, p.root, routes) if routes and len(routes) < len(p.routes) else None


def contradiction(state: State, check: Consistency, p: Proposal, reach: int) -> str | None:
    """The id of a training example (no longer than ``reach``) that the proposal contradicts, or ``None``."""
    chart = state.chart
    key = p.key
    if isinstance(key, Widening):
        rule_id, slot = key.rule, key.slot
        rule = state.rules[rule_id]
        new = {f for r in p.routes.values() for (x, s, f) in r.admissions if (x, s) == (rule_id, slot)}
        fillers = {s: _of_types(state, set(state.hierarchy.seen.get((rule_id, s), {})))
                   for s in range(rule.n_slots)}
        fillers[slot] |= new
        # A phrase of a new filler holds that filler's fixed words: only examples with them
        # can put it in the slot.
        known = {**{r.id: r for r in state.lexicon.values()}, **state.rules}
        required = frozenset.intersection(*(frozenset(known[f].fixed_words) for f in new)) \
            if new and all(f in known for f in new) else frozenset()
        return check.contradiction(chart, rule.pattern, rule.template, fillers, (slot, new), reach,
                                   required=required)
    own: dict[int, set[str]] = {}
    for route in p.routes.values():
        for s, roots in route.slot_fillers:
            own.setdefault(s, set()).update(roots)
    return check.contradiction(chart, key.pattern, key.template,
                               {s: _of_types(state, f) for s, f in own.items()}, max_length=reach)


def _of_types(state: State, fillers: set[str]) -> set[str]:
    """The fillers a slot admits up to level 2: those of the same meaning type as its own."""
    mtypes = state.hierarchy.mtypes
    types = {mtypes.get(f) for f in fillers}
    return fillers | {f for f, t in mtypes.items() if t in types}
