"""Matching a rule's pattern against a phrase, and solving a template for an output.

One tiler serves every reader of patterns: :func:`compile_tiler` compiles a
pattern into a function (fast paths for one and two slots, :func:`tilings`
for the rest) that the rule index (:mod:`symbolic.index`, for the chart and
the parser) binds slot vocabularies into, and that induction
(:func:`match_pattern`, :mod:`symbolic.consistency`) uses without them.

>>> match_pattern((0, "and", 1), ("a", "b", "and", "c"), [True, True])
[((0, 2), (3, 4))]
>>> match_pattern((0, 1), ("a", "b", "c"), [False, True])
[((0, 1), (1, 3))]
>>> rewrite_target(("A", "B", "A"), [("A",), ("B",)])
[(0, 1, 0)]
>>> solve_slot((0, 1, 0), {1: ("B",)}, 0, ("X", "Y", "B", "X", "Y"))
('X', 'Y')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from sandbox.data import Tokens

if TYPE_CHECKING:
    from symbolic.work import Work

Item = str | int
Span = tuple[int, int]
# (a phrase, the work budget to charge or None) -> the slot spans of each tiling
Tiler = Callable[[Tokens, "Work | None"], list[tuple[Span, ...]]]
_UNBOUNDED = 1 << 30  # the most words a phrasal slot may span: the phrase bounds it


def match_pattern(pattern: Sequence[Item], phrase: Tokens, phrasal: Sequence[bool],
                  work: Work | None = None) -> list[tuple[Span, ...]]:
    """Every way ``pattern`` tiles all of ``phrase``: the span of each slot, by slot number.

    Slot ``s`` spans one word, or any number of them where ``phrasal[s]``;
    no vocabulary bounds it (the tiler is compiled once per pattern).
    """
    return _free_tiler(tuple(pattern), tuple(phrasal))(phrase, work)


@lru_cache(maxsize=1 << 12)
def _free_tiler(pattern: tuple[Item, ...], phrasal: tuple[bool, ...]) -> Tiler:
    return compile_tiler(pattern, None, phrasal)


def compile_tiler(pattern: tuple[Item, ...], slot_words: tuple[frozenset[str], ...] | None,
                  phrasal: tuple[bool, ...]) -> Tiler:
    """Every tiling of a phrase by ``pattern``, each slot one word unless ``phrasal``.

    With ``slot_words``, a slot holds only words of its vocabulary (the
    parser's and the chart's rule index, :mod:`symbolic.index`); without,
    any words (induction's matching of known rules and its consistency
    check). One- and two-slot patterns and slotless ones get a specialized
    function; the others search with :func:`tilings`.

    >>> tile = compile_tiler((0, "op", 1), (frozenset("ab"), frozenset("ab")), (True, False))
    >>> tile(("a", "b", "op", "a")), tile(("a", "op", "b", "op", "a"))
    ([((0, 2), (3, 4))], [])
    >>> compile_tiler((0, "op", 1), None, (True, True))(("a", "op", "b", "op", "c"))
    [((0, 1), (2, 5)), ((0, 3), (4, 5))]
    """
    slots = [k for k, x in enumerate(pattern) if isinstance(x, int)]
    if not slots:
        def whole(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
            return [()] if phrase == pattern else []

        return whole
    if len(slots) == 1:
        return _one_slot(pattern, slots[0], None if slot_words is None else slot_words[0], phrasal[0])
    if len(slots) == 2 and all(isinstance(x, str) for x in pattern[slots[0] + 1 : slots[1]]):
        return _two_slots(pattern, slots, slot_words, phrasal)
    bounds = [(1, _UNBOUNDED) if p else (1, 1) for p in phrasal]
    if slot_words is None:
        first = pattern[0] if isinstance(pattern[0], str) else None
        last = pattern[-1] if isinstance(pattern[-1], str) else None
        size = len(pattern)

        # A phrase that lacks the pattern's fixed first or last word is rejected before
        # the search, which would charge a step for it; the rule index instead files a
        # rule under one of those words, and its search charges the steps it takes (each
        # caller's work count is kept as it was: budgets are spent by it).
        def free(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
            if len(phrase) < size or (first is not None and phrase[0] != first) or (
                    last is not None and phrase[-1] != last):
                return []
            return tilings(pattern, phrase, bounds, None, work)

        return free
    vocab = frozenset(x for x in pattern if isinstance(x, str)).union(*slot_words)

    def general(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
        if not vocab.issuperset(phrase):
            return []
        return tilings(pattern, phrase, bounds, slot_words, work)

    return general


def _one_slot(pattern: tuple[Item, ...], k: int, words: frozenset[str] | None, phrasal: bool) -> Tiler:
    prefix, suffix = pattern[:k], pattern[k + 1 :]
    a, tail = len(prefix), len(suffix)

    def one(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
        b = len(phrase) - tail
        width = b - a
        if width < 1 or (width > 1 and not phrasal) or phrase[:a] != prefix or phrase[b:] != suffix:
            return []
        if words is not None and not (phrase[a] in words if width == 1 else words.issuperset(phrase[a:b])):
            return []
        return [((a, b),)]

    return one


def _two_slots(pattern: tuple[Item, ...], slots: list[int], slot_words: tuple[frozenset[str], ...] | None,
               phrasal: tuple[bool, ...]) -> Tiler:
    # Two slots with only fixed words between them: each place the middle
    # words occur gives one split.
    k0, k1 = slots
    prefix, middle, suffix = pattern[:k0], pattern[k0 + 1 : k1], pattern[k1 + 1 :]
    a, gap, tail, size = len(prefix), len(middle), len(suffix), len(pattern)
    first_slot, second_slot = int(pattern[k0]), int(pattern[k1])  # slot numbers, in input order
    hi0 = _UNBOUNDED if phrasal[first_slot] else 1
    hi1 = _UNBOUNDED if phrasal[second_slot] else 1
    longest = 0 if phrasal[first_slot] or phrasal[second_slot] else size
    swapped = first_slot != 0
    words0, words1 = (frozenset(), frozenset()) if slot_words is None else \
        (slot_words[first_slot], slot_words[second_slot])
    vocab = None if slot_words is None else frozenset(x for x in pattern if isinstance(x, str)) | words0 | words1

    def two(phrase: Tokens, work: Work | None = None) -> list[tuple[Span, ...]]:
        n = len(phrase)
        if n < size or (longest and n > longest) or (vocab is not None and not vocab.issuperset(phrase)):
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
        if vocab is None or (words0.issuperset(phrase[a : cuts[-1]] if cuts else ()) and words1.issuperset(
                phrase[cuts[0] + gap : z] if cuts else ())):
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
