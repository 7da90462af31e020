"""The independent replayer: derivations that hold replay, and every broken step is caught."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.data import Example
from sandbox.derivation import Derivation, Relaxation, ReplayError, attribution, check_evidence, replay

TRAIN = {
    "t-0": Example.of("walk", "WALK", id="t-0"),
    "t-1": Example.of("look twice", "LOOK LOOK", id="t-1"),
    "t-2": Example.of("walk and look", "WALK LOOK", id="t-2"),
}


def leaf(word: str, token: str, start: int) -> Derivation:
    return Derivation(f"lex:{word}", (word,), (token,), (start, start + 1), (), ("t-0",), output=(token,))


def twice(child: Derivation) -> Derivation:
    s = child.span[0]
    return Derivation("twice", (0, "twice"), (0, 0), (s, child.span[1] + 1), (child,), ("t-1",),
                      relaxations=(Relaxation(0, 1, "{walk}", "C1", ("t-1",)),),
                      output=child.output * 2)


def test_replays_a_nested_derivation():
    d = twice(leaf("walk", "WALK", 0))
    assert replay(d, ("walk", "twice")) == ("WALK", "WALK")
    assert check_evidence(d, TRAIN) is None
    assert d.level == 1
    assert Derivation.from_json(d.to_json()) == d


@pytest.mark.parametrize("breakage", [
    lambda d: replace(d, span=(0, 3)),
    lambda d: replace(d, pattern=(0, "thrice")),
    lambda d: replace(d, template=(0, 1)),
    lambda d: replace(d, output=("WALK",)),
    lambda d: replace(d, children=(replace(d.children[0], pattern=("run",)),)),
    lambda d: replace(d, pattern=("twice", 0)),
])
def test_every_broken_step_is_caught(breakage):
    with pytest.raises(ReplayError):
        replay(breakage(twice(leaf("walk", "WALK", 0))), ("walk", "twice"))


def test_evidence_must_be_real_and_relevant():
    d = twice(leaf("walk", "WALK", 0))
    assert "not a training example" in check_evidence(replace(d, evidence=("nope",)), TRAIN)
    assert "lacks the words" in check_evidence(replace(d, evidence=("t-0",)), TRAIN)
    assert "names no training example" in check_evidence(replace(d, evidence=()), TRAIN)
    bad_relax = replace(d, relaxations=(Relaxation(0, 2, "a", "b", ()),))
    assert "relaxation" in check_evidence(bad_relax, TRAIN)


@given(st.integers(min_value=1, max_value=6))
def test_attribution_points_repeats_to_the_same_word(depth):
    d = leaf("walk", "WALK", 0)
    for _ in range(depth):
        d = twice(d)
    source = ("walk",) + ("twice",) * depth
    out = replay(d, source)
    attr = attribution(d)
    assert len(attr) == len(out) == 2**depth
    assert set(attr) == {(0,)}
