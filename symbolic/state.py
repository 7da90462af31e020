"""What induction knows at each step: the rules so far, the fillers each slot has held, and the budgets.

Induction (:mod:`symbolic.induction`) changes one :class:`State` in place, a
whole change at a time; proposals (:mod:`symbolic.proposals`) read it. The
chart and the hierarchy of the rules so far are built from it on demand and
dropped by :meth:`State.changed`, so that every reader sees the rules as they
are now; :meth:`State.snapshot` and :meth:`State.restore` put a state back
(revision tries a change and undoes it).

>>> from symbolic.rules import Rule, RuleKind
>>> lexicon = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e0",), RuleKind.LEXICAL) for w in ("blor", "tepa")}
>>> state = State(lexicon)
>>> state.rules["r1"] = Rule("r1", (0, "voss"), (0, 0), ("e1",), RuleKind.COMPOSITION)
>>> state.admit("r1", 0, "lex:blor", ("e1",))
>>> state.changed()
>>> state.level("r1", 0, "lex:blor"), state.level("r1", 0, "lex:tepa")  # seen; same meaning type
(0, 2)
>>> state.chart.derivable(("tepa", "voss"), ("TEPA", "TEPA"))
True
>>> saved = state.snapshot()
>>> state.remove("r1")
>>> state.chart.derivable(("tepa", "voss"), ("TEPA", "TEPA"))
False
>>> state.restore(saved)
>>> sorted(state.rules), state.chart.derivable(("tepa", "voss"), ("TEPA", "TEPA"))
(['r1'], True)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from symbolic.chart import MAX_LEVEL, InductionChart
from symbolic.hierarchy import Hierarchy, meaning_types, seen_fillers
from symbolic.rules import ADMISSION_EVIDENCE, Item, Rule
from symbolic.work import BudgetSpent, Work

if TYPE_CHECKING:  # proposals import this module: the key types are for annotations only
    from symbolic.proposals import Key

Admission = tuple[str, int, str]  # (rule id, slot, filler rule id)


@dataclass
class State:
    """The rules learned so far and the fillers each slot has held, with their evidence."""

    lexicon: dict[str, Rule]
    rules: dict[str, Rule] = field(default_factory=dict)
    evidence: dict[Admission, tuple[str, ...]] = field(default_factory=dict)
    rejected: set[Key] = field(default_factory=set)  # proposals that contradict an example
    supporters: dict[str, list[int]] = field(default_factory=dict)  # examples behind each rule
    counter: int = 0  # composition rules made so far (their ids)
    max_slots: int = 3
    similarity: float = 0.5
    named: frozenset[str] = frozenset()  # tokens words name: a rule's constant only as a last resort
    max_proposals: int | None = None  # the work budget: examples' proposals computed, at most
    proposals_made: int = 0  # spent work stays spent: restore() leaves it alone
    exhausted: bool = False  # induction wanted more work than max_proposals (or ``work``) allowed
    work: Work | None = None  # every step of induction is charged here (see symbolic.work)
    max_chart: int | None = None  # analyses the chart may hold
    spent_at: str | None = None  # the stage at which a budget ran out (None: none did, or max_proposals)
    _chart: InductionChart | None = None
    _hierarchy: Hierarchy | None = None
    _stale: InductionChart | None = None  # the last chart, whose memo the next one inherits from

    @property
    def hierarchy(self) -> Hierarchy:
        """The categories the fillers seen so far give (levels 0-2 admit without a proposal)."""
        if self._hierarchy is None:
            slots = [(r.id, s) for r in self.rules.values() for s in range(r.n_slots)]
            self._hierarchy = Hierarchy(
                seen_fillers(self.evidence), meaning_types(self.lexicon, self.rules),
                {r.id: r.evidence for r in (*self.lexicon.values(), *self.rules.values())},
                self.similarity, slots)
            if self.spent_at is None:
                self._hierarchy.work = self.work
        return self._hierarchy

    @property
    def chart(self) -> InductionChart:
        """The chart of the rules so far; once a budget is spent, the last one built, frozen."""
        if self._chart is None:
            if self.spent_at is None:
                h = self.hierarchy
                self._chart = InductionChart(self.lexicon, self.rules.values(), self.level, h.admits_phrases,
                                             previous=self._stale, work=self.work, max_size=self.max_chart)
            else:
                self._chart = self._stale or InductionChart(self.lexicon, (), self.level)
            self._stale = None
        if self.spent_at is not None:
            self._chart.freeze()
        return self._chart

    def charge_to(self, work: Work) -> None:
        """From now on charge ``work`` (a revision's state, found on a sub-budget, joins the fit's)."""
        self.work = work
        if self._chart is not None and self._chart.work is not None:
            self._chart.work = work
        if self._hierarchy is not None and self._hierarchy.work is not None:
            self._hierarchy.work = work

    def spend_out(self, spent: BudgetSpent) -> None:
        """Record that a budget ran out: from now on the chart computes nothing more."""
        self.exhausted, self.spent_at = True, spent.stage
        if self._hierarchy is not None:
            self._hierarchy.work = None

    def changed(self) -> None:
        if self._chart is not None:
            self._stale = self._chart
        self._chart = None
        self._hierarchy = None

    def snapshot(self) -> State:
        """A copy to put back with :meth:`restore` (rules and records are immutable values)."""
        # The lexicon is replaced when a word is inferred, never changed in place: shared.
        return replace(self, rules=dict(self.rules), evidence=dict(self.evidence),
                       rejected=set(self.rejected),
                       supporters={k: list(v) for k, v in self.supporters.items()})

    def restore(self, saved: State) -> None:
        self.lexicon, self.rules, self.evidence, self.rejected = saved.lexicon, saved.rules, saved.evidence, \
            saved.rejected
        self.supporters, self.counter = saved.supporters, saved.counter
        # The saved chart and hierarchy belong to exactly these rules: keep their memo.
        self._chart, self._hierarchy = saved._chart, saved._hierarchy

    def remove(self, rule_id: str) -> None:
        """Drop a rule and every record of its slots and of it as a filler."""
        del self.rules[rule_id]
        self.evidence = {k: v for k, v in self.evidence.items() if rule_id not in (k[0], k[2])}
        self.supporters.pop(rule_id, None)
        self.changed()

    def admit(self, rule: str, slot: int, filler: str, ids: tuple[str, ...]) -> None:
        """Record ``filler`` as seen in the slot (call :meth:`changed` after a batch)."""
        old = self.evidence.get((rule, slot, filler), ())
        if len(old) < ADMISSION_EVIDENCE:
            self.evidence[(rule, slot, filler)] = tuple(dict.fromkeys(old + ids))[:ADMISSION_EVIDENCE]

    def level(self, rule: str, slot: int, filler: str) -> int:
        """The filler's level in the slot, as induction admits it.

        A slot of a rule without fixed words admits a phrase by its meaning
        type (level 2) only through a proposal: such a rule reads any sequence
        of constituents, so each kind of phrase it takes must have been seen
        there, or be like one that has (level 1; see the module docstring on
        widening). The parser's levels are the hierarchy's, unchanged.
        """
        h = self.hierarchy
        level = h.level(rule, slot, filler)
        if level == MAX_LEVEL and not self.rules[rule].fixed_words and h.kind(h.mtypes[filler]) == "phrase":
            return MAX_LEVEL + 1
        return level

    def admits(self, rule: str, slot: int, fillers: frozenset[str]) -> bool:
        """Whether some filler fills the slot without a proposal (level 2 at most)."""
        return any(self.level(rule, slot, f) <= MAX_LEVEL for f in fillers)

    def admits_phrases(self, rule: str, slot: int) -> bool:
        return self.hierarchy.admits_phrases(rule, slot)

    def rule_with_form(self, pattern: tuple[Item, ...], template: tuple[Item, ...]) -> str | None:
        for r in self.rules.values():
            if r.pattern == pattern and r.template == template:
                return r.id
        return None
