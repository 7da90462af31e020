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
   unless it contradicts a training example; repeat. Proposals made by a
   single example wait for the next length, where more examples may back them.

Whatever no proposal covers is kept as a memorized rule, so that every
training pair is reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import groupby

from sandbox.data import Example
from symbolic.consistency import Consistency
from symbolic.proposals import NEW, Key, NewRule, Offer, Proposal, Route, State, Widening, propose
from symbolic.revision import revise
from symbolic.rules import Item, Rule, RuleKind, lexical_rule_id
from symbolic.work import BudgetSpent, Work

MAX_EVIDENCE = 5
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
        return _contradiction(s, check, Proposal(Widening(rule, slot, kind), rule, routes), longest) is None

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
    # Each example's offers, with the chart they were made on: after a change, the
    # offers of an example whose words the change did not touch stay the same.
    made: dict[int, tuple[int, list[Offer]]] = {}
    while pending:
        proposals: dict[Key, Proposal] = {}
        # Each example backs one widening: the cheapest; among equally cheap ones
        # (two bracketings of the same words) the one that keeps phrases nested
        # the way they have been (precedence), then the grouping bias's.
        preferred: dict[int, Key | None] = {}
        undecided: set[int] = set()
        firm = False
        chart = state.chart
        for i in pending:
            src, tgt = examples[i].pair()
            old = made.get(i)
            if old is not None and old[0] == chart.previous_generation and chart.unchanged(frozenset(src)):
                offers = [o for o in old[1] if o.key not in state.rejected]
            elif state.max_proposals is not None and state.proposals_made >= state.max_proposals:
                state.exhausted = True
                return pending  # the work budget is spent: what is left is memorized
            else:
                state.proposals_made += 1
                offers = propose(state, src, tgt)
            made[i] = (chart.generation, offers)
            widen = [o for o in offers if isinstance(o.key, Widening)]
            preferred[i] = min(widen, key=lambda o: (o.route.cost, _reversals(state, o.route.admissions),
                                                     -o.route.first, o.key.order())).key if widen else None
            readings = len({o.key for o in widen})
            if readings > 1:
                undecided.add(i)
            firm |= readings == 1
        # An example that several widenings derive (two bracketings giving one output)
        # says nothing about nesting; while an example that one widening alone derives
        # is left, it backs none, and then it chooses against the nesting they set.
        if undecided and firm:
            preferred.update(dict.fromkeys(undecided))
        for i in pending:
            for prop in made[i][1]:
                if isinstance(prop.key, Widening) and prop.key != preferred[i]:
                    continue  # an example backs only the widening it prefers
                merged = proposals.get(prop.key)
                if merged is None:
                    proposals[prop.key] = merged = Proposal(prop.key, prop.root)
                merged.merge(i, prop)
        patterns = {r.pattern for r in state.rules.values()}
        best = _first_consistent(state, check, proposals, min_support, iconic, reach, patterns)
        if best is None:
            break
        _apply(state, best, examples, list(best.routes), proposals, iconic)
        if len(check.lexical) != len(state.lexicon):  # a word was inferred
            check.lexical = frozenset(r.id for r in state.lexicon.values())
        pending = [i for i in pending if not state.chart.derivable(*examples[i].pair())]
    return pending


