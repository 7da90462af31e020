"""Compositional laws: what a learner that composes meanings must do on random grammars.

Each law fits a fresh learner on one generated task and looks for the
shortest input where the learner breaks it; :func:`sandbox.testing.check_law`
runs a law under hypothesis, which shrinks a failing task to a minimal one.

========================  =====================================================
``reproduces``            answers every training input with its training output
``systematicity``         answers held-out combinations of seen parts (a
                          primitive seen only alone; a primitive never seen in
                          one slot of one operator)
``productivity``          answers compositions longer than any seen
``substitutivity``        swapping one primitive for another in a training
                          input changes the answer only where the first
                          primitive's meaning stood
``trace_replay``          every derivation replays to its answer and cites
                          training evidence (learners that give derivations)
``relaxation_monotone``   raising ``max_relaxation`` never changes an answer
                          given under a lower cap (learners with that parameter)
========================  =====================================================

The same laws run on random sequence-function languages
(:mod:`sandbox.testing.seqtasks`; ``check_law(..., family="sequence")``): there
the primitives are letters, the held-out combinations a function applied to a
call of another or a letter in a function's argument, and the longer
compositions deeper nesting or longer runs. Answers are judged by the task's
judge: exact match, or, for an inverse language, the meaning of the answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.data import Example, Tokens
from sandbox.derivation import ReplayError, check_evidence, replay
from sandbox.grammar import Grammar
from sandbox.protocol import Learner, Prediction
from sandbox.registry import learner_parameters, make_learner
from sandbox.testing.grammars import describe, example_grammar, primitive_meaning
from sandbox.testing.seqlang import SequenceLanguage
from sandbox.testing.seqtasks import SequenceCase, SequenceSplit
from sandbox.testing.tasks import GeneratedTask, Split, make_task

# A task of either family: a random grammar's, or a random sequence language's.
Case = GeneratedTask | SequenceCase


def describe_language(language: Grammar | SequenceLanguage) -> str:
    """A grammar or sequence language, one rule per line."""
    return language.describe() if isinstance(language, SequenceLanguage) else describe(language)


@dataclass(frozen=True)
class Counterexample:
    """Where a law broke: the grammar, the split, the training set size, the input and both answers."""

    law: str
    grammar: Grammar | SequenceLanguage
    split: Split | SequenceSplit
    train_size: int
    input: Tokens
    expected: Tokens | None
    actual: Tokens | None
    reason: str = ""
    train: tuple[Example, ...] = field(default=(), repr=False)

    def render(self, max_train_lines: int = 16) -> str:
        """A readable account: the grammar, and the training set itself when it is that small."""
        def show(tokens: Tokens | None) -> str:
            return "(abstained)" if tokens is None else " ".join(tokens) or "(empty)"

        grammar = "\n".join(f"    {line}" for line in describe_language(self.grammar).splitlines())
        lines = [
            f"  grammar:\n{grammar}",
            f"  split:    {self._split()}",
            f"  training: {self.train_size} examples",
            *(f"    {ex.line()}" for ex in self.train if len(self.train) <= max_train_lines),
            f"  input:    {' '.join(self.input)}",
            f"  expected: {show(self.expected)}",
            f"  actual:   {show(self.actual)}",
        ]
        if self.reason:
            lines.append(f"  why:      {self.reason}")
        return "\n".join(lines)

    def _split(self) -> str:
        if isinstance(self.split, SequenceSplit) and isinstance(self.grammar, SequenceLanguage):
            return self.split.describe(self.grammar)
        if isinstance(self.split, Split) and isinstance(self.grammar, Grammar):
            return self.split.describe(self.grammar)
        raise TypeError("a counterexample's split and grammar come from different families")

    def to_json(self) -> dict[str, Any]:
        return {
            "law": self.law,
            "grammar": describe_language(self.grammar).splitlines(),
            "split": self._split(),
            "train_size": self.train_size,
            "train": [ex.line() for ex in self.train],
            "input": " ".join(self.input),
            "expected": None if self.expected is None else " ".join(self.expected),
            "actual": None if self.actual is None else " ".join(self.actual),
            "reason": self.reason,
        }


class NoEvidence(Exception):
    """A task gave the law nothing to judge (every probe abstained at its source)."""


class PerTask:
    """A learner built for each task from what the task knows (the grammar, for an oracle).

    ``params`` lists the constructor parameters ``build`` accepts as keywords
    (the relaxation law passes ``max_relaxation``).
    """

    def __init__(self, build: Callable[..., Any], name: str = "per-task learner",
                 params: Sequence[str] = ()) -> None:
        self.build = build
        self.name = name
        self.params = tuple(params)


class LearnerSpec:
    """How to build a fresh, unfitted learner for each task, whatever the caller gave."""

    def __init__(self, learner: str | PerTask | Any, params: dict[str, Any] | None = None) -> None:
        self.learner = learner
        self.params = dict(params or {})
        if isinstance(learner, str):
            self.name = learner
            self.accepted = set(learner_parameters(learner))
        elif isinstance(learner, PerTask):
            self.name = learner.name
            self.accepted = set(learner.params)
        else:
            if not (hasattr(learner, "fit") and hasattr(learner, "predict")):
                raise TypeError(f"{learner!r} is neither a learner name nor an object with fit/predict")
            self.name = type(learner).__name__
            self.accepted = set(learner.get_params()) if hasattr(learner, "get_params") else set()

    def accepts(self, param: str) -> bool:
        return param in self.accepted

    def make(self, case: Case, **overrides: Any) -> Learner:
        params = {**self.params, **overrides}
        if isinstance(self.learner, str):
            return make_learner(self.learner, **params)
        if isinstance(self.learner, PerTask):
            return self.learner.build(case, **params)
        if hasattr(self.learner, "get_params"):
            return type(self.learner)(**{**self.learner.get_params(), **params})
        if params:
            raise TypeError(f"{self.name} has no get_params; cannot set {sorted(params)}")
        return copy.deepcopy(self.learner)


def _fit_predict(spec: LearnerSpec, case: Case, sources: Sequence[Tokens],
                 **overrides: Any) -> list[Prediction]:
    learner = spec.make(case, **overrides)
    learner.fit(case.task.train)
    preds = learner.predict(list(sources))
    if len(preds) != len(sources):
        raise ValueError(f"predict returned {len(preds)} answers for {len(sources)} inputs")
    return preds


def _by_length(sources: Sequence[Tokens]) -> list[Tokens]:
    return sorted(dict.fromkeys(sources), key=lambda s: (len(s), s))


def _counter(law: str, case: Case, source: Tokens, expected: Tokens | None,
             actual: Tokens | None, reason: str = "") -> Counterexample:
    return Counterexample(law, case.grammar, case.split, len(case.task.train), source, expected, actual,
                          reason, case.task.train)


def _gold_check(law: str, on: str) -> Callable[[LearnerSpec, Case], Counterexample | None]:
    """A law that every answer on the task's ``train`` or ``test`` items is the gold one."""

    def check(spec: LearnerSpec, case: Case) -> Counterexample | None:
        items = case.task.train if on == "train" else case.task.test
        gold = {ex.source: ex for ex in items}
        sources = _by_length(list(gold))
        for src, pred in zip(sources, _fit_predict(spec, case, sources), strict=True):
            # The task's judge: exact match, or (an inverse language) the meaning of the answer.
            if not case.task.is_correct(gold[src], pred.tokens):
                return _counter(law, case, src, gold[src].target, pred.tokens, pred.reason)
        return None

    return check


