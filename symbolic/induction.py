"""Composition rules from examples: abstraction, proposals, and greedy choice by support.

The main loop (:func:`induce_rules`) reads like the algorithm:

1. Take the examples from short to long, one length at a time.
2. Keep the examples that the rules so far cannot derive. A slot admits
   exactly the fillers (words, or phrases named by their root rule) that
   examples have put there, so a derivation never borrows a structure the
   data did not show.
3. Each kept example *proposes* changes (:mod:`symbolic.proposals`): a new
   rule abstracted from it, a new rule for a part whose meaning a known rule
   implies, or a known rule's slot admitting one more filler.
4. Add the proposal that explains the most examples for what it adds (a
   description-length trade-off; on ties the shortest pattern, then the
   fewest additions, then the fewest constants, then iconic slot order),
   unless it contradicts a training example (:mod:`symbolic.choice`); repeat.
   Proposals made by a single example wait for the next length, where more
   examples may back them.

Steps 3 and 4 are one round of :func:`_add_rules`: collect the proposals
(:func:`_collect`), choose the first consistent one
(:func:`symbolic.choice.first_consistent`), apply it (:func:`_apply`). What
induction knows between rounds is a :class:`symbolic.state.State`.

Whatever no proposal covers is kept as a memorized rule, so that every
training pair is reproduced.

>>> from symbolic.rules import Rule, RuleKind
>>> lexicon = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL)
...            for w in ("blor", "tepa", "kreb")}
>>> pairs = [("blor voss", "BLOR BLOR"), ("tepa voss", "TEPA TEPA"), ("blor zim tepa", "TEPA BLOR"),
...          ("kreb zim blor", "BLOR KREB"), ("blor voss zim tepa", "TEPA BLOR BLOR")]
>>> state = induce_rules([Example.of(s, t, id=f"e{i}") for i, (s, t) in enumerate(pairs, 1)], lexicon)
>>> for rule in state.rules.values():
...     print(rule.text(), rule.evidence)
r1: <0> voss -> <0> <0> ('e1', 'e2')
r2: <0> zim <1> -> <1> <0> ('e3', 'e4')

The longest example needed no rule of its own: ``r2``'s first slot, which
had held words, was widened to take the ``voss`` phrase (an admission,
with that example as its evidence):

>>> state.evidence[("r2", 0, "r1")]
('e5',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import groupby

from sandbox.data import Example
from symbolic.chart import InductionChart
from symbolic.choice import contradiction, first_consistent, names_a_constant
from symbolic.consistency import Consistency
from symbolic.proposals import NEW, Key, NewRule, Offer, Proposal, Route, Widening, propose
from symbolic.revision import revise
from symbolic.rules import RULE_EVIDENCE, Rule, RuleKind, lexical_rule_id
from symbolic.state import State
from symbolic.work import BudgetSpent, Work

ME_OVERRIDDEN = "mutual exclusivity overridden"
ONE_TO_ONE_OVERRIDDEN = "one-to-one overridden"


def overrides_a_bias(rule: Rule, biases: tuple[str, ...] = (ME_OVERRIDDEN, ONE_TO_ONE_OVERRIDDEN)) -> bool:
    """Whether induction learned ``rule`` against one of these biases (by default either)."""
    return any(n.startswith(biases) for n in rule.notes)


def induce_rules(examples: Sequence[Example], lexicon: Mapping[str, Rule], max_slots: int = 3,
                 iconic_order: bool = True, similarity: float = 0.5,
                 mutual_exclusivity: bool = True, max_proposals: int | None = None,
                 work: Work | None = None, max_chart: int | None = None) -> State:
    """Learn composition rules, and the fillers each slot has held, that derive every example.

    Under ``mutual_exclusivity`` a token that a word names enters an output as
    the meaning of its word; a rule writes it as a constant only where no other
    proposal fits (and its notes say so).
    ``max_proposals`` bounds the work: once that many examples have made their
    proposals, induction stops and memorizes the examples it has not derived
    (deterministic, unlike a time limit; ``state.exhausted`` tells).
    ``work`` counts every step (chart tilings and combinations, consistency
    checks, proposals; :mod:`symbolic.work`) and ``max_chart`` bounds the
    analyses the chart holds: when either runs out, induction stops where its
    rules are whole, the chart computes nothing more, and the examples it has
    not derived are memorized (``state.spent_at`` names the stage).
    """
    named = frozenset(t for r in lexicon.values() for t in r.meaning) if mutual_exclusivity \
        else frozenset()
    state = State(dict(lexicon), max_slots=max_slots, similarity=similarity, named=named,
                  max_proposals=max_proposals, work=work, max_chart=max_chart)
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i].source), i))
    groups = [list(g) for _, g in groupby(order, key=lambda i: len(examples[i].source))]
    pending: list[int] = []
    check = Consistency(examples, frozenset(r.id for r in lexicon.values()), work)
    longest = max((len(ex.source) for ex in examples), default=0)

    def add(s: State, todo: list[int]) -> list[int]:
        return _add_rules(s, examples, check, todo, 1, iconic_order, longest)

    def admissible(s: State, rule: str, slot: int, filler: str, backers: list[int]) -> bool:
        kind = s.hierarchy.kind(s.hierarchy.mtypes[filler])
        routes = {i: Route(1, frozenset({(rule, slot, filler)})) for i in backers}
        return contradiction(s, check, Proposal(Widening(rule, slot, kind), rule, routes), longest) is None

    try:
        for g, group in enumerate(groups):
            reach = len(examples[group[0]].source)
            if work is not None:
                work.enter(f"induction, inputs of {reach} words ({g + 1}/{len(groups)} lengths)")
            waiting = pending + [i for i in group if not state.chart.derivable(*examples[i].pair())]
            last = g == len(groups) - 1
            pending = _add_rules(state, examples, check, waiting, 1 if last else 2, iconic_order, reach)
        if not state.exhausted:
            if work is not None:
                work.enter("revision")
            saved = state.snapshot()
            try:
                if revise(state, examples, add, admissible):
                    # A dropped rule may have derived more than the examples that proposed it.
                    pending += [i for i in order if i not in pending
                                and not state.chart.derivable(*examples[i].pair())]
                    pending = add(state, pending)
            except BudgetSpent:
                state.restore(saved)  # the rules before revision, whole
                raise
    except BudgetSpent as spent:
        # The rules are whole (a change is applied at once); what the chart derived
        # within the budget is all that is known, and the rest is memorized.
        state.spend_out(spent)
        pending = [i for i in order if not state.chart.derivable(*examples[i].pair())]
    if state.spent_at is not None:
        why = f"the work budget ran out at stage {state.spent_at} before a general rule was found"
    elif state.exhausted:
        why = f"the work budget ran out (max_proposals={max_proposals}) before a general rule was found"
    else:
        why = "no general rule derives this example"
    known = sum(1 for r in state.rules.values() if r.kind is RuleKind.MEMORIZED)
    for n, i in enumerate(pending, start=known + 1):
        _memorize(state, examples[i], why, n)
    return state


def _add_rules(state: State, examples: Sequence[Example], check: Consistency, pending: list[int],
               min_support: int, iconic: bool, reach: int) -> list[int]:
    """Collect proposals, choose the first consistent one, apply it; again, while one is found.

    Returns the examples still underived.
    """
    # Each example's offers, with the chart they were made on: after a change, the
    # offers of an example whose words the change did not touch stay the same.
    made: dict[int, tuple[int, list[Offer]]] = {}
    while pending:
        proposals = _collect(state, examples, pending, made)
        if proposals is None:
            return pending  # the work budget is spent: what is left is memorized
        best, contradicted = first_consistent(state, check, proposals.values(), min_support, iconic, reach)
        state.rejected.update(contradicted)  # no example proposes them again
        if best is None:
            break
        _apply(state, best, examples, list(best.routes), proposals, iconic)
        if len(check.lexical) != len(state.lexicon):  # a word was inferred
            check.lexical = frozenset(r.id for r in state.lexicon.values())
        pending = [i for i in pending if not state.chart.derivable(*examples[i].pair())]
    return pending


def _collect(state: State, examples: Sequence[Example], pending: list[int],
             made: dict[int, tuple[int, list[Offer]]]) -> dict[Key, Proposal] | None:
    """The pending examples' offers, merged by key; ``None`` once ``max_proposals`` is spent.

    Each example backs one widening: the cheapest; among equally cheap ones
    (two bracketings of the same words) the one that keeps phrases nested the
    way they have been (precedence), then the grouping bias's. An example
    that several widenings derive (two bracketings giving one output) says
    nothing about nesting; while an example that one widening alone derives
    is left, it backs none, and then it chooses against the nesting they set.
    """
    preferred: dict[int, Key | None] = {}
    undecided: set[int] = set()
    firm = False
    chart = state.chart
    for i in pending:
        offers = _offers(state, examples[i], made.get(i), chart)
        if offers is None:
            return None
        made[i] = (chart.generation, offers)
        widen = [o for o in offers if isinstance(o.key, Widening)]
        preferred[i] = min(widen, key=lambda o: (o.route.cost, _reversals(state, o.route.admissions),
                                                 -o.route.first, o.key.order())).key if widen else None
        readings = len({o.key for o in widen})
        if readings > 1:
            undecided.add(i)
        firm |= readings == 1
    if undecided and firm:
        preferred.update(dict.fromkeys(undecided))
    proposals: dict[Key, Proposal] = {}
    for i in pending:
        for offer in made[i][1]:
            if isinstance(offer.key, Widening) and offer.key != preferred[i]:
                continue  # an example backs only the widening it prefers
            merged = proposals.get(offer.key)
            if merged is None:
                proposals[offer.key] = merged = Proposal(offer.key, offer.root)
            merged.merge(i, offer)
    return proposals


def _offers(state: State, example: Example, old: tuple[int, list[Offer]] | None,
            chart: InductionChart) -> list[Offer] | None:
    """An example's offers: those made on the previous chart if the change left its words alone.

    Else made afresh, one unit of ``max_proposals`` (``None`` once it is spent).
    """
    src, tgt = example.pair()
    if old is not None and old[0] == chart.previous_generation and chart.unchanged(frozenset(src)):
        return [o for o in old[1] if o.key not in state.rejected]
    if state.max_proposals is not None and state.proposals_made >= state.max_proposals:
        state.exhausted = True
        return None
    state.proposals_made += 1
    return propose(state, src, tgt)


def _reversals(state: State, admissions: frozenset[tuple[str, int, str]]) -> int:
    """How many of these admissions nest a phrase against the nesting seen so far."""
    return sum(state.hierarchy.cycles(rule, filler) for rule, _, filler in admissions if rule != NEW)


def _apply(state: State, best: Proposal, examples: Sequence[Example], committed: list[int],
           proposals: Mapping[Key, Proposal], iconic: bool) -> None:
    supporters = sorted(committed, key=lambda i: (len(examples[i].source), i))
    ids = tuple(examples[i].id for i in supporters)
    key = best.key
    if isinstance(key, Widening):
        rule_id = key.rule
        rule = state.rules[rule_id]
        state.rules[rule_id] = replace(rule, support=rule.support + len(best.routes))
        state.supporters.setdefault(rule_id, []).extend(best.routes)
        new_id = NEW
    elif key.word is not None:
        # One word whose meaning the rules that contain it imply (see symbolic.proposals).
        word = key.word
        new_id = lexical_rule_id(word)
        # A new dict, not an update: the next chart then sees that the lexicon changed.
        state.lexicon = {**state.lexicon, word: Rule(
            new_id, (word,), key.template, ids[:RULE_EVIDENCE], RuleKind.LEXICAL, support=len(best.routes),
            notes=("inferred: the meaning the rules that contain it leave to the word",))}
    else:
        pattern, template = key.pattern, key.template
        state.counter += 1
        new_id = f"r{state.counter}"
        state.supporters[new_id] = list(best.routes)
        kind = RuleKind.COMPOSITION if any(isinstance(x, int) for x in pattern) else RuleKind.PHRASE
        state.rules[new_id] = Rule(new_id, pattern, template, ids[:RULE_EVIDENCE], kind,
                                   support=len(best.routes), notes=_notes(state, best, key, proposals, iconic))
        for i in supporters:
            for slot, fillers in best.routes[i].slot_fillers:
                for filler in fillers:
                    state.admit(new_id, slot, filler, (examples[i].id,))
    for i in supporters:
        for rule_id, slot, filler in sorted(best.routes[i].admissions):
            state.admit(new_id if rule_id == NEW else rule_id, slot,
                        new_id if filler == NEW else filler, (examples[i].id,))
    state.changed()


def _notes(state: State, best: Proposal, key: NewRule, proposals: Mapping[Key, Proposal],
           iconic: bool) -> tuple[str, ...]:
    """The inductive biases that chose this rule, named so that traces can show them."""
    notes = ["fewest constants: known meanings are read as slots, not as constants"]
    phrases: dict[int, set[tuple[str, ...]]] = {}
    for route in best.routes.values():
        for s, phrase in route.slot_phrases:
            phrases.setdefault(s, set()).add(phrase)
    for s, ps in sorted(phrases.items()):
        if len(ps) == 1:
            (only,) = ps
            notes.append(f"slot {s} abstracted from one filler ({' '.join(only)}) whose meaning is known")
    rivals = [p for p in proposals.values() if isinstance(p.key, NewRule) and p.key != key
              and p.key.pattern == key.pattern and len(p.routes) == len(best.routes)]
    if rivals and iconic:
        notes.append("iconic concatenation: slot order in the output follows the input (tie)")
    if names_a_constant(state.named, key):
        notes.append(f"{ME_OVERRIDDEN}: a constant is a token a word names; nothing else fit")
    if any(r.pattern == key.pattern for r in state.rules.values()):
        notes.append(f"{ONE_TO_ONE_OVERRIDDEN}: another rule has this pattern; nothing else fit")
    return tuple(notes)


def _memorize(state: State, ex: Example, why: str, n: int) -> None:
    rule_id = f"m{n}"
    state.rules[rule_id] = Rule(rule_id, ex.source, ex.target, (ex.id,), RuleKind.MEMORIZED,
                                notes=(why,))
    state.changed()
