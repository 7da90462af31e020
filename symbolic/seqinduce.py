"""Induction of sequence rules: patterns from abstraction, templates by program search.

Runs where the lexicon found sequence words (:mod:`symbolic.seqlex`). The
loop, fewest fixed words first (short rules before the long ones that
compose them):

1. **Read what is known.** Every example the current rules parse (level 0,
   one meaning) to its output is explained; one they parse to another output
   is set aside for the refit.
2. **Abstract the rest.** From the first word on, a maximal run of sequence words or
   the longest phrase the rules read becomes a slot; every other word is a
   fixed word. The result is a pattern (``f <0> , <1>``: arity and separators
   come from the data, never given) with its slots' meanings.
3. **Infer parts a known rule implies.** Where a known rule's pattern covers
   the abstraction with one slot over a stretch that holds unknown words,
   and its template writes that slot once, as it is, the slot's meaning is
   what the output leaves for it: a new instance for the inner phrase.
4. **Search a template** for the patterns with the fewest fixed words: the
   smallest program (:mod:`symbolic.programs`) that rebuilds every instance,
   found on a few and checked on all (counterexamples join the sample).
5. **Refit** (small programs overgeneralize on short arguments: a reversal
   and a first-last swap agree up to three tokens): each rule's program is
   checked on every instance it heads in any training example, and searched
   again on all of them where one fails.

Work is counted (program-search term checks and parse steps) against one
budget; once spent, induction stops and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sandbox.data import Example, Tokens
from symbolic.programs import Instance, Program, Work, find_program, render, run_program
from symbolic.rules import WORD_EVIDENCE
from symbolic.seqlex import SequenceLexicon
from symbolic.seqparse import BudgetSpent, Nesting, Reading, SeqParser, SeqRule

MAX_ROUNDS = 64
SAMPLE = 12  # instances a program is first searched on
MAX_REFITS = 4
FIRST_READ = 256  # examples induction reads first
JOIN = 64  # unexplained examples that join the working set at a time


@dataclass
class Shape:
    """An input abstracted over what is known: its pattern and the meanings of its slots."""

    pattern: tuple[str | int, ...]
    meanings: tuple[Tokens, ...]
    items: tuple[str | Reading, ...]  # fixed words and the constituents in the slots


@dataclass
class SeqInduction:
    rules: list[SeqRule] = field(default_factory=list)
    explained: set[int] = field(default_factory=set)
    exhausted: bool = False
    refits: list[str] = field(default_factory=list)
    lexicon: SequenceLexicon = field(default_factory=SequenceLexicon)
    nestings: frozenset[Nesting] = frozenset()


def induce_sequence_rules(examples: Sequence[Example], lexicon: SequenceLexicon, work: Work,
                          max_slots: int, coverage: float = 0.0) -> SeqInduction:
    """The sequence rules of ``examples`` (see the module docstring).

    Induction reads a working set, first the first FIRST_READ examples; every
    example the rules then leave unexplained joins it (a few at a time), and
    induction runs again, until all are explained or none joins. Where the
    rules explain less than ``coverage`` of the working set, it stops there.
    """
    out = SeqInduction(lexicon=lexicon)
    working = list(range(min(FIRST_READ, len(examples))))
    try:
        while True:
            _induce(examples, working, out, work, max_slots)
            if len(working) < len(examples):
                # Rules that miss more of the examples they were read from than the whole may
                # miss will not get there: stop before checking every example.
                _check([examples[k] for k in working], out, work)
                if len(out.explained) < coverage * len(working):
                    out.explained = set()
                    break
            wrong = _check(examples, out, work)
            joining = [k for k in wrong if k not in set(working)][:JOIN]
            if not joining:
                break
            working = sorted({*working, *joining})
    except BudgetSpent:
        out.exhausted = True
    out.exhausted |= work.exhausted
    return out


def _check(examples: Sequence[Example], out: SeqInduction, work: Work) -> list[int]:
    """The examples the rules do not explain; the nestings of those they do.

    An example read two ways is explained by the reading that gives its
    output, and its nestings are what settles precedence: the rules then read
    every training example again under them.
    """
    nestings: set[Nesting] = set()
    for _ in range(2):
        parser = SeqParser(out.lexicon, out.rules, nestings=frozenset(nestings))
        out.explained = set()
        wrong: list[int] = []
        for k, ex in enumerate(examples):
            reading = _read(parser, ex.source, work)
            if reading is not None and reading.meaning != ex.target and reading.alt is not None:
                reading = reading.alt
            if reading is not None and reading.meaning == ex.target:
                nestings.update(reading.nestings())
                if reading.ties == 1:
                    out.explained.add(k)
                    continue
            wrong.append(k)
        if frozenset(nestings) == parser.nestings:
            break
    out.nestings = frozenset(nestings)
    return wrong


def _induce(examples: Sequence[Example], working: Sequence[int], out: SeqInduction, work: Work,
            max_slots: int) -> None:
    """Steps 1-5 on the working set, adding to ``out``."""
    order = sorted(working, key=lambda k: (len(examples[k].source), k))
    pending = list(order)
    for _ in range(MAX_ROUNDS):
        parser = SeqParser(out.lexicon, out.rules)
        groups: dict[tuple[str | int, ...], list[tuple[Instance, str]]] = {}
        still: list[int] = []
        for k in pending:
            ex = examples[k]
            reading = _read(parser, ex.source, work)
            if reading is not None:
                continue  # read (rightly, or otherwise: the refit may mend it)
            still.append(k)
            shape = _abstract(parser, ex.source, work)
            if 0 < len(shape.meanings) <= max_slots and any(isinstance(x, str) for x in shape.pattern):
                groups.setdefault(shape.pattern, []).append(((shape.meanings, ex.target), ex.id))
            for pattern, inst in _inferred(out.rules, shape, ex.target, max_slots):
                groups.setdefault(pattern, []).append((inst, ex.id))
        pending = still
        # Description length: a rule one example proposes says no more than that example,
        # so it waits until the words it would fix can be read otherwise.
        if _add_rules(groups, out, work, least=2):
            continue
        promoted = _promote(examples, out.lexicon, out)
        if promoted:
            out.lexicon = promoted
            continue
        heads = {p[0] for p in groups if isinstance(p[0], str)} | {w for r in out.rules for w in r.fixed_words}
        if not _add_rules(groups, out, work, least=1, heads=heads):
            break
    out.refits += _refit([examples[k] for k in working], out.lexicon, out, work)


def _read(parser: SeqParser, source: Tokens, work: Work) -> Reading | None:
    state = parser.constituents(source)
    try:
        return state.span(0, len(source))
    finally:
        if not work.spend(state.steps):
            raise BudgetSpent


def _abstract(parser: SeqParser, source: Tokens, work: Work) -> Shape:
    state = parser.constituents(source)
    items: list[str | Reading] = []
    pos = 0
    n = len(source)
    try:
        while pos < n:
            if state.levels[pos] == 0:
                end = pos
                while end < n and state.levels[end] == 0:
                    end += 1
                run = state.span(pos, end)
                assert run is not None
                items.append(run)
                pos = end
                continue
            found = next((r for q in range(n, pos + 1, -1) if (r := state.span(pos, q)) is not None), None)
            if found is not None:
                items.append(found)
                pos = found.span[1]
            else:
                items.append(source[pos])
                pos += 1
    finally:
        if not work.spend(state.steps):
            raise BudgetSpent
    return _shape(items)


def _shape(items: Sequence[str | Reading]) -> Shape:
    pattern: list[str | int] = []
    meanings: list[Tokens] = []
    for item in items:
        if isinstance(item, str):
            pattern.append(item)
        else:
            pattern.append(len(meanings))
            meanings.append(item.meaning)
    return Shape(tuple(pattern), tuple(meanings), tuple(items))


def _inferred(rules: Sequence[SeqRule], shape: Shape, target: Tokens,
              max_slots: int) -> list[tuple[tuple[str | int, ...], Instance]]:
    """Instances of inner phrases that a known rule's template implies (step 3)."""
    out: list[tuple[tuple[str | int, ...], Instance]] = []
    items = shape.items
    for rule in rules:
        for cover in _covers(rule.pattern, 0, items, 0, ()):
            open_slots = [s for s, (a, b) in enumerate(cover) if not (b == a + 1 and not isinstance(items[a], str))]
            if len(open_slots) != 1:
                continue
            (slot,) = open_slots
            bare = [t for t in rule.template if t == slot]
            if len(bare) != 1 or any(not isinstance(t, int) and getattr(t, "slot", None) == slot
                                     for t in rule.template):
                continue
            known = {s: items[a].meaning for s, (a, _) in enumerate(cover)  # type: ignore[union-attr]
                     if s != slot}
            meaning = _solve(rule.template, known, slot, target)
            if meaning is None:
                continue
            a, b = cover[slot]
            inner = _shape(items[a:b])
            if 0 < len(inner.meanings) <= max_slots:
                out.append((inner.pattern, (inner.meanings, meaning)))
    return out


