"""Arithmetic in words: parser, sympy judge (equivalent forms accepted, others rejected), splits."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from sandbox.data import Example
from sandbox.tasks import arith, arith_parse
from sandbox.tasks.arith import HELD_OUT_WORDS, judge, number_words
from sandbox.tasks.arith_parse import (
    ArithError,
    nesting,
    number_value,
    numbers_in,
    parse_target,
    parse_words,
    to_sympy,
    words_to_target,
)
from sandbox.tasks.registry import load_task

ARITH_TASKS = ("arith/iid", "arith/depth", "arith/number_words", "arith/extrapolation")


def evaluate(node, env):
    """The value of a parse tree at integer values of the variables (independent of sympy)."""
    kind = node[0]
    if kind == "int":
        return node[1]
    if kind == "var":
        return env[node[1]]
    if kind == "neg":
        return -evaluate(node[1], env)
    a, b = evaluate(node[1], env), evaluate(node[2], env)
    return {"+": a + b, "-": a - b, "*": a * b, "^": a**b if kind == "^" else None}[kind]


def points(n=6, seed=0):
    rng = random.Random(seed)
    return [{v: rng.randint(-9, 9) for v in "xyz"} for _ in range(n)]


def test_number_words_round_trip_from_zero_to_999():
    for n in range(1000):
        words = number_words(n)
        assert number_value(words) == n
        assert numbers_in(("x", "plus", *words)) == [n]


phrases = st.builds(lambda seed, depth: arith.random_phrase(random.Random(seed), depth, arith._up_to(999)),
                    st.integers(0, 2**32), st.integers(0, 3))


@given(phrases)
def test_gold_means_what_the_words_say(words):
    tree = parse_words(words)
    target = words_to_target(words)
    for env in points():
        assert evaluate(parse_target(target), env) == evaluate(tree, env)
        assert to_sympy(target).subs(env) == evaluate(tree, env)


def tokens_of(expr: sympy.Expr) -> list[str]:
    """A sympy expression in the target's prefix notation (a second spelling of the same value)."""
    if expr.is_Integer:
        return ["neg", str(-int(expr))] if expr < 0 else [str(int(expr))]
    if expr.is_Symbol:
        return [expr.name]
    if expr.is_Pow:
        return ["^", *tokens_of(expr.base), str(int(expr.exp))]
    op = "+" if expr.is_Add else "*"
    args = list(expr.args)
    out = tokens_of(args[0])
    for arg in args[1:]:
        out = [op, *out, *tokens_of(arg)]
    return out


@given(phrases)
def test_judge_accepts_equivalent_forms(words):
    ex = Example(tuple(words), words_to_target(words))
    expanded = sympy.expand(to_sympy(ex.target))
    assert judge(ex, ex.target)
    assert judge(ex, tuple(tokens_of(expanded)))  # expanded and reordered
    assert judge(ex, ("+", "0", *ex.target)) and judge(ex, ("*", "1", *ex.target))
    assert judge(ex, ("-", *ex.target, "-", "x", "x"))


@given(phrases, st.sampled_from(["+ 1", "* 2", "+ x", "* y"]))
def test_judge_rejects_different_values(words, change):
    ex = Example(tuple(words), words_to_target(words))
    op, operand = change.split()
    wrong = (op, *ex.target, operand)
    # decided independently: two polynomials differ if they differ at some integer point
    differs = any(evaluate(parse_target(wrong), env) != evaluate(parse_target(ex.target), env)
                  for env in points(12, seed=len(words)))
    assert judge(ex, wrong) is (not differs)


def toks(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def test_judge_examples():
    ex = Example(toks("x plus forty seven"), toks("+ x + 40 7"))
    assert judge(ex, toks("+ 47 x")) and judge(ex, toks("+ x 47"))
    assert not judge(ex, toks("+ x 46")) and not judge(ex, toks("* x 47"))
    assert not judge(ex, toks("x plus 47")) and not judge(ex, ())
    assert not judge(ex, toks("^ ^ ^ + x y 16 16 16"))  # refused, never expanded


@pytest.mark.parametrize("text, fragment", [
    ("", "empty phrase"),
    ("x plus", "ends at position 3"),
    ("x plus plus y", "unexpected 'plus' at position 3"),
    ("three four", "not a number: 'three four' at position 1"),
    ("hundred", "not a number"),
    ("zero hundred", "'hundred' follows"),
    ("the sum of x y", "expected 'and' at position 5, found 'y'"),
    ("the ratio of x and y", "expected 'sum', 'difference', 'product' or 'square'"),
    ("x y", "unexpected 'y' at position 2"),
    ("x divided by y", "unexpected 'divided'"),
])
def test_malformed_phrases_say_what_and_where(text, fragment):
    with pytest.raises(ArithError, match=re.escape(fragment)):
        parse_words(text.split())


@pytest.mark.parametrize("text, fragment", [
    ("", "empty target"),
    ("+ x", "ends where an operand"),
    ("x y", "unexpected 'y' at position 2"),
    ("^ x y", "exponent of '^' at position 1"),
    ("^ x 99", "from 0 to 16"),
    ("+ x $", "unexpected token '$' at position 3"),
])
def test_malformed_targets_say_what_and_where(text, fragment):
    with pytest.raises(ArithError, match=re.escape(fragment)):
        parse_target(text.split())


def test_every_task_is_disjoint_judged_by_sympy_and_gold_correct():
    for name in ARITH_TASKS:
        task = load_task(name)
        assert not task.uses_exact_match and len(task.test) == 1000, name
        assert not {e.source for e in task.train} & {e.source for e in task.test}, name
        for ex in (*task.train[:100], *task.test[:100]):
            assert ex.target == words_to_target(ex.source) and task.is_correct(ex, ex.target)


def test_depth_split_holds_out_deeper_nesting():
    task = load_task("arith/depth")
    assert max(nesting(e.source) for e in task.train) == 1
    assert min(nesting(e.source) for e in task.test) == 2
    assert {e.get("depth") for e in task.test} == {"2", "3"}


def test_number_words_split_shows_the_held_out_words_only_alone():
    task = load_task("arith/number_words")
    with_held = [e.source for e in task.train if set(e.source) & set(HELD_OUT_WORDS)]
    assert sorted(with_held) == sorted((w,) for w in HELD_OUT_WORDS)
    assert all(set(e.source) & set(HELD_OUT_WORDS) and len(e.source) > 1 for e in task.test)


def test_extrapolation_split_tests_beyond_the_training_range():
    task = load_task("arith/extrapolation")
    assert max(n for e in task.train for n in numbers_in(e.source)) <= 199
    assert all(max(numbers_in(e.source)) >= 200 for e in task.test)
    assert {w for e in task.test for w in e.source} <= {w for e in task.train for w in e.source}


def test_no_eval_or_sympify_on_data():
    forbidden = re.compile(r"\b(eval|exec|sympify|parse_expr|S)\(|pickle")
    for module in (arith, arith_parse):
        text = Path(module.__file__).read_text()
        assert not forbidden.search(text), module.__name__
