"""A semantic-equivalence judge for logical forms written as conjunctions with variables.

Two forms are *equivalent* when they are equal up to the order of their
conjuncts and a consistent, one-to-one renaming of their variables (the
semantic match of ReCOGS, Wu, Manning & Potts 2023, "ReCOGS: How Incidental
Details of a Logical Form Overshadow an Evaluation of Semantic
Interpretation", TACL). The judge knows nothing of any task: a task names its
syntax in a :class:`LogicalFormSyntax`:

- ``variable_marker``: the tokens that open a variable; the one token after
  them names it (COGS: ``x _`` as in ``x _ 4``);
- ``conjunction``: the token between conjuncts (COGS: ``AND``);
- ``terminator``: the token that closes a conjunct of the prefix, whose
  conjuncts come before the body (COGS: ``;`` after ``* cake ( x _ 4 )``).

A form is read as a multiset of conjuncts, each tagged *prefix* or *body*
(a conjunct moved from the prefix into the body changes the meaning), and
each a *shape* (its tokens with every variable replaced by a hole) plus the
variables in its holes. Equivalence is then an isomorphism of labelled
bipartite graphs (conjunct nodes labelled by tag and shape, variable nodes,
edges labelled by the hole positions a variable fills). Colour refinement
(Weisfeiler-Leman) of the variables usually forces the only candidate
renaming, which is then checked directly; where symmetric variables remain,
networkx's VF2 matcher decides exactly. Tokens are only
compared, never interpreted: data is never executed. Any token sequence is a
form (a malformed answer is read as best it can and simply fails to match).

The examples use an invented syntax (variables ``v : N``, conjunction ``&``,
prefix terminator ``|``):

>>> syntax = LogicalFormSyntax(variable_marker=("v", ":"), conjunction="&", terminator="|")
>>> gold = "def ( v : 1 ) | see . who ( v : 2 , v : 1 ) & bird ( v : 5 )".split()
>>> equivalent(gold, "def ( v : 7 ) | bird ( v : 3 ) & see . who ( v : 9 , v : 7 )".split(), syntax)
True
>>> equivalent(gold, "def ( v : 1 ) | see . whom ( v : 2 , v : 1 ) & bird ( v : 5 )".split(), syntax)
False
>>> equivalent(gold, "def ( v : 1 ) | see . who ( v : 2 , v : 2 ) & bird ( v : 5 )".split(), syntax)
False
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
from networkx.algorithms.isomorphism import DiGraphMatcher

from sandbox.data import Example, Tokens

# The hole left in a conjunct's shape where a variable stood (not a string, so no token can equal it).
HOLE = None
PREFIX, BODY = "prefix", "body"


@dataclass(frozen=True)
class LogicalFormSyntax:
    """The few symbols a task's logical forms use for variables and conjunction (see the module docstring)."""

    variable_marker: tuple[str, ...]
    conjunction: str
    terminator: str | None = None

    def __post_init__(self) -> None:
        if not self.variable_marker:
            raise ValueError("a variable marker needs at least one token")


Shape = tuple[str | None, ...]


@dataclass(frozen=True)
class Conjunct:
    """One conjunct: whether it is in the prefix or the body, its shape, and the variables in its holes."""

    tag: str
    shape: Shape
    variables: tuple[str, ...]


def conjuncts(form: Sequence[str], syntax: LogicalFormSyntax) -> list[Conjunct]:
    """The conjuncts of ``form``, in order.

    >>> syntax = LogicalFormSyntax(("v", ":"), "&", "|")
    >>> [(c.tag, c.shape, c.variables) for c in conjuncts("p ( v : 1 ) | q ( v : 1 , k )".split(), syntax)]
    [('prefix', ('p', '(', None, ')'), ('1',)), ('body', ('q', '(', None, ',', 'k', ')'), ('1',))]
    """
    out: list[Conjunct] = []
    tokens = tuple(form)
    segments = _split(tokens, syntax.terminator) if syntax.terminator is not None else [tokens]
    for i, segment in enumerate(segments):
        tag = BODY if i == len(segments) - 1 else PREFIX
        for part in _split(segment, syntax.conjunction):
            shape, variables = _shape(part, syntax.variable_marker)
            out.append(Conjunct(tag, shape, variables))
    return out


def _split(tokens: Tokens, separator: str) -> list[Tokens]:
    cuts = [i for i, token in enumerate(tokens) if token == separator]
    starts, stops = [0, *(i + 1 for i in cuts)], [*cuts, len(tokens)]
    return [tokens[a:b] for a, b in zip(starts, stops, strict=True)]


def _shape(part: Tokens, marker: tuple[str, ...]) -> tuple[Shape, tuple[str, ...]]:
    """``part`` with each variable (marker and name) replaced by one hole, and the names in order."""
    shape: list[str | None] = []
    names: list[str] = []
    i, k = 0, len(marker)
    while i < len(part):
        if part[i:i + k] == marker and i + k < len(part):
            shape.append(HOLE)
            names.append(part[i + k])
            i += k + 1
        else:
            shape.append(part[i])
            i += 1
    return tuple(shape), tuple(names)


