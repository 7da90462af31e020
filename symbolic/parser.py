"""The chart parser that finds the least relaxed derivation of an input.

Under a cap ``k`` a slot admits the fillers of its categories up to level
``k``. A derivation's cost counts its slots by level and compares them as
(level-3 count, level-2 count, level-1 count), lexicographically. The parser
is a Viterbi chart over phrases: a slot's cost depends only on the rule at
its filler's root, so keeping the cheapest analysis per (phrase, root rule)
is exact. Raising the cap step by step (iterative deepening) finds the
least cap that yields any derivation; the cheapest derivation overall never
uses a level above that cap, so the first cap that answers gives the answer,
and a higher cap can never change it.

Where two derivations are equally relaxed, the one that keeps phrases nested
the way the training data nested them (precedence: no phrase inside a rule it
has been seen inside) is preferred. Where they still tie and give different
outputs, the *grouping* bias decides: prefer the derivation whose first slot
spans more words (operators apply in reading order, so ``a op b op c`` groups
as ``(a op b) op c``). A tie the bias decides is marked ``Tie.GROUPED``; one it
cannot decide (two rules on the same span) is marked ``Tie.UNDECIDED``.

Analyses are memoized by (phrase, cap), not by position, so that the
sub-phrases shared by many inputs are parsed once. A slot never looks at a
span holding a word that no filler it admits can contain (the *vocabulary*
of the slot, closed over the rules), which keeps most spans unparsed.

Two words, a postfix rule whose slot has held ``blor`` only, and an infix
rule whose slots have held both words and its own phrases:

>>> from symbolic.hierarchy import Hierarchy
>>> from symbolic.rules import Rule, RuleKind
>>> lexicon = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in ("blor", "tepa")}
>>> rules = {"r1": Rule("r1", (0, "voss"), (0, 0), ("e1",), RuleKind.COMPOSITION),
...          "r2": Rule("r2", (0, "zim", 1), (0, 1, 1), ("e2",), RuleKind.COMPOSITION)}
>>> both = {"lex:blor": ("e1",), "lex:tepa": ("e2",), "r2": ("e3",)}
>>> h = Hierarchy({("r1", 0): {"lex:blor": ("e1",)}, ("r2", 0): both, ("r2", 1): both},
...               {"lex:blor": "word:1", "lex:tepa": "word:1", "r1": "phrase", "r2": "phrase"}, {})
>>> parser = Parser(lexicon, rules, h)

``tepa`` fills the postfix slot at level 1 (it has filled the same slots
as ``blor``); a ``voss`` phrase only at level 3 (no slot has held one):

>>> cap, top = parser.least_cap(("tepa", "voss"))
>>> cap, top.meaning, top.levels
(1, ('TEPA', 'TEPA'), (1,))
>>> parser.least_cap(("blor", "voss", "voss"), stop=2) is None
True
>>> cap, top = parser.least_cap(("blor", "voss", "voss"))
>>> cap, top.meaning, top.levels
(3, ('BLOR', 'BLOR', 'BLOR', 'BLOR'), (3,))

Two bracketings of ``blor zim tepa zim blor`` are equally relaxed and mean
different things: the grouping bias reads ``(blor zim tepa) zim blor``.

>>> cap, top = parser.least_cap(("blor", "zim", "tepa", "zim", "blor"))
>>> cap, top.meaning, top.tie.name, [(a, b) for a, b, _ in top.children]
(0, ('BLOR', 'TEPA', 'TEPA', 'BLOR', 'BLOR'), 'GROUPED', [(0, 3), (4, 5)])
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import NamedTuple

from symbolic.hierarchy import Hierarchy
from symbolic.index import RuleIndex, vocabularies
from symbolic.rules import Rule, Tokens
from symbolic.work import Work

# Costs of one slot by level, packed in one integer so that adding costs and
# comparing them is lexicographic on (n3, n2, n1, reversals, distance) for
# inputs of up to 256 words. A slot whose filler reverses the nesting the
# training data showed (a phrase put inside one of the rules it has been seen
# inside: precedence) adds a reversal, which only breaks ties among equally
# relaxed derivations, before the grouping bias; a level-1 slot adds its
# filler's distance from the slot's own fillers (1 - closeness, in
# thousandths), which breaks what ties remain.
_GRADE = 1000
_REVERSAL = 1 << 18  # above any sum of distances (256 slots x 1000)
_BASE = 1 << 30  # above any sum of reversals (256 x 2**18)
LEVEL_COST = (0, _BASE, _BASE ** 2, _BASE ** 3)
MAX_MEMO = 1_000_000  # phrases memoized (all caps together): past it the memo starts afresh, bounding memory


def slot_cost(level: int, closeness: float, reversal: int = 0) -> int:
    """The cost of one slot filled at ``level`` by a filler this close to the slot's own."""
    return LEVEL_COST[level] + _REVERSAL * reversal + (round(_GRADE * (1 - closeness)) if level == 1 else 0)


