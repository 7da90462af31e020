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


def layered() -> Hierarchy:
    """r1 and r5 hold words; r2 and r3 (peers) hold r1; r4 holds r2 and r3. No rule ever recursed."""
    seen = {("r1", 0): {"lex:a": ("e1",)}, ("r5", 0): {"lex:a": ("e2",)},
            ("r2", 0): {"r1": ("e3",), "lex:a": ("e4",)}, ("r3", 0): {"r1": ("e5",), "r5": ("e6",)},
            ("r4", 0): {"r1": ("e7",), "r2": ("e8",), "r3": ("e9",), "r5": ("e10",)},
            ("r4", 1): {"r1": ("e11",), "r2": ("e12",), "r3": ("e13",), "r5": ("e14",)}}
    mtypes = {"lex:a": "word:1", "r1": "phrase", "r2": "phrase", "r3": "phrase", "r4": "phrase",
              "r5": "phrase"}
    return Hierarchy(seen, mtypes, {f: (f"ev-{f}",) for f in mtypes}, similarity=0.5)


def test_resemblance_admits_a_phrase_only_below_the_rule_in_the_seen_nesting_order():
    h = layered()
    assert h.heights["r1"][0] == 0 and h.heights["r2"][0] == h.heights["r3"][0] == 1
    assert h.level("r2", 0, "r5") == 1  # lower than r2 and found where r1 is: resemblance admits it
    # A peer inside a peer, and a rule inside itself where it never recursed, are new nestings:
    # their slot sets resemble r1's (Jaccard >= 1/2), but no seen filler vouches for the height.
    assert h._jaccard("r3", "r1") >= 0.5 and h.level("r2", 0, "r3") == 2
    assert h._jaccard("r2", "r1") >= 0.5 and h.level("r2", 0, "r2") == 2
    # Once the data show the rule inside itself, its own phrase is recursion, admitted by resemblance.
    seen = {**h.seen, ("r2", 0): {**h.seen[("r2", 0)], "r2": ("e15",)}}
    recursive = Hierarchy(seen, h.mtypes, h.rule_evidence, similarity=0.5)
    assert recursive.level("r2", 0, "r2") == 0 and recursive.level("r3", 0, "r3") == 2
