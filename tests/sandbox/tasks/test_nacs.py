"""NACS: SCAN reversed; an answer is right when it means the input, whichever command it is."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from sandbox.data import Example
from sandbox.tasks import scan
from sandbox.tasks.nacs import judge
from sandbox.tasks.registry import load_task, task_names
from sandbox.tasks.scan_grammar import all_commands, interpret


@cache
def synonyms() -> list[list[tuple[str, ...]]]:
    """Groups of two or more commands with one meaning."""
    by_meaning = defaultdict(list)
    for c in all_commands():
        by_meaning[interpret(c)].append(c)
    return [cs for _, cs in sorted(by_meaning.items()) if len(cs) > 1]


def test_registered_variants_reverse_the_scan_splits():
    names = ("nacs/simple", "nacs/length", "nacs/addprim_jump")
    assert set(names) <= set(task_names("nacs"))
    for name in names:
        nacs, original = load_task(name), load_task(name.replace("nacs/", "scan/"))
        assert [(e.target, e.source) for e in nacs.train] == [e.pair() for e in original.train], name
        assert [(e.target, e.source) for e in nacs.test] == [e.pair() for e in original.test], name
        assert not nacs.uses_exact_match


def test_gold_means_the_input_and_is_judged_correct():
    task = load_task("nacs/simple")
    for ex in (*task.train, *task.test):
        assert interpret(ex.target) == ex.source
    assert all(task.is_correct(ex, ex.target) for ex in task.test)


def test_length_and_addprim_keep_their_defining_property():
    length = load_task("nacs/length")
    assert max(len(e.source) for e in length.train) <= scan.LENGTH_CUTOFF < min(len(e.source) for e in length.test)
    jump = load_task("nacs/addprim_jump")
    assert {e.source for e in jump.train if "I_JUMP" in e.source} == {("I_JUMP",)}
    assert all("I_JUMP" in e.source and len(e.source) > 1 for e in jump.test)


@given(st.data())
def test_any_command_with_the_same_meaning_is_correct(data):
    group = data.draw(st.sampled_from(synonyms()))
    gold, other = data.draw(st.permutations(group))[:2]
    ex = Example(interpret(gold), gold)
    assert gold != other and judge(ex, other)


@given(st.sampled_from(all_commands()), st.sampled_from(all_commands()))
def test_a_command_with_another_meaning_is_wrong(gold, answer):
    ex = Example(interpret(gold), gold)
    assert judge(ex, answer) is (interpret(answer) == interpret(gold))


def test_non_commands_are_wrong_not_errors():
    ex = Example(("I_WALK", "I_WALK"), ("walk", "twice"))
    assert judge(ex, ("walk", "and", "walk")) and judge(ex, ("walk", "twice"))
    for answer in (("walk", "walk"), (), ("I_WALK",), ("twice",), ("walk", "and")):
        assert not judge(ex, answer)