def check_substitutivity(spec: LearnerSpec, case: Case, max_pairs: int = 120) -> Counterexample | None:
    """Swap each primitive of each composed training input for every other primitive.

    The answer to the swapped input must be the learner's own answer to the
    original with the first primitive's meaning replaced by the second's
    (primitives have distinct one-token meanings, so the replacement is exact;
    in a sequence language the primitives are its letters, and the operations
    move tokens without reading them, so the law holds there too).
    """
    lang = case.grammar
    meaning = lang.letter_meaning() if isinstance(lang, SequenceLanguage) else primitive_meaning(lang)
    pairs: list[tuple[Tokens, Tokens, str, str]] = []
    for src in _by_length([ex.source for ex in case.task.train if len(ex.source) > 1]):
        for old in sorted(set(src) & set(meaning)):
            for new in sorted(meaning):
                if new != old:
                    pairs.append((src, tuple(new if w == old else w for w in src), old, new))
    pairs = pairs[:max_pairs]
    if not pairs:
        raise NoEvidence
    sources = _by_length([p[0] for p in pairs] + [p[1] for p in pairs])
    answer = dict(zip(sources, (p.tokens for p in _fit_predict(spec, case, sources)), strict=True))
    judged = False
    for src, swapped, old, new in pairs:
        before = answer[src]
        if before is None:
            continue
        judged = True
        table = dict(zip(meaning[old], meaning[new], strict=True))
        expected = tuple(table.get(t, t) for t in before)
        if answer[swapped] != expected:
            return _counter("substitutivity", case, swapped, expected, answer[swapped],
                            f"swapped {old!r} for {new!r} in {' '.join(src)!r}, answered {' '.join(before)!r}")
    if not judged:
        raise NoEvidence
    return None


