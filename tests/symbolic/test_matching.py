"""Pattern matching, target rewriting and template solving against brute force."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from symbolic.matching import compile_tiler, match_pattern, rewrite_target, solve_slot, tilings
from symbolic.work import Work

WORDS = ["a", "b", "op", "x"]
PATTERNS = [(0, "op", 1), (0, 1), (1, "op", 0), ("x", 0, "op", 1, "b"), (0, "op", "x", 1), (0, 1, "b"),
            (0,), ("x", 0), (0, "op", 1, "op", 2), ("a", "b")]


def brute(pattern, phrase, bounds):
    """Every tiling, by trying every assignment of slot lengths."""
    slots = [x for x in pattern if isinstance(x, int)]
    out = []
    for lengths in itertools.product(range(1, len(phrase) + 1), repeat=len(slots)):
        spans, pos, ok = {}, 0, True
        for item in pattern:
            if isinstance(item, int):
                n = lengths[slots.index(item)]
                lo, hi = bounds[item]
                if not lo <= n <= hi:
                    ok = False
                    break
                spans[item] = (pos, pos + n)
                pos += n
            else:
                if pos >= len(phrase) or phrase[pos] != item:
                    ok = False
                    break
                pos += 1
        if ok and pos == len(phrase):
            out.append(tuple(spans[s] for s in range(len(slots))))
    return sorted(set(out))


@given(st.sampled_from(PATTERNS), st.lists(st.sampled_from(WORDS), min_size=1, max_size=7),
       st.lists(st.tuples(st.integers(1, 2), st.integers(1, 7)), min_size=3, max_size=3))
def test_tilings_agree_with_brute_force(pattern, phrase, bounds):
    phrase = tuple(phrase)
    bounds = bounds[: sum(isinstance(x, int) for x in pattern)]
    assert sorted(tilings(pattern, phrase, bounds)) == brute(pattern, phrase, bounds)


@given(st.sampled_from(PATTERNS), st.lists(st.sampled_from(WORDS), min_size=1, max_size=7),
       st.lists(st.booleans(), min_size=3, max_size=3))
def test_compiled_tiler_without_vocabularies_agrees_with_brute_force(pattern, phrase, phrasal):
    # The fast paths (no slot, one slot, two slots with fixed words between) and the general search,
    # in the search's order.
    phrase, phrasal = tuple(phrase), tuple(phrasal[: sum(isinstance(x, int) for x in pattern)])
    bounds = [(1, len(phrase)) if p else (1, 1) for p in phrasal]
    found = compile_tiler(pattern, None, phrasal)(phrase)
    assert sorted(found) == brute(pattern, phrase, bounds)
    assert found == tilings(pattern, phrase, bounds) == match_pattern(pattern, phrase, phrasal)


def spell(template, meanings):
    out = []
    for x in template:
        out.extend(meanings[x] if isinstance(x, int) else (x,))
    return tuple(out)


@given(st.lists(st.lists(st.sampled_from("ABC"), min_size=1, max_size=2).map(tuple), min_size=1,
                max_size=3),
       st.lists(st.sampled_from("ABCD"), min_size=1, max_size=6).map(tuple))
def test_rewrite_target_spells_the_target_with_fewest_constants(meanings, target):
    templates = rewrite_target(target, meanings)
    for t in templates:
        assert spell(t, meanings) == target
        assert {x for x in t if isinstance(x, int)} == set(range(len(meanings)))
    counts = {sum(isinstance(x, str) for x in t) for t in templates}
    assert len(counts) <= 1  # all optimal templates have the same number of constants


def test_rewrite_keeps_every_alignment_of_equal_meanings():
    assert sorted(rewrite_target(("W", "W"), [("W",), ("W",)])) == [(0, 1), (1, 0)]


def test_named_tokens_are_never_constants():
    assert rewrite_target(("A", "B"), [("A",)], named=frozenset({"B"})) == []
    assert rewrite_target(("A", "B"), [("A",)]) == [(0, "B")]


def test_solve_slot_inverts_a_template():
    assert solve_slot((0, 0, 0), {}, 0, ("X", "Y") * 3) == ("X", "Y")
    assert solve_slot((1, 0), {1: ("B",)}, 0, ("B", "A", "A")) == ("A", "A")
    assert solve_slot((0, 0), {}, 0, ("A", "B", "C")) is None
    assert solve_slot((0, "K", 1), {1: ("B",)}, 0, ("A", "Q", "B")) is None


def test_the_work_a_tiling_charges_depends_on_whether_slots_have_vocabularies():
    # Induction's matching (no vocabularies) rejects a phrase without the pattern's fixed ends
    # for free; the rule index's tilers search it and charge the steps. Budgets were spent this
    # way before the two tilers were one: each keeps its count.
    pattern, phrase = (0, "op", 1, "op", 2, "end"), ("a", "op", "b", "op", "c", "a")
    free, indexed = Work(None), Work(None)
    assert compile_tiler(pattern, None, (True, True, True))(phrase, free) == []
    assert compile_tiler(pattern, (frozenset("abc"),) * 3, (True, True, True))(phrase, indexed) == []
    assert free.spent == 0 < indexed.spent
    match = ("a", "op", "b", "op", "c", "end")
    assert compile_tiler(pattern, None, (True, True, True))(match, free) == [((0, 1), (2, 3), (4, 5))]
    assert free.spent > 0
