"""Traces: derivations in the sandbox's format, and a replay that needs only the rules.

:class:`TraceBuilder` turns the parser's analyses into
:class:`~sandbox.derivation.Derivation` trees (rule, pattern, template, span,
children, evidence, relaxation steps, output), caching sub-trees by phrase and
position. :func:`replay` rebuilds an output from a trace and a table of rules
alone; it never calls the learner.

>>> from symbolic.rules import Rule, RuleKind
>>> rules = {"lex:a": Rule("lex:a", ("a",), ("A",), ("e0",), RuleKind.LEXICAL),
...          "r1": Rule("r1", (0, "rep"), (0, 0), ("e1",), RuleKind.COMPOSITION)}
>>> leaf = Derivation("lex:a", ("a",), ("A",), (0, 1), (), ("e0",), output=("A",))
>>> replay(Derivation("r1", (0, "rep"), (0, 0), (0, 2), (leaf,), ("e1",)), rules)
('A', 'A')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sandbox.derivation import Derivation, Relaxation, ReplayError
from sandbox.frozen import frozen_value
from symbolic.hierarchy import Hierarchy
from symbolic.parser import Analysis
from symbolic.rules import Rule, Tokens

Attribution = tuple[tuple[int, ...], ...]


class TraceBuilder:
    """Derivations (and attributions) for the parser's analyses, built once per sub-tree."""

    def __init__(self, rules: Mapping[str, Rule], hierarchy: Hierarchy):
        self.rules = rules
        self.hierarchy = hierarchy
        # Keyed by the analysis object's identity (the parser's memo keeps each one
        # alive) and the position where it starts.
        self._nodes: dict[tuple[int, int], tuple[Derivation, Attribution]] = {}
        self._steps: dict[tuple[str, int, str], Relaxation] = {}
        # Templates of slots only: the attribution concatenates the children's.
        self._recipes = {r.id: tuple(int(x) for x in r.template) for r in rules.values()
                         if r.template and not r.constants}

    def build(self, top: Analysis) -> tuple[Derivation, Attribution]:
        """The derivation of a whole input's analysis and its attribution.

        The root of a whole input is rarely shared: it is built, not kept; its
        children come from the cache.
        """
        nodes = self._nodes
        kids: list[Derivation] = []
        attrs: list[Attribution] = []
        for a, _, child in top.children:
            found = nodes.get((id(child), a))
            if found is None:
                found = self._node(child, a)
            kids.append(found[0])
            attrs.append(found[1])
        return self._make(top, 0, tuple(kids), attrs)

    def _node(self, an: Analysis, offset: int) -> tuple[Derivation, Attribution]:
        key = (id(an), offset)
        found = self._nodes.get(key)
        if found is None:
            kids = [self._node(child, offset + a) for a, _, child in an.children]
            found = self._nodes[key] = self._make(an, offset, tuple(k for k, _ in kids),
                                                  [attr for _, attr in kids])
        return found

    def _make(self, an: Analysis, offset: int, kids: tuple[Derivation, ...],
              attrs: list[Attribution]) -> tuple[Derivation, Attribution]:
        rule = self.rules[an.rule]
        steps: tuple[Relaxation, ...] = ()
        if any(an.levels):
            steps = tuple(self._step(rule.id, slot, child.rule)
                          for slot, ((_, _, child), level) in enumerate(zip(an.children, an.levels,
                                                                            strict=True)) if level)
        # ``Derivation(...)`` built in one step (sandbox.frozen: a third of the cost of a short answer).
        node = frozen_value(Derivation, rule=rule.id, pattern=rule.pattern, template=rule.template,
                            span=(offset, offset + an.width), children=kids, evidence=rule.evidence,
                            relaxations=steps, output=an.meaning)
        recipe = self._recipes.get(rule.id)
        if recipe is None:
            return node, _attribution(node, attrs)
        if len(recipe) == 2:  # the commonest shape: two slots
            return node, attrs[recipe[0]] + attrs[recipe[1]]
        out: Attribution = ()
        for k in recipe:
            out += attrs[k]
        return node, out

    def _step(self, rule: str, slot: int, filler: str) -> Relaxation:
        key = (rule, slot, filler)
        if key not in self._steps:
            self._steps[key] = self.hierarchy.relaxation(rule, slot, filler)
        return self._steps[key]


def _attribution(node: Derivation, kids: Sequence[Attribution]) -> Attribution:
    # The same reading as sandbox.derivation.attribution, built from the
    # children's (cached) attributions instead of recomputing them.
    fixed: list[int] = []
    pos = node.span[0]
    for item in node.pattern:
        if isinstance(item, int):
            pos = node.children[item].span[1]
        else:
            fixed.append(pos)
            pos += 1
    own = tuple(fixed) or tuple(range(*node.span))
    out: list[tuple[int, ...]] = []
    for item in node.template:
        if isinstance(item, int):
            out.extend(kids[item])
        else:
            out.append(own)
    return tuple(out)


def replay(trace: Derivation, rules: Mapping[str, Rule], source: Sequence[str] | None = None) -> Tokens:
    """Rebuild the output of ``trace`` from ``rules`` alone, checking every step.

    Each node must name a rule in ``rules`` and state that rule's pattern and
    template; its children must tile its span between its fixed words; where
    ``source`` is given, the fixed words must be the input's words. Raises
    :class:`~sandbox.derivation.ReplayError` at the first step that fails,
    including a stated output that differs from the rebuilt one.
    """
    if source is not None and trace.span != (0, len(source)):
        raise ReplayError(f"root covers {trace.span}, input has {len(source)} words")
    return _replay(trace, rules, None if source is None else tuple(source))


def _replay(node: Derivation, rules: Mapping[str, Rule], source: Tokens | None) -> Tokens:
    rule = rules.get(node.rule)
    if rule is None:
        raise ReplayError(f"rule {node.rule} is not among the rules")
    if node.pattern != rule.pattern or node.template != rule.template:
        raise ReplayError(f"rule {node.rule}: the trace states another pattern or template")
    if len(node.children) != rule.n_slots:
        raise ReplayError(f"rule {node.rule}: {len(node.children)} children for {rule.n_slots} slots")
    pos, end = node.span
    for item in rule.pattern:
        if isinstance(item, int):
            child = node.children[item]
            if child.span[0] != pos or child.span[1] <= pos:
                raise ReplayError(f"rule {node.rule}: slot {item} does not start at position {pos}")
            pos = child.span[1]
        else:
            if source is not None and (pos >= len(source) or source[pos] != item):
                raise ReplayError(f"rule {node.rule}: expected word {item!r} at position {pos}")
            pos += 1
    if pos != end:
        raise ReplayError(f"rule {node.rule}: pattern ends at {pos}, span ends at {end}")
    built = rule.instantiate([_replay(child, rules, source) for child in node.children])
    if node.output and node.output != built:
        raise ReplayError(f"rule {node.rule}: states {node.output}, rebuilds {built}")
    return built
