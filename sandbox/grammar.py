"""Synchronous grammars: a source phrase and its meaning, derived together.

A :class:`Production` rewrites a nonterminal into a source side (words and
references to nonterminals) and a target template (output tokens and the
meanings of the referenced nonterminals, by their position among the
references). Random synchronous grammars (``sandbox.testing``), user grammars
in TOML (``sandbox tasks generate``) and tests of the learners all share this
value type.

SCAN's ``S -> V twice`` with meaning ``[[V]] [[V]]`` is
``Production("S", (Ref("V"), "twice"), (0, 0))``:

>>> g = Grammar("S", (
...     Production("S", (Ref("V"), "twice"), (0, 0)),
...     Production("S", (Ref("V"),), (0,)),
...     Production("V", ("walk",), ("WALK",)),
...     Production("V", ("look",), ("LOOK",)),
... ))
>>> sorted(" ".join(s) + " -> " + " ".join(t) for s, t in enumerate_pairs(g))
['look -> LOOK', 'look twice -> LOOK LOOK', 'walk -> WALK', 'walk twice -> WALK WALK']
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from sandbox.data import Tokens


@dataclass(frozen=True)
class Ref:
    """A reference to a nonterminal on a production's source side."""

    nonterminal: str

    def __str__(self) -> str:
        return f"<{self.nonterminal}>"


SourceSymbol = str | Ref
TargetSymbol = str | int  # output token, or the index of a Ref on the source side


@dataclass(frozen=True)
class Production:
    lhs: str
    source: tuple[SourceSymbol, ...]
    target: tuple[TargetSymbol, ...]
    weight: float = 1.0

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(s for s in self.source if isinstance(s, Ref))

    def check(self) -> str | None:
        """Why this production is malformed, or ``None``."""
        if not self.source:
            return f"{self.lhs}: empty source side"
        n = len(self.refs)
        for t in self.target:
            if isinstance(t, int) and not 0 <= t < n:
                return f"{self.lhs}: target refers to slot {t}, the source has {n}"
        if self.weight <= 0:
            return f"{self.lhs}: weight must be positive"
        return None

    def __str__(self) -> str:
        src = " ".join(str(s) for s in self.source)
        tgt = " ".join(f"[{t}]" if isinstance(t, int) else t for t in self.target)
        return f"{self.lhs} -> {src} => {tgt}"


@dataclass(frozen=True)
class Grammar:
    start: str
    productions: tuple[Production, ...]
    name: str = "grammar"
    by_lhs: dict[str, tuple[Production, ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        table: dict[str, list[Production]] = {}
        for p in self.productions:
            table.setdefault(p.lhs, []).append(p)
        object.__setattr__(self, "by_lhs", {k: tuple(v) for k, v in table.items()})

    def problems(self) -> list[str]:
        """Every reason this grammar cannot generate (empty when it is sound)."""
        out = [msg for p in self.productions if (msg := p.check())]
        if self.start not in self.by_lhs:
            out.append(f"start symbol {self.start!r} has no production")
        for p in self.productions:
            out.extend(f"{p.lhs}: undefined nonterminal {r.nonterminal!r}"
                       for r in p.refs if r.nonterminal not in self.by_lhs)
        unproductive = set(self.by_lhs) - set(self.min_depth)
        out.extend(f"{nt}: derives no finite phrase" for nt in sorted(unproductive))
        return out

    @cached_property
    def min_depth(self) -> dict[str, int]:
        """The smallest derivation depth of every productive nonterminal."""
        depth: dict[str, int] = {}
        changed = True
        while changed:
            changed = False
            for p in self.productions:
                if all(r.nonterminal in depth for r in p.refs):
                    d = 1 + max((depth[r.nonterminal] for r in p.refs), default=0)
                    if d < depth.get(p.lhs, d + 1):
                        depth[p.lhs] = d
                        changed = True
        return depth

    def words(self) -> set[str]:
        return {s for p in self.productions for s in p.source if isinstance(s, str)}

    def tokens(self) -> set[str]:
        return {t for p in self.productions for t in p.target if isinstance(t, str)}


Pair = tuple[Tokens, Tokens]


def _realize(p: Production, parts: tuple[Pair, ...]) -> Pair:
    src: list[str] = []
    it = iter(parts)
    for s in p.source:
        src.extend(next(it)[0] if isinstance(s, Ref) else (s,))
    tgt: list[str] = []
    for t in p.target:
        tgt.extend(parts[t][1] if isinstance(t, int) else (t,))
    return tuple(src), tuple(tgt)


def enumerate_pairs(grammar: Grammar, max_depth: int = 8, limit: int = 1_000_000) -> Iterator[Pair]:
    """Every (source, target) pair derivable within ``max_depth``, deduplicated.

    Raises ``ValueError`` past ``limit`` pairs, so that a recursive grammar
    with a generous depth cannot exhaust memory.
    """
    memo: dict[tuple[str, int], list[Pair]] = {}

    def expand(nt: str, depth: int) -> list[Pair]:
        key = (nt, depth)
        if key not in memo:
            memo[key] = []  # guards against a cycle at the same depth
            out: dict[Pair, None] = {}
            if depth > 0:
                for p in grammar.by_lhs.get(nt, ()):
                    options = [expand(r.nonterminal, depth - 1) for r in p.refs]
                    for parts in itertools.product(*options):
                        out[_realize(p, parts)] = None
                        if len(out) > limit:
                            raise ValueError(f"more than {limit} phrases of {nt}; lower max_depth")
            memo[key] = list(out)
        return memo[key]

    yield from expand(grammar.start, max_depth)


def sample_pair(grammar: Grammar, rng: random.Random, max_depth: int = 8) -> Pair:
    """One random derivation, choosing productions by weight within ``max_depth``."""

    def derive(nt: str, depth: int) -> Pair:
        choices = [
            p for p in grammar.by_lhs[nt]
            if all(grammar.min_depth.get(r.nonterminal, max_depth + 1) < depth for r in p.refs)
        ]
        if not choices:
            raise ValueError(f"{nt} cannot be derived within depth {max_depth}")
        p = rng.choices(choices, weights=[c.weight for c in choices])[0]
        return _realize(p, tuple(derive(r.nonterminal, depth - 1) for r in p.refs))

    return derive(grammar.start, max_depth)


def ambiguities(pairs: Iterator[Pair] | list[Pair]) -> list[tuple[Tokens, Tokens, Tokens]]:
    """Sources that the pairs give two different meanings: (source, meaning, other meaning)."""
    seen: dict[Tokens, Tokens] = {}
    out = []
    for src, tgt in pairs:
        if src in seen and seen[src] != tgt:
            out.append((src, seen[src], tgt))
        seen.setdefault(src, tgt)
    return out
