"""The category hierarchy: levels, the networkx DAG, relaxation steps and their evidence."""

from __future__ import annotations

import networkx as nx
import pytest

from symbolic import SymbolicLearner
from symbolic.export import hierarchy_dot
from symbolic.hierarchy import Hierarchy
from tests.symbolic.grammars import tiny_examples


def small() -> Hierarchy:
    seen = {("r1", 0): {"lex:a": ("e1",), "lex:b": ("e2",)},
            ("r2", 0): {"lex:a": ("e3",), "lex:b": ("e4",), "lex:c": ("e5",), "r1": ("e6",)}}
    mtypes = {"lex:a": "word:1", "lex:b": "word:1", "lex:c": "word:1", "lex:d": "word:1",
              "lex:e": "word:2", "r1": "phrase", "r2": "phrase"}
    evidence = {f: (f"ev-{f}",) for f in mtypes}
    return Hierarchy(seen, mtypes, evidence, similarity=0.5)


def test_levels_climb_from_seen_to_any():
    h = small()
    assert h.level("r1", 0, "lex:a") == 0  # seen there
    assert h.level("r1", 0, "lex:c") == 1  # occurs in the same slots as a and b (Jaccard 1/2)
    assert h.level("r1", 0, "lex:d") == 2  # a one-token word, never seen in any slot
    assert h.level("r1", 0, "lex:e") == 3  # a two-token word: another meaning type
    assert h.level("r1", 0, "r1") == 3  # a phrase in a slot that only held words
    assert h.level("r2", 0, "r2") == 3  # a phrase only ever seen whole


def test_relaxation_steps_name_categories_and_cite_evidence():
    h = small()
    step = h.relaxation("r1", 0, "lex:d")
    assert (step.level, step.from_category, step.to_category) == (2, "seen(r1/0)", "type(word:1)")
    assert step.evidence and all(e.startswith("e") for e in step.evidence)
    assert h.relaxation("r1", 0, "lex:c").to_category == "similar(r1/0)"
    assert h.relaxation("r1", 0, "r1").to_category == "any"


def test_graph_is_a_dag_whose_paths_give_the_levels():
    h = small()
    g = h.graph
    assert nx.is_directed_acyclic_graph(g)
    for (rule, slot) in h.seen:
        for filler in h.mtypes:
            level = h.level(rule, slot, filler)
            node = f"filler:{filler}"
            reaches_seen = nx.has_path(g, node, f"seen({rule}/{slot})")
            reaches_similar = g.has_edge(node, f"similar({rule}/{slot})") or reaches_seen
            type_under_similar = g.has_edge(f"similar({rule}/{slot})", f"type({h.mtypes[filler]})")
            assert (level == 0) == reaches_seen
            assert (level <= 1) == reaches_similar
            assert (level <= 2) == (reaches_similar or type_under_similar)
            assert nx.has_path(g, node, "any")


def test_learned_hierarchy_exports_to_dot():
    learner = SymbolicLearner().fit(tiny_examples())
    dot = hierarchy_dot(learner.hierarchy_)
    assert dot.startswith("digraph hierarchy {") and dot.rstrip().endswith("}")
    assert '"any"' in dot


@pytest.mark.parametrize("similarity", [0.3, 0.9])
def test_similarity_threshold_only_moves_level_one(similarity):
    h = Hierarchy(small().seen, small().mtypes, small().rule_evidence, similarity)
    assert h.level("r1", 0, "lex:c") == (1 if similarity <= 0.5 else 2)
