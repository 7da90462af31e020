"""The category pass: fillers from unique derivations, and the choice among readings of ambiguous ones."""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.data import Example
from symbolic.categories import Nesting, ReadingCost, _least, build_hierarchy
from symbolic.chart import InductionChart
from symbolic.hierarchy import Hierarchy
from symbolic.rules import Rule, RuleKind

Child = tuple[int, int, str, tuple[str, ...]]


@dataclass
class _Entry:
    alternatives: list[tuple[Child, ...]] = field(default_factory=list)


class _Chart:
    """A stand-in for the induction chart: the readings of each phrase, given by hand."""

    def __init__(self, readings: dict[tuple[str, ...], dict[tuple[str, tuple[str, ...]], _Entry]]):
        self._readings = readings

    def analyses(self, phrase: tuple[str, ...]) -> dict[tuple[str, tuple[str, ...]], _Entry]:
        return self._readings.get(phrase, {})


class _Hierarchy:
    """Slot levels by (rule, slot, filler); one slot of rule ``rB`` needs level 1."""

    def level(self, rule: str, slot: int, filler: str) -> int:
        return 1 if (rule, filler) == ("rB", "lex") else 0

    def closeness(self, rule: str, slot: int, filler: str) -> float:
        return 1.0


class _Nesting:
    """Putting an ``rA`` phrase inside ``rX`` reverses a nesting the data showed."""

    def cycles(self, rule: str, filler: str) -> int:
        return int((rule, filler) == ("rX", "rA"))


def test_a_childs_reversals_count_as_reversals_not_as_level_2_slots() -> None:
    # "p q": read as rX(rA(q)) the child reverses a nesting once; read as rY(rB(q)),
    # the child needs one level-1 slot. A reversal outranks level-1 slots, so the
    # second reading is the least relaxed. With the child's reversals counted as
    # level-2 slots and its level-1 slots as reversals, the first one won.
    m = ("M",)
    readings = {
        ("p", "q"): {("root", m): _Entry([((0, 2, "rX", m),), ((0, 2, "rY", m),)])},
        ("p", "q", "x"): {},
    }
    readings[("p", "q")].update({
        ("rX", m): _Entry([((1, 2, "rA", m),)]),
        ("rY", m): _Entry([((1, 2, "rB", m),)]),
    })
    readings[("q",)] = {("rA", m): _Entry([()]), ("rB", m): _Entry([((0, 1, "lex", m),)]),
                        ("lex", m): _Entry([()])}
    chart = _Chart(readings)
    cost, children = _least(chart, _Hierarchy(), _Nesting(), (("p", "q"), "root", m), {})  # type: ignore[arg-type]
    assert children == ((0, 2, "rY", m),)
    assert cost == ReadingCost(level3=0, reversals=0, level2=0, level1=1, distance=0.0, first=-2)


def test_cost_sums_field_by_field() -> None:
    a = ReadingCost(1, 2, 3, 4, 0.5, -1)
    b = ReadingCost(10, 20, 30, 40, 0.25, -7)
    assert a.plus(b) == ReadingCost(11, 22, 33, 44, 0.75, -1)


WORD_TYPES = {"lex:ka": "word:1", "lex:mo": "word:1", "r1": "phrase", "r2": "phrase", "r3": "phrase"}
LEXICON = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in ("ka", "mo")}
CONCAT = Rule("r1", (0, "vin", 1), (0, 1), ("e1",), RuleKind.COMPOSITION)


def learned_categories(rules: list[Rule], pairs: list[tuple[str, str]]) -> Hierarchy:
    """The categories read off the examples, every filler admitted by the chart."""
    chart = InductionChart(LEXICON, rules, lambda rule, slot, filler: 0)
    examples = [Example.of(s, t, id=f"e{i}") for i, (s, t) in enumerate(pairs, 1)]
    slots = [(r.id, s) for r in rules for s in range(r.n_slots)]
    return build_hierarchy(chart, examples, WORD_TYPES, {}, 0.5, slots)


def test_a_unique_derivation_gives_its_fillers_with_the_example_as_evidence() -> None:
    h = learned_categories([CONCAT], [("ka vin mo", "KA MO"), ("mo vin ka", "MO KA")])
    assert h.seen == {("r1", 0): {"lex:ka": ("e1",), "lex:mo": ("e2",)},
                      ("r1", 1): {"lex:mo": ("e1",), "lex:ka": ("e2",)}}


def test_equally_relaxed_readings_of_an_ambiguous_example_are_grouped_in_reading_order() -> None:
    # Both bracketings of e3 put a phrase where none has stood (level 3): the longer first slot wins.
    h = learned_categories([CONCAT], [("ka vin mo", "KA MO"), ("mo vin ka", "MO KA"),
                                      ("ka vin mo vin ka", "KA MO KA")])
    assert h.seen[("r1", 0)]["r1"] == ("e3",)
    assert "r1" not in h.seen[("r1", 1)]


def test_an_ambiguous_example_is_read_so_as_not_to_reverse_the_nesting_seen() -> None:
    # "X ri" means X. "ka ri vin mo" has one reading: a "ri" phrase inside "vin". Of the two
    # readings of "ka vin mo ri", the grouping bias would put the "vin" phrase inside "ri";
    # precedence keeps the nesting the unambiguous example showed.
    ident = Rule("r2", (0, "ri"), (0,), ("e2",), RuleKind.COMPOSITION)
    h = learned_categories([CONCAT, ident], [("ka vin mo", "KA MO"), ("mo ri", "MO"),
                                             ("ka ri vin mo", "KA MO"), ("ka vin mo ri", "KA MO")])
    assert h.seen[("r1", 0)]["r2"] == ("e3",)
    assert h.seen[("r1", 1)]["r2"] == ("e4",)
    assert "r1" not in h.seen[("r2", 0)]


def test_the_nesting_grows_transitively_and_says_when_it_changed() -> None:
    nesting = Nesting(Hierarchy({("r1", 0): {"r2": ("e1",)}}, WORD_TYPES, {}))  # r2 seen inside r1
    assert nesting.cycles("r2", "r1") == 1  # r1 inside r2 reverses it
    assert nesting.cycles("r1", "r2") == 0 and nesting.cycles("r1", "r1") == 0  # recursion is no reversal
    assert nesting.add("r3", "r1")  # r1 inside r3: so r2 is inside r3 too
    assert nesting.cycles("r2", "r3") == 1
    assert not nesting.add("r3", "r1")  # seen already
    assert not nesting.add("r3", "r2")  # a new edge, but r2 was inside r3 already
    assert not nesting.add("r1", "lex:ka")  # a word in a slot is no nesting
