"""The induction chart: every meaning a phrase can take under the rules learned so far.

During induction a slot admits the *kinds* of filler (a bare word, a phrase
built by a rule) that the examples behind its rule showed; categories proper
come later, from the derivations this chart finds. Analyses are memoized by
phrase (not by position), so a sub-phrase shared by thousands of training
examples is analysed once.

>>> from symbolic.rules import Rule, RuleKind, FillerKind as K
>>> lex = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e",), RuleKind.LEXICAL) for w in "ab"}
>>> twice = Rule("r1", (0, "twice"), (0, 0), ("e",), RuleKind.COMPOSITION)
>>> chart = InductionChart(lex, [twice], {("r1", 0): frozenset({K.WORD})})
>>> chart.derivable(("a", "twice"), ("A", "A"))
True
>>> chart.derivable(("a", "twice", "twice"), ("A",) * 4)  # the slot admits words only
False
>>> chart.trees(("b", "twice"), ("B", "B"))[0].rule
'r1'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from symbolic.matching import match_pattern
from symbolic.rules import FillerKind, Rule, Tokens

MAX_ANALYSES = 64  # per phrase; bounds the work on long, ambiguous phrases
MAX_COUNT = 3  # derivations are counted up to here: enough to tell one from several
MAX_NODES = 4  # alternative nodes kept per analysis


@dataclass(frozen=True)
class Node:
    """One way a rule builds an analysis of a phrase; children are (start, end, root, meaning)."""

    rule: str
    children: tuple[tuple[int, int, str, Tokens], ...]


@dataclass
class Entry:
    """All derivations of one (root rule, meaning) analysis of a phrase."""

    count: int = 0
    nodes: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Tree:
    """A whole derivation with absolute spans (the shape filler statistics read)."""

    rule: str
    span: tuple[int, int]
    children: tuple[Tree, ...]
    meaning: Tokens


Analyses = dict[tuple[str, Tokens], Entry]
KindTable = Mapping[tuple[str, int], frozenset[FillerKind]]


class InductionChart:
    """Analyses of phrases under fixed rules and slot kinds (rebuild it when they change)."""

    def __init__(self, lexicon: Mapping[str, Rule], rules: Iterable[Rule], kinds: KindTable):
        self.lexicon = lexicon
        self.rules = [r for r in rules if r.n_slots or len(r.pattern) > 1]
        self.kind_of: dict[str, FillerKind] = {r.id: r.filler_kind for r in lexicon.values()}
        self.kind_of.update({r.id: r.filler_kind for r in self.rules})
        self.kinds = kinds
        self._fixed = [frozenset(r.fixed_words) for r in self.rules]
        self._memo: dict[Tokens, Analyses] = {}

    def slot_kinds(self, rule: Rule, slot: int) -> frozenset[FillerKind]:
        return self.kinds.get((rule.id, slot), frozenset())

    def _bounds(self, rule: Rule, n: int) -> list[tuple[int, int]]:
        out = []
        for s in range(rule.n_slots):
            kinds = self.slot_kinds(rule, s)
            lo = 1 if FillerKind.WORD in kinds else 2
            hi = n if FillerKind.PHRASE in kinds else 1
            out.append((lo, hi))
        return out

    def analyses(self, phrase: Tokens) -> Analyses:
        """Every (root rule, meaning) analysis of ``phrase``, with derivation counts."""
        found = self._memo.get(phrase)
        if found is not None:
            return found
        result: Analyses = {}
        if len(phrase) == 1 and phrase[0] in self.lexicon:
            lex = self.lexicon[phrase[0]]
            result[(lex.id, lex.template)] = Entry(1, [Node(lex.id, ())])
        words = set(phrase)
        for rule, fixed in zip(self.rules, self._fixed):
            if not fixed <= words or len(rule.pattern) > len(phrase):
                continue
            for spans in match_pattern(rule.pattern, phrase, self._bounds(rule, len(phrase))):
                self._combine(rule, phrase, spans, result)
                if len(result) >= MAX_ANALYSES:
                    break
        self._memo[phrase] = result
        return result

    def _combine(self, rule: Rule, phrase: Tokens, spans: tuple[tuple[int, int], ...],
                 result: Analyses) -> None:
        options: list[list[tuple[tuple[int, int, str, Tokens], int]]] = []
        for slot, (a, b) in enumerate(spans):
            admitted = self.slot_kinds(rule, slot)
            sub = self.analyses(phrase[a:b])
            opts = [((a, b, root, meaning), entry.count) for (root, meaning), entry in sub.items()
                    if self.kind_of[root] in admitted]
            if not opts:
                return
            options.append(opts)
        for combo in itertools.product(*options):
            meaning = rule.instantiate([child[0][3] for child in combo])
            count = 1
            for _, c in combo:
                count *= c
            entry = result.setdefault((rule.id, meaning), Entry())
            entry.count = min(MAX_COUNT, entry.count + count)
            if len(entry.nodes) < MAX_NODES:
                entry.nodes.append(Node(rule.id, tuple(child for child, _ in combo)))
            if len(result) >= MAX_ANALYSES:
                return

    def meanings(self, phrase: Tokens) -> dict[Tokens, frozenset[FillerKind]]:
        """The meanings ``phrase`` can take, each with the kinds of its analyses."""
        out: dict[Tokens, set[FillerKind]] = {}
        for root, meaning in self.analyses(phrase):
            out.setdefault(meaning, set()).add(self.kind_of[root])
        return {m: frozenset(k) for m, k in out.items()}

    def derivable(self, source: Tokens, target: Tokens) -> bool:
        return any(meaning == target for _, meaning in self.analyses(source))

    def count(self, source: Tokens, target: Tokens) -> int:
        """How many derivations give ``target`` (counted up to a small cap)."""
        total = sum(e.count for (_, m), e in self.analyses(source).items() if m == target)
        return min(total, MAX_COUNT)

    def trees(self, source: Tokens, target: Tokens, limit: int = 8) -> list[Tree]:
        """Up to ``limit`` whole derivations of ``source`` that give ``target``."""
        out: list[Tree] = []
        for (root, meaning), entry in self.analyses(source).items():
            if meaning == target:
                out.extend(self._expand(source, 0, root, meaning, entry, limit - len(out)))
            if len(out) >= limit:
                break
        return out[:limit]

    def _expand(self, phrase: Tokens, offset: int, root: str, meaning: Tokens, entry: Entry,
                limit: int) -> list[Tree]:
        out: list[Tree] = []
        for node in entry.nodes:
            parts: list[list[Tree]] = []
            for a, b, child_root, child_meaning in node.children:
                sub = self.analyses(phrase[a:b])[(child_root, child_meaning)]
                parts.append(self._expand(phrase[a:b], offset + a, child_root, child_meaning,
                                          sub, limit))
            for kids in itertools.product(*parts):
                out.append(Tree(root, (offset, offset + len(phrase)), tuple(kids), meaning))
                if len(out) >= limit:
                    return out
        return out
