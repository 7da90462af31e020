"""Whether a proposed rule or widening agrees with every training example.

A rule is judged by its categories, not by a flat match: it contradicts an
example only where it applies to the whole example with every slot filled by
a filler it admits (the caller says which), and no such reading gives the
example's output, each part read by its least relaxed readings, among the
examples the rules derive so far. "a op b post" read as "(a op b) post"
does not contradict a rule for "post" whose slot has held bare words only,
because an "op" phrase is not among its fillers; a rule "<0> vin <1> -> <1>
<0>" learned from "a vin a" is contradicted by "a vin b -> A B".

>>> from sandbox.data import Example
>>> from symbolic.chart import InductionChart
>>> from symbolic.rules import Rule, RuleKind
>>> lex = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e",), RuleKind.LEXICAL) for w in "ab"}
>>> data = [Example.of("a vin b", "A B", id="e1")]
>>> check = Consistency(data, frozenset({"lex:a", "lex:b"}))
>>> concat = Rule("r1", (0, "vin", 1), (0, 1), ("e1",), RuleKind.COMPOSITION)
>>> chart = InductionChart(lex, [concat], lambda r, s, f: 0)
>>> swap = {0: {"lex:a", "lex:b"}, 1: {"lex:a", "lex:b"}}
>>> check.contradiction(chart, (0, "vin", 1), (1, 0), swap)
'e1'
>>> check.contradiction(chart, (0, "vin", 1), (0, 1), swap) is None
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import islice, product

from sandbox.data import Example
from symbolic.chart import InductionChart
from symbolic.matching import compile_tiler
from symbolic.rules import Item, Tokens
from symbolic.work import Work

MAX_COMBOS = 64


class Consistency:
    """Checks proposals against the training examples (indexed by word for speed)."""

    def __init__(self, examples: Sequence[Example], lexical: frozenset[str] = frozenset(),
                 work: Work | None = None):
        self.examples = list(examples)
        self.work = work  # each example checked is a step (see symbolic.work)
        self.lexical = lexical  # ids of lexical rules: fillers that are bare words
        self.by_word: dict[str, list[int]] = defaultdict(list)
        self.by_length: dict[int, list[int]] = defaultdict(list)
        # Shortest first, so that a check can stop at the examples induction has reached.
        for i in sorted(range(len(self.examples)), key=lambda i: len(self.examples[i].source)):
            ex = self.examples[i]
            for w in set(ex.source):
                self.by_word[w].append(i)
            self.by_length[len(ex.source)].append(i)

    def _candidates(self, pattern: Sequence[Item], phrasal: Sequence[bool],
                    required: frozenset[str] = frozenset()) -> list[int]:
        words = [x for x in pattern if isinstance(x, str)] + sorted(required)
        if words:
            return min((self.by_word.get(w, []) for w in words), key=len)
        if not any(phrasal):
            return self.by_length.get(len(pattern), [])
        return [i for n in sorted(self.by_length) for i in self.by_length[n]]

    def contradiction(self, chart: InductionChart, pattern: tuple[Item, ...], template: tuple[Item, ...],
                      fillers: Mapping[int, set[str]],
                      must_use: tuple[int, set[str]] | None = None,
                      max_length: int | None = None, required: frozenset[str] = frozenset()) -> str | None:
        """The id of an example the rule contradicts with its own fillers, or ``None``.

        ``must_use`` (slot, fillers) limits the check to readings that put one
        of those fillers in that slot (what a widening adds); ``max_length``
        to the examples no longer than that (those induction has reached);
        ``required`` to the examples with all these words (those a ``must_use``
        filler's phrase can stand in).
        """
        n_slots = sum(1 for x in pattern if isinstance(x, int))
        phrasal = [any(f not in self.lexical for f in fillers.get(s, ())) for s in range(n_slots)]
        tile = compile_tiler(pattern, None, tuple(phrasal))
        for i in self._candidates(pattern, phrasal, required):
            ex = self.examples[i]
            if max_length is not None and len(ex.source) > max_length:
                break
            if self.work is not None:
                self.work.charge()
            matches = tile(ex.source, self.work)
            # Only an example the rules derive already says what its parts mean;
            # the parts of one they cannot derive yet may be read in ways the
            # missing rule would make wrong.
            if not matches or not chart.derivable(ex.source, ex.target):
                continue
            for spans in matches:
                verdict = self._judge(chart, ex, spans, template, fillers, must_use)
                if verdict is False:
                    return ex.id
        return None

    @staticmethod
    def _judge(chart: InductionChart, ex: Example, spans: tuple[tuple[int, int], ...],
               template: tuple[Item, ...], fillers: Mapping[int, set[str]],
               must_use: tuple[int, set[str]] | None) -> bool | None:
        """True if a reading gives the output, False if readings exist and none does."""
        options: list[list[tuple[Tokens, bool]]] = []
        for slot, (a, b) in enumerate(spans):
            own = fillers.get(slot, set())
            found = chart.analyses(ex.source[a:b])
            if not found:
                return None
            # A part is read by its least relaxed readings only: a reading that needs
            # more relaxation than another is not what the example says the part means.
            least = min(d.cost for d in found.values())
            opts = [(m, bool(must_use and must_use[0] == slot and root in must_use[1]))
                    for (root, m), d in found.items() if root in own and d.cost == least]
            if not opts:
                return None
            options.append(sorted(set(opts)))
        readings = False
        for combo in islice(product(*options), MAX_COMBOS):
            if must_use is not None and not any(used for _, used in combo):
                continue
            readings = True
            out: list[str] = []
            for x in template:
                out.extend(combo[x][0] if isinstance(x, int) else (x,))
            if tuple(out) == ex.target:
                return True
        return False if readings else None
