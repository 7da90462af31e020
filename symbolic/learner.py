"""The symbolic rule learner: induction, categories, least relaxed parsing, traces.

>>> from sandbox.data import Example
>>> pairs = [("a", "A"), ("b", "B"), ("c", "C"), ("a rep", "A A"), ("b rep", "B B"),
...          ("a and b", "A B"), ("b and c", "B C"), ("c and a", "C A")]
>>> learner = SymbolicLearner().fit([Example.of(s, t, id=f"t{i}") for i, (s, t) in enumerate(pairs)])
>>> pred = learner.explain(("c", "rep"))
>>> pred.tokens, pred.relaxation_level
(('C', 'C'), 1)
>>> SymbolicLearner(max_relaxation=0).fit(learner.train_).explain(("c", "rep")).reason
'would need relaxation level 1 (the cap is 0)'
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from typing import Any

from sandbox import protocol
from sandbox.data import MAX_INPUT_TOKENS, Example, Tokens
from sandbox.derivation import Derivation
from sandbox.frozen import frozen_value
from sandbox.progress import reporter
from sandbox.protocol import ParamsMixin, Prediction
from symbolic.categories import build_hierarchy
from symbolic.chart import MAX_CHART
from symbolic.hierarchy import Hierarchy, meaning_types
from symbolic.inverse import InverseReading, is_backward_function, swapped
from symbolic.lexrevision import Params, revise_lexicon
from symbolic.logical import LogicalReading, read_logical_forms
from symbolic.parser import Analysis, Parser, Tie
from symbolic.recall import recall
from symbolic.rules import Rule, RuleKind
from symbolic.sequences import GROUPED_NOTE, SequenceReading, read_sequences
from symbolic.trace import TraceBuilder
from symbolic.work import BudgetSpent, Work

GROUPINGS = ("reading-order", "none")
MAX_PROPOSALS = 20_000
INVERSE_TRIGGER = 0.05  # the share of memorized examples at which the backward reading is tried
SEQUENCE_COVERAGE = 0.98  # the share of training examples the sequence reading must derive
LOGICAL_COVERAGE = 0.95  # the share of training examples the conjunct reading must read as trees
# Steps of one fit, every stage together (see the README): a SCAN split about 6e5; 10,000
# examples of a string-edit language about 3.6e5 (100,000: 3e6); COGS's 24,155 about 6.3e6.
MAX_WORK = 30_000_000
MAX_PARSE_ITEMS = 2_000_000  # parse items per predicted input (a 9-word SCAN command: about 300)


class NotFittedError(protocol.NotFittedError):
    """``predict`` or ``explain`` before ``fit`` (the sandbox's error, named here for old imports)."""


class SymbolicLearner(ParamsMixin):
    """Learns rewrite rules from examples and generalizes by relaxing their slot conditions.

    Hyperparameters (each an inductive bias with a name):

    - ``max_relaxation``: the highest relaxation level an answer may use
      (0 exact fillers, 1 distributional category, 2 meaning type, 3 any
      constituent); past it the learner abstains and says which level it
      would need.
    - ``max_slots``: the most slots a new rule may have.
    - ``similarity``: the Jaccard similarity of slot sets at which two
      fillers share a distributional category.
    - ``mutual_exclusivity``: a token already named by one word is not the
      meaning of another, and a rule writes it as a constant only where no
      other proposal fits (the rule's notes say so).
    - ``paradigm``: a word never seen alone is a meaning (that fills slots)
      only if another one-token meaning stands between the same neighbours
      somewhere;
      otherwise its token is a constant of the rules it anchors.
    - ``iconic_order``: where two templates fit the data equally well,
      prefer the one whose slot order follows the input.
    - ``grouping``: where two equally relaxed derivations give different
      outputs, ``"reading-order"`` prefers the one whose first slot spans more
      words (operators apply in the order they are read) and says so in the answer's
      ``reason``; ``"none"`` abstains. Ties the bias cannot settle (two rules
      on the same words) always abstain. The sequence reading applies the same
      bias after its precedence read off the data.
    - ``max_input_words``: longer inputs are refused with an abstention (the
      chart parser's cost grows steeply with length; the sandbox's loaders
      refuse inputs over the same documented limit).
    - ``sequences``: first try the sequence reading (:mod:`symbolic.sequences`):
      words that mean one token each, slots that hold runs of them, templates
      that compute on them; kept only where it explains at least
      ``sequence_coverage`` of the training examples (else the concatenative
      rules below are learned). ``copy_bias``: a word that owns the token
      spelled as itself reads as standing for itself, and unseen words may
      (level 1). Its steps (program-search term checks and parse steps)
      are spent from ``max_work``.
    - ``logical_forms``: first try the conjunct reading (:mod:`symbolic.logical`)
      where outputs name input words by position (logical forms with
      co-indexed variables): a marker, brackets and separators learned from
      the outputs, a tree per sentence, unit and phrase rules whose conjuncts
      mention their heads, and least relaxed chart parsing; kept where it
      reads at least ``logical_coverage`` of the training examples.
    - ``inverse``: where the training pairs are a function only from outputs
      to inputs (many correct outputs per input, one input per output), learn
      the rules from outputs to inputs and answer by inverting them
      (:mod:`symbolic.inverse`).
    - ``max_proposals``: the work budget of induction, counted in examples
      whose proposals were computed (an example counts again each time a
      change touches its words). Once spent, the examples not yet derived are
      memorized, each rule saying so in its notes, and ``summary()`` reports
      it; ``None`` means no budget. A count, not a clock, so that the same
      data and parameters learn the same rules on any machine.
    - ``max_work``: the work budget of one fit, every stage together, in
      steps that bound its time (:mod:`symbolic.work`): the conjunct
      reading's tokens read, outputs and trees; the sequence reading's
      program checks and parse steps; the lexicon's evidence read; chart
      tilings tried and combinations of their parts' readings, admission
      tables built, consistency checks, proposals and their segmentations,
      and the parse items that check the training pairs at the end. A
      reading that is not kept leaves the rest of the budget to the next;
      ``summary()["work_by_stage"]`` says what each stage spent. Once it is
      spent, only the parser's admission tables are still built (the
      learner cannot answer without them) and counted, so ``work_steps``
      may pass ``max_work`` by their steps. ``max_chart``: the
      analyses the induction chart may hold (its memory). When either runs
      out, induction stops with its rules whole; the chart computes nothing
      more; the examples not derived by then are memorized, each rule's notes
      and ``summary()["budget_spent_at"]`` naming the stage; and training
      pairs not checked are answered as given. ``None``, no budget.
    - ``max_parse_items``: the work budget of one predicted input, in parse
      items (a rule tried on a tiling of a phrase not parsed before); past it
      the learner abstains and says so. Phrases parsed for earlier inputs
      are memoized (up to ``symbolic.parser.MAX_MEMO`` of them) and cost
      nothing again, so an input near the budget may answer after inputs
      that share its phrases and abstain before them.
    """

    def __init__(self, max_relaxation: int = 3, max_slots: int = 3, similarity: float = 0.5,
                 mutual_exclusivity: bool = True, paradigm: bool = True, iconic_order: bool = True,
                 grouping: str = "reading-order", max_input_words: int = MAX_INPUT_TOKENS,
                 max_proposals: int | None = MAX_PROPOSALS, sequences: bool = True, copy_bias: bool = True,
                 sequence_coverage: float = SEQUENCE_COVERAGE, inverse: bool = True,
                 max_work: int | None = MAX_WORK, max_chart: int | None = MAX_CHART,
                 max_parse_items: int | None = MAX_PARSE_ITEMS, logical_forms: bool = True,
                 logical_coverage: float = LOGICAL_COVERAGE):
        self.max_relaxation = max_relaxation
        self.max_slots = max_slots
        self.similarity = similarity
        self.mutual_exclusivity = mutual_exclusivity
        self.paradigm = paradigm
        self.iconic_order = iconic_order
        self.grouping = grouping
        self.max_input_words = max_input_words
        self.max_proposals = max_proposals
        self.sequences = sequences
        self.copy_bias = copy_bias
        self.sequence_coverage = sequence_coverage
        self.inverse = inverse
        self.max_work = max_work
        self.max_chart = max_chart
        self.max_parse_items = max_parse_items
        self.logical_forms = logical_forms
        self.logical_coverage = logical_coverage

    def _check_params(self) -> None:
        if not 0 <= self.max_relaxation <= 3:
            raise ValueError(f"max_relaxation must be 0..3, not {self.max_relaxation}")
        if self.max_slots < 1:
            raise ValueError(f"max_slots must be at least 1, not {self.max_slots}")
        if not 0 < self.similarity <= 1:
            raise ValueError(f"similarity must be in (0, 1], not {self.similarity}")
        if self.grouping not in GROUPINGS:
            raise ValueError(f"grouping must be one of {GROUPINGS}, not {self.grouping!r}")
        if self.max_input_words < 1:
            raise ValueError(f"max_input_words must be at least 1, not {self.max_input_words}")
        if self.max_proposals is not None and self.max_proposals < 0:
            raise ValueError(f"max_proposals must be at least 0 or None, not {self.max_proposals}")
        if not 0 < self.sequence_coverage <= 1:
            raise ValueError(f"sequence_coverage must be in (0, 1], not {self.sequence_coverage}")
        if not 0 < self.logical_coverage <= 1:
            raise ValueError(f"logical_coverage must be in (0, 1], not {self.logical_coverage}")
        for name in ("max_work", "max_chart", "max_parse_items"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                raise ValueError(f"{name} must be at least 0 or None, not {getattr(self, name)}")

    def fit(self, examples: Sequence[Example]) -> SymbolicLearner:
        """Learn the lexicon, the composition rules and the category hierarchy."""
        return self._fit(examples, Work(self.max_work, report=reporter()))

    def _fit(self, examples: Sequence[Example], work: Work) -> SymbolicLearner:
        """The readings one by one, each spending ``work`` (one budget for the whole fit)."""
        self._check_params()
        self.train_ = _distinct(examples)
        self.sequence_: SequenceReading | None = None
        self.inverse_: InverseReading | None = None
        self.logical_: LogicalReading | None = None
        self.sequence_reason_ = "not tried (sequences=False)"
        self.logical_reason_ = "not tried (logical_forms=False)"
        if self.logical_forms:
            work.enter("conjunct reading")
            read = read_logical_forms(self.train_, work, self.logical_coverage, self.similarity,
                                      self.max_parse_items)
            if isinstance(read, str):
                self.logical_reason_ = read
            else:
                self.logical_, self.logical_reason_ = read, "kept"
                # Rules of three languages share the attribute; each reading knows its own.
                self.rules_: dict[str, Any] = dict(read.rule_map())
                self.work_: dict[str, Any] = {**_spent(work), "memorized": len(read.memory)}
                self.revisions_: tuple[str, ...] = read.notes
                return self
        if self.sequences:
            work.enter("sequence reading")
            found = read_sequences(self.train_, work, self.max_slots, self.sequence_coverage, self.copy_bias,
                                   self.grouping == "reading-order")
            if isinstance(found, str):
                self.sequence_reason_ = found
            else:
                self.sequence_, self.sequence_reason_ = found, "kept"
                self.rules_ = dict(found.rule_map())
                self.work_ = _spent(work)
                self.revisions_ = found.notes
                return self
        if self.inverse and is_backward_function(self.train_):
            return self._invert(self._backward(work))
        work.enter("lexicon")
        params = Params(self.max_slots, self.iconic_order, self.similarity, self.mutual_exclusivity,
                        self.paradigm, self.max_proposals, self.max_chart)
        self.lexicon_, state, self.revisions_ = revise_lexicon(self.train_, params, work)
        rules: dict[str, Rule] = {r.id: r for r in self.lexicon_.values()}
        rules.update(state.rules)
        mtypes = meaning_types(self.lexicon_, state.rules)
        slots = [(r.id, s) for r in state.rules.values() for s in range(r.n_slots)]

        def categories() -> Hierarchy:
            return build_hierarchy(state.chart, self.train_, mtypes, {r.id: r.evidence for r in rules.values()},
                                   self.similarity, slots)

        work.enter("categories")
        try:
            self.hierarchy_ = categories()
        except BudgetSpent as spent:
            state.spend_out(spent)
            self.hierarchy_ = categories()  # from what the chart derived within the budget
        self.rules_ = dict(rules)
        work.enter("parser")
        # The parser's admission tables: a step per filler each slot of each rule is checked against.
        work.spend(len(mtypes) * (1 + len(slots)))
        self._parser = Parser(self.lexicon_, state.rules, self.hierarchy_)
        work.enter("recall (checking the training pairs)")
        self._exact: dict[Tokens, Rule] = recall(self.train_, self.rules_, state, self._parser, work,
                                                 self.max_input_words)
        self._parser.forget()  # predictions start from what was learned, not from this check's parses
        rules.update({r.id: r for r in self._exact.values()})
        self.rules_.update(rules)
        self._traces = TraceBuilder(rules, self.hierarchy_)
        self.work_ = {"proposals": state.proposals_made, "max_proposals": self.max_proposals,
                      "budget_exhausted": state.exhausted, **_spent(work), "budget_spent_at": state.spent_at}
        memorized = _memorized(self.rules_)
        # Rules that had to memorize a share of the data may read better backwards (a source
        # pattern that repeats a phrase is a template that repeats a slot, read the other way).
        if self.inverse and state.spent_at is None and memorized >= INVERSE_TRIGGER * len(self.train_) \
                and _backward_is_function(self.train_):
            backward = self._backward(work)  # the rest of this fit's budget
            if _memorized(backward.rules_) < memorized:
                return self._invert(backward)
        return self

    def _backward(self, work: Work) -> SymbolicLearner:
        """The learner fitted from outputs to inputs (concatenative rules read backwards; never inverting
        again), spending what remains of ``work``."""
        params = {**self.get_params(), "inverse": False, "sequences": False, "logical_forms": False}
        work.enter("backward reading")
        return SymbolicLearner(**params)._fit(swapped(self.train_), work)

    def _invert(self, forward: SymbolicLearner) -> SymbolicLearner:
        self.inverse_ = InverseReading(forward)
        self.rules_ = dict(forward.rules_)
        self.work_ = {**forward.work_, "direction": "outputs to inputs, answered by inversion"}
        self.revisions_ = forward.revisions_
        return self

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        # A batch allocates many small acyclic objects next to the large, long-lived
        # memo; pausing the cyclic garbage collector spares it rescanning that memo.
        paused = gc.isenabled()
        gc.disable()
        tell = reporter()
        try:
            out = []
            for i, s in enumerate(sources):
                if tell is not None and i % 256 == 0:
                    tell("predict (inputs)", i, len(sources))
                out.append(self.explain(tuple(s)))
            return out
        finally:
            if paused:
                gc.enable()

    def explain(self, source: Tokens) -> Prediction:
        """The answer for ``source`` with its derivation, or an abstention with the reason."""
        source = tuple(source)
        if not hasattr(self, "train_"):
            raise NotFittedError("this SymbolicLearner is not fitted yet: call fit(examples) first")
        if not source:
            return Prediction.abstain("empty input")
        if len(source) > self.max_input_words:
            return Prediction.abstain(
                f"input of {len(source)} words is longer than max_input_words ({self.max_input_words})")
        if self.logical_ is not None:
            return self.logical_.explain(source, self.max_relaxation)
        if self.sequence_ is not None:
            return self.sequence_.explain(source, self.max_relaxation)
        if self.inverse_ is not None:
            return self.inverse_.explain(source)
        if not self._parser.known.issuperset(source):
            unknown = self._parser.unknown_words(source)
            return Prediction.abstain(f"unknown word {unknown[0]!r}")
        recalled = self._exact.get(source) if self._exact else None
        if recalled is not None:
            memory = Analysis(0, 0, recalled.meaning, recalled.id, (), (), Tie.NONE, len(source))
            return _prediction(recalled.meaning, "", 0, *self._traces.build(memory))
        work = None if self.max_parse_items is None else Work(self.max_parse_items, "predict")
        try:
            found = self._parser.least_cap(source, 0, self.max_relaxation, work)
            beyond = None if found is not None else self._parser.least_cap(source, self.max_relaxation + 1, 3, work)
        except BudgetSpent:
            return Prediction.abstain(f"the parse budget ran out: over {self.max_parse_items} parse items "
                                      "for this input (max_parse_items)")
        if found is None:
            if beyond is None:
                return Prediction.abstain("no rule matches (no derivation at any relaxation level)")
            return Prediction.abstain(
                f"would need relaxation level {beyond[0]} (the cap is {self.max_relaxation})", beyond[0])
        cap, top = found
        note = ""
        if top.tie == Tie.UNDECIDED or (top.tie == Tie.GROUPED and self.grouping == "none"):
            return Prediction.abstain(
                f"ambiguous: equally relaxed derivations (level {cap}) give different outputs", cap)
        if top.tie == Tie.GROUPED:
            note = GROUPED_NOTE
        derivation, attribution = self._traces.build(top)
        return _prediction(top.meaning, note, cap, derivation, attribution)

    def summary(self) -> dict[str, Any]:
        """Counts of what was learned (for reports)."""
        if self.logical_ is not None:
            return {"rules": len(self.rules_), "by_kind": self.logical_.kinds(),
                    "rule_language": "conjuncts over word positions", **self.work_,
                    "lexicon_revisions": list(self.revisions_)}
        kinds: dict[str, int] = {}
        for r in self.rules_.values():
            kinds[r.kind.value] = kinds.get(r.kind.value, 0) + 1
        if self.inverse_ is not None:
            return {"rules": len(self.rules_), "by_kind": kinds, "rule_language": "concatenative, inverted",
                    **self.work_, "lexicon_revisions": list(self.revisions_)}
        if self.sequence_ is not None:
            return {"rules": len(self.rules_), "by_kind": kinds, "rule_language": "sequence",
                    "sequence_words": len(self.sequence_.lexicon.meaning), **self.work_,
                    "lexicon_revisions": list(self.revisions_)}
        return {"rules": len(self.rules_), "by_kind": kinds, "rule_language": "concatenative",
                "sequence_reading": self.sequence_reason_,
                "categories": len(self.hierarchy_.seen), **self.work_,
                "lexicon_revisions": list(self.revisions_)}


def _spent(work: Work) -> dict[str, Any]:
    """The work summary: steps spent in all, the budget, and the steps of each stage."""
    return {"work_steps": work.spent, "max_work": work.limit, "work_by_stage": dict(work.by_stage)}


def _memorized(rules: Mapping[str, object]) -> int:
    return sum(1 for r in rules.values() if isinstance(r, Rule) and r.kind is RuleKind.MEMORIZED)


def _backward_is_function(examples: Sequence[Example]) -> bool:
    sources: dict[Tokens, Tokens] = {}
    return all(sources.setdefault(ex.target, ex.source) == ex.source for ex in examples)


def _distinct(examples: Sequence[Example]) -> list[Example]:
    """The examples without repeated (source, target) pairs; the first id stays the evidence."""
    seen: set[tuple[Tokens, Tokens]] = set()
    out = []
    for ex in examples:
        if ex.pair() not in seen:
            seen.add(ex.pair())
            out.append(ex)
    return out


def _prediction(tokens: Tokens, reason: str, level: int, derivation: Derivation,
                attribution: tuple[tuple[int, ...], ...]) -> Prediction:
    # ``Prediction(...)`` built in one step (sandbox.frozen), on the answer path of every input.
    return frozen_value(Prediction, tokens=tokens, reason=reason, relaxation_level=level, derivation=derivation,
                        attribution=attribution, source="")
