"""Composition rules from examples: abstraction, proposals, and greedy choice by support.

The main loop (:func:`induce_rules`) reads like the algorithm:

1. Take the examples from short to long, one length at a time.
2. Keep the examples that the rules so far cannot derive.
3. Each of them *proposes* rules (:func:`propose`):

   - **abstraction**: cover its meaningful words with slots, each slot a span
     whose meaning is already known (a word, or a phrase the rules derive);
     the function words left over become the pattern's fixed words, and the
     output is spelt with slot references and the fewest constants
     (anti-unification of the example with the known meanings of its parts;
     Plotkin 1970);
   - **inference of a part**: when a known rule covers the example but one of
     its slots holds a phrase of unknown meaning, solve the rule's template
     for that meaning and abstract the phrase as an example of its own (this
     is what learns from sets without short examples);
   - **widening**: when a known rule would derive the example but one of its
     slots has only ever held bare words and here holds a phrase, propose that
     the slot admit phrases.

4. Add the proposal made by the most examples (Occam: ties go to the shortest
   pattern, then the fewest constants, then iconic slot order); repeat.
   Proposals made by a single example wait for the next length, where more
   examples may back them.

Whatever no proposal covers is kept as a memorized rule, so that every
training pair is reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby, product

from sandbox.data import Example
from symbolic.chart import InductionChart
from symbolic.matching import match_pattern, rewrite_target, solve_slot
from symbolic.rules import FillerKind, Item, Rule, RuleKind, Tokens

MAX_EVIDENCE = 5
MAX_SEGMENTATIONS = 64
MAX_MEANING_COMBOS = 16
INFERENCE_DEPTH = 2

# A proposal key: a new rule ("rule", pattern, template) or a widening ("widen", rule id, slot).
Key = tuple[object, ...]


@dataclass
class Proposal:
    """What the pending examples propose under one key."""

    key: Key
    supporters: set[int] = field(default_factory=set)
    slot_kinds: dict[int, set[FillerKind]] = field(default_factory=dict)
    slot_fillers: dict[int, set[Tokens]] = field(default_factory=dict)

    @property
    def is_widening(self) -> bool:
        return self.key[0] == "widen"


@dataclass
class InductionState:
    """The rules learned so far and the filler kinds each slot admits."""

    lexicon: dict[str, Rule]
    rules: dict[str, Rule] = field(default_factory=dict)
    kinds: dict[tuple[str, int], frozenset[FillerKind]] = field(default_factory=dict)
    max_slots: int = 3
    iconic_order: bool = True
    _chart: InductionChart | None = None

    @property
    def by_form(self) -> dict[tuple[object, object], str]:
        """Rule ids by (pattern, template)."""
        return {(r.pattern, r.template): r.id for r in self.rules.values()}

    @property
    def chart(self) -> InductionChart:
        if self._chart is None:
            self._chart = InductionChart(self.lexicon, self.rules.values(), self.kinds)
        return self._chart

    def changed(self) -> None:
        self._chart = None


def induce_rules(examples: Sequence[Example], lexicon: Mapping[str, Rule], max_slots: int = 3,
                 iconic_order: bool = True) -> InductionState:
    """Learn composition rules that derive every example (see the module docstring)."""
    state = InductionState(dict(lexicon), max_slots=max_slots, iconic_order=iconic_order)
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i].source), i))
    groups = [list(g) for _, g in groupby(order, key=lambda i: len(examples[i].source))]
    pending: list[int] = []
    for g, group in enumerate(groups):
        pending += [i for i in group if not state.chart.derivable(*examples[i].pair())]
        pending = _add_rules(state, examples, pending, min_support=1 if g == len(groups) - 1 else 2)
    for i in pending:
        _memorize(state, examples[i])
    return state


def _add_rules(state: InductionState, examples: Sequence[Example], pending: list[int],
               min_support: int) -> list[int]:
    while pending:
        proposals: dict[Key, Proposal] = {}
        for i in pending:
            src, tgt = examples[i].pair()
            for prop in propose(state, src, tgt, INFERENCE_DEPTH):
                merged = proposals.setdefault(prop.key, Proposal(prop.key))
                merged.supporters.add(i)
                for s, ks in prop.slot_kinds.items():
                    merged.slot_kinds.setdefault(s, set()).update(ks)
                for s, fs in prop.slot_fillers.items():
                    merged.slot_fillers.setdefault(s, set()).update(fs)
        if not proposals:
            break
        best = max(proposals.values(), key=lambda p: _preference(p, state.iconic_order))
        if len(best.supporters) < min_support:
            break
        _apply(state, best, examples, proposals)
        pending = [i for i in pending if not state.chart.derivable(*examples[i].pair())]
    return pending


def _preference(p: Proposal, iconic: bool) -> tuple[object, ...]:
    """Support first; then the most general reading (Occam); then a fixed order."""
    if p.is_widening:
        return (len(p.supporters), 1, 0, 0, 0, repr(p.key))
    pattern, template = p.key[1], p.key[2]
    assert isinstance(pattern, tuple) and isinstance(template, tuple)
    constants = sum(1 for x in template if isinstance(x, str))
    return (len(p.supporters), 0, -len(pattern), -constants, int(iconic and _is_iconic(template)),
            repr(p.key))


def _is_iconic(template: tuple[Item, ...]) -> bool:
    """Whether slots first appear in the template in the order they appear in the input."""
    firsts: list[int] = []
    for x in template:
        if isinstance(x, int) and x not in firsts:
            firsts.append(x)
    return firsts == sorted(firsts)


def _apply(state: InductionState, best: Proposal, examples: Sequence[Example],
           proposals: Mapping[Key, Proposal]) -> None:
    shortest = sorted(best.supporters, key=lambda i: (len(examples[i].source), i))
    evidence = tuple(examples[i].id for i in shortest[:MAX_EVIDENCE])
    if best.is_widening:
        _, rule_id, slot, kind = best.key
        assert isinstance(rule_id, str) and isinstance(slot, int) and isinstance(kind, FillerKind)
        key = (rule_id, slot)
        state.kinds[key] = state.kinds.get(key, frozenset()) | {kind}
        rule = state.rules[rule_id]
        state.rules[rule_id] = replace(rule, support=rule.support + len(best.supporters))
    else:
        pattern, template = best.key[1], best.key[2]
        assert isinstance(pattern, tuple) and isinstance(template, tuple)
        rule_id = f"r{sum(1 for r in state.rules.values() if r.kind is RuleKind.COMPOSITION) + 1}"
        state.rules[rule_id] = Rule(rule_id, pattern, template, evidence, RuleKind.COMPOSITION,
                                    support=len(best.supporters),
                                    notes=_notes(best, proposals, state.iconic_order))
        for s, ks in best.slot_kinds.items():
            state.kinds[(rule_id, s)] = frozenset(ks)
    state.changed()


def _notes(best: Proposal, proposals: Mapping[Key, Proposal], iconic: bool) -> tuple[str, ...]:
    """The inductive biases that chose this rule, named so that traces can show them."""
    notes = ["fewest constants: known meanings are read as slots, not as constants"]
    for s, fillers in sorted(best.slot_fillers.items()):
        if len(fillers) == 1:
            (only,) = fillers
            notes.append(f"slot {s} abstracted from one filler ({' '.join(only)}) whose meaning is known")
    rivals = [p for p in proposals.values() if not p.is_widening and p.key != best.key
              and p.key[1] == best.key[1] and len(p.supporters) == len(best.supporters)]
    if rivals and iconic:
        notes.append("iconic concatenation: slot order in the output follows the input (tie)")
    return tuple(notes)


def _memorize(state: InductionState, ex: Example) -> None:
    n = sum(1 for r in state.rules.values() if r.kind is RuleKind.MEMORIZED) + 1
    rule_id = f"m{n}"
    state.rules[rule_id] = Rule(rule_id, ex.source, ex.target, (ex.id,), RuleKind.MEMORIZED,
                                notes=("no general rule derives this example",))
    state.changed()


def propose(state: InductionState, src: Tokens, tgt: Tokens, depth: int) -> list[Proposal]:
    """The proposals one example (or an inferred part of one) makes."""
    chart = state.chart
    if chart.derivable(src, tgt):
        return []
    out = [_as_widening(state, p) for p in _abstractions(state, src, tgt)]
    out += _from_known_rules(state, src, tgt, depth)
    return [p for p in out if p is not None]


def _as_widening(state: InductionState, prop: Proposal) -> Proposal | None:
    """A proposal of a rule that exists already is a proposal to widen its slots."""
    existing = state.by_form.get((prop.key[1], prop.key[2]))
    if existing is None:
        return prop
    for s, kinds in sorted(prop.slot_kinds.items()):
        admitted = state.kinds.get((existing, s), frozenset())
        if not kinds & admitted:
            return Proposal(("widen", existing, s, min(kinds, key=lambda k: k.value)))
    return None


def _abstractions(state: InductionState, src: Tokens, tgt: Tokens) -> list[Proposal]:
    chart = state.chart
    n = len(src)
    meaningful = [w in state.lexicon and bool(state.lexicon[w].template) for w in src]
    known: dict[tuple[int, int], dict[Tokens, frozenset[FillerKind]]] = {}
    for i in range(n):
        for j in range(i + 1, n + 1):
            if (i, j) != (0, n):
                found = chart.meanings(src[i:j])
                if found:
                    known[(i, j)] = found
    segmentations: list[tuple[list[Item], list[tuple[int, int]]]] = []

    def walk(pos: int, items: list[Item], slots: list[tuple[int, int]]) -> None:
        if len(segmentations) >= MAX_SEGMENTATIONS:
            return
        if pos == n:
            if slots and len(items) >= 2:
                segmentations.append((items, slots))
            return
        if not meaningful[pos]:
            walk(pos + 1, [*items, src[pos]], slots)
        if len(slots) < state.max_slots:
            for j in range(n, pos, -1):  # longest spans first: the most abstract readings
                if (pos, j) in known:
                    walk(j, [*items, len(slots)], [*slots, (pos, j)])

    walk(0, [], [])
    out: list[Proposal] = []
    for items, slots in segmentations:
        options = [sorted(known[span].items()) for span in slots]
        for combo in list(product(*options))[:MAX_MEANING_COMBOS]:
            meanings = [m for m, _ in combo]
            for template in rewrite_target(tgt, meanings):
                out.append(Proposal(("rule", tuple(items), template),
                                    slot_kinds={s: set(k) for s, (_, k) in enumerate(combo)},
                                    slot_fillers={s: {src[a:b]} for s, (a, b) in enumerate(slots)}))
    return out


def _from_known_rules(state: InductionState, src: Tokens, tgt: Tokens, depth: int) -> list[Proposal]:
    chart = state.chart
    words = set(src)
    out: list[Proposal] = []
    for rule in state.rules.values():
        if rule.kind is not RuleKind.COMPOSITION or not set(rule.fixed_words) <= words:
            continue
        bounds = [(1, len(src))] * rule.n_slots
        # A rule without fixed words matches any run of constituents; hypothesizing a
        # new constituent through it is unanchored, so it is done only where the slot
        # has held phrases already.
        anchored = bool(rule.fixed_words)
        for spans in match_pattern(rule.pattern, src, bounds):
            parts = [chart.meanings(src[a:b]) for a, b in spans]
            out += _widenings(state, rule, parts, tgt)
            if depth > 0 and (anchored or all(
                    b - a == 1 or FillerKind.PHRASE in state.kinds.get((rule.id, s), ())
                    for s, (a, b) in enumerate(spans))):
                out += _inferred_parts(state, rule, spans, parts, src, tgt, depth)
    return out


def _widenings(state: InductionState, rule: Rule, parts: list[dict[Tokens, frozenset[FillerKind]]],
               tgt: Tokens) -> list[Proposal]:
    """A known rule derives the example if some slot admitted a kind it has not held yet."""
    if any(not p for p in parts):
        return []
    out = []
    for combo in list(product(*(sorted(p.items()) for p in parts)))[:MAX_MEANING_COMBOS]:
        if rule.instantiate([m for m, _ in combo]) != tgt:
            continue
        for s, (_, kinds) in enumerate(combo):
            admitted = state.kinds.get((rule.id, s), frozenset())
            if not kinds & admitted:
                kind = min(kinds, key=lambda k: k.value)
                out.append(Proposal(("widen", rule.id, s, kind)))
    return out


def _inferred_parts(state: InductionState, rule: Rule, spans: tuple[tuple[int, int], ...],
                    parts: list[dict[Tokens, frozenset[FillerKind]]], src: Tokens, tgt: Tokens,
                    depth: int) -> list[Proposal]:
    """Solve the rule's template for one slot, the others keeping meanings they have.

    The solved meaning becomes an example of its own when the slot's phrase
    cannot (yet) take it: unknown phrases, and phrases read another way so far.
    """
    unknown = [s for s, p in enumerate(parts) if not p]
    if len(unknown) > 1:
        return []
    out: list[Proposal] = []
    for u in unknown or range(len(parts)):
        others = [sorted(p) if s != u else [()] for s, p in enumerate(parts)]
        for combo in list(product(*others))[:MAX_MEANING_COMBOS]:
            known = {s: m for s, m in enumerate(combo) if s != u}
            meaning = solve_slot(rule.template, known, u, tgt)
            if meaning and meaning not in parts[u]:
                a, b = spans[u]
                out += propose(state, src[a:b], meaning, depth - 1)
    return out