def _first_consistent(state: State, check: Consistency, proposals: Mapping[Key, Proposal],
                      min_support: int, iconic: bool, reach: int,
                      patterns: set[tuple[Item, ...]]) -> Proposal | None:
    """The most preferred proposal that contradicts no training example induction has reached.

    A contradicted proposal is remembered, so that no example proposes it again.
    One-to-one (Lake, Linzen & Baroni 2019): a pattern has one meaning, so a rule
    that repeats a known rule's pattern with another template overrides a bias;
    so does a rule with a constant that a word names (mutual exclusivity). Such
    rules are tried only when nothing else fits, and are backed only by the
    examples that nothing else fits: while ``min_support`` holds back less
    supported proposals, two examples that share a word by chance must not
    outvote the admissions that each of them needs alone. Nor do examples
    that every template of a pattern fits ("a op a") choose among them while
    ``min_support`` can wait for more: the iconic bias would decide alone.
    """
    ranked = sorted(proposals.values(), reverse=True, key=lambda p: (
        isinstance(p.key, Widening) or p.key.pattern not in patterns, _preference(p, iconic)))
    fit_otherwise: set[int] | None = None  # examples some non-overriding proposal derives (when asked)
    # pattern -> (template, examples), over the new rules proposed
    backers: dict[tuple[Item, ...], list[tuple[tuple[Item, ...], frozenset[int]]]] | None = None
    for second_pass in (False, True):
        for p in ranked:
            if _overrides_a_bias(state, p, patterns) != second_pass:
                continue
            if len(p.routes) < min_support:
                break  # the rest of this pass is less preferred still
            key = p.key
            if min_support > 1 and isinstance(key, NewRule):
                if backers is None:
                    backers = {}
                    for q in ranked:
                        if isinstance(q.key, NewRule):
                            backers.setdefault(q.key.pattern, []).append((q.key.template, frozenset(q.routes)))
                own = frozenset(p.routes)
                if any(t != key.template and b == own for t, b in backers[key.pattern]):
                    continue  # undecided between templates: wait for examples that decide
            if second_pass and min_support > 1:
                if fit_otherwise is None:
                    fit_otherwise = {i for q in ranked if not _overrides_a_bias(state, q, patterns)
                                     for i in q.routes}
                if len(p.routes.keys() - fit_otherwise) < min_support:
                    continue
            if _contradiction(state, check, p, reach) is None:
                return p
            state.rejected.add(key)
            narrow = _on_words(state, p)
            if narrow is not None and len(narrow.routes) >= min_support \
                    and _contradiction(state, check, narrow, reach) is None:
                return narrow
    return None


def _on_words(state: State, p: Proposal) -> Proposal | None:
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


def _overrides_a_bias(state: State, p: Proposal, patterns: set[tuple[Item, ...]]) -> bool:
    """Whether a new rule breaks one-to-one or mutual exclusivity (see ``_first_consistent``)."""
    return isinstance(p.key, NewRule) and (p.key.pattern in patterns or _names_a_constant(state, p.key))


def _names_a_constant(state: State, key: NewRule) -> bool:
    """Whether a new rule writes, as a constant, a token that a word names (mutual exclusivity)."""
    return any(isinstance(x, str) and x in state.named for x in key.template)


def _contradiction(state: State, check: Consistency, p: Proposal, reach: int) -> str | None:
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


def _reversals(state: State, admissions: frozenset[tuple[str, int, str]]) -> int:
    """How many of these admissions nest a phrase against the nesting seen so far."""
    return sum(state.hierarchy.cycles(rule, filler) for rule, _, filler in admissions if rule != NEW)


def _preference(p: Proposal, iconic: bool) -> tuple[object, ...]:
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
            int(iconic and _is_iconic(key.template)), key.order())


def _is_iconic(template: tuple[Item, ...]) -> bool:
    """Whether slots first appear in the template in the order they appear in the input."""
    firsts: list[int] = []
    for x in template:
        if isinstance(x, int) and x not in firsts:
            firsts.append(x)
    return firsts == sorted(firsts)


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
            new_id, (word,), key.template, ids[:MAX_EVIDENCE], RuleKind.LEXICAL, support=len(best.routes),
            notes=("inferred: the meaning the rules that contain it leave to the word",))}
    else:
        pattern, template = key.pattern, key.template
        state.counter += 1
        new_id = f"r{state.counter}"
        state.supporters[new_id] = list(best.routes)
        kind = RuleKind.COMPOSITION if any(isinstance(x, int) for x in pattern) else RuleKind.PHRASE
        state.rules[new_id] = Rule(new_id, pattern, template, ids[:MAX_EVIDENCE], kind,
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
    if _names_a_constant(state, key):
        notes.append(f"{ME_OVERRIDDEN}: a constant is a token a word names; nothing else fit")
    if any(r.pattern == key.pattern for r in state.rules.values()):
        notes.append(f"{ONE_TO_ONE_OVERRIDDEN}: another rule has this pattern; nothing else fit")
    return tuple(notes)


def _memorize(state: State, ex: Example, why: str, n: int) -> None:
    rule_id = f"m{n}"
    state.rules[rule_id] = Rule(rule_id, ex.source, ex.target, (ex.id,), RuleKind.MEMORIZED,
                                notes=(why,))
    state.changed()