def _covers(pattern: tuple[str | int, ...], k: int, items: Sequence[str | Reading], pos: int,
            acc: tuple[tuple[int, int], ...]) -> list[tuple[tuple[int, int], ...]]:
    """Ways the rule's pattern covers the items, each slot over one or more items."""
    if k == len(pattern):
        return [acc] if pos == len(items) else []
    p = pattern[k]
    if isinstance(p, str):
        if pos < len(items) and items[pos] == p:
            return _covers(pattern, k + 1, items, pos + 1, acc)
        return []
    out: list[tuple[tuple[int, int], ...]] = []
    for end in range(pos + 1, len(items) + 1):
        out.extend(_covers(pattern, k + 1, items, end, (*acc, (pos, end))))
        if len(out) > 4:
            break
    return out


def _solve(template: Program, known: dict[int, Tokens], slot: int, target: Tokens) -> Tokens | None:
    """The meaning of ``slot`` that makes ``template`` give ``target`` (it stands there once, bare)."""
    k = template.index(slot)
    before = run_program(template[:k], _lookup(known, slot))
    tail = run_program(template[k + 1:], _lookup(known, slot))
    if len(before) + len(tail) >= len(target):
        return None
    if target[:len(before)] != before or target[len(target) - len(tail):] != tail:
        return None
    return target[len(before):len(target) - len(tail)]