class Tie(IntEnum):
    """How a tie between equally cheap analyses with different meanings was settled.

    Ordered from settled to unsettled, so that an analysis carries the worst
    tie met anywhere in it (``max``).

    >>> max(Tie.NONE, Tie.UNDECIDED, Tie.GROUPED).name
    'UNDECIDED'
    """

    NONE = 0  # no tie, or one between analyses with the same meaning
    GROUPED = 1  # the grouping bias chose (the first slot spans more words)
    UNDECIDED = 2  # two analyses that nothing ranks (two rules on one span)



class Analysis(NamedTuple):
    """The cheapest analysis of a phrase with a given root rule."""

    cost: int
    first: int  # minus the words in the first slot: smaller is preferred (the grouping bias)
    meaning: Tokens
    rule: str
    children: tuple[tuple[int, int, Analysis], ...]  # (start, end, analysis), relative to the phrase
    levels: tuple[int, ...]  # the relaxation level of each slot
    tie: Tie  # how a tie with an equally cheap, different meaning was settled (if there was one)
    width: int  # the words it covers


def settle(old: Analysis | None, new: Analysis) -> Analysis:
    """The preferred of two analyses of one span, with the tie marked where outputs differ."""
    if old is None:
        return new
    first, second = (old, new) if (old.cost, old.first) <= (new.cost, new.first) else (new, old)
    tie = first.tie
    if second.cost == first.cost:
        tie = max(tie, second.tie)
        if second.meaning != first.meaning:
            tie = max(tie, Tie.UNDECIDED if second.first == first.first else Tie.GROUPED)
    return first if tie == first.tie else first._replace(tie=tie)


# The filler a slot takes for one phrase: (its cost with the slot's, its tie mark, its
# analysis, the slot's relaxation level), or None when the slot admits no reading of it.
_Choice = tuple[int, Tie, Analysis, int] | None
_UNSEEN: _Choice = (0, Tie.NONE, Analysis(0, 0, (), "", (), (), Tie.NONE, 0), 0)  # a sentinel: not chosen yet


class _Slot(NamedTuple):
    admit: dict[str, int]  # filler -> level, the fillers admitted under the cap
    cost: dict[str, int]  # filler -> its cost in this slot (see slot_cost)
    phrasal: bool  # whether some admitted filler is a phrase (else the slot spans one word)
    chosen: dict[Tokens, _Choice]  # memo: the filler this slot takes for each phrase


