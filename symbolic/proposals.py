"""What one underived example proposes to the induction.

Three kinds of proposal, each an *offer* with the additions it needs:

- **abstraction**: cover the example's meaningful words with slots, each slot
  a span whose meaning is already known (a word, or a phrase the rules
  derive); the remaining function words become the pattern's fixed words,
  and the output is spelt with slot references and the fewest constants
  (anti-unification of the example with the known meanings of its parts;
  Plotkin 1970);
- **inference of a part**: a known rule covers the example, but one slot
  holds a phrase that cannot take the meaning the rule's template implies;
  solve the template for that meaning and let the part make proposals too
  (this learns from sets that lack short examples). A rule without fixed
  words is never used this way: matching any sequence of constituents, it
  would hypothesize constituents anywhere. A part none of whose words has a
  meaning offers a rule without slots: words that mean something only
  together (a two-word primitive never given alone, say), or one word that
  means what the rules that contain it leave to it (a primitive for a sequence of
  tokens, which cross-situational evidence cannot name). A whole example
  never does: that would only memorize it;
- **widening**: a known rule derives the example if one of its slots admitted
  a filler that it admits only at level 3 (any constituent) so far. It adds
  one admission; but a rule without fixed words whose slot comes to take
  phrases then reads any sequence of constituents, so that widening counts
  more than a new rule of its length.

>>> from symbolic.rules import Rule, RuleKind
>>> lexicon = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in ("blor", "tepa")}
>>> state = State(lexicon)
>>> [(o.key, o.route.cost) for o in propose(state, ("blor", "voss"), ("BLOR", "BLOR"))]  # an abstraction
[(NewRule(pattern=(0, 'voss'), template=(0, 0)), 1)]
>>> state.rules["r1"] = Rule("r1", (0, "voss"), (0, 0), ("e1",), RuleKind.COMPOSITION)
>>> state.admit("r1", 0, "lex:blor", ("e1",))
>>> state.changed()
>>> propose(state, ("tepa", "voss"), ("TEPA", "TEPA"))  # derivable: nothing to propose
[]
>>> for offer in propose(state, ("blor", "kreb", "voss"), ("BLOR",) * 4):
...     print(offer.key, offer.root, offer.route.cost)
NewRule(pattern=(0, 'kreb', 'voss'), template=(0, 0, 0, 0)) <new> 1
NewRule(pattern=(0, 'kreb'), template=(0, 0)) r1 2
>>> [(o.key, o.route.cost) for o in propose(state, ("blor", "voss", "voss"), ("BLOR",) * 4)][0]
(Widening(rule='r1', slot=0, kind='phrase'), 1)

The second offer for ``blor kreb voss`` infers a part: ``blor kreb`` must
mean ``BLOR BLOR`` for ``r1`` to give the output, so a rule for it is
proposed, with ``r1``'s slot admitting it (two additions). ``blor voss voss``
offers to widen ``r1``'s slot to take a ``voss`` phrase.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice, product
from typing import NamedTuple

from symbolic.matching import match_pattern, rewrite_target, solve_slot
from symbolic.rules import Item, Rule, RuleKind, Tokens
from symbolic.state import Admission, State

__all__ = ["NEW", "Key", "NewRule", "Offer", "Proposal", "Route", "Widening", "propose"]

NEW = "<new>"  # stands for the rule a proposal creates, before it has an id
MAX_SEGMENTATIONS = 64
MAX_COMBOS = 16
INFERENCE_DEPTH = 2


class NewRule(NamedTuple):
    """The key of a proposal to add a rule: its pattern and its template.

    A one-word pattern is that word's meaning, inferred (see the module docstring).

    >>> key = NewRule((0, "blor"), (0, 0))
    >>> key.word, NewRule(("voss",), ("VOSS",)).word
    (None, 'voss')
    >>> key.order()
    "('rule', (0, 'blor'), (0, 0))"
    """

    pattern: tuple[Item, ...]
    template: tuple[Item, ...]

    @property
    def word(self) -> str | None:
        """The word a one-word pattern holds, else ``None``."""
        return self.pattern[0] if len(self.pattern) == 1 and isinstance(self.pattern[0], str) else None

    def order(self) -> str:
        """A text that orders keys totally (the ranking's last tie-break)."""
        return repr(("rule", self.pattern, self.template))


class Widening(NamedTuple):
    """The key of a proposal that a slot admit fillers of a kind it has not held.

    ``kind`` is the fillers' kind, ``"word"`` or ``"phrase"`` (a phrase where
    only words stood, say).

    >>> Widening("r1", 0, "phrase").order()
    "('widen', 'r1', 0, 'phrase')"
    """

    rule: str
    slot: int
    kind: str

    def order(self) -> str:
        """A text that orders keys totally (the ranking's last tie-break)."""
        return repr(("widen", self.rule, self.slot, self.kind))


Key = NewRule | Widening


@dataclass(frozen=True)
class Route:
    """How one example would be derived once a proposal is taken."""

    cost: int  # additions needed: a new rule counts one, so does each admission
    admissions: frozenset[Admission] = frozenset()
    slot_fillers: tuple[tuple[int, frozenset[str]], ...] = ()  # a new rule's slot fillers
    slot_phrases: tuple[tuple[int, Tokens], ...] = ()  # the phrases in those slots (for notes)
    first: int = 0  # words in the first slot of the rule application completed (grouping bias)


@dataclass(frozen=True)
class Offer:
    key: Key
    root: str  # the rule at the root of the derivation the offer completes
    route: Route


@dataclass
class Proposal:
    """All offers under one key, with the cheapest route for each supporting example."""

    key: Key
    root: str
    routes: dict[int, Route] = field(default_factory=dict)

    @property
    def is_widening(self) -> bool:
        return isinstance(self.key, Widening)

    @property
    def cost(self) -> int:
        return min(r.cost for r in self.routes.values())

    @property
    def first(self) -> int:
        return max(r.first for r in self.routes.values())

    def merge(self, example: int, offer: Offer) -> None:
        old = self.routes.get(example)
        if old is None or offer.route.cost < old.cost:
            self.routes[example] = offer.route


def propose(state: State, src: Tokens, tgt: Tokens, depth: int = INFERENCE_DEPTH) -> list[Offer]:
    """The offers one example (or an inferred part of one) makes; none if it is derivable."""
    if state.work is not None:
        state.work.charge()
    if state.chart.derivable(src, tgt):
        return []
    out = [_as_widening(state, key, route) for key, route in _abstractions(state, src, tgt)]
    if depth < INFERENCE_DEPTH and not out and not any(w in state.lexicon for w in src):
        out.append(Offer(NewRule(src, tgt), NEW, Route(1)))  # a phrase of its own: see the module docstring
    out += _from_known_rules(state, src, tgt, depth)
    return [o for o in out if o is not None and o.key not in state.rejected]


def _missing(state: State, rule: str, parts: list[frozenset[str]]) -> list[Admission]:
    """The admissions a rule needs for parts with these root rules (the least root of each)."""
    return [(rule, s, min(roots)) for s, roots in enumerate(parts) if not state.admits(rule, s, roots)]


def _as_widening(state: State, key: NewRule, route: Route) -> Offer | None:
    """An abstraction that repeats a known rule is an offer to widen that rule's slots."""
    existing = state.rule_with_form(key.pattern, key.template)
    if existing is None:
        return Offer(key, NEW, route)
    missing = _missing(state, existing, [f for _, f in route.slot_fillers])
    return _widening(state, existing, missing, route.first) if missing else None


def _widening(state: State, rule: str, missing: list[Admission], first: int) -> Offer:
    _, slot, filler = missing[0]
    kind = state.hierarchy.kind(state.hierarchy.mtypes[filler])
    key = Widening(rule, slot, kind)
    pattern = state.rules[rule].pattern
    cost = len(missing)
    if kind == "phrase" and not any(isinstance(x, str) for x in pattern) \
            and not state.admits_phrases(rule, slot):
        cost += len(pattern) + 2  # see the module docstring
    return Offer(key, rule, Route(cost, frozenset(missing), first=first))


def _abstractions(state: State, src: Tokens, tgt: Tokens) -> Iterator[tuple[NewRule, Route]]:
    chart = state.chart
    n = len(src)
    meaningful = [w in state.lexicon and bool(state.lexicon[w].template) for w in src]
    if state.work is not None:
        state.work.charge(n * (n + 1) // 2)  # the meanings of every span, looked up
    known = {(i, j): found for i in range(n) for j in range(i + 1, n + 1)
             if (i, j) != (0, n) and (found := chart.meanings(src[i:j]))}
    segmentations: list[tuple[tuple[Item, ...], tuple[tuple[int, int], ...]]] = []

    def visit(pos: int, items: tuple[Item, ...], slots: tuple[tuple[int, int], ...]) -> None:
        if len(segmentations) >= MAX_SEGMENTATIONS:
            return
        if state.work is not None:
            state.work.charge()  # dead ends too: the search may visit many before 64 segmentations
        if pos == n:
            # A rule without fixed words is abstracted over bare words only (see
            # the module docstring on widening such a rule to take phrases).
            if slots and len(items) >= 2 and (len(slots) < len(items) or all(b - a == 1 for a, b in slots)):
                segmentations.append((items, slots))
            return
        if not meaningful[pos]:
            visit(pos + 1, (*items, src[pos]), slots)
        if len(slots) < state.max_slots:
            for j in range(n, pos, -1):  # longest spans first: the most abstract readings
                if (pos, j) in known:
                    visit(j, (*items, len(slots)), (*slots, (pos, j)))

    visit(0, (), ())
    for items, slots in segmentations:
        options = [sorted(known[span].items()) for span in slots]
        for combo in islice(product(*options), MAX_COMBOS):
            meanings = tuple(m for m, _ in combo)
            # Mutual exclusivity is a preference: a token a word names becomes a
            # constant only where no template without one fits (and such a rule
            # comes last in induction's ranking).
            templates = _templates(tgt, meanings, state.named) or _templates(tgt, meanings, frozenset())
            for template in templates:
                route = Route(1, frozenset(),
                              tuple((s, roots) for s, (_, roots) in enumerate(combo)),
                              tuple((s, src[a:b]) for s, (a, b) in enumerate(slots)),
                              slots[0][1] - slots[0][0])
                yield NewRule(items, template), route


@lru_cache(maxsize=1 << 16)
def _templates(target: Tokens, meanings: tuple[Tokens, ...], named: frozenset[str]) -> tuple[tuple[Item, ...], ...]:
    # Induction asks again for the same example's templates after every change it makes.
    return tuple(rewrite_target(target, meanings, named=named))


def _from_known_rules(state: State, src: Tokens, tgt: Tokens, depth: int) -> list[Offer]:
    chart = state.chart
    words = set(src)
    out: list[Offer] = []
    for rule in state.rules.values():
        if rule.kind is not RuleKind.COMPOSITION or not set(rule.fixed_words) <= words:
            continue
        for spans in match_pattern(rule.pattern, src, (True,) * rule.n_slots, state.work):
            if state.work is not None:
                state.work.charge(1 + rule.n_slots)
            parts = [chart.meanings(src[a:b]) for a, b in spans]
            out += _widenings(state, rule, parts, tgt, spans[0][1] - spans[0][0])
            if depth > 0:
                out += _inferred_parts(state, rule, spans, parts, src, tgt, depth)
    return out


def _widenings(state: State, rule: Rule, parts: list[dict[Tokens, frozenset[str]]],
               tgt: Tokens, first: int) -> list[Offer]:
    """A known rule derives the example if some slot admitted a filler it has not held yet."""
    if any(not p for p in parts):
        return []
    out = []
    for combo in islice(product(*(sorted(p.items()) for p in parts)), MAX_COMBOS):
        if rule.instantiate([m for m, _ in combo]) != tgt:
            continue
        missing = _missing(state, rule.id, [roots for _, roots in combo])
        if missing:
            out.append(_widening(state, rule.id, missing, first))
    return out


def _inferred_parts(state: State, rule: Rule, spans: tuple[tuple[int, int], ...],
                    parts: list[dict[Tokens, frozenset[str]]], src: Tokens, tgt: Tokens,
                    depth: int) -> list[Offer]:
    """Solve the rule's template for one slot, the others keeping meanings they have.

    The solved meaning becomes an example of its own when the slot's phrase
    cannot (yet) take it: unknown phrases, and phrases read another way so far.
    """
    unknown = [s for s, p in enumerate(parts) if not p]
    if len(unknown) > 1:
        return []
    out: list[Offer] = []
    for u in unknown or range(len(parts)):
        a, b = spans[u]
        if not rule.fixed_words:
            continue  # unanchored: see the module docstring
        others: list[list[tuple[Tokens, frozenset[str]]]] = [
            sorted(p.items()) if s != u else [((), frozenset())] for s, p in enumerate(parts)]
        for combo in islice(product(*others), MAX_COMBOS):
            known = {s: m for s, (m, _) in enumerate(combo) if s != u}
            meaning = solve_slot(rule.template, known, u, tgt)
            if not meaning or meaning in parts[u]:
                continue
            extra = {(rule.id, s, min(roots)) for s, (_, roots) in enumerate(combo)
                     if s != u and not state.admits(rule.id, s, roots)}
            for sub in propose(state, src[a:b], meaning, depth - 1):
                link = (rule.id, u, sub.root)
                needed = extra if state.admits(rule.id, u, frozenset({sub.root})) else {*extra, link}
                route = Route(sub.route.cost + len(needed), sub.route.admissions | needed,
                              sub.route.slot_fillers, sub.route.slot_phrases, spans[0][1] - spans[0][0])
                out.append(Offer(sub.key, rule.id, route))
    return out