def _lookup(known: dict[int, Tokens], missing: int) -> list[Tokens]:
    n = max([*known, missing]) + 1
    return [known.get(i, ()) for i in range(n)]


def _add_rules(groups: dict[tuple[str | int, ...], list[tuple[Instance, str]]], out: SeqInduction,
               work: Work, least: int, heads: set[str] | None = None) -> bool:
    """Step 4 for the patterns with the fewest fixed words that some program fits.

    A pattern needs ``least`` examples behind it; one with fewer is taken only
    where every fixed word of it heads some pattern or is fixed by a rule (an
    operator word or a separator, not a word that stands inside arguments).
    """
    by_fixed: dict[int, list[tuple[str | int, ...]]] = {}
    for pattern, members in groups.items():
        if len({i for _, i in members}) < least:
            continue
        if heads is not None and not all(w in heads for w in pattern if isinstance(w, str)):
            continue
        by_fixed.setdefault(sum(isinstance(x, str) for x in pattern), []).append(pattern)
    for n_fixed in sorted(by_fixed):
        added = False
        for pattern in sorted(by_fixed[n_fixed], key=lambda p: (-len(groups[p]), _key(p))):
            found = _fit([inst for inst, _ in groups[pattern]], len(groups[pattern][0][0][0]), work, out.lexicon)
            if found is None:
                continue
            ids = sorted({i for _, i in groups[pattern]}, key=lambda i: (len(i), i))
            out.rules.append(_rule(f"s{len(out.rules) + 1}", pattern, found, tuple(ids[:WORD_EVIDENCE]),
                                   [inst for inst, _ in groups[pattern]]))
            added = True
        if added:
            return True
        if work.exhausted:
            return False
    return False


