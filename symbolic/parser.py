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

Where two derivations are equally relaxed and give different outputs, the
*grouping* bias decides: prefer the derivation whose first slot spans more
words (operators apply in reading order, so ``a op b op c`` groups as
``(a op b) op c``). A tie the bias decides is marked ``TIE_GROUPED``; one it
cannot decide (two rules on the same span) is marked ``TIE_UNDECIDED``.

Analyses are memoized by (phrase, cap), not by position, so that the
sub-phrases shared by many inputs are parsed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from symbolic.hierarchy import Hierarchy
from symbolic.matching import Matcher
from symbolic.rules import Rule, Tokens

# Costs of one slot by level, packed in one integer so that adding costs and
# comparing them is lexicographic on (n3, n2, n1) while counts stay below 2**20.
_BASE = 1 << 20
LEVEL_COST = (0, 1, _BASE, _BASE * _BASE)
NO_TIE, TIE_GROUPED, TIE_UNDECIDED = 0, 1, 2


def cost_counts(cost: int) -> tuple[int, int, int]:
    """Unpack a cost into (level-3 slots, level-2 slots, level-1 slots)."""
    return cost // (_BASE * _BASE), (cost // _BASE) % _BASE, cost % _BASE


@dataclass(frozen=True)
class Analysis:
    """The cheapest analysis of a phrase with a given root rule."""

    cost: int
    meaning: Tokens
    rule: str
    children: tuple[tuple[int, int, str], ...]  # (start, end, root rule), relative to the phrase
    levels: tuple[int, ...]  # the relaxation level of each slot
    tie: int  # NO_TIE, or how a tie with an equally cheap, different meaning was settled

    @property
    def order(self) -> tuple[int, int]:
        """Cheapest first; then (the grouping bias) the longest first slot."""
        return self.cost, -(self.children[0][1] - self.children[0][0]) if self.children else 0


def settle(old: Analysis | None, new: Analysis) -> Analysis:
    """The preferred of two analyses of one span, with the tie marked where outputs differ."""
    if old is None:
        return new
    first, second = (old, new) if old.order <= new.order else (new, old)
    tie = max(first.tie, second.tie if second.cost == first.cost else NO_TIE)
    if second.cost == first.cost and second.meaning != first.meaning:
        tie = max(tie, TIE_UNDECIDED if second.order == first.order else TIE_GROUPED)
    return first if tie == first.tie else replace(first, tie=tie)


class Parser:
    """Least relaxed parsing with fixed rules and hierarchy."""

    def __init__(self, lexicon: Mapping[str, Rule], rules: Mapping[str, Rule], hierarchy: Hierarchy):
        self.lexicon = lexicon
        self.rules = [r for r in rules.values() if len(r.pattern) > 1]
        self.hierarchy = hierarchy
        self.fixed_words = {w for r in self.rules for w in r.fixed_words}
        self._fixed = [frozenset(r.fixed_words) for r in self.rules]
        self._matchers = [Matcher(r.pattern) for r in self.rules]
        phrase_fillers = {f for f, t in hierarchy.mtypes.items() if not t.startswith("word")}
        # Per cap: each rule's admitted fillers (filler -> level) and slot length bounds.
        self._admit: list[list[list[dict[str, int]]]] = []
        self._phrasal: list[list[list[bool]]] = []
        for cap in range(4):
            admits, phrasal = [], []
            for r in self.rules:
                slots = []
                for s in range(r.n_slots):
                    if cap == 3:
                        table = {f: hierarchy.level(r.id, s, f) for f in hierarchy.mtypes}
                    else:
                        table = {f: lv for f, lv in hierarchy.levels(r.id, s).items() if lv <= cap}
                    slots.append(table)
                admits.append(slots)
                phrasal.append([bool(phrase_fillers & t.keys()) for t in slots])
            self._admit.append(admits)
            self._phrasal.append(phrasal)
        self._memo: dict[tuple[Tokens, int], dict[str, Analysis]] = {}

    def unknown_words(self, source: Tokens) -> list[str]:
        return [w for w in source if w not in self.lexicon and w not in self.fixed_words]

    def parse(self, phrase: Tokens, cap: int) -> dict[str, Analysis]:
        """The cheapest analysis of ``phrase`` per root rule, every slot at level <= ``cap``."""
        key = (phrase, cap)
        found = self._memo.get(key)
        if found is not None:
            return found
        result: dict[str, Analysis] = {}
        n = len(phrase)
        if n == 1 and phrase[0] in self.lexicon:
            lex = self.lexicon[phrase[0]]
            result[lex.id] = Analysis(0, lex.meaning, lex.id, (), (), NO_TIE)
        words = set(phrase)
        admits, phrasal = self._admit[cap], self._phrasal[cap]
        for index, rule in enumerate(self.rules):
            if len(rule.pattern) > n or not self._fixed[index] <= words:
                continue
            admit = admits[index]
            bounds = [(1, n if p else 1) for p in phrasal[index]]
            for spans in self._matchers[index].match(phrase, bounds):
                self._combine(rule, admit, phrase, spans, cap, result)
        self._memo[key] = result
        return result

    def _combine(self, rule: Rule, admit: list[dict[str, int]], phrase: Tokens,
                 spans: tuple[tuple[int, int], ...], cap: int, result: dict[str, Analysis]) -> None:
        cost = 0
        tie = NO_TIE
        meanings: list[Tokens] = []
        children: list[tuple[int, int, str]] = []
        levels: list[int] = []
        for slot, (a, b) in enumerate(spans):
            table = admit[slot]
            best: Analysis | None = None
            for root, sub in self.parse(phrase[a:b], cap).items():
                level = table.get(root)
                if level is not None:
                    # The slot's own cost joins the filler's, so that fillers compare whole.
                    best = settle(best, replace(sub, cost=sub.cost + LEVEL_COST[level],
                                                levels=(level,)))
            if best is None:
                return
            cost += best.cost
            tie = max(tie, best.tie)
            meanings.append(best.meaning)
            children.append((a, b, best.rule))
            levels.append(best.levels[0])
        made = Analysis(cost, rule.instantiate(meanings), rule.id, tuple(children), tuple(levels), tie)
        result[rule.id] = settle(result.get(rule.id), made)

    def best(self, source: Tokens, cap: int) -> Analysis | None:
        """The preferred whole-input analysis under ``cap``, its tie marked (see the module docstring)."""
        top: Analysis | None = None
        for rule in sorted(self.parse(source, cap)):
            top = settle(top, self.parse(source, cap)[rule])
        return top

    def least_cap(self, source: Tokens, start: int = 0, stop: int = 3) -> tuple[int, Analysis] | None:
        """The least cap in ``start..stop`` with a derivation, and its cheapest analysis."""
        for cap in range(start, stop + 1):
            found = self.best(source, cap)
            if found is not None:
                return cap, found
        return None
