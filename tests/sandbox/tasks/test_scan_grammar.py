"""SCAN's grammar and interpretation: its meaning laws and the official command list."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sandbox.formats import read_scan
from sandbox.tasks.scan_grammar import all_commands, interpret, sentences, verb_phrases

VERBS = st.sampled_from(verb_phrases())
SENTENCES = st.sampled_from(sentences())


@given(VERBS)
def test_twice_and_thrice_repeat_the_meaning(v):
    assert interpret((*v, "twice")) == interpret(v) * 2
    assert interpret((*v, "thrice")) == interpret(v) * 3


@given(SENTENCES, SENTENCES)
def test_and_concatenates_and_after_swaps(a, b):
    assert interpret((*a, "and", *b)) == interpret(a) + interpret(b)
    assert interpret((*a, "after", *b)) == interpret(b) + interpret(a)
    assert len(interpret((*a, "and", *b))) == len(interpret(a)) + len(interpret(b))


@given(st.sampled_from(["walk", "look", "run", "jump"]), st.sampled_from(["left", "right"]))
def test_direction_laws(u, d):
    turn = interpret(("turn", d))
    assert interpret((u, d)) == turn + interpret((u,))
    assert interpret((u, "opposite", d)) == turn + turn + interpret((u,))
    assert interpret((u, "around", d)) == (turn + interpret((u,))) * 4
    assert interpret(("turn", "around", d)) == turn * 4


def test_grammar_generates_every_command_once():
    commands = all_commands()
    assert len(commands) == 20_910
    assert len(set(commands)) == 20_910


def test_outside_the_grammar_is_an_error():
    import pytest

    for bad in (("walk", "walk"), ("twice",), ("turn",), ("jump", "around"), ()):
        with pytest.raises(ValueError):
            interpret(bad)


def test_interpreter_matches_the_official_tasks_file(datasets: Path):
    official = {ex.source: ex.target for ex in read_scan(datasets / "scan" / "tasks.txt")}
    ours = {c: interpret(c) for c in all_commands()}
    assert ours == official
