"""Run a compositional law under hypothesis and return its verdict with a minimal counterexample.

Hypothesis draws tasks (a random grammar, a split, a training set), the law
fits a fresh learner on each one, and when the law breaks, hypothesis shrinks
the task (fewer primitives and operators, simpler templates, fewer training
examples) while the law still breaks; the counterexample reported is the one
from the final replay of the smallest task. Each task's outcome is cached, so
replays and repeated draws cost no second fit, and a time ``budget`` stops
fitting once spent (any task not judged by then counts as passing, so the
counterexample is still one that truly failed, only perhaps not the smallest).

>>> result = check_law("memorize", "systematicity", examples=5)
>>> result.verdict.value, len(result.counterexample.input) <= 3
('broken', True)
>>> check_law("memorize", "relaxation_monotone").note
'the learner has no max_relaxation parameter'
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy

from sandbox.testing.laws import LAWS, Case, Counterexample, Law, LearnerSpec, NoEvidence, PerTask
from sandbox.testing.seqtasks import generated_sequence_tasks
from sandbox.testing.tasks import generated_tasks

# The families of random tasks a law can be judged on.
FAMILIES = ("operators", "sequence")


class Verdict(str, Enum):
    HELD = "held"
    BROKEN = "broken"
    NOT_APPLICABLE = "not applicable"
    INCONCLUSIVE = "inconclusive"  # no drawn task gave the law anything to judge


@dataclass(frozen=True)
class LawResult:
    """The verdict of one law on one learner."""

    law: str
    learner: str
    verdict: Verdict
    examples: int  # tasks on which the law was judged
    counterexample: Counterexample | None = None
    note: str = ""
    seconds: float = 0.0

    @property
    def held(self) -> bool:
        return self.verdict is Verdict.HELD

    @property
    def broken(self) -> bool:
        return self.verdict is Verdict.BROKEN

    def render(self) -> str:
        """One line, and the counterexample below it when the law broke."""
        head = f"{self.law}: {self.verdict.value} ({self.examples} task{'' if self.examples == 1 else 's'} judged)"
        if self.note:
            head += f"; {self.note}"
        if self.counterexample is None:
            return head
        return f"{head}\nminimal counterexample:\n{self.counterexample.render()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "law": self.law,
            "learner": self.learner,
            "verdict": self.verdict.value,
            "examples": self.examples,
            "note": self.note,
            "seconds": round(self.seconds, 2),
            "counterexample": None if self.counterexample is None else self.counterexample.to_json(),
        }


class LawBroken(AssertionError):
    def __init__(self, counterexample: Counterexample) -> None:
        super().__init__(counterexample.render())
        self.counterexample = counterexample


def check_law(
    learner: str | PerTask | Any,
    law: str | Law = "systematicity",
    *,
    examples: int = 20,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    budget: float | None = None,
    max_extra: int = 12,
    max_test: int = 60,
    grammar_options: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    family: str = "operators",
) -> LawResult:
    """Judge ``law`` on ``learner`` over ``examples`` random tasks; shrink any failure.

    ``learner`` is a registered name, an object with ``fit``/``predict`` (a
    fresh copy is built from its ``get_params`` for every task) or a
    :class:`~sandbox.testing.laws.PerTask`; ``params`` are constructor
    parameters for it. ``seed`` fixes hypothesis's draws, so the same call
    gives the same verdict and counterexample. ``budget`` (seconds) caps the
    time spent fitting; ``max_extra``, ``max_test`` and ``grammar_options``
    (bounds for :func:`~sandbox.testing.grammars.grammars`) size the tasks;
    ``progress`` is called with the count of judged tasks. ``family`` picks
    the random tasks: ``operators`` (random grammars,
    :func:`~sandbox.testing.grammars.grammars`) or ``sequence`` (random
    sequence-function languages and their repetition inverses,
    :func:`~sandbox.testing.seqlang.sequence_languages`; ``grammar_options``
    are then that strategy's bounds, and ``train_depth``/``train_run`` those of
    :func:`~sandbox.testing.seqtasks.generated_sequence_tasks`).
    Do not call it inside a hypothesis test (hypothesis does not nest).
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family of random tasks {family!r} (known: {', '.join(FAMILIES)})")
    the_law = LAWS[law] if isinstance(law, str) else law
    spec = LearnerSpec(learner, params)
    start = time.monotonic()
    reason = the_law.applies(spec)
    if reason:
        return LawResult(the_law.name, spec.name, Verdict.NOT_APPLICABLE, 0, note=reason)

    outcomes: dict[tuple[str, str], Counterexample | NoEvidence | None] = {}
    judged = 0
    out_of_time = False

    def judge(case: Case) -> None:
        nonlocal judged, out_of_time
        key = (case.task.name, case.task.version)
        if key not in outcomes:
            if budget is not None and time.monotonic() - start > budget:
                out_of_time = True
                return
            try:
                outcomes[key] = the_law.run_once(spec, case)
            except NoEvidence as nothing:
                outcomes[key] = nothing
            if not isinstance(outcomes[key], NoEvidence):
                judged += 1
                if progress is not None:
                    progress(judged)
        outcome = outcomes[key]
        if isinstance(outcome, Counterexample):
            raise LawBroken(outcome)

    test = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
    )(hypothesis_seed(seed)(given(_cases(the_law, family, max_extra, max_test, grammar_options))(judge)))
    note = ""
    try:
        test()
    except LawBroken as err:
        note = "time budget spent while shrinking; the counterexample may not be the smallest" if out_of_time else ""
        return LawResult(the_law.name, spec.name, Verdict.BROKEN, judged, err.counterexample, note,
                         time.monotonic() - start)
    except Unsatisfiable:
        pass
    if out_of_time:
        note = f"time budget of {budget:g} s spent after {judged} tasks"
    verdict = Verdict.HELD if judged else Verdict.INCONCLUSIVE
    if not judged:
        note = note or "no drawn task gave the law anything to judge"
    return LawResult(the_law.name, spec.name, verdict, judged, None, note, time.monotonic() - start)


def _cases(law: Law, family: str, max_extra: int, max_test: int,
           options: dict[str, Any] | None) -> SearchStrategy[Case]:
    if family == "sequence":
        # Bounds on the training phrases travel with the language's bounds.
        language = dict(options or {})
        bounds = {k: language.pop(k) for k in ("train_depth", "train_run") if k in language}
        return generated_sequence_tasks(kinds=law.sequence_kinds, inverse=None if law.inverse else False,
                                        max_extra=max_extra, max_test=max_test, language_options=language,
                                        **bounds)
    return generated_tasks(kinds=law.kinds, max_extra=max_extra, max_test=max_test, grammar_options=options)


def check_laws(learner: str | PerTask | Any, laws: Sequence[str] | None = None, **options: Any) -> list[LawResult]:
    """:func:`check_law` for each of ``laws`` (default: every law), in order."""
    return [check_law(learner, name, **options) for name in (laws or list(LAWS))]


def assert_law(learner: str | PerTask | Any, law: str | Law = "systematicity", **options: Any) -> LawResult:
    """:func:`check_law`, raising ``AssertionError`` with the counterexample unless the law held.

    The one-line form for a test file::

        def test_my_learner_is_systematic():
            assert_law(MyLearner(), "systematicity", examples=10)
    """
    result = check_law(learner, law, **options)
    if not result.held:
        raise AssertionError(f"{result.learner}: {result.render()}")
    return result
