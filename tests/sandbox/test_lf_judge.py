"""The semantic judge of logical forms (sandbox.lf_judge), on an invented syntax: variables ``v : N``,
conjunction ``&``, prefix terminator ``|`` (none of COGS's symbols).

Property tests: a shuffled conjunct order and a consistent renaming are equivalent, a changed role is
not, equality implies equivalence; and on small random pairs the verdict agrees with a brute-force
search over every one-to-one renaming."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.data import Example
from sandbox.lf_judge import LogicalFormSyntax, SemanticJudge, conjuncts, equivalent

SYNTAX = LogicalFormSyntax(variable_marker=("v", ":"), conjunction="&", terminator="|")
PREDICATES = [("p",), ("q",), ("r", ".", "who"), ("r", ".", "whom")]
CONSTANTS = ["Kim", "Lee"]

Term = tuple[str, int] | str  # ("var", n) or a constant
Atom = tuple[tuple[str, ...], tuple[Term, ...]]


def render(prefix: list[Atom], body: list[Atom], name=lambda n: str(n)) -> tuple[str, ...]:
    def atom(a: Atom) -> list[str]:
        pred, args = a
        out = [*pred, "("]
        for i, arg in enumerate(args):
            if i:
                out.append(",")
            out += ["v", ":", name(arg[1])] if isinstance(arg, tuple) else [arg]
        return [*out, ")"]

    tokens: list[str] = []
    for a in prefix:
        tokens += [*atom(a), "|"]
    for i, a in enumerate(body):
        tokens += (["&"] if i else []) + atom(a)
    return tuple(tokens)


terms = st.one_of(st.tuples(st.just("var"), st.integers(0, 4)), st.sampled_from(CONSTANTS))
atoms = st.tuples(st.sampled_from(PREDICATES), st.lists(terms, min_size=1, max_size=3).map(tuple))
forms = st.tuples(st.lists(atoms, max_size=3), st.lists(atoms, min_size=1, max_size=5))


@given(forms, st.randoms(use_true_random=False))
def test_a_shuffled_conjunct_order_is_equivalent(form, rnd):
    prefix, body = form
    shuffled_prefix, shuffled_body = rnd.sample(prefix, len(prefix)), rnd.sample(body, len(body))
    assert equivalent(render(prefix, body), render(shuffled_prefix, shuffled_body), SYNTAX)


@given(forms, st.permutations(range(5)), st.integers(5, 100))
def test_a_consistent_renaming_is_equivalent(form, perm, offset):
    prefix, body = form
    renamed = render(prefix, body, name=lambda n: str(perm[n] + offset))
    assert equivalent(render(prefix, body), renamed, SYNTAX)
    assert equivalent(renamed, render(prefix, body), SYNTAX)


@given(forms, st.data())
def test_a_changed_role_is_not_equivalent(form, data):
    prefix, body = form
    i = data.draw(st.integers(0, len(body) - 1))
    pred, args = body[i]
    other = data.draw(st.sampled_from([p for p in PREDICATES if p != pred]))
    changed = [*body[:i], (other, args), *body[i + 1:]]
    assert not equivalent(render(prefix, body), render(prefix, changed), SYNTAX)


@given(st.lists(st.sampled_from(["v", ":", "1", "2", "&", "|", "p", "(", ")", ","]), max_size=25))
def test_equality_implies_equivalence_for_any_token_sequence(tokens):
    assert equivalent(tokens, list(tokens), SYNTAX)


def brute_force(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Equivalence by trying every one-to-one renaming of the variables (small forms only)."""
    mine, theirs = conjuncts(a, SYNTAX), conjuncts(b, SYNTAX)
    names_a = sorted({v for c in mine for v in c.variables})
    names_b = sorted({v for c in theirs for v in c.variables})
    if len(names_a) != len(names_b):
        return False
    target = Counter((c.tag, c.shape, c.variables) for c in theirs)
    for perm in itertools.permutations(names_b):
        mapping = dict(zip(names_a, perm, strict=True))
        if Counter((c.tag, c.shape, tuple(mapping[v] for v in c.variables)) for c in mine) == target:
            return True
    return False


def mutate(prefix: list[Atom], body: list[Atom], rnd: random.Random) -> tuple[list[Atom], list[Atom]]:
    """A near miss: merge two variables, swap one atom's arguments, or move an atom across the terminator."""
    kind = rnd.randrange(3)
    if kind == 0:
        a, b = rnd.sample(range(5), 2)
        merge = lambda t: ("var", a) if t == ("var", b) else t  # noqa: E731
        body = [(p, tuple(merge(t) for t in args)) for p, args in body]
    elif kind == 1:
        i = rnd.randrange(len(body))
        body = [*body[:i], (body[i][0], tuple(reversed(body[i][1]))), *body[i + 1:]]
    elif prefix:
        body, prefix = [*body, prefix[0]], prefix[1:]
    return prefix, body


@given(forms, st.randoms(use_true_random=False), st.booleans())
def test_the_verdict_agrees_with_a_brute_force_search(form, rnd, near_miss):
    prefix, body = form
    other_prefix, other_body = mutate(prefix, body, rnd) if near_miss else (prefix, body)
    perm = rnd.sample(range(5), 5)
    a = render(prefix, body)
    b = render(rnd.sample(other_prefix, len(other_prefix)), rnd.sample(other_body, len(other_body)),
               name=lambda n: str(perm[n] + 7))
    assert equivalent(a, b, SYNTAX) == brute_force(a, b) == equivalent(b, a, SYNTAX)


@pytest.mark.parametrize("a,b,expected", [
    # Two symmetric variables (no relation tells them apart): the exact search finds the renaming.
    ("p ( v : 1 ) & p ( v : 2 ) & q ( v : 1 , v : 3 ) & q ( v : 2 , v : 4 )",
     "q ( v : 8 , v : 6 ) & p ( v : 5 ) & q ( v : 5 , v : 9 ) & p ( v : 8 )", True),
    # A renaming must be one-to-one: two variables may not become one.
    ("p ( v : 1 ) & p ( v : 2 )", "p ( v : 1 ) & p ( v : 1 )", False),
    # A conjunct moved from the prefix into the body changes the meaning.
    ("p ( v : 1 ) | q ( v : 1 )", "q ( v : 1 ) & p ( v : 1 )", False),
    # Constants are not variables: they are never renamed.
    ("p ( Kim )", "p ( Lee )", False),
    # A marker at the very end names no variable; both sides read it alike.
    ("p ( v : 1 ) & v :", "v : & p ( v : 2 )", True),
])
def test_worked_cases(a, b, expected):
    assert equivalent(a.split(), b.split(), SYNTAX) is expected


def test_the_judge_takes_an_example_and_a_prediction():
    judge = SemanticJudge(SYNTAX)
    example = Example.of("w1 w2", "p ( v : 1 ) & q ( v : 1 , v : 2 )")
    assert judge(example, Example.of("", "q ( v : 4 , v : 3 ) & p ( v : 4 )").target)
    assert not judge(example, Example.of("", "q ( v : 3 , v : 4 ) & p ( v : 4 )").target)


def test_a_syntax_needs_a_variable_marker():
    with pytest.raises(ValueError):
        LogicalFormSyntax(variable_marker=(), conjunction="&")
