"""The rule index: anchored candidates and compiled tilers agree with the plain tiling search."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from symbolic.index import RuleIndex, compile_tiler
from symbolic.matching import tilings

WORDS = ["a", "b", "op", "x"]
PATTERNS = [(0, "op", 1), (0, 1), (1, "op", 0), ("x", 0, "op", 1, "b"), (0, "op", "x", 1), (0, 1, "b"),
            (0, "x"), ("x", 0), (0, "op", 1, "op", 2), ("a", "b"), (1, 0), ("op", 0, 1), (0, "op", "x")]
VOCABS = st.frozensets(st.sampled_from(WORDS), min_size=1)


def plain(pattern, phrase, vocabs, phrasal):
    """The tilings as the general search gives them, filtered by slot vocabulary."""
    bounds = [(1, len(phrase)) if p else (1, 1) for p in phrasal]
    return [spans for spans in tilings(pattern, phrase, bounds)
            if all(set(phrase[a:b]) <= v for v, (a, b) in zip(vocabs, spans, strict=True))]


@given(st.sampled_from(PATTERNS), st.lists(st.sampled_from(WORDS), min_size=1, max_size=7),
       st.lists(VOCABS, min_size=3, max_size=3), st.lists(st.booleans(), min_size=3, max_size=3))
def test_compiled_tiler_agrees_with_the_plain_search(pattern, phrase, vocabs, phrasal):
    k = sum(isinstance(x, int) for x in pattern)
    phrase, vocabs, phrasal = tuple(phrase), tuple(vocabs[:k]), tuple(phrasal[:k])
    assert compile_tiler(pattern, vocabs, phrasal)(phrase) == plain(pattern, phrase, vocabs, phrasal)


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7),
       st.lists(st.tuples(VOCABS, st.booleans()), min_size=len(PATTERNS) * 3, max_size=len(PATTERNS) * 3))
def test_index_finds_every_rule_that_matches_in_rule_order(phrase, slots):
    phrase = tuple(phrase)
    arity = [sum(isinstance(x, int) for x in p) for p in PATTERNS]
    vocabs = [[slots[3 * i + s][0] for s in range(arity[i])] for i in range(len(PATTERNS))]
    phrasal = [[slots[3 * i + s][1] for s in range(arity[i])] for i in range(len(PATTERNS))]
    found = RuleIndex(PATTERNS, vocabs, phrasal).matches(phrase)
    expected = [(i, spans) for i, p in enumerate(PATTERNS) for spans in plain(p, phrase, vocabs[i], phrasal[i])]
    assert sorted(found) == sorted(expected)
    # Rules that end in the phrase's last word come first, the others in rule order.
    ends = [i for i, _ in found if isinstance(PATTERNS[i][-1], str)]
    rest = [i for i, _ in found if not isinstance(PATTERNS[i][-1], str)]
    assert [i for i, _ in found] == ends + rest and rest == sorted(rest) and ends == sorted(ends)
