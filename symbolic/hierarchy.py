"""The category hierarchy: what each slot admits, at each level of relaxation.

For every slot of every rule, four nested categories:

- level 0, ``seen(r/s)``: the exact fillers seen in that slot. A filler is a
  word (its lexical rule) or a phrase, identified by the rule at its root;
- level 1, ``similar(r/s)``: fillers that occur in much the same *set* of
  slots as some seen filler (Jaccard similarity of their whole slot sets at
  least ``similarity``), a word only like a word and a phrase only like a
  phrase, and a phrase only where it sits below the slot's rule in the
  nesting order training showed (:meth:`Hierarchy.nests_below`: a rule's
  phrase inside itself where it never recursed, or inside a peer, is a new
  nesting that no seen filler vouches for);
- level 2, ``type(t)``: fillers of the same meaning type as some seen filler:
  a word whose meaning has k tokens; a phrase seen inside some slot; a phrase
  seen only as a whole input (``whole``: since no slot ever held one, no
  slot admits one below level 3);
- level 3, ``any``: any constituent.

The seen fillers are the admissions that induction made, each because
training examples needed it (:mod:`symbolic.induction`), with those examples
as evidence.

>>> h = Hierarchy({("r1", 0): {"lex:a": ("e1",)}}, {"lex:a": "word:1", "lex:b": "word:1",
...               "r1": "phrase"}, {"lex:a": ("e0",), "lex:b": ("e2",), "r1": ("e1",)})
>>> h.level("r1", 0, "lex:a"), h.level("r1", 0, "lex:b"), h.level("r1", 0, "r1")
(0, 2, 3)
>>> h.category("r1", 0, 2)
'type(word:1)'
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import cached_property

import networkx as nx

from sandbox.derivation import Relaxation
from symbolic.rules import Rule, RuleKind
from symbolic.work import Work

Slot = tuple[str, int]
Seen = dict[Slot, dict[str, tuple[str, ...]]]  # slot -> filler -> example ids
LEVEL_NAMES = ("seen", "similar", "type", "any")


class Hierarchy:
    """Categories per slot, their levels, and the evidence behind each (see the module docstring)."""

    def __init__(self, seen: Seen, mtypes: Mapping[str, str], rule_evidence: Mapping[str, Sequence[str]],
                 similarity: float = 0.5, slots: Sequence[Slot] = ()):
        self.seen = {slot: dict(fillers) for slot, fillers in seen.items()}
        for slot in slots:
            self.seen.setdefault(slot, {})
        self.mtypes = dict(mtypes)
        self.rule_evidence = {k: tuple(v) for k, v in rule_evidence.items()}
        self.similarity = similarity
        self.slotsets: dict[str, set[Slot]] = {f: set() for f in self.mtypes}
        for slot, fillers in self.seen.items():
            for f in fillers:
                self.slotsets.setdefault(f, set()).add(slot)
        for f, t in self.mtypes.items():
            if t == "phrase" and not self.slotsets[f]:
                self.mtypes[f] = "whole"
        self._levels: dict[Slot, dict[str, int]] = {}  # filled per slot on first use
        # Induction charges its budget for each slot's table (symbolic.work): a filler
        # compared with a seen one is a step.
        self.work: Work | None = None

    @staticmethod
    def kind(mtype: str) -> str:
        return "word" if mtype.startswith("word") else "phrase"

    def _jaccard(self, f: str, g: str) -> float:
        if self.kind(self.mtypes[f]) != self.kind(self.mtypes[g]):
            return 0.0  # a phrase is never distributionally like a bare word
        a, b = self.slotsets.get(f, set()), self.slotsets.get(g, set())
        union = len(a | b)
        return len(a & b) / union if union else 0.0

    def _similar(self, f: str, g: str) -> bool:
        return self._jaccard(f, g) >= self.similarity

    @cached_property
    def inside(self) -> dict[str, set[str]]:
        """For each rule, the rules whose phrases it has been seen inside, transitively.

        Phrases nest one way: where a rule's phrases fill another's slots, that
        rule binds tighter (precedence is a partial order). A reading that puts
        a phrase inside one of its own fillers' kind closes a cycle.
        """
        g = self.nesting_graph()
        return {f: nx.descendants(g, f) for f in g}

    def nesting_graph(self) -> nx.DiGraph:
        """An edge from each phrase filler to each rule it has been seen in a slot of."""
        g = nx.DiGraph()
        for (rule, _), fillers in self.seen.items():
            for f in fillers:
                if self.nests(rule, f):
                    g.add_edge(f, rule)
        return g

    def nests(self, rule: str, filler: str) -> bool:
        """Whether ``filler`` in a slot of ``rule`` is a nesting (a phrase of another rule)."""
        return filler != rule and self.kind(self.mtypes[filler]) == "phrase"

    def cycles(self, rule: str, filler: str) -> int:
        """1 if putting a ``filler`` phrase into a slot of ``rule`` reverses a seen nesting, else 0.

        (A rule inside itself is recursion, not a reversal.)
        """
        return reverses(self.inside, rule, filler)

    @cached_property
    def heights(self) -> dict[str, tuple[int, int]]:
        """Each phrase rule's height in the seen nesting order, and its strongly connected part.

        A rule whose phrases were seen only with words in its slots has height
        0; one seen holding phrases sits one above the highest of them. Rules
        seen inside one another (recursion) share a part and a height.
        """
        g = self.nesting_graph()
        parts = nx.condensation(g)
        height: dict[int, int] = {}
        for c in nx.topological_sort(parts):
            height[c] = max((height[p] + 1 for p in parts.predecessors(c)), default=0)
        part = parts.graph["mapping"]
        return {f: (height[part[f]], part[f]) for f in g}

    def nests_below(self, filler: str, rule: str) -> bool:
        """Whether a ``filler`` phrase may go inside ``rule`` by resemblance (level 1).

        Precedence read off the data is a partial order of heights: a phrase
        goes inside rules above it, or inside its own recursive part. A phrase
        at or above the rule's height inside it (a rule inside itself where it
        never recursed, or inside a peer that never held it) is a new nesting
        that no seen filler vouches for: resemblance does not admit it.
        """
        if self.kind(self.mtypes[filler]) != "phrase":
            return True
        f_height, f_part = self.heights.get(filler, (0, -1))
        r_height, r_part = self.heights.get(rule, (0, -2))
        if f_part == r_part:
            return filler != rule or rule in self.slotsets.get(rule, ())  # the rule seen inside itself
        return f_height < r_height

    def closeness(self, rule: str, slot: int, filler: str) -> float:
        """How like the slot's seen fillers ``filler`` is (the best Jaccard similarity; 1 if seen).

        It grades level 1: among readings that relax as many slots, the one
        whose relaxed fillers resemble the slots' own fillers more is preferred.
        """
        seen = self.seen.get((rule, slot), {})
        return 1.0 if filler in seen else max((self._jaccard(filler, g) for g in seen), default=0.0)

    def _slot_levels(self, slot: Slot) -> dict[str, int]:
        seen = self.seen[slot]
        types = {self.mtypes[g] for g in seen}
        # With a positive threshold, only a filler that shares a slot with a seen one can be similar.
        near: set[str] | None = None
        if self.similarity > 0:
            near = {f for g in seen for other in self.slotsets.get(g, ()) for f in self.seen[other]}
        if self.work is not None:
            self.work.charge(len(self.mtypes) + len(seen) * (len(self.mtypes) if near is None else len(near)))
        out: dict[str, int] = {}
        for f in sorted(self.mtypes):
            if f in seen:
                out[f] = 0
            elif self.nests_below(f, slot[0]) and (near is None or f in near) and any(
                    self._similar(f, g) for g in seen):
                out[f] = 1
            elif self.mtypes[f] in types:
                out[f] = 2
        return out

    def _table(self, slot: Slot) -> dict[str, int]:
        table = self._levels.get(slot)
        if table is None:
            table = self._levels[slot] = self._slot_levels(slot) if slot in self.seen else {}
        return table

    def level(self, rule: str, slot: int, filler: str) -> int:
        """The least relaxation level at which ``filler`` may fill ``slot`` of ``rule``."""
        return self._table((rule, slot)).get(filler, 3)

    def levels(self, rule: str, slot: int) -> dict[str, int]:
        """Every filler admitted below level 3, with its level."""
        return dict(self._table((rule, slot)))

    def admits_phrases(self, rule: str, slot: int) -> bool:
        """Whether some phrase fills the slot below level 3 (some seen filler is a phrase)."""
        return any(self.kind(self.mtypes[f]) == "phrase" for f in self.seen.get((rule, slot), ()))

    def category(self, rule: str, slot: int, level: int, filler: str | None = None) -> str:
        """The name of the category at ``level`` for a slot (level 2 names the filler's type)."""
        if level == 0:
            return f"seen({rule}/{slot})"
        if level == 1:
            return f"similar({rule}/{slot})"
        if level == 2:
            if filler is not None:
                return f"type({self.mtypes[filler]})"
            types = sorted({self.mtypes[g] for g in self.seen.get((rule, slot), {})})
            return f"type({'|'.join(types)})"
        return "any"

    def relaxation(self, rule: str, slot: int, filler: str) -> Relaxation:
        """The relaxation step that admits ``filler`` into the slot, with its evidence."""
        level = self.level(rule, slot, filler)
        seen = self.seen.get((rule, slot), {})
        own = self.rule_evidence.get(filler, ())[:1]
        if level == 1:
            g = next(g for g in sorted(seen) if self._similar(filler, g))
            shared = sorted(self.slotsets[filler] & self.slotsets[g])
            ids = seen[g][:1] + self.seen[shared[0]][filler][:1]
        elif level == 2:
            g = next(g for g in sorted(seen) if self.mtypes[g] == self.mtypes[filler])
            ids = seen[g][:1] + own
        else:
            ids = next(iter(seen.values()), self.rule_evidence.get(rule, ()))[:1] + own
        return Relaxation(slot, level, self.category(rule, slot, 0),
                          self.category(rule, slot, level, filler), tuple(dict.fromkeys(ids)))

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The hierarchy as a DAG: fillers -> seen -> similar -> type -> any.

        An edge from a filler to a category means the filler belongs to it; an
        edge between categories means the first is contained in the second.
        """
        g = nx.DiGraph()
        g.add_node("any", level=3)
        for f, t in sorted(self.mtypes.items()):
            g.add_node(f"filler:{f}", level=-1, evidence=list(self.rule_evidence.get(f, ())))
            g.add_node(f"type({t})", level=2)
            g.add_edge(f"filler:{f}", f"type({t})")
            g.add_edge(f"type({t})", "any")
        for (rule, slot), seen in sorted(self.seen.items()):
            base, similar = self.category(rule, slot, 0), self.category(rule, slot, 1)
            g.add_node(base, level=0, rule=rule, slot=slot)
            g.add_node(similar, level=1, rule=rule, slot=slot)
            g.add_edge(base, similar)
            for t in sorted({self.mtypes[f] for f in seen}):
                g.add_edge(similar, f"type({t})")
            for f, lvl in sorted(self._table((rule, slot)).items()):
                if lvl == 0:
                    g.add_edge(f"filler:{f}", base, evidence=list(seen[f]))
                elif lvl == 1:
                    g.add_edge(f"filler:{f}", similar)
            if not seen:
                g.add_edge(similar, "any")
        return g


def meaning_types(lexicon: Mapping[str, Rule], rules: Mapping[str, Rule]) -> dict[str, str]:
    """Each filler's meaning type: ``word:k`` for a word meaning k tokens, else ``phrase``."""
    out = {r.id: f"word:{len(r.template)}" for r in lexicon.values()}
    out.update({r.id: "phrase" for r in rules.values() if r.kind is not RuleKind.LEXICAL})
    return out


def seen_fillers(evidence: Mapping[tuple[str, int, str], Sequence[str]]) -> Seen:
    """Slot -> filler -> example ids, from induction's admissions and their evidence."""
    seen: Seen = {}
    for (rule, slot, filler), ids in sorted(evidence.items()):
        seen.setdefault((rule, slot), {})[filler] = tuple(ids)
    return seen


def reverses(inside: Mapping[str, Collection[str]], rule: str, filler: str) -> int:
    """1 if a ``filler`` phrase in a slot of ``rule`` reverses the nesting ``inside`` records, else 0.

    ``inside[r]`` holds the rules whose phrases ``r``'s phrases have been seen
    inside (see ``Hierarchy.inside``); a rule inside itself is recursion.

    >>> reverses({"r1": {"r2"}}, "r1", "r2"), reverses({"r1": {"r2"}}, "r2", "r1"), reverses({}, "r1", "r1")
    (1, 0, 0)
    """
    return int(filler != rule and filler in inside.get(rule, ()))
