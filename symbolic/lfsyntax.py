"""The syntax of conjunct meanings, learned from the outputs alone.

A task whose outputs name input words by their position (a numeral) writes
meanings the concatenative rules cannot; this module reads such outputs
without knowing any of their symbols:

1. the *marker*: the longest stretch of tokens that stands before every numeral
   naming a word position (a variable's prefix);
2. the *brackets*: the pair of tokens that balances in every output and
   encloses every such reference;
3. *conjuncts*: the top-level stretches that end with a closing bracket, and
   the *separator* that follows each (a part of the meaning is the separator its
   conjuncts take).

Inside brackets, a marker and numeral is a reference to that position, and a
token spelled as exactly one input word is a reference to that word (a word
that is referred to by itself, like a name). Everything else is a constant.

>>> outs = [("p", "{", "v", "1", "}", "&", "q", "{", "v", "0", "/", "v", "1", "}"),
...         ("r", "{", "v", "0", "}")]
>>> syn = learn_syntax([(("a", "b"), outs[0]), (("c",), outs[1])])
>>> syn.marker, syn.open, syn.close
(('v',), '{', '}')
>>> [(c.items, c.separator) for c in syn.conjuncts(("a", "b"), outs[0])]
[(('p', '{', (1,), '}'), '&'), (('q', '{', (0,), '/', (1,), '}'), None)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.data import Tokens
from symbolic.work import Work

# A conjunct's items: a constant token, or a one-tuple holding the input position it refers to.
ObsItem = str | tuple[int]


@dataclass(frozen=True)
class Observed:
    """One conjunct of a training output, with references resolved to positions."""

    items: tuple[ObsItem, ...]
    separator: str | None  # the token that follows it; None for the last conjunct
    by_word: frozenset[int] = frozenset()  # positions referred to by the word itself
    outside: Tokens = ()  # the tokens before the opening bracket (where a lemma and a label stand)

    @property
    def mentions(self) -> tuple[int, ...]:
        return tuple(x[0] for x in self.items if isinstance(x, tuple))


def is_position(token: str, length: int) -> bool:
    return token.isascii() and token.isdigit() and int(token) < length


@dataclass(frozen=True)
class Syntax:
    marker: Tokens
    open: str
    close: str

    def conjuncts(self, source: Tokens, target: Tokens) -> list[Observed] | None:
        """The conjuncts of ``target`` (``None`` where it does not read as conjuncts in this syntax)."""
        out: list[Observed] = []
        depth, i, k = 0, 0, len(self.marker)
        items: list[ObsItem] = []
        by_word: set[int] = set()
        n = len(target)
        while i < n:
            tok = target[i]
            if depth > 0 and target[i:i + k] == self.marker and i + k < n and is_position(target[i + k], len(source)):
                items.append((int(target[i + k]),))
                i += k + 1
                continue
            if depth > 0 and tok not in (self.open, self.close) and source.count(tok) == 1:
                items.append((source.index(tok),))
                by_word.add(source.index(tok))
                i += 1
                continue
            items.append(tok)
            if tok == self.open:
                depth += 1
            elif tok == self.close:
                depth -= 1
                if depth < 0:
                    return None
                if depth == 0:
                    sep = target[i + 1] if i + 1 < n else None
                    if not any(isinstance(x, tuple) for x in items):
                        return None
                    head = items.index(self.open)
                    out.append(Observed(tuple(items), sep, frozenset(by_word), tuple(items[:head])))  # type: ignore[arg-type]
                    items, by_word = [], set()
                    i += 2
                    continue
            i += 1
        return out if not items and depth == 0 and out else None


def learn_syntax(pairs: Sequence[tuple[Tokens, Tokens]], work: Work | None = None) -> Syntax | None:
    """The marker and brackets that read every output naming a position (``None``: no such syntax,
    or ``work`` ran out: a step per output token each pass reads)."""
    work = work if work is not None else Work(None)
    with_positions = [(s, t) for s, t in pairs if any(is_position(x, len(s)) for x in t)]
    if not with_positions:
        return None
    tokens = sum(len(t) for _, t in with_positions)
    marker: list[str] = []
    while True:
        if not work.afford(tokens):
            return None
        before = {t[i - len(marker) - 1] if i > len(marker) else None
                  for s, t in with_positions for i, x in enumerate(t) if is_position(x, len(s))}
        if len(before) != 1 or None in before:
            break
        marker.insert(0, before.pop())  # type: ignore[arg-type]
    common = set.intersection(*(set(t) for _, t in with_positions)) - set(marker)
    common = {x for x in common if not x.isdigit()}
    for o in sorted(common):
        for c in sorted(common - {o}):
            if all(work.afford(len(t)) and _encloses(t, o, c, len(marker), len(s)) for s, t in with_positions):
                return Syntax(tuple(marker), o, c)
            if work.exhausted:
                return None
    return None


def _encloses(target: Tokens, o: str, c: str, k: int, length: int) -> bool:
    depth = 0
    for i, x in enumerate(target):
        depth += (x == o) - (x == c)
        if depth < 0:
            return False
        if is_position(x, length) and i >= k and depth == 0:
            return False
    return depth == 0
