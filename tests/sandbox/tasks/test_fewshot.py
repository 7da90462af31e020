"""Few-shot colors: every published gold answer follows from the rules, derived here independently."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.data import Generalization
from sandbox.tasks.fewshot import COLORS, QUERY, STUDY, interpret
from sandbox.tasks.registry import load_task

PRIMS = sorted(COLORS)


def derive(words: list[str]) -> list[str]:
    """The rules as a shift-reduce evaluator with explicit precedence (independent of the module)."""
    rank = {"kiki": 0, "blicket": 1}
    values: list[list[str]] = []
    ops: list[str] = []

    def reduce() -> None:
        op = ops.pop()
        y, x = values.pop(), values.pop()
        values.append(y + x if op == "kiki" else x + y + x)

    for w in words:
        if w in COLORS:
            values.append([COLORS[w]])
        elif w == "fep":
            values.append(values.pop() * 3)
        else:
            while ops and rank[ops[-1]] >= rank[w]:  # left-associative
                reduce()
            ops.append(w)
    while ops:
        reduce()
    assert len(values) == 1
    return values[0]


def test_the_published_items_and_answers():
    assert len(STUDY) == 14 and len(QUERY) == 10
    assert not {s for s, _ in STUDY} & {s for s, _ in QUERY}
    for source, gold in (*STUDY, *QUERY):
        assert derive(source.split()) == gold.split(), source
        assert interpret(source.split()) == tuple(gold.split()), source


def test_task_records_the_reference_accuracies():
    task = load_task("fewshot/colors")
    assert task.generalization is Generalization.FEWSHOT
    assert set(dict(task.references).values()) == {0.807, 0.824}
    assert [e.line() for e in task.train][4] == "IN: lug fep OUT: BLUE BLUE BLUE"
    assert "zup" not in {w for e in task.train for w in e.source if len(e.source) > 1}


fep_phrase = st.tuples(st.sampled_from(PRIMS), st.integers(0, 2)).map(lambda p: [p[0]] + ["fep"] * p[1])
blicket_phrase = st.lists(fep_phrase, min_size=1, max_size=3).map(
    lambda ps: [w for i, p in enumerate(ps) for w in (["blicket"] if i else []) + p])
instruction = st.lists(blicket_phrase, min_size=1, max_size=3).map(
    lambda ps: [w for i, p in enumerate(ps) for w in (["kiki"] if i else []) + p])


@given(instruction)
def test_rules_agree_with_an_independent_derivation(words):
    assert list(interpret(words)) == derive(words)


@given(fep_phrase, fep_phrase, blicket_phrase, blicket_phrase)
def test_function_laws(x, y, a, b):
    assert interpret([*x, "fep"]) == interpret(x) * 3
    assert interpret([*x, "blicket", *y]) == interpret(x) + interpret(y) + interpret(x)
    assert interpret([*a, "kiki", *b]) == interpret(b) + interpret(a)


@pytest.mark.parametrize("text", ["", "fep", "dax dax", "kiki dax", "dax blicket", "blue"])
def test_non_instructions_are_refused(text):
    with pytest.raises(ValueError, match="not an instruction"):
        interpret(text.split())
