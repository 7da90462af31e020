"""A learned hierarchy's level tables agree with its networkx DAG, for every slot and filler."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import HealthCheck, assume, given, settings

from benchmarks.grammar_shapes import SHAPES
from sandbox.data import Example, make_examples
from sandbox.grammar import enumerate_pairs
from sandbox.tasks.grammar_toml import parse_grammar_text
from sandbox.tasks.registry import load_task
from sandbox.testing import generated_tasks
from symbolic import SymbolicLearner
from symbolic.hierarchy import Hierarchy
from tests.symbolic.grammars import tiny_examples
from tests.symbolic.test_operators import split


def graph_level(h: Hierarchy, rule: str, slot: int, filler: str) -> int:
    """The filler's level in the slot, read off the DAG alone.

    Level 0: an edge to the slot's ``seen`` category; 1: to its ``similar``
    category; 2: its own meaning type lies under ``similar``; else 3 (``any``).
    """
    g, node, similar = h.graph, f"filler:{filler}", h.category(rule, slot, 1)
    if g.has_edge(node, h.category(rule, slot, 0)):
        return 0
    if g.has_edge(node, similar):
        return 1
    if g.has_edge(similar, f"type({h.mtypes[filler]})"):
        return 2
    return 3


def check_agrees(h: Hierarchy) -> None:
    g = h.graph
    assert nx.is_directed_acyclic_graph(g)
    # Every edge between categories goes up a level; every filler reaches "any".
    for a, b in g.edges:
        if not a.startswith("filler:"):
            assert g.nodes[a]["level"] < g.nodes[b]["level"]
    assert all(nx.has_path(g, f"filler:{f}", "any") for f in h.mtypes)
    for rule, slot in h.seen:
        table = h.levels(rule, slot)
        for filler in h.mtypes:
            level = h.level(rule, slot, filler)
            assert graph_level(h, rule, slot, filler) == level, (rule, slot, filler)
            assert table.get(filler, 3) == level
            # The categories of the slot the filler belongs to are exactly those at its level and above.
            if level < 3:
                assert nx.has_path(g, f"filler:{filler}", h.category(rule, slot, level, filler))


def learned(examples: list[Example]) -> Hierarchy | None:
    return getattr(SymbolicLearner().fit(examples), "hierarchy_", None)  # None where it read sequences


def shape_sample(name: str, seed: int) -> list[Example]:
    text, n_full = SHAPES[name]
    spec = parse_grammar_text(text, name)
    pairs = list(enumerate_pairs(spec.grammar, max_depth=spec.max_depth))
    random.Random(seed).shuffle(pairs)
    return make_examples(pairs[: min(n_full, len(pairs) * 2 // 3)], "train")


SMALL = {
    "tiny": tiny_examples,
    "fewshot colors": lambda: load_task("fewshot/colors").train,
    "operators": lambda: split()[0],
    **{f"{name}, seed {seed}": (lambda name=name, seed=seed: shape_sample(name, seed))
       for name in ("words meaning nothing", "two-word primitives", "right recursion",
                    "circumfix and three places", "discontiguous operator", "synonyms and brackets")
       for seed in (0, 1)},
}


@pytest.mark.parametrize("grammar", sorted(SMALL))
def test_levels_agree_with_the_dag_on_small_grammars(grammar):
    h = learned(SMALL[grammar]())
    assert h is not None and h.seen
    check_agrees(h)


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(generated_tasks())
def test_levels_agree_with_the_dag_on_random_grammars(case):
    h = learned(case.task.train)
    assume(h is not None)
    assert h is not None
    check_agrees(h)
