"""The public strategies of sandbox.testing: sound, unambiguous, covering, shrinking."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from sandbox.grammar import ambiguities, enumerate_pairs
from sandbox.testing import (
    SPLITS,
    Split,
    coverage_problems,
    describe,
    example_grammar,
    generated_tasks,
    grammars,
    make_task,
    operators,
    parse,
    primitives,
    tasks,
    trees,
)
from sandbox.testing.grammars import random_names

FAST = settings(max_examples=25, database=None, derandomize=True, deadline=None,
                suppress_health_check=list(HealthCheck))
# Shrinking as the laws do it: no "explain" phase, which costs more than the shrinking.
SHRINK = settings(database=None, derandomize=True, phases=[Phase.generate, Phase.shrink],
                  suppress_health_check=list(HealthCheck))


@FAST
@given(grammars(max_levels=3))
def test_grammars_are_sound_and_unambiguous(g):
    assert not g.problems()
    assert operators(g) and len(primitives(g)) >= 2
    words = [w for p in g.productions for w in p.source if isinstance(w, str)]
    assert len(words) == len(set(words)), "a word serves two roles"
    pairs = [t.pair() for t in trees(g, 3)]
    assert not ambiguities(pairs)
    for src, tgt in pairs:
        assert [t.target for t in parse(g, src)] == [tgt]


@FAST
@given(grammars(recursion=False))
def test_agrees_with_enumerate_pairs(g):
    # Without recursion every phrase has a bounded depth, so both enumerations are complete.
    depth = len(g.by_lhs) + 1
    assert set(enumerate_pairs(g, max_depth=depth)) == {t.pair() for t in trees(g, 10)}
    assert not ambiguities(list(enumerate_pairs(g, max_depth=depth)))


@FAST
@given(generated_tasks())
def test_every_task_shows_every_rule_and_keeps_its_split(case):
    g, split, task = case.grammar, case.split, case.task
    assert not coverage_problems(case)
    assert task.train and task.test
    assert not {ex.source for ex in task.train} & {ex.source for ex in task.test}
    train_trees = [parse(g, ex.source)[0] for ex in task.train]
    test_trees = [parse(g, ex.source)[0] for ex in task.test]
    assert all(t.target == ex.target for t, ex in zip(train_trees + test_trees, task.train + task.test, strict=True))
    assert not any(split.holds_out(t, g) for t in train_trees)
    if split.kind != "iid":
        assert all(split.holds_out(t, g) for t in test_trees)
    if split.kind == "primitive":
        assert [ex.source for ex in task.train if split.word in ex.source] == [(split.word,)]
    if split.kind == "length":
        assert max(t.n_ops for t in train_trees) <= 2 < min(t.n_ops for t in test_trees)
    assert task.generalization.value == {"iid": "iid", "primitive": "primitive", "template": "template",
                                         "length": "productivity"}[split.kind]


def test_a_template_split_holds_out_one_slot_filler():
    g = example_grammar()
    case = make_task(g, Split("template", word="dax", operator=1, slot=1))
    assert [ex.line() for ex in case.task.test][:3] == [
        "IN: dax fep dax OUT: DAX DAX BLIK", "IN: lug fep dax OUT: DAX LUG BLIK", "IN: zup fep dax OUT: DAX ZUP BLIK"]
    train = {" ".join(ex.source) for ex in case.task.train}
    assert "dax fep lug" in train and "lug fep zup" in train and not any(s.endswith("fep dax") for s in train)
    assert not coverage_problems(case)


def test_coverage_prefers_distinct_fillers():
    case = make_task(example_grammar(), Split("iid"))
    binary = [ex.source for ex in case.task.train if "fep" in ex.source]
    assert binary and all(src[0] != src[2] for src in binary)


def test_names_are_random_but_seeded():
    assert random_names(3, 4, 4) == random_names(3, 4, 4)
    assert random_names(3, 4, 4) != random_names(4, 4, 4)


def test_failing_grammars_shrink_small():
    # The smallest grammar with an infix operator: two primitives, one level, one operator.
    g = find(grammars(), lambda g: any(op.kind == "infix" for op in operators(g)),
             settings=SHRINK)
    assert len(primitives(g)) == 2 and len(operators(g)) == 1, describe(g)
    assert operators(g)[0].production.target == (0, 1)


def test_failing_tasks_shrink_to_short_inputs():
    task = find(tasks(kinds=["length"]), lambda t: len(t.test) > 0, settings=SHRINK)
    # Two primitives, a postfix operator on each of two levels: the smallest grammar with
    # three-operator phrases; training is its coverage set alone.
    assert max(len(ex.source) for ex in task.train) == 3
    assert len(task.train) == 8, [ex.line() for ex in task.train]


@FAST
@given(st.sampled_from(SPLITS), st.integers(0, 3))
def test_make_task_is_deterministic(kind, seed):
    g = example_grammar()
    split = Split(kind, word="zup") if kind == "primitive" else (
        Split(kind, word="lug", operator=0, slot=0) if kind == "template" else Split(kind))
    if kind == "length":
        return  # the example grammar has no three-operator phrases
    assert make_task(g, split, extra=3, seed=seed) == make_task(g, split, extra=3, seed=seed)