def check_trace_replay(spec: LearnerSpec, case: Case) -> Counterexample | None:
    """Every answer that carries a derivation replays to it and cites training evidence."""
    sources = _by_length([ex.source for ex in case.task.train + case.task.test])
    train_by_id = {ex.id: ex for ex in case.task.train}
    traced = False
    for src, pred in zip(sources, _fit_predict(spec, case, sources), strict=True):
        if pred.tokens is None or pred.derivation is None:
            continue
        traced = True
        try:
            rebuilt: Tokens | None = replay(pred.derivation, src)
            problem = "" if rebuilt == pred.tokens else "the derivation rebuilds another output"
            problem = problem or check_evidence(pred.derivation, train_by_id) or ""
        except ReplayError as err:
            rebuilt, problem = None, f"replay failed: {err}"
        if problem:
            return _counter("trace_replay", case, src, pred.tokens, rebuilt, problem)
    if not traced:
        raise NoEvidence
    return None


RELAXATION_CAPS = (0, 1, 2, 3)


def check_relaxation_monotone(spec: LearnerSpec, case: Case) -> Counterexample | None:
    """An answer given under ``max_relaxation=k`` is given unchanged under every higher cap."""
    sources = _by_length([ex.source for ex in case.task.test + case.task.train])
    answers = {k: [p.tokens for p in _fit_predict(spec, case, sources, max_relaxation=k)]
               for k in RELAXATION_CAPS}
    for i, src in enumerate(sources):
        for low in RELAXATION_CAPS:
            for high in RELAXATION_CAPS[low + 1:]:
                if answers[low][i] is not None and answers[high][i] != answers[low][i]:
                    return _counter("relaxation_monotone", case, src, answers[low][i], answers[high][i],
                                    f"answered under max_relaxation={low}, changed under max_relaxation={high}")
    return None


@dataclass(frozen=True)
class Law:
    """A law: the splits it draws tasks from, its check and when it applies.

    ``kinds`` are splits of random grammars (:data:`~sandbox.testing.tasks.SPLITS`),
    ``sequence_kinds`` those of random sequence languages
    (:data:`~sandbox.testing.seqtasks.SEQUENCE_SPLITS`); ``inverse`` says
    whether the law also judges inverse (meaning to command) languages.
    """

    name: str
    summary: str
    kinds: tuple[str, ...]
    check: Callable[[LearnerSpec, Case], Counterexample | None]
    applies: Callable[[LearnerSpec], str | None] = field(default=lambda spec: None)
    sequence_kinds: tuple[str, ...] = ("iid", "systematicity", "productivity")
    inverse: bool = True

    def run_once(self, spec: LearnerSpec, case: Case) -> Counterexample | None:
        """The check, with a learner's crash turned into a counterexample."""
        try:
            return self.check(spec, case)
        except NoEvidence:
            raise
        except Exception as err:  # a learner that crashes breaks the law where it crashed
            return _counter(self.name, case, (), None, None, f"the learner raised {type(err).__name__}: {err}")


def _gives_derivations(spec: LearnerSpec) -> str | None:
    case = make_task(example_grammar(), Split("iid"), extra=2)
    try:
        preds = _fit_predict(spec, case, [ex.source for ex in case.task.train])
    except Exception as err:
        return f"the learner failed on a probe task: {type(err).__name__}: {err}"
    return None if any(p.derivation is not None for p in preds) else "the learner gives no derivations"


def _has_relaxation(spec: LearnerSpec) -> str | None:
    return None if spec.accepts("max_relaxation") else "the learner has no max_relaxation parameter"


LAWS: dict[str, Law] = {law.name: law for law in (
    Law("reproduces", "answers every training input with its training output", ("iid", "primitive", "template"),
        _gold_check("reproduces", "train"), sequence_kinds=("iid", "systematicity")),
    Law("systematicity", "answers held-out combinations of seen parts", ("primitive", "template"),
        _gold_check("systematicity", "test"), sequence_kinds=("systematicity",)),
    Law("productivity", "answers compositions longer than any seen", ("length",),
        _gold_check("productivity", "test"), sequence_kinds=("productivity",)),
    # An inverse language has many commands per meaning, so a swapped input
    # may rightly be answered with a differently shaped command: not judged there.
    Law("substitutivity", "swapping a primitive changes the answer only where its meaning stood", ("iid",),
        check_substitutivity, sequence_kinds=("iid",), inverse=False),
    Law("trace_replay", "derivations replay to the answer and cite training evidence",
        ("iid", "primitive", "template", "length"), check_trace_replay, _gives_derivations),
    Law("relaxation_monotone", "raising max_relaxation never changes an answer given under a lower cap",
        ("primitive", "template"), check_relaxation_monotone, _has_relaxation,
        sequence_kinds=("systematicity",)),
)}
