"""The category pass's choice among readings of an ambiguous training example."""

from __future__ import annotations

from dataclasses import dataclass, field

from symbolic.categories import ReadingCost, _least

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
