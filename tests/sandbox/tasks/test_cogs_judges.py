"""COGS's two judges on the official data (skipped where ../shared/datasets/cogs is absent): the
official exact match and the semantic judge beside it (equal up to conjunct order and variable
renaming, after ReCOGS). Equal forms pass both; a swapped conjunct order passes only the semantic
one; a wrong role passes neither; and every gold line of gen.tsv is equivalent to itself and to a
copy with its conjuncts shuffled and its variables renamed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sandbox.data import Example, Task, Tokens
from sandbox.tasks.registry import load_task


@pytest.fixture(scope="module")
def gen(datasets: Path) -> Task:
    if not (datasets / "cogs" / "data" / "gen.tsv").is_file():
        pytest.skip(f"COGS data files not found under {datasets / 'cogs' / 'data'}")
    return load_task("cogs/gen", datasets)


def parts(form: Tokens) -> tuple[list[str], list[str]]:
    """The prefix items and the body conjuncts of a COGS form, as strings."""
    *prefix, body = " ".join(form).split(" ; ")
    return prefix, body.split(" AND ")


def join(prefix: list[str], body: list[str]) -> Tokens:
    return tuple(" ".join([*(f"{p} ;" for p in prefix), " AND ".join(body)]).split())


def renamed(form: Tokens, offset: int) -> Tokens:
    """Every variable ``x _ N`` renamed to ``x _ N+offset`` (one-to-one)."""
    out = list(form)
    for i in range(2, len(out)):
        if out[i - 2] == "x" and out[i - 1] == "_":
            out[i] = str(int(out[i]) + offset)
    return tuple(out)


def with_two_conjuncts(task: Task, n: int) -> list[Example]:
    return [ex for ex in task.test if len(parts(ex.target)[1]) >= 2][:n]


def test_equal_forms_pass_both_judges(gen: Task):
    for ex in gen.test[:300]:
        assert gen.is_correct(ex, ex.target) and gen.is_equivalent(ex, ex.target)


def test_a_swapped_conjunct_order_is_equivalent_but_not_equal(gen: Task):
    for ex in with_two_conjuncts(gen, 300):
        prefix, body = parts(ex.target)
        swapped = join(prefix, [body[1], body[0], *body[2:]])
        assert swapped != ex.target
        assert not gen.is_correct(ex, swapped)
        assert gen.is_equivalent(ex, swapped)


def test_a_wrong_role_passes_neither_judge(gen: Task):
    changed = 0
    for ex in gen.test[:500]:
        if "agent" not in ex.target:
            continue
        i = ex.target.index("agent")
        wrong = (*ex.target[:i], "theme", *ex.target[i + 1:])
        assert not gen.is_correct(ex, wrong)
        assert not gen.is_equivalent(ex, wrong)
        changed += 1
    assert changed > 100


def test_an_abstention_passes_neither_judge(gen: Task):
    ex = gen.test[0]
    assert gen.is_correct(ex, None) is False and gen.is_equivalent(ex, None) is False


def test_every_gold_line_is_equivalent_to_itself_and_to_a_shuffled_renamed_copy(gen: Task):
    rng = random.Random(0)
    reordered = 0
    for ex in gen.test:
        assert gen.is_equivalent(ex, ex.target), ex.id
        prefix, body = parts(ex.target)
        copy = renamed(join(rng.sample(prefix, len(prefix)), rng.sample(body, len(body))), 100)
        assert gen.is_equivalent(ex, copy), (ex.id, " ".join(copy))
        reordered += renamed(copy, -100) != ex.target
    # The copies are not mostly the gold itself: the conjunct order really changed in most lines.
    assert len(gen.test) == 21_000 and reordered > 15_000
