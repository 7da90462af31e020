"""Matching a rule's pattern against a phrase, and solving a template for an output.

>>> match_pattern((0, "and", 1), ("a", "b", "and", "c"), [(1, 9), (1, 9)])
[((0, 2), (3, 4))]
>>> match_pattern((0, 1), ("a", "b", "c"), [(1, 1), (1, 9)])
[((0, 1), (1, 3))]
>>> rewrite_target(("A", "B", "A"), [("A",), ("B",)])
[(0, 1, 0)]
>>> solve_slot((0, 1, 0), {1: ("B",)}, 0, ("X", "Y", "B", "X", "Y"))
('X', 'Y')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symbolic.work import Work

Item = str | int
Tokens = tuple[str, ...]
Span = tuple[int, int]


def match_pattern(
    pattern: Sequence[Item], phrase: Sequence[str], bounds: Sequence[tuple[int, int]], work: Work | None = None
) -> list[tuple[Span, ...]]:
    """Every way ``pattern`` tiles all of ``phrase``: the span of each slot, by slot number.

    ``bounds[s]`` gives the least and greatest number of words slot ``s`` may span.
    """
    return Matcher(pattern).match(phrase, bounds, work)


class Matcher:
    """A pattern compiled for matching: quick rejections and fast paths for one or two slots.

    >>> Matcher((0, "rep")).match(("a", "b", "rep"), [(1, 9)])
    [((0, 2),)]
    """

    def __init__(self, pattern: Sequence[Item]):
        self.pattern = tuple(pattern)
        self.first = pattern[0] if pattern and isinstance(pattern[0], str) else None
        self.last = pattern[-1] if pattern and isinstance(pattern[-1], str) else None
        self.n_slots = sum(1 for x in pattern if isinstance(x, int))
        self.size = len(pattern)
        slots = [i for i, x in enumerate(pattern) if isinstance(x, int)]
        self.shape = "general" if self.n_slots > 2 else ("exact" if self.n_slots == 0 else "one")
        if self.n_slots in (1, 2):
            k, last = slots[0], slots[-1]
            self.prefix, self.suffix = self.pattern[:k], self.pattern[last + 1 :]
            self.middle = self.pattern[k + 1 : last]
            self.order = tuple(int(pattern[i]) for i in slots)  # slot numbers, in input order
            if self.n_slots == 2:
                self.shape = "two" if all(isinstance(x, str) for x in self.middle) else "general"

    def match(self, phrase: Sequence[str], bounds: Sequence[tuple[int, int]],
              work: Work | None = None) -> list[tuple[Span, ...]]:
        if type(phrase) is not tuple:
            phrase = tuple(phrase)
        n = len(phrase)
        if n < self.size or (self.first is not None and phrase[0] != self.first) or (
                self.last is not None and phrase[-1] != self.last):
            return []
        shape = self.shape
        if shape == "two":
            return self._two(phrase, bounds)
        if shape == "one":
            a, b = len(self.prefix), n - len(self.suffix)
            lo, hi = bounds[0]
            if not lo <= b - a <= hi or phrase[:a] != self.prefix or phrase[b:] != self.suffix:
                return []
            return [((a, b),)]
        if shape == "exact":
            return [()] if phrase == self.pattern else []
        return tilings(self.pattern, phrase, bounds, work=work)

    def _two(self, phrase: Tokens, bounds: Sequence[tuple[int, int]]) -> list[tuple[Span, ...]]:
        # Two slots with only fixed words between them: each place the middle
        # words occur gives one split.
        n = len(phrase)
        a, z = len(self.prefix), n - len(self.suffix)
        if (a and phrase[:a] != self.prefix) or (z < n and phrase[z:] != self.suffix):
            return []
        s0, s1 = self.order
        (lo0, hi0), (lo1, hi1) = bounds[s0], bounds[s1]
        middle = self.middle
        gap = len(middle)
        lo, hi = max(a + lo0, z - gap - hi1), min(a + hi0, z - gap - lo1)
        out: list[tuple[Span, ...]] = []
        for cut in middle_cuts(phrase, middle, lo, hi):
            first, second = (a, cut), (cut + gap, z)
            out.append((first, second) if s0 == 0 else (second, first))
        return out


def middle_cuts(phrase: Tokens, middle: tuple[Item, ...], lo: int, hi: int) -> list[int]:
    """The positions in ``lo..hi`` where the words ``middle`` start (every position if none).

    >>> middle_cuts(("a", "x", "b", "x", "c"), ("x",), 1, 3)
    [1, 3]
    """
    if not middle:
        return list(range(lo, hi + 1))
    cuts, gap, word = [], len(middle), middle[0]
    left = phrase.count(word)  # its occurrences, searched in C rather than word by word
    cut = lo
    while left and cut <= hi:
        try:
            cut = phrase.index(word, cut, hi + 1)
        except ValueError:
            break
        if gap == 1 or phrase[cut : cut + gap] == middle:
            cuts.append(cut)
        cut += 1
        left -= 1
    return cuts


def tilings(pattern: Sequence[Item], phrase: Sequence[str], bounds: Sequence[tuple[int, int]],
            slot_words: Sequence[frozenset[str]] | None = None, work: Work | None = None) -> list[tuple[Span, ...]]:
    """Every way to cut ``phrase`` into ``pattern``'s fixed words and slots, in order.

    ``bounds[s]`` is the (least, most) number of words slot ``s`` spans. With
    ``slot_words``, a slot also holds only words of its vocabulary: it stops
    growing at the first other word, since every longer span holds that word too.
    Each partial tiling visited is a step of ``work``, charged when all are
    done (at most about ``len(phrase) ** slots`` of them).
    """
    n, m = len(phrase), len(pattern)
    # The fewest words the rest of the pattern needs, so that a slot never eats them.
    need = [0] * (m + 1)
    for k in range(m - 1, -1, -1):
        item = pattern[k]
        need[k] = need[k + 1] + (bounds[item][0] if isinstance(item, int) else 1)
    if need[0] > n:
        return []
    spans: list[Span] = [(0, 0)] * len(bounds)
    out: list[tuple[Span, ...]] = []
    visits = [0]

    def visit(k: int, pos: int) -> None:
        visits[0] += 1
        if k == m:
            if pos == n:
                out.append(tuple(spans))
            return
        item = pattern[k]
        if isinstance(item, str):
            if pos < n and phrase[pos] == item:
                visit(k + 1, pos + 1)
            return
        lo, hi = bounds[item]
        last = min(pos + hi, n - need[k + 1])
        if slot_words is not None:
            words, stop = slot_words[item], pos
            while stop < last and phrase[stop] in words:
                stop += 1
            last = stop
        nxt = pattern[k + 1] if k + 1 < m else None
        for end in range(pos + lo, last + 1):
            if isinstance(nxt, str) and phrase[end] != nxt:
                continue  # a fixed word must follow this slot
            spans[item] = (pos, end)
            visit(k + 1, end)

    visit(0, 0)
    if work is not None:
        work.charge(visits[0])
    return out


def rewrite_target(
    target: Tokens, meanings: Sequence[Tokens], limit: int = 32,
    named: frozenset[str] = frozenset(),
) -> list[tuple[Item, ...]]:
    """Templates that spell ``target`` with slot references and the fewest constants.

    Every slot must be used at least once, and no token in ``named`` (tokens
    that words name) may be a constant. Where two slots have equal meanings
    (or one meaning could be read either way) every optimal template is
    returned, so that later data can choose between them.

    >>> rewrite_target(("A", "B", "B"), [("A", "B")], named=frozenset({"B"}))
    []
    """
    n, k = len(target), len(meanings)
    full = (1 << k) - 1
    if any(not m for m in meanings):
        return []
    inf = n + 1
    # best[p][mask]: fewest constants to spell target[p:] given the slots used so far.
    best = [[inf] * (full + 1) for _ in range(n + 1)]
    best[n][full] = 0
    fits = [[i for i, m in enumerate(meanings) if target[p : p + len(m)] == m] for p in range(n)]
    if len({i for row in fits for i in row}) < k:
        return []  # a slot whose meaning the target never shows
    for p in range(n - 1, -1, -1):
        row = best[p]
        free = target[p] not in named
        for mask in range(full + 1):
            b = best[p + 1][mask] + 1 if free else inf
            for i in fits[p]:
                c = best[p + len(meanings[i])][mask | (1 << i)]
                if c < b:
                    b = c
            row[mask] = b
    if best[0][0] >= inf:
        return []
    out: list[tuple[Item, ...]] = []

    def spell(p: int, mask: int, acc: list[Item]) -> None:
        if len(out) >= limit:
            return
        if p == n:
            out.append(tuple(acc))
            return
        goal = best[p][mask]
        for i in fits[p]:
            if best[p + len(meanings[i])][mask | (1 << i)] == goal:
                spell(p + len(meanings[i]), mask | (1 << i), [*acc, i])
        if target[p] not in named and best[p + 1][mask] + 1 == goal:
            spell(p + 1, mask, [*acc, target[p]])

    spell(0, 0, [])
    return out


def solve_slot(
    template: Sequence[Item], known: Mapping[int, Tokens], unknown: int, target: Tokens
) -> Tokens | None:
    """The meaning of slot ``unknown`` that makes ``template`` spell ``target``, if one exists.

    The other slots' meanings are ``known``; every occurrence of the unknown
    slot must stand for the same non-empty sequence.
    """
    fixed = sum(len(known[x]) if isinstance(x, int) else 1 for x in template if x != unknown)
    count = sum(1 for x in template if x == unknown)
    rest = len(target) - fixed
    if count == 0 or rest <= 0 or rest % count:
        return None
    size = rest // count
    value: Tokens | None = None
    pos = 0
    for x in template:
        if isinstance(x, str):
            if target[pos] != x:
                return None
            pos += 1
        elif x == unknown:
            piece = target[pos : pos + size]
            if value is None:
                value = piece
            elif piece != value:
                return None
            pos += size
        else:
            m = known[x]
            if target[pos : pos + len(m)] != m:
                return None
            pos += len(m)
    return value
