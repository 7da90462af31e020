"""Exports: rules as text and JSON, the hierarchy as a graph and DOT, derivations as trees and DOT."""

from __future__ import annotations

import json

import networkx as nx

from symbolic import SymbolicLearner, replay
from symbolic.export import (
    derivation_dot,
    derivation_tree,
    hierarchy_dot,
    hierarchy_graph,
    rules_from_json,
    rules_json,
    rules_text,
)
from tests.symbolic.grammars import tiny_examples


def test_rules_round_trip_through_json_and_still_replay():
    learner = SymbolicLearner().fit(tiny_examples())
    rules = rules_from_json(json.loads(json.dumps(rules_json(learner.rules_))))
    assert rules == learner.rules_
    src = ("ka", "lu", "ri", "ba", "mo")
    pred = learner.explain(src)
    assert replay(pred.derivation, rules, src) == pred.tokens


def test_rules_text_has_one_line_per_rule():
    learner = SymbolicLearner().fit(tiny_examples())
    lines = rules_text(learner.rules_).splitlines()
    assert len(lines) == len(learner.rules_)
    assert any("<0> ri -> <0> <0>" in line for line in lines)


def test_hierarchy_graph_and_dot():
    learner = SymbolicLearner().fit(tiny_examples())
    g = hierarchy_graph(learner.hierarchy_)
    assert isinstance(g, nx.DiGraph) and nx.is_directed_acyclic_graph(g)
    dot = hierarchy_dot(learner.hierarchy_)
    assert dot.count("->") == g.number_of_edges()


def test_derivation_tree_and_dot_show_relaxations():
    learner = SymbolicLearner().fit(tiny_examples())
    src = ("pe", "ri")  # "pe" was never doubled in training
    pred = learner.explain(src)
    tree = derivation_tree(pred.derivation, src)
    assert tree.splitlines()[0].startswith("[pe ri] ")
    assert "relaxed slot <0> to level" in tree
    dot = derivation_dot(pred.derivation, src)
    assert dot.startswith("digraph derivation {") and "level" in dot
