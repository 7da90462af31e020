"""PCFG SET: the string-edit functions' laws, the generator, and each test's defining property."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.errors import UsageError
from sandbox.tasks.pcfg import (
    ALPHABET,
    BINARY,
    TWIN_SUFFIX,
    UNARY,
    count_functions,
    evaluate,
    generate,
    interpret,
    localism_consistent,
    parse,
    random_tree,
    unroll,
    write,
)
from sandbox.tasks.pcfg_tasks import HELD_OUT_PAIRS, TWINNED
from sandbox.tasks.registry import load_task, task_names

strings = st.lists(st.sampled_from(ALPHABET[:30]), min_size=1, max_size=8).map(tuple)
U, B = UNARY, BINARY


@given(strings, strings)
def test_function_laws(s, t):
    assert U["copy"](s) == s
    assert U["reverse"](U["reverse"](s)) == s and sorted(U["reverse"](s)) == sorted(s)
    assert U["repeat"](s) == s + s
    assert U["echo"](s) == (*s, s[-1])
    assert U["swap_first_last"](U["swap_first_last"](s)) == s
    assert U["swap_first_last"](s)[1:-1] == s[1:-1]
    rotated = s
    for _ in range(len(s)):
        rotated = U["shift"](rotated)
    assert rotated == s and U["shift"](s)[-1] == s[0]
    assert B["append"](s, t) == s + t and B["prepend"](s, t) == B["append"](t, s)
    assert B["remove_first"](s, t) == t and B["remove_second"](s, t) == s


@given(st.integers(0, 2**32), st.integers(0, 12))
def test_parse_inverts_write_and_meaning_is_compositional(seed, n):
    tree = random_tree(random.Random(seed), n)
    source = write(tree)
    assert parse(source) == tree
    assert count_functions(source) == n
    assert interpret(source) == evaluate(tree)
    if n:  # the meaning of a node is its function applied to its children's meanings
        fn = tree[0]
        args = [interpret(write(child)) for child in tree[1:]]
        expected = U[fn](*args) if fn in U else B[fn](*args)
        assert interpret(source) == expected


@given(st.integers(0, 2**32), st.integers(1, 10), st.sampled_from(TWINNED))
def test_a_synonym_means_what_its_function_means(seed, n, fn):
    source = write(random_tree(random.Random(seed), n))
    twinned = tuple(w + TWIN_SUFFIX if w == fn else w for w in source)
    assert interpret(twinned) == interpret(source)


@pytest.mark.parametrize("text, fragment", [
    ("append A1 B1", "two arguments"),
    ("A1 , B1", "position 2"),
    ("reverse", "ends where an argument"),
    ("copy A1 reverse B1", "inside a string argument"),
    ("copy A1 , B1", "position 3"),
])
def test_malformed_inputs_say_where(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        interpret(text.split())


def test_generation_is_deterministic_distinct_and_correct():
    pairs = generate(300, seed=7)
    assert pairs == generate(300, seed=7) and pairs != generate(300, seed=8)
    assert len({s for s, _ in pairs}) == 300
    assert all(interpret(s) == t for s, t in pairs)


def _bigrams(source):
    return {(source[i], source[i + 1]) for i in range(len(source) - 1)}


def test_every_task_is_disjoint_and_gold_is_the_meaning():
    for name in task_names("pcfg"):
        task = load_task(name)
        assert task.train and task.test, name
        assert not {e.source for e in task.train} & {e.source for e in task.test}, name
        for ex in (*task.train, *task.test):
            assert interpret(ex.source) == ex.target, (name, ex)


def test_systematicity_holds_out_the_four_pairs():
    task = load_task("pcfg/systematicity")
    held = set(HELD_OUT_PAIRS)
    assert all(not _bigrams(e.source) & held for e in task.train)
    assert all(_bigrams(e.source) & held for e in task.test)
    # the functions of each pair are still seen in training, just never in that combination
    train_words = {w for e in task.train for w in e.source}
    assert {w for pair in held for w in pair} <= train_words


def test_productivity_cuts_at_eight_functions():
    task = load_task("pcfg/productivity")
    assert max(count_functions(e.source) for e in task.train) == 8
    assert min(count_functions(e.source) for e in task.test) == 9
    assert max(count_functions(e.source) for e in task.test) > 12


def _twin_pairs(task):
    by_pair: dict[str, dict[str, object]] = {}
    for ex in task.test:
        by_pair.setdefault(ex.get("pair"), {})[ex.category] = ex
    return list(by_pair.values())


@pytest.mark.parametrize("name", ["pcfg/substitutivity", "pcfg/substitutivity_primitive"])
def test_substitutivity_pairs_differ_by_one_synonym(name):
    task = load_task(name)
    pairs = _twin_pairs(task)
    assert pairs and all(set(p) == {"original", "twin"} for p in pairs)
    for p in pairs:
        orig, twin = p["original"], p["twin"]
        diff = [(a, b) for a, b in zip(orig.source, twin.source, strict=True) if a != b]
        assert len(diff) == 1 and diff[0][1] == diff[0][0] + TWIN_SUFFIX and diff[0][0] in TWINNED
        assert orig.target == twin.target and twin.get("function") == diff[0][0]


def test_substitutivity_conditions_place_the_synonyms_as_the_paper_does():
    equal = load_task("pcfg/substitutivity")
    words = {w for e in equal.train for w in e.source}
    assert all(f in words and f + TWIN_SUFFIX in words for f in TWINNED)
    primitive = load_task("pcfg/substitutivity_primitive")
    with_twin = [e for e in primitive.train if any(w.endswith(TWIN_SUFFIX) for w in e.source)]
    assert with_twin and all(count_functions(e.source) == 1 for e in with_twin)
    assert all(count_functions(e.source) >= 2 for e in primitive.test)


def test_localism_unrolls_innermost_first_and_scores_consistency():
    task = load_task("pcfg/localism")
    assert all(count_functions(e.source) >= 2 for e in task.test)
    for ex in task.test[:200]:
        steps = unroll(ex.source)
        assert len(steps) == count_functions(ex.source)
        assert localism_consistent(interpret, ex.source)

    def global_cheat(src):  # right on compositions, wrong (reversed) on a single function
        return interpret(src) if count_functions(src) >= 2 else interpret(src)[::-1]

    # the unrolled steps apply one function each, so the cheat shows wherever order matters
    consistent = [localism_consistent(global_cheat, ex.source) for ex in task.test[:50]]
    assert consistent.count(False) > 25
    assert not localism_consistent(lambda src: None, task.test[0].source)


def test_options_are_checked():
    with pytest.raises(UsageError, match="size"):
        load_task("pcfg/iid", options={"size": "huge"})
    with pytest.raises(UsageError, match="seed"):
        load_task("pcfg/iid", options={"seed": "x"})
    other = load_task("pcfg/iid", options={"seed": "1"})
    assert other.train != load_task("pcfg/iid").train and "seed=1" in other.description
