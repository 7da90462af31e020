"""The induction chart: a chart that inherits an older chart's memo analyses every phrase as a fresh one."""

from __future__ import annotations

from itertools import product

from hypothesis import example, given
from hypothesis import strategies as st

from symbolic.chart import InductionChart, WordSets
from symbolic.rules import Rule, RuleKind

WORDS = ["a", "b", "op", "x"]
LEXICON = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e",), RuleKind.LEXICAL) for w in ("a", "b")}
PATTERNS = [((0, "op", 1), (0, 1)), ((0, 1), (1, 0)), ((0, "x"), (0, 0)), (("x", 0), (0, "X")),
            ((0, "op", 1, "op", 2), (2, 1, 0)), ((0, "op", 1), (1, 0))]
PHRASES = [p for n in range(1, 6) for p in product(WORDS, repeat=n)]


def chart(rules: list[int], levels: dict[tuple[int, int, int], int],
          previous: InductionChart | None = None,
          one_word: frozenset[tuple[int, int]] = frozenset()) -> InductionChart:
    made = [Rule(f"r{i}", *PATTERNS[i], ("e",), RuleKind.COMPOSITION) for i in rules]
    fillers = [r.id for r in LEXICON.values()] + [r.id for r in made]

    def level(rule: str, slot: int, filler: str) -> int:
        return levels.get((int(rule[1:]), slot, fillers.index(filler) % 7), 3)

    def phrasal(rule: str, slot: int) -> bool:
        return (int(rule[1:]), slot) not in one_word

    return InductionChart(LEXICON, made, level, phrasal, previous=previous)


RULES = st.lists(st.integers(0, len(PATTERNS) - 1), unique=True, max_size=len(PATTERNS))
LEVELS = st.dictionaries(st.tuples(st.integers(0, len(PATTERNS) - 1), st.integers(0, 2), st.integers(0, 6)),
                         st.integers(0, 3))


# Slots that span one word only (a slot that starts taking phrases, or stops, changes the analyses).
ONE_WORD = st.frozensets(st.tuples(st.integers(0, len(PATTERNS) - 1), st.integers(0, 2)))


JUXTAPOSE_POSTFIX = {(1, 0, 0): 0, (1, 1, 3): 0, (2, 0, 1): 0}  # "<0> <1>" takes "a" and "<0> x"; "<0> x" takes "b"


@given(RULES, LEVELS, ONE_WORD, RULES, LEVELS, ONE_WORD, st.lists(st.sampled_from(PHRASES), max_size=30))
# The second slot of a rule without fixed words starts taking phrases ("a b x" reads anew).
@example([1, 2], JUXTAPOSE_POSTFIX, frozenset({(1, 1)}), [1, 2], JUXTAPOSE_POSTFIX, frozenset(), [("a", "b", "x")])
def test_an_inherited_memo_changes_no_analysis(old_rules, old_levels, old_one_word, new_rules, new_levels,
                                               new_one_word, warm):
    old = chart(old_rules, old_levels, one_word=old_one_word)
    for phrase in warm:
        old.analyses(phrase)
    fresh = chart(new_rules, new_levels, one_word=new_one_word)
    inheriting = chart(new_rules, new_levels, previous=old, one_word=new_one_word)
    for phrase in PHRASES:
        assert list(inheriting.analyses(phrase).items()) == list(fresh.analyses(phrase).items())


word_sets = st.lists(st.frozensets(st.sampled_from("abcdef"), min_size=1, max_size=4), max_size=40)  # both paths


@given(sets=word_sets, query=st.sets(st.sampled_from("abcdefg")))
def test_word_sets_finds_exactly_the_sets_inside_a_query(sets, query):
    index = WordSets(sets)
    found = sorted(map(sorted, index.subsets_of(query)))
    assert found == sorted(sorted(w) for w in sets if w <= query)
    assert index.any_subset_of(query) == any(w <= query for w in sets)