def refined_colours(mine: Sequence[Conjunct], theirs: Sequence[Conjunct]) -> tuple[dict[str, int], dict[str, int]]:
    """Colours of the variables of two forms, refined together (Weisfeiler-Leman) so that they compare.

    A variable starts coloured by the (tag, shape, hole) triples it fills and
    is recoloured by the colours of the variables it shares conjuncts with,
    until the number of colours stops growing. A renaming that maps one form
    onto the other maps every variable to one of the same colour, so colours
    prune the search (and usually force the mapping) without changing the
    verdict.
    """
    # Shapes and colours are numbered from one palette shared by both forms, so that colours compare
    # across them and every sort key is a tuple of ints.
    palette: dict[object, int] = {}
    forms = (mine, theirs)
    kinds = [[palette.setdefault((c.tag, c.shape), len(palette)) for c in form] for form in forms]
    names = [sorted({v for c in form for v in c.variables}) for form in forms]
    colours: list[dict[str, int]] = [dict.fromkeys(ns, 0) for ns in names]
    classes = 1
    for _ in range(1 + max(len(names[0]), len(names[1]))):
        new: list[dict[str, int]] = []
        for form, kind, colour in zip(forms, kinds, colours, strict=True):
            seen: dict[str, list[tuple[int, ...]]] = {v: [] for v in colour}
            for item, shape in zip(form, kind, strict=True):
                context = (shape, *(colour[v] for v in item.variables))
                for hole, name in enumerate(item.variables):
                    seen[name].append((hole, *context))
            new.append({v: palette.setdefault((colour[v], *sorted(seen[v])), len(palette)) for v in colour})
        count = len(set(new[0].values()) | set(new[1].values()))
        colours = new
        if count <= classes:
            break
        classes = count
    return colours[0], colours[1]


def form_graph(items: Sequence[Conjunct], colour: dict[str, int]) -> nx.DiGraph:
    """The bipartite graph of a form: conjunct nodes to the variables that fill their holes.

    A conjunct node is labelled with its tag and shape, a variable node with
    its colour (:func:`refined_colours`), an edge with the hole positions the
    variable fills in that conjunct (one variable may fill several).
    """
    graph = nx.DiGraph()
    for name, value in colour.items():
        graph.add_node(("v", name), label=value)
    for index, item in enumerate(items):
        graph.add_node(("c", index), label=(item.tag, item.shape))
        for hole, name in enumerate(item.variables):
            edge = graph.get_edge_data(("c", index), ("v", name))
            holes = (() if edge is None else edge["holes"]) + (hole,)
            graph.add_edge(("c", index), ("v", name), holes=holes)
    return graph


def _same_label(a: dict[str, object], b: dict[str, object]) -> bool:
    return a["label"] == b["label"]


def _same_holes(a: dict[str, object], b: dict[str, object]) -> bool:
    return a["holes"] == b["holes"]


def _renamed(items: Sequence[Conjunct], mapping: dict[str, str]) -> Counter[tuple[str, Shape, tuple[str, ...]]]:
    """The multiset of conjuncts with each variable renamed by ``mapping`` (kept where it has no entry)."""
    return Counter((c.tag, c.shape, tuple(mapping.get(v, v) for v in c.variables)) for c in items)


def equivalent(form: Sequence[str], other: Sequence[str], syntax: LogicalFormSyntax) -> bool:
    """Whether two forms are equal up to conjunct order and a one-to-one renaming of variables."""
    if tuple(form) == tuple(other):
        return True
    mine, theirs = conjuncts(form, syntax), conjuncts(other, syntax)
    # Necessary conditions first: the same conjunct shapes, then the same variable colours.
    if Counter((c.tag, c.shape) for c in mine) != Counter((c.tag, c.shape) for c in theirs):
        return False
    colour_a, colour_b = refined_colours(mine, theirs)
    if Counter(colour_a.values()) != Counter(colour_b.values()):
        return False
    if len(set(colour_a.values())) == len(colour_a):
        # Every colour names one variable: the only candidate renaming is forced; check it.
        by_colour = {c: v for v, c in colour_b.items()}
        return _renamed(mine, {v: by_colour[c] for v, c in colour_a.items()}) == _renamed(theirs, {})
    # Symmetric variables remain (e.g. two unrelated `p ( v )`): an exact search (VF2) decides.
    matcher = DiGraphMatcher(form_graph(mine, colour_a), form_graph(theirs, colour_b),
                             node_match=_same_label, edge_match=_same_holes)
    return bool(matcher.is_isomorphic())


@dataclass(frozen=True)
class SemanticJudge:
    """A task's semantic judge: :func:`equivalent` under the task's syntax, as a :data:`~sandbox.data.Judge`.

    >>> judge = SemanticJudge(LogicalFormSyntax(("v", ":"), "&"))
    >>> judge(Example.of("a b", "p ( v : 1 ) & q ( v : 2 )"), tuple("q ( v : 1 ) & p ( v : 2 )".split()))
    True
    """

    syntax: LogicalFormSyntax
    name: str = "semantic"
    description: str = ("equal up to the order of conjuncts and a consistent one-to-one renaming of variables "
                        "(ReCOGS's semantic match, Wu et al. 2023)")

    def __call__(self, example: Example, prediction: Tokens) -> bool:
        return equivalent(example.target, prediction, self.syntax)
