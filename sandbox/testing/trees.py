"""Derivation trees of a synchronous grammar: enumeration by size, and parsing.

:func:`sandbox.grammar.enumerate_pairs` gives pairs; the splits need the
trees behind them (which operator took which primitive in which slot), so this
module enumerates trees by their number of *operator applications* (a
production with both words and slots), and parses an input back into its
trees (every one of them, so that an ambiguity shows).

>>> from sandbox.testing.grammars import example_grammar
>>> g = example_grammar()
>>> [t.pair() for t in trees(g, 1, primitives=("dax", "lug"))][:3]
[(('dax',), ('DAX',)), (('lug',), ('LUG',)), (('dax', 'wug'), ('DAX', 'DAX'))]
>>> [" ".join(t.target) for t in parse(g, ("lug", "fep", "dax"))]
['DAX LUG BLIK']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from sandbox.data import Tokens
from sandbox.grammar import Grammar, Production, Ref


@cache
def is_operator(p: Production) -> bool:
    """A production with both fixed words and slots."""
    return 0 < len(p.refs) < len(p.source)


@cache
def n_refs(p: Production) -> int:
    return len(p.refs)


@dataclass(frozen=True)
class Tree:
    """One derivation: a production and the trees of its slots, in slot order."""

    production: Production
    children: tuple[Tree, ...] = ()

    @cached_property
    def source(self) -> Tokens:
        out: list[str] = []
        kids = iter(self.children)
        for s in self.production.source:
            out.extend(next(kids).source if isinstance(s, Ref) else (s,))
        return tuple(out)

    @cached_property
    def target(self) -> Tokens:
        out: list[str] = []
        for t in self.production.target:
            out.extend(self.children[t].target if isinstance(t, int) else (t,))
        return tuple(out)

    @cached_property
    def n_ops(self) -> int:
        """Operator applications in this tree."""
        return int(is_operator(self.production)) + sum(c.n_ops for c in self.children)

    @cached_property
    def shows(self) -> frozenset[tuple[str, Production, int, str | Production | None]]:
        """What this tree shows a learner: ``("fills", op, slot, word)`` where a bare word fills an
        operator's slot, ``("nests", op, slot, inner_op)`` where a phrase headed by another operator does."""
        own: set[tuple[str, Production, int, str | Production | None]] = set()
        if is_operator(self.production):
            for slot, child in enumerate(self.children):
                word = child.bare_word()
                own.add(("fills", self.production, slot, word) if word is not None
                        else ("nests", self.production, slot, child.head()))
        return frozenset(own).union(*(c.shows for c in self.children))

    def pair(self) -> tuple[Tokens, Tokens]:
        return self.source, self.target

    def nodes(self) -> list[Tree]:
        """Every node, root first."""
        out = [self]
        for c in self.children:
            out.extend(c.nodes())
        return out

    def head(self) -> Production | None:
        """The first operator met going down pass-through productions (``None`` for a bare primitive)."""
        node = self
        while not is_operator(node.production) and len(node.children) == 1:
            node = node.children[0]
        return node.production if is_operator(node.production) else None

    def bare_word(self) -> str | None:
        """The word when this tree derives a single word through pass-throughs alone."""
        return self.source[0] if self.n_ops == 0 and len(self.source) == 1 else None


def sort_key(tree: Tree) -> tuple[int, int, Tokens, Tokens]:
    """Fewest operators first, then shortest input, then alphabetical."""
    return (tree.n_ops, len(tree.source), tree.source, tree.target)


def trees(grammar: Grammar, max_ops: int, *, min_ops: int = 0, primitives: Iterable[str] | None = None,
          nonterminal: str | None = None, limit: int = 200_000) -> list[Tree]:
    """Every tree of ``nonterminal`` (default: the start) with ``min_ops..max_ops`` operators, sorted.

    ``primitives`` restricts which words may fill primitive slots (words of
    word-only productions); ``limit`` guards memory and raises ``ValueError``.
    """
    allowed = None if primitives is None else set(primitives)
    memo: dict[tuple[str, int], list[Tree]] = {}
    active: set[tuple[str, int]] = set()
    count = 0

    def exact(nt: str, budget: int) -> list[Tree]:
        nonlocal count
        key = (nt, budget)
        if key in memo:
            return memo[key]
        if key in active:  # a cycle of pass-throughs adds nothing new
            return []
        active.add(key)
        out: list[Tree] = []
        for p in grammar.by_lhs.get(nt, ()):
            if not n_refs(p):
                if budget == 0 and (allowed is None or not set(p.source) - allowed):
                    out.append(Tree(p))
                continue
            rest = budget - int(is_operator(p))
            if rest < 0:
                continue
            for split in _compositions(rest, n_refs(p)):
                options = [exact(r.nonterminal, b) for r, b in zip(p.refs, split, strict=True)]
                for kids in itertools.product(*options):
                    out.append(Tree(p, kids))
                    count += 1
                    if count > limit:
                        raise ValueError(f"more than {limit} trees; lower max_ops")
        active.discard(key)
        memo[key] = out
        return out

    start = nonterminal or grammar.start
    found = [t for b in range(min_ops, max_ops + 1) for t in exact(start, b)]
    unique = {t.source: t for t in found}  # pass-through cycles may repeat a tree
    return sorted(unique.values(), key=sort_key)


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    """Every way to write ``total`` as ``parts`` non-negative integers, in order."""
    if parts == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total + 1) for rest in _compositions(total - first, parts - 1)]


def parse(grammar: Grammar, source: Sequence[str], nonterminal: str | None = None) -> list[Tree]:
    """Every tree of ``nonterminal`` (default: the start) whose input is ``source``.

    Memoized over spans; each slot covers at least one word, so a left-recursive
    production always recurses on a shorter span.
    """
    src = tuple(source)
    memo: dict[tuple[str, int, int], list[Tree]] = {}
    active: set[tuple[str, int, int]] = set()

    def spans(nt: str, i: int, j: int) -> list[Tree]:
        key = (nt, i, j)
        if key in memo:
            return memo[key]
        if key in active:
            return []
        active.add(key)
        out: list[Tree] = []
        for p in grammar.by_lhs.get(nt, ()):
            out.extend(Tree(p, kids) for kids in match(p.source, i, j))
        active.discard(key)
        memo[key] = out
        return out

    def match(symbols: tuple[str | Ref, ...], i: int, j: int) -> list[tuple[Tree, ...]]:
        if not symbols:
            return [()] if i == j else []
        first, rest = symbols[0], symbols[1:]
        if isinstance(first, str):
            return match(rest, i + 1, j) if i < j and src[i] == first else []
        out: list[tuple[Tree, ...]] = []
        min_rest = len(rest)  # every remaining symbol covers at least one word
        for k in range(i + 1, j - min_rest + 1):
            heads = spans(first.nonterminal, i, k)
            if heads:
                tails = match(rest, k, j)
                out.extend((h, *t) for h in heads for t in tails)
        return out

    found = spans(nonterminal or grammar.start, 0, len(src)) if src else []
    return sorted(found, key=sort_key)


def meaning(grammar: Grammar, source: Sequence[str]) -> Tokens | None:
    """The one meaning of ``source`` under ``grammar``; ``None`` if it has none or several."""
    found = {t.target for t in parse(grammar, source)}
    return found.pop() if len(found) == 1 else None
