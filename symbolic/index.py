"""Which rules may be at the root of a phrase: rules filed by their fixed words, compiled matchers.

Both the induction chart and the parser ask, for every phrase they analyse,
which rules can derive it and where the slots fall. :class:`RuleIndex`
answers that question without trying every rule: each rule is filed under
one *anchor* (the word its pattern ends with, else the word it starts with,
else one of its inner fixed words; rules without fixed words are tried on
every phrase), and each rule's pattern is compiled
(:func:`symbolic.matching.compile_tiler`, the one tiler) into a function
with the pattern's words, slot bounds and slot vocabularies bound in, so
that a rejection costs a few comparisons.

A slot's *vocabulary* is every word its fillers can contain (closed over the
rules by :func:`vocabularies`); a tiling is kept only if every slot's words
lie in its vocabulary, which keeps most spans of an input from being parsed.

>>> index = RuleIndex([(0, "and", 1)], [[frozenset("ab"), frozenset("ab")]], [[False, False]])
>>> index.matches(("a", "and", "b")), index.matches(("a", "and", "c"))
([(0, ((0, 1), (2, 3)))], [])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from symbolic.matching import Span, Tiler, compile_tiler
from symbolic.rules import Item, Tokens

if TYPE_CHECKING:
    from symbolic.work import Work

__all__ = ["RuleIndex", "compile_tiler", "vocabularies"]


class RuleIndex:
    """Rules filed by anchor word, each with its compiled tiler (see the module docstring).

    ``slot_words[i][s]`` is the vocabulary of slot ``s`` of pattern ``i`` and
    ``phrasal[i][s]`` whether that slot takes phrases (else it spans one word).
    """

    def __init__(self, patterns: Sequence[Sequence[Item]], slot_words: Sequence[Sequence[frozenset[str]]],
                 phrasal: Sequence[Sequence[bool]]):
        self._args = ([tuple(p) for p in patterns], [tuple(w) for w in slot_words],
                      [tuple(p) for p in phrasal])
        self._last: dict[str, list[tuple[int, Tiler]]] = {}
        self._first: dict[str, list[tuple[int, Tiler]]] = {}
        self._inner: dict[str, list[tuple[int, Tiler]]] = {}
        self._free: list[tuple[int, Tiler]] = []
        # Patterns without slots (memorized inputs) match only themselves: looked up, not tried
        # on every phrase that ends in their last word (thousands of them end in one word).
        self._whole: dict[tuple[Item, ...], list[tuple[int, Tiler]]] = {}
        for i, pattern in enumerate(patterns):
            entry = (i, compile_tiler(tuple(pattern), tuple(slot_words[i]), tuple(phrasal[i])))
            fixed = [x for x in pattern if isinstance(x, str)]
            if len(fixed) == len(pattern):
                self._whole.setdefault(tuple(pattern), []).append(entry)
            elif isinstance(pattern[-1], str):
                self._last.setdefault(pattern[-1], []).append(entry)
            elif isinstance(pattern[0], str):
                self._first.setdefault(pattern[0], []).append(entry)
            elif fixed:
                self._inner.setdefault(fixed[0], []).append(entry)
            else:
                self._free.append(entry)
        self._inner_words = frozenset(self._inner)

    def __getstate__(self) -> object:
        return self._args  # compiled tilers are closures: rebuilt, not pickled

    def __setstate__(self, args: tuple[list[tuple[Item, ...]], list[tuple[frozenset[str], ...]],
                                       list[tuple[bool, ...]]]) -> None:
        self.__init__(*args)  # type: ignore[misc]

    def candidates(self, phrase: Tokens) -> list[tuple[int, Tiler]]:
        """The rules anchored in ``phrase``: those ending in its last word, then the rest by position."""
        rest = list(self._first.get(phrase[0], ()))
        for word in self._inner_words.intersection(phrase):
            rest += self._inner[word]
        rest += self._free
        if len(rest) > 1:
            rest.sort(key=_position)
        last = self._last.get(phrase[-1])
        whole = self._whole.get(phrase)
        if whole:  # in the place it would hold among the rules ending in the phrase's last word
            last = sorted([*(last or ()), *whole], key=_position)
        return last + rest if last else rest

    def matches(self, phrase: Tokens, work: Work | None = None) -> list[tuple[int, tuple[Span, ...]]]:
        """(rule position, slot spans) for every rule that may derive ``phrase`` (a tuple)."""
        out = []
        for i, tiler in self.candidates(phrase):
            for spans in tiler(phrase, work):
                out.append((i, spans))
        return out


def _position(entry: tuple[int, Tiler]) -> int:
    return entry[0]


def vocabularies(words: Mapping[str, frozenset[str]], fixed: Mapping[str, frozenset[str]],
                 admitted: Mapping[str, Sequence[Sequence[str]]]) -> dict[str, frozenset[str]]:
    """Every word a phrase with each root can contain: a fixed point over the rules.

    ``words`` gives the lexical fillers' words, ``fixed`` each rule's fixed
    words and ``admitted`` the fillers each rule's slots admit.

    >>> v = vocabularies({"lex:a": frozenset("a")}, {"r1": frozenset({"x"})}, {"r1": [["lex:a", "r1"]]})
    >>> sorted(v["r1"])
    ['a', 'x']
    """
    out = {f: set(w) for f, w in words.items()}
    out.update({r: set(w) for r, w in fixed.items()})
    changed = True
    while changed:
        changed = False
        for r, slots in admitted.items():
            before = len(out[r])
            for slot in slots:
                for f in slot:
                    out[r] |= out.get(f, set())
            changed = changed or len(out[r]) != before
    return {f: frozenset(w) for f, w in out.items()}
