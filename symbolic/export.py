"""Exports: rules as text and JSON, the hierarchy as a graph and DOT, derivations as trees and DOT.

>>> from sandbox.data import Example
>>> from symbolic.learner import SymbolicLearner
>>> data = [Example.of(s, t, id=f"t{i}") for i, (s, t) in enumerate(
...     [("a", "A"), ("b", "B"), ("a rep", "A A"), ("b rep", "B B")])]
>>> learner = SymbolicLearner().fit(data)
>>> print(rules_text(learner.rules_))  # doctest: +NORMALIZE_WHITESPACE
lex:a: a -> A  [lexical; support 1; evidence t0] seen alone
lex:b: b -> B  [lexical; support 1; evidence t1] seen alone
r1: <0> rep -> <0> <0>  [composition; support 2; evidence t2, t3] fewest constants: known
    meanings are read as slots, not as constants
>>> source = ("a", "rep")
>>> print(derivation_tree(learner.explain(source).derivation, source))
[a rep] r1: <0> rep -> <0> <0>  => A A  (evidence t2, t3)
  [a] lex:a: a -> A  => A  (evidence t0)
>>> rules_from_json(rules_json(learner.rules_)) == learner.rules_
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from sandbox.derivation import Derivation
from symbolic.hierarchy import Hierarchy
from symbolic.rules import Rule, render_items


def rules_text(rules: Mapping[str, Rule]) -> str:
    """One line per rule: the rule, its kind, support, evidence and the biases that chose it."""
    lines = []
    for rule in rules.values():
        meta = f"{rule.kind.value}; support {rule.support}; evidence {', '.join(rule.evidence)}"
        notes = f" {'; '.join(rule.notes)}" if rule.notes else ""
        lines.append(f"{rule.text()}  [{meta}]{notes}")
    return "\n".join(lines)


def rules_json(rules: Mapping[str, Rule]) -> list[dict[str, Any]]:
    """The rules as JSON-ready objects, in order."""
    return [rule.to_json() for rule in rules.values()]


def rules_from_json(objs: Sequence[Mapping[str, Any]]) -> dict[str, Rule]:
    """Rules read back from :func:`rules_json` (for :func:`symbolic.trace.replay`)."""
    rules = [Rule.from_json(obj) for obj in objs]
    return {r.id: r for r in rules}


def hierarchy_graph(hierarchy: Hierarchy) -> nx.DiGraph:
    """The category hierarchy as a networkx DAG (see :attr:`Hierarchy.graph`)."""
    return hierarchy.graph


def hierarchy_dot(hierarchy: Hierarchy) -> str:
    """The hierarchy in Graphviz DOT: fillers as ellipses, categories as boxes by level."""
    g = hierarchy.graph
    lines = ["digraph hierarchy {", "  rankdir=BT;"]
    for node, data in sorted(g.nodes(data=True)):
        shape = "ellipse" if data.get("level", 0) < 0 else "box"
        lines.append(f"  {_q(node)} [shape={shape}, label={_q(node)}];")
    for a, b in sorted(g.edges()):
        lines.append(f"  {_q(a)} -> {_q(b)};")
    lines.append("}")
    return "\n".join(lines)


def derivation_tree(derivation: Derivation, source: Sequence[str]) -> str:
    """A derivation as an indented tree: span, rule, output, evidence and relaxation steps."""
    lines: list[str] = []

    def visit(node: Derivation, depth: int) -> None:
        pad = "  " * depth
        words = " ".join(source[node.span[0] : node.span[1]])
        rule = f"{node.rule}: {render_items(node.pattern)} -> {render_items(node.template)}"
        lines.append(f"{pad}[{words}] {rule}  => {' '.join(node.output)}  "
                     f"(evidence {', '.join(node.evidence)})")
        for step in node.relaxations:
            lines.append(f"{pad}  relaxed slot <{step.slot}> to level {step.level}: "
                         f"{step.from_category} -> {step.to_category} "
                         f"(evidence {', '.join(step.evidence)})")
        for child in node.children:
            visit(child, depth + 1)

    visit(derivation, 0)
    return "\n".join(lines)


def derivation_dot(derivation: Derivation, source: Sequence[str]) -> str:
    """A derivation in Graphviz DOT: one box per rule application, edges labelled by slot."""
    lines = ["digraph derivation {", "  node [shape=box];"]
    counter = iter(range(1 << 30))

    def visit(node: Derivation) -> str:
        name = f"n{next(counter)}"
        words = " ".join(source[node.span[0] : node.span[1]])
        label = f"{words}\\n{node.rule}: {render_items(node.pattern)} -> {render_items(node.template)}"
        if node.relaxations:
            label += "\\n" + "; ".join(f"<{r.slot}> level {r.level}: {r.to_category}"
                                       for r in node.relaxations)
        lines.append(f"  {name} [label={_q(label)}];")
        for slot, child in enumerate(node.children):
            lines.append(f"  {name} -> {visit(child)} [label={_q(f'<{slot}>')}];")
        return name

    visit(derivation)
    lines.append("}")
    return "\n".join(lines)


def _q(text: str) -> str:
    # JSON string quoting escapes quotes and backslashes the way DOT reads them,
    # except that our own "\n" line breaks must stay DOT escapes.
    return json.dumps(text).replace("\\\\n", "\\n")
