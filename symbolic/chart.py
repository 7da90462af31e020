"""The induction chart: every meaning a phrase can take, each by its least relaxed derivation.

During induction a slot admits the fillers that training examples have put
there, and, one relaxation at a time, those of the same distributional
category or meaning type (levels 1 and 2 of :mod:`symbolic.hierarchy`). A
filler that would need level 3 (any constituent) is not admitted: induction
must *propose* it, with the support of the examples that need it. For each
(root rule, meaning) of a phrase the chart keeps the least relaxed
derivation, so that the fillers recorded from a training example come from
its cleanest reading. Analyses are memoized by phrase, not by position, so a
sub-phrase shared by thousands of examples is analysed once.

>>> from symbolic.rules import Rule, RuleKind
>>> lex = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e",), RuleKind.LEXICAL) for w in "ab"}
>>> twice = Rule("r1", (0, "twice"), (0, 0), ("e",), RuleKind.COMPOSITION)
>>> levels = {("r1", 0, "lex:a"): 0, ("r1", 0, "lex:b"): 2}
>>> chart = InductionChart(lex, [twice], lambda r, s, f: levels.get((r, s, f), 3))
>>> chart.derivable(("b", "twice"), ("B", "B"))
True
>>> chart.best(("b", "twice"), ("B", "B")).levels  # b fills the slot at level 2
(2,)
>>> chart.derivable(("a", "twice", "twice"), ("A",) * 4)  # a phrase would need level 3
False
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from symbolic.matching import match_pattern
from symbolic.rules import Rule, RuleKind, Tokens

MAX_ANALYSES = 64  # per phrase; bounds the work on long, ambiguous phrases
MAX_LEVEL = 2  # the most relaxed admission induction accepts without a proposal
COST = (0, 1, 1 << 20, 1 << 40)  # one slot at each level; sums compare as (n3, n2, n1)

LevelFn = Callable[[str, int, str], int]  # (rule, slot, filler) -> relaxation level


@dataclass(frozen=True)
class Derivation:
    """The least relaxed derivation of one (root, meaning) analysis of a phrase."""

    cost: int
    rule: str
    children: tuple[tuple[int, int, str, Tokens], ...]  # (start, end, root, meaning), relative
    levels: tuple[int, ...]


Analyses = dict[tuple[str, Tokens], Derivation]


class InductionChart:
    """Analyses of phrases under fixed rules and categories (rebuild it when they change)."""

    def __init__(self, lexicon: Mapping[str, Rule], rules: Iterable[Rule], level: LevelFn,
                 phrasal: Callable[[str, int], bool] = lambda r, s: True):
        self.lexicon = lexicon
        self.rules = [r for r in rules if len(r.pattern) > 1]
        self._level = level
        self._levels: dict[tuple[str, int, str], int] = {}
        self._fixed = [frozenset(r.fixed_words) for r in self.rules]
        # A slot that admits no phrase below level 3 spans exactly one word.
        self._phrasal = [[phrasal(r.id, s) for s in range(r.n_slots)] for r in self.rules]
        self._memo: dict[Tokens, Analyses] = {}

    def level(self, rule: str, slot: int, filler: str) -> int:
        key = (rule, slot, filler)
        found = self._levels.get(key)
        if found is None:
            found = self._levels[key] = self._level(rule, slot, filler)
        return found

    def analyses(self, phrase: Tokens) -> Analyses:
        """Every (root, meaning) analysis of ``phrase`` with its least relaxed derivation."""
        found = self._memo.get(phrase)
        if found is not None:
            return found
        result: Analyses = {}
        if len(phrase) == 1 and phrase[0] in self.lexicon:
            lex = self.lexicon[phrase[0]]
            result[(lex.id, lex.template)] = Derivation(0, lex.id, (), ())
        words = set(phrase)
        n = len(phrase)
        for rule, fixed, phrasal in zip(self.rules, self._fixed, self._phrasal):
            if len(rule.pattern) > n or not fixed <= words:
                continue
            bounds = [(1, n if p else 1) for p in phrasal]
            for spans in match_pattern(rule.pattern, phrase, bounds):
                self._combine(rule, phrase, spans, result)
                if len(result) >= MAX_ANALYSES:
                    break
        self._memo[phrase] = result
        return result

    def _combine(self, rule: Rule, phrase: Tokens, spans: tuple[tuple[int, int], ...],
                 result: Analyses) -> None:
        options: list[list[tuple[int, tuple[int, int, str, Tokens], int]]] = []
        for slot, (a, b) in enumerate(spans):
            cheapest: dict[Tokens, tuple[int, tuple[int, int, str, Tokens], int]] = {}
            for (root, meaning), sub in self.analyses(phrase[a:b]).items():
                lvl = self.level(rule.id, slot, root)
                if lvl > MAX_LEVEL:
                    continue
                cost = sub.cost + COST[lvl]
                old = cheapest.get(meaning)
                if old is None or cost < old[0]:
                    cheapest[meaning] = (cost, (a, b, root, meaning), lvl)
            if not cheapest:
                return
            options.append(list(cheapest.values()))
        for combo in itertools.product(*options):
            key = (rule.id, rule.instantiate([child[3] for _, child, _ in combo]))
            cost = sum(c for c, _, _ in combo)
            old = result.get(key)
            if old is None or cost < old.cost:
                result[key] = Derivation(cost, rule.id, tuple(ch for _, ch, _ in combo),
                                         tuple(lv for _, _, lv in combo))
            if len(result) >= MAX_ANALYSES:
                return

    def meanings(self, phrase: Tokens) -> dict[Tokens, frozenset[str]]:
        """The meanings ``phrase`` can take, each with the root rules that give it."""
        out: dict[Tokens, set[str]] = {}
        for root, meaning in self.analyses(phrase):
            out.setdefault(meaning, set()).add(root)
        return {m: frozenset(r) for m, r in out.items()}

    def derivable(self, source: Tokens, target: Tokens) -> bool:
        return self.best(source, target) is not None

    def best(self, source: Tokens, target: Tokens) -> Derivation | None:
        """The least relaxed derivation of ``source`` that gives ``target`` (first root on a tie)."""
        found = [(d.cost, root, d) for (root, m), d in self.analyses(source).items() if m == target]
        return min(found, key=lambda x: (x[0], x[1]))[2] if found else None

    def fillers(self, source: Tokens, target: Tokens,
                done: set[tuple[Tokens, str, Tokens]]) -> Iterator[tuple[str, int, str]]:
        """(rule, slot, filler) for every slot of the least relaxed derivation.

        Sub-derivations in ``done`` were reported already and are skipped,
        so that sub-phrases shared by many examples are walked once.
        """
        top = self.best(source, target)
        if top is None:
            return
        stack = [(source, top)]
        while stack:
            phrase, node = stack.pop()
            for slot, (a, b, root, meaning) in enumerate(node.children):
                yield node.rule, slot, root
                key = (phrase[a:b], root, meaning)
                if key not in done:
                    done.add(key)
                    stack.append((phrase[a:b], self.analyses(phrase[a:b])[(root, meaning)]))


def is_phrase_rule(rule: Rule) -> bool:
    return rule.kind is not RuleKind.LEXICAL
