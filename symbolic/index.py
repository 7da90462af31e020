"""Which rules may be at the root of a phrase: rules filed by their fixed words, compiled matchers.

Both the induction chart and the parser ask, for every phrase they analyse,
which rules can derive it and where the slots fall. :class:`RuleIndex`
answers that question without trying every rule: each rule is filed under
one *anchor* (the word its pattern ends with, else the word it starts with,
else one of its inner fixed words; rules without fixed words are tried on
every phrase), and each rule's pattern is compiled into a function with the
pattern's words, slot bounds and slot vocabularies bound in, so that a
rejection costs a few comparisons.

A slot's *vocabulary* is every word its fillers can contain (closed over the
rules by :func:`vocabularies`); a tiling is kept only if every slot's words
lie in its vocabulary, which keeps most spans of an input from being parsed.

>>> index = RuleIndex([(0, "and", 1)], [[frozenset("ab"), frozenset("ab")]], [[False, False]])
>>> index.matches(("a", "and", "b")), index.matches(("a", "and", "c"))
([(0, ((0, 1), (2, 3)))], [])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from symbolic.matching import middle_cuts, tilings
from symbolic.rules import Item, Tokens

if TYPE_CHECKING:
    from symbolic.work import Work

Span = tuple[int, int]
# (a phrase, the work budget to charge or None) -> the slot spans of each tiling
Tiler = Callable[[Tokens, "Work | None"], list[tuple[Span, ...]]]
_UNBOUNDED = 1 << 30  # the most words a phrasal slot may span: the phrase bounds it


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


def compile_tiler(pattern: tuple[Item, ...], slot_words: tuple[frozenset[str], ...],
                  phrasal: tuple[bool, ...]) -> Tiler:
    """Every tiling of a phrase by ``pattern`` whose slots hold only words of their vocabularies.

    The same tilings as :class:`symbolic.matching.Matcher` with each slot
    bounded to one word unless ``phrasal``, filtered by ``slot_words``; one,
    two-slot and slotless patterns get a specialized function.

    >>> tile = compile_tiler((0, "op", 1), (frozenset("ab"), frozenset("ab")), (True, False))
    >>> tile(("a", "b", "op", "a")), tile(("a", "op", "b", "op", "a"))
    ([((0, 2), (3, 4))], [])
    """
    slots = [k for k, x in enumerate(pattern) if isinstance(x, int)]
    if not slots:
        def whole(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
            return [()] if phrase == pattern else []

        return whole
    if len(slots) == 1:
        return _one_slot(pattern, slots[0], slot_words[0], phrasal[0])
    if len(slots) == 2 and all(isinstance(x, str) for x in pattern[slots[0] + 1 : slots[1]]):
        return _two_slots(pattern, slots, slot_words, phrasal)
    vocab = frozenset(x for x in pattern if isinstance(x, str)).union(*slot_words)
    bounds = [(1, _UNBOUNDED) if p else (1, 1) for p in phrasal]

    def general(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
        if not vocab.issuperset(phrase):
            return []
        return tilings(pattern, phrase, bounds, slot_words, work)

    return general


def _one_slot(pattern: tuple[Item, ...], k: int, words: frozenset[str], phrasal: bool) -> Tiler:
    prefix, suffix = pattern[:k], pattern[k + 1 :]
    a, tail = len(prefix), len(suffix)

    def one(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
        b = len(phrase) - tail
        width = b - a
        if width < 1 or (width > 1 and not phrasal) or phrase[:a] != prefix or phrase[b:] != suffix:
            return []
        if not (phrase[a] in words if width == 1 else words.issuperset(phrase[a:b])):
            return []
        return [((a, b),)]

    return one


def _two_slots(pattern: tuple[Item, ...], slots: list[int], slot_words: tuple[frozenset[str], ...],
               phrasal: tuple[bool, ...]) -> Tiler:
    k0, k1 = slots
    prefix, middle, suffix = pattern[:k0], pattern[k0 + 1 : k1], pattern[k1 + 1 :]
    a, gap, tail, size = len(prefix), len(middle), len(suffix), len(pattern)
    first_slot, second_slot = int(pattern[k0]), int(pattern[k1])  # slot numbers, in input order
    words0, words1 = slot_words[first_slot], slot_words[second_slot]
    hi0 = _UNBOUNDED if phrasal[first_slot] else 1
    hi1 = _UNBOUNDED if phrasal[second_slot] else 1
    longest = 0 if phrasal[first_slot] or phrasal[second_slot] else size
    vocab = frozenset(x for x in pattern if isinstance(x, str)) | words0 | words1
    swapped = first_slot != 0

    def two(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
        n = len(phrase)
        if n < size or (longest and n > longest) or not vocab.issuperset(phrase):
            return []
        z = n - tail
        if (a and phrase[:a] != prefix) or (tail and phrase[z:] != suffix):
            return []
        # The first slot ends at ``cut``, where the middle words start.
        lo, hi = max(a + 1, z - gap - hi1), min(a + hi0, z - gap - 1)
        if lo > hi:
            return []
        cuts = middle_cuts(phrase, middle, lo, hi)
        out: list[tuple[Span, ...]] = []
        # Whole runs at once: where every cut leaves both slots inside their vocabularies.
        if words0.issuperset(phrase[a : cuts[-1]] if cuts else ()) and words1.issuperset(
                phrase[cuts[0] + gap : z] if cuts else ()):
            for cut in cuts:
                start = cut + gap
                out.append(((start, z), (a, cut)) if swapped else ((a, cut), (start, z)))
            return out
        for cut in cuts:
            start = cut + gap
            if not (phrase[a] in words0 if cut - a == 1 else words0.issuperset(phrase[a:cut])):
                continue
            if not (phrase[start] in words1 if z - start == 1 else words1.issuperset(phrase[start:z])):
                continue
            out.append(((start, z), (a, cut)) if swapped else ((a, cut), (start, z)))
        return out

    return two


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
