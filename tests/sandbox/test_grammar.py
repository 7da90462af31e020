"""Synchronous grammars: generation agrees with the grammar's meaning laws; SCAN as a grammar."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.grammar import Grammar, Production, Ref, ambiguities, enumerate_pairs, sample_pair
from sandbox.tasks.scan_grammar import all_commands, interpret

R = Ref


def scan_grammar() -> Grammar:
    """SCAN written as a synchronous grammar."""
    prods = [
        Production("C", (R("S"), "and", R("S")), (0, 1)),
        Production("C", (R("S"), "after", R("S")), (1, 0)),
        Production("C", (R("S"),), (0,)),
        Production("S", (R("V"), "twice"), (0, 0)),
        Production("S", (R("V"), "thrice"), (0, 0, 0)),
        Production("S", (R("V"),), (0,)),
        Production("V", (R("U"),), (0,)),
        Production("V", ("turn", R("T")), (0,)),
    ]
    for d, tok in (("left", "I_TURN_LEFT"), ("right", "I_TURN_RIGHT")):
        prods += [
            Production("T", (d,), (tok,)),
            Production("V", (R("U"), d), (tok, 0)),
            Production("V", (R("U"), "opposite", d), (tok, tok, 0)),
            Production("V", (R("U"), "around", d), (tok, 0) * 4),
            Production("V", ("turn", "opposite", d), (tok, tok)),
            Production("V", ("turn", "around", d), (tok,) * 4),
        ]
    for u in ("walk", "look", "run", "jump"):
        prods.append(Production("U", (u,), (f"I_{u.upper()}",)))
    return Grammar("C", tuple(prods), name="scan")


def test_scan_as_a_grammar_generates_scan():
    pairs = dict(enumerate_pairs(scan_grammar(), max_depth=5))
    assert len(pairs) == 20_910
    assert set(pairs) == set(all_commands())
    assert all(interpret(src) == tgt for src, tgt in pairs.items())


@given(st.integers(min_value=0, max_value=10_000))
def test_samples_are_derivable(seed):
    g = scan_grammar()
    src, tgt = sample_pair(g, random.Random(seed), max_depth=5)
    assert interpret(src) == tgt


def test_problems_are_reported():
    g = Grammar("S", (Production("S", (R("X"), "a"), (1,)), Production("S", (R("S"), "b"), (0,))))
    problems = g.problems()
    assert any("slot 1" in p for p in problems)
    assert any("undefined nonterminal 'X'" in p for p in problems)
    assert Grammar("Z", ()).problems() == ["start symbol 'Z' has no production"]


def test_ambiguity_is_detected():
    g = Grammar("S", (
        Production("S", (R("S"), "and", R("S")), (0, 1)),
        Production("S", ("a",), ("A",)),
        Production("S", ("b",), ("B",)),
        Production("S", ("a", "and", "b"), ("X",)),
    ))
    found = ambiguities(list(enumerate_pairs(g, max_depth=3)))
    assert any(src == ("a", "and", "b") for src, _, _ in found)


def test_enumeration_limit():
    g = Grammar("S", (Production("S", (R("S"), R("S")), (0, 1)), Production("S", ("a",), ("A",)),
                      Production("S", ("b",), ("B",))))
    with pytest.raises(ValueError, match="more than"):
        list(enumerate_pairs(g, max_depth=6, limit=1000))
