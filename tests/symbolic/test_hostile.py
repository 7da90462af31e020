"""Every fit and predict of the symbolic learner ends within its counted budget, on hostile data too.

Small hostile sets (:mod:`sandbox.testing.hostile`) under small budgets: each
fit ends with its work counted and no more than the budget, says where the
budget ran out (if it did), and still answers its training inputs as given;
a predict ends within its parse budget or abstains saying so. The sizes and
timings of the large ones are in ``benchmarks/hostile_bench.py``. No test
here reads a clock.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from sandbox.data import Example
from sandbox.progress import reporting, showing
from sandbox.testing import hostile
from symbolic import SymbolicLearner
from symbolic.rules import RuleKind
from symbolic.work import BudgetSpent, Work

BUDGET = 300_000  # steps: a fraction of a second of work


def fit(examples: Sequence[Example], **params: object) -> SymbolicLearner:
    # The concatenative stage itself (not the conjunct, sequence or backward readings).
    params = {"logical_forms": False, "sequences": False, "inverse": False, "max_work": BUDGET, **params}
    return SymbolicLearner(**params).fit(examples)  # type: ignore[arg-type]


def answers_as_given(learner: SymbolicLearner, examples: Sequence[Example]) -> float:
    """The share of training pairs (inputs with one output) answered with their output."""
    outputs: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for ex in examples:
        outputs.setdefault(ex.source, set()).add(ex.target)
    single = [(s, next(iter(t))) for s, t in outputs.items() if len(t) == 1]
    preds = learner.predict([s for s, _ in single])
    return sum(p.tokens == t for p, (_, t) in zip(preds, single, strict=True)) / len(single)


CASES = {
    "same word at every length": lambda: hostile.same_word(30),
    "ambiguous in every bracketing": lambda: hostile.ambiguous(6, 150, seed=0, max_operands=6),
    "96-word inputs": lambda: hostile.long_inputs(4, 96, seed=0),
    "1,000 words seen once": lambda: hostile.distinct_words(1000),
    "outputs unrelated to inputs": lambda: hostile.unrelated(300, seed=0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_set_ends_within_its_budget(name: str):
    data = CASES[name]()
    learner = fit(data)
    summary = learner.summary()
    assert 0 < summary["work_steps"] - summary["work_by_stage"].get("parser", 0) <= BUDGET
    spent_at = summary["budget_spent_at"]
    memorized = [r for r in learner.rules_.values() if r.kind is RuleKind.MEMORIZED]
    if spent_at is not None:
        assert summary["budget_exhausted"] and memorized
        assert all(any(spent_at in note or "no general rule" in note or "recalled" in note for note in r.notes)
                   for r in memorized)
    # Whatever the outcome, every training pair is answered as given.
    assert answers_as_given(learner, data) == 1.0


@pytest.mark.parametrize("stage,beyond_lexicon", [("induction, inputs of ", 500), ("lexicon", -1)])
def test_a_spent_budget_names_its_stage_and_memorizes_the_rest(stage: str, beyond_lexicon: int):
    data = hostile.ambiguous(6, 150, seed=1, max_operands=6)
    # The lexicon's steps, then a budget that runs out a little after them (or just before their end).
    lexicon = fit(data, max_work=None).summary()["work_by_stage"]["lexicon"]
    budget = lexicon + beyond_lexicon
    learner = fit(data, max_work=budget)
    summary = learner.summary()
    assert summary["budget_spent_at"].startswith(stage)
    # Past the budget only the parser's admission tables are built (needed to answer at all).
    assert summary["work_steps"] - summary["work_by_stage"].get("parser", 0) <= budget
    notes = [n for r in learner.rules_.values() if r.kind is RuleKind.MEMORIZED for n in r.notes]
    assert any(f"ran out at stage {summary['budget_spent_at']}" in n for n in notes)
    assert answers_as_given(learner, data) == 1.0
    # The same data and budget learn the same rules: a count, not a clock.
    again = fit(data, max_work=budget)
    assert again.summary() == summary and sorted(again.rules_) == sorted(learner.rules_)


def test_the_chart_size_limit_stops_induction():
    data = hostile.ambiguous(6, 150, seed=2, max_operands=6)
    learner = fit(data, max_work=None, max_chart=50)
    assert learner.summary()["budget_spent_at"].startswith("chart size")
    assert answers_as_given(learner, data) == 1.0


def test_the_default_budget_is_not_spent_on_a_small_language():
    data = hostile.ambiguous(4, 60, seed=3, max_operands=4)
    learner = SymbolicLearner(sequences=False, inverse=False).fit(data)
    assert learner.summary()["budget_spent_at"] is None
    assert learner.explain(("p0", "and", "p1", "and", "p2", "and", "p3", "and", "p0")).tokens == \
        ("P0", "P1", "P2", "P3", "P0")


def test_conflicting_outputs_end_with_one_of_them_or_an_abstention():
    data = hostile.conflicting(40, seed=0)
    learner = fit(data)
    assert learner.summary()["work_steps"] <= BUDGET
    given = {}
    for ex in data:
        given.setdefault(ex.source, set()).add(ex.target)
    for src, pred in zip(given, learner.predict(list(given)), strict=True):
        assert pred.tokens is None or pred.tokens in given[src], (src, pred)


def test_predict_on_a_long_input_abstains_past_its_parse_budget():
    data = hostile.ambiguous(4, 60, seed=3, max_operands=4)
    long = tuple(" and ".join(f"p{i % 4}" for i in range(40)).split())  # 79 words, ambiguous throughout
    small = fit(data, max_parse_items=50).explain(long)
    assert small.tokens is None and "parse budget" in small.reason and "50" in small.reason
    assert fit(data, max_parse_items=None).explain(long).tokens is not None


def test_progress_reports_every_stage_and_changes_nothing():
    data = hostile.ambiguous(5, 80, seed=4, max_operands=5)
    heard: list[tuple[str, int, int | None]] = []
    with reporting(lambda stage, spent, limit: heard.append((stage, spent, limit))):
        shown = fit(data)
        shown.predict([ex.source for ex in data[:5]])
    stages = [s for s, _, _ in heard]
    assert stages[0] == "lexicon" and "categories" in stages and "predict (inputs)" in stages
    assert any(s.startswith("induction, inputs of 3 words") for s in stages)
    fit_spent = [spent for s, spent, _ in heard if s != "predict (inputs)"]
    assert fit_spent == sorted(fit_spent) and all(limit == BUDGET for s, _, limit in heard if s != "predict (inputs)")
    assert fit(data).summary() == shown.summary()


def test_the_bar_shows_on_request_and_not_otherwise():
    data = hostile.ambiguous(4, 40, seed=5, max_operands=4)
    screen = io.StringIO()
    with showing(True, file=screen):
        fit(data)
    assert "lexicon" in screen.getvalue() or "induction" in screen.getvalue() or "recall" in screen.getvalue()
    quiet = io.StringIO()
    with showing(False, file=quiet):
        fit(data)
    assert quiet.getvalue() == ""


def test_work_charges_never_overrun_the_budget():
    work = Work(10, "a stage")
    work.charge(6)
    with pytest.raises(BudgetSpent, match="a stage"):
        work.charge(5)
    assert work.spent == 6 and work.exhausted and work.remaining == 0 and work.spent_at == "a stage"


def test_cogs_ends_within_a_small_budget(datasets: Path):
    from sandbox.tasks.registry import load_task

    if not (datasets / "cogs").is_dir():
        pytest.skip(f"no COGS files under {datasets}")
    task = load_task("cogs/gen", data_dir=str(datasets))
    train = task.train[:3000]
    learner = fit(train, max_work=200_000)
    summary = learner.summary()
    past = summary["work_by_stage"].get("parser", 0)  # built past the budget: see the test above
    assert summary["work_steps"] - past <= 200_000 and summary["budget_spent_at"] is not None
    assert answers_as_given(learner, train[:200]) == 1.0