class Parser:
    """Least relaxed parsing with fixed rules and hierarchy."""

    def __init__(self, lexicon: Mapping[str, Rule], rules: Mapping[str, Rule], hierarchy: Hierarchy):
        self.lexicon = dict(lexicon)
        self.rules = [r for r in rules.values() if len(r.pattern) > 1]
        self.hierarchy = hierarchy
        self.fixed_words = {w for r in self.rules for w in r.fixed_words}
        self.known = frozenset(self.lexicon) | self.fixed_words
        # Per rule position: its id, template, and the slot order when the template has
        # slots only (its meaning then concatenates theirs).
        self._heads = [(r.id, r.template, tuple(int(x) for x in r.template)
                        if r.template and not r.constants else None) for r in self.rules]
        phrase_fillers = {f for f, t in hierarchy.mtypes.items() if not t.startswith("word")}
        lexical_words = {r.id: frozenset(r.fixed_words) for r in self.lexicon.values()}
        fixed = {r.id: frozenset(r.fixed_words) for r in self.rules}
        self._slots: list[list[list[_Slot]]] = []
        self._index: list[RuleIndex] = []
        for cap in range(4):
            tables = []
            for r in self.rules:
                if cap == 3:
                    tables.append([{f: hierarchy.level(r.id, s, f) for f in hierarchy.mtypes}
                                   for s in range(r.n_slots)])
                else:
                    tables.append([{f: lv for f, lv in hierarchy.levels(r.id, s).items() if lv <= cap}
                                   for s in range(r.n_slots)])
            admitted = {r.id: [list(t) for t in by_slot] for r, by_slot in zip(self.rules, tables, strict=True)}
            words = vocabularies(lexical_words, fixed, admitted)
            slots = [[_Slot(t, {f: slot_cost(lv, hierarchy.closeness(r.id, s, f), hierarchy.cycles(r.id, f))
                                for f, lv in t.items()},
                            bool(phrase_fillers & t.keys()), {}) for s, t in enumerate(by_slot)]
                     for r, by_slot in zip(self.rules, tables, strict=True)]
            self._slots.append(slots)
            self._index.append(RuleIndex(
                [r.pattern for r in self.rules],
                [[frozenset().union(*(words.get(f, frozenset()) for f in t)) for t in by_slot]
                 for by_slot in tables],
                [[slot.phrasal for slot in by_rule] for by_rule in slots]))
        self._memo: list[dict[Tokens, dict[str, Analysis]]] = [{} for _ in range(4)]
        self._work: Work | None = None  # the budget of the parse under way (see ``least_cap``)

    def forget(self) -> None:
        """Drop every memoized analysis and slot choice."""
        self._memo = [{} for _ in range(4)]
        for by_rule in self._slots:
            for slots in by_rule:
                for slot in slots:
                    slot.chosen.clear()

    def unknown_words(self, source: Tokens) -> list[str]:
        return [w for w in source if w not in self.known]

    def parse(self, phrase: Tokens, cap: int) -> dict[str, Analysis]:
        """The cheapest analysis of ``phrase`` per root rule, every slot at level <= ``cap``."""
        memo = self._memo[cap]
        found = memo.get(phrase)
        if found is not None:
            return found
        result: dict[str, Analysis] = {}
        if len(phrase) == 1 and phrase[0] in self.lexicon:
            lex = self.lexicon[phrase[0]]
            result[lex.id] = Analysis(0, 0, lex.meaning, lex.id, (), (), Tie.NONE, 1)
        slots = self._slots[cap]
        heads = self._heads
        work = self._work
        for position, tiler in self._index[cap].candidates(phrase):
            tilings = tiler(phrase, work)
            if work is not None:  # a parse item: one rule tried on one tiling of the phrase
                work.charge(1 + len(tilings))
            for spans in tilings:
                rule, template, recipe = heads[position]
                made = self._apply(rule, template, recipe, slots[position], phrase, spans, cap)
                if made is not None:
                    old = result.get(rule)
                    result[rule] = made if old is None else settle(old, made)
        memo[phrase] = result
        return result

    def _choose(self, slot: _Slot, part: Tokens, cap: int) -> _Choice:
        """The filler ``slot`` takes for ``part``: the preferred of the readings it admits."""
        found = self._memo[cap].get(part)
        if found is None:
            found = self.parse(part, cap)
        admit, costs = slot.admit, slot.cost
        best: Analysis | None = None
        own: Analysis | None = None  # the chosen filler's analysis, without the slot's cost
        level_of_best = 0
        for root, sub in found.items():
            level = admit.get(root)
            if level is None:
                continue
            # The slot's own cost joins the filler's, so that fillers compare whole.
            extra = costs[root]
            candidate = sub._replace(cost=sub.cost + extra) if extra else sub
            if best is None:
                best, own, level_of_best = candidate, sub, level
            else:
                kept = settle(best, candidate)
                if kept.rule == candidate.rule:
                    own, level_of_best = sub, level
                best = kept
        choice = None if best is None or own is None else (best.cost, best.tie, own, level_of_best)
        slot.chosen[part] = choice
        return choice

    def _apply(self, rule: str, template: tuple[str | int, ...], recipe: tuple[int, ...] | None,
               slots: list[_Slot], phrase: Tokens, spans: tuple[tuple[int, int], ...],
               cap: int) -> Analysis | None:
        cost = 0
        tie = Tie.NONE
        children: list[tuple[int, int, Analysis]] = []
        levels: list[int] = []
        for slot, (a, b) in zip(slots, spans):  # noqa: B905
            part = phrase[a:b]
            choice = slot.chosen.get(part, _UNSEEN)
            if choice is _UNSEEN:
                choice = self._choose(slot, part, cap)
            if choice is None:
                return None
            c, t, own, level = choice
            cost += c
            if t > tie:
                tie = t
            children.append((a, b, own))
            levels.append(level)
        if recipe is not None:  # a template of slots only: concatenate their meanings
            meaning: Tokens = ()
            for k in recipe:
                meaning += children[k][2].meaning
        else:
            out: list[str] = []
            for item in template:
                if isinstance(item, int):
                    out.extend(children[item][2].meaning)
                else:
                    out.append(item)
            meaning = tuple(out)
        first = spans[0][0] - spans[0][1] if spans else 0
        # Analysis(...) without the generated ``__new__``'s extra call.
        return _new_tuple(Analysis, (cost, first, meaning, rule, tuple(children), tuple(levels), tie,
                                     len(phrase)))

    def best(self, source: Tokens, cap: int) -> Analysis | None:
        """The preferred whole-input analysis under ``cap``, its tie marked (see the module docstring)."""
        found = self._memo[cap].get(source)
        if found is None:
            found = self.parse(source, cap)
        if len(found) == 1:
            return next(iter(found.values()))
        top: Analysis | None = None
        for rule in sorted(found):
            top = settle(top, found[rule])
        return top

    def least_cap(self, source: Tokens, start: int = 0, stop: int = 3,
                  work: Work | None = None) -> tuple[int, Analysis] | None:
        """The least cap in ``start..stop`` with a derivation, and its cheapest analysis.

        Each parse item (a rule tried on a tiling of a phrase not parsed
        before) is charged to ``work``, which raises
        :class:`~symbolic.work.BudgetSpent` when it runs out; the analyses of
        the phrases finished stay memoized, and are right.
        """
        if sum(map(len, self._memo)) > MAX_MEMO:
            self.forget()
        self._work = work
        try:
            for cap in range(start, stop + 1):
                found = self.best(source, cap)
                if found is not None:
                    return cap, found
            return None
        finally:
            self._work = None


_new_tuple = tuple.__new__