def _promote(examples: Sequence[Example], lexicon: SequenceLexicon, out: SeqInduction) -> SequenceLexicon | None:
    """Words never copied that stand only inside arguments, read as themselves.

    A symbol word that stood only where a rule drops its argument was never
    copied, so the lexicon could not read it; left as it is, it would be
    fixed into rules as if it were an operator. Once the rules from clean
    examples are known (their separators among their fixed words), every word
    that no rule fixes and that never begins an input is read as standing for
    itself (the copy bias, where it read words so already); the first example
    that shows it is its evidence.
    """
    if not lexicon.copied:
        return None
    fixed = {w for r in out.rules for w in r.fixed_words}
    heads = {ex.source[0] for ex in examples if ex.source}
    new: dict[str, str] = {}
    for ex in examples:
        for w in ex.source:
            if w not in lexicon.meaning and w not in fixed and w not in heads:
                new.setdefault(w, ex.id)
    if not new:
        return None
    return lexicon.with_words({w: (w, PROMOTED, (i,)) for w, i in new.items()})


PROMOTED = "read as itself (copy bias): never copied, never begins an input, fixed by no rule"


def _key(pattern: tuple[str | int, ...]) -> tuple[str, ...]:
    return tuple(f"<{x}>" if isinstance(x, int) else x for x in pattern)


def _fit(instances: list[Instance], n_slots: int, work: Work, lexicon: SequenceLexicon) -> Program | None:
    """The smallest program for a few instances, grown by counterexamples until it fits all.

    A token a sequence word owns is never a constant of a rule: ownership says it
    stands exactly where its word does (mutual exclusivity), so a rule that wrote
    it would write it without the word."""
    ordered = sorted(instances, key=lambda inst: (sum(map(len, inst[0])), len(inst[1])))
    sample = _spread(ordered)
    owned = frozenset(lexicon.meaning.values())
    while True:
        program = find_program(sample, n_slots, work, owned=owned)
        if program is None:
            return None
        wrong = [inst for inst in ordered if run_program(program, inst[0]) != inst[1]]
        if not wrong:
            return program
        if not work.spend(len(ordered)):
            return None
        sample.extend(wrong[:SAMPLE])


def _spread(ordered: list[Instance]) -> list[Instance]:
    """A few instances, from the shortest to the longest."""
    if len(ordered) <= SAMPLE:
        return list(ordered)
    step = (len(ordered) - 1) / (SAMPLE - 1)
    return [ordered[round(i * step)] for i in range(SAMPLE)]


def _rule(rule_id: str, pattern: tuple[str | int, ...], program: Program, evidence: tuple[str, ...],
          instances: list[Instance]) -> SeqRule:
    n = sum(isinstance(x, int) for x in pattern)
    lengths = tuple(max(len(m[s]) for m, _ in instances) for s in range(n))
    note = (f"template: the smallest program over {{{', '.join(sorted(_ops(program)))}}} that rebuilds "
            f"{len(instances)} instances; checked on slot meanings of up to {', '.join(map(str, lengths))} tokens")
    return SeqRule(rule_id, pattern, program, evidence, len(instances), lengths, (note,))


def _ops(program: Program) -> set[str]:
    return {op for t in program if not isinstance(t, str | int) for op in t.ops} or {"none"}


def _refit(examples: Sequence[Example], lexicon: SequenceLexicon, out: SeqInduction, work: Work) -> list[str]:
    """Step 5: each rule checked on every instance it heads; searched again where one fails."""
    notes: list[str] = []
    for _ in range(MAX_REFITS):
        parser = SeqParser(lexicon, out.rules)
        heads: dict[str, list[Instance]] = {}
        for ex in examples:
            reading = _read(parser, ex.source, work)
            if reading is not None and reading.meaning != ex.target and reading.alt is not None \
                    and reading.alt.meaning == ex.target:
                # Two groupings, one of which the rules already read correctly: that one is the
                # example's reading (as ``_check`` reads it), not a reason to change a program.
                reading = reading.alt
            if reading is not None and reading.rule is not None:
                heads.setdefault(reading.rule.id, []).append(
                    (tuple(c.meaning for c in reading.children), ex.target))
        changed = False
        for idx, rule in enumerate(out.rules):
            insts = heads.get(rule.id, [])
            if all(run_program(rule.template, m) == t for m, t in insts):
                continue
            found = _fit(insts, rule.n_slots, work, lexicon)
            if found is None or found == rule.template:
                continue
            notes.append(f"refit {rule.id}: {render(rule.template)} -> {render(found)} "
                         f"(on the {len(insts)} training examples it heads)")
            out.rules[idx] = _rule(rule.id, rule.pattern, found, rule.evidence, insts)
            changed = True
        if not changed:
            break
    return notes
