"""The comparator's metrics: error taxonomy, token accuracy, bootstrap, per-split summaries."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.compare.metrics import (
    ERROR_CLASSES,
    METRICS,
    ItemOutcome,
    bootstrap_ci,
    error_class,
    mean_std,
    relaxation_summary,
    split_metrics,
    token_accuracy,
)


def T(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@pytest.mark.parametrize(("pred", "gold", "expected"), [
    (None, "A B", "abstained"),
    ("A B", "A B", "judge_rejected"),
    ("A", "A B", "truncated"),
    ("", "A B", "truncated"),
    ("A B B", "A B", "overextended"),
    ("B A", "A B", "wrong_order"),
    ("A B A", "A A B", "wrong_order"),
    ("C B C", "A B A", "substituted_primitive"),  # every A became C
    ("C C", "A B", "substituted_primitive"),  # a consistent (not one-to-one) substitution
    ("C B A", "A B A", "other_same_length"),  # A became C once and stayed A once
    ("A C", "A B C", "wrong_length"),
    ("B A C", "A B", "wrong_length"),
])
def test_error_classes(pred, gold, expected):
    assert error_class(None if pred is None else T(pred), T(gold)) == expected
    assert expected in ERROR_CLASSES


def test_token_accuracy_penalizes_missing_and_extra_tokens():
    assert token_accuracy(T("A B C"), T("A B C")) == 1.0
    assert token_accuracy(T("A B"), T("A B C D")) == 0.5
    assert token_accuracy(T("A B C D"), T("A B")) == 0.5
    assert token_accuracy(T("B A"), T("A B")) == 0.0
    assert token_accuracy(None, T("A")) == 0.0


def test_bootstrap_is_seeded_and_brackets_the_mean():
    rng = np.random.default_rng(1)
    values = (rng.random(400) < 0.3).astype(float)
    first = bootstrap_ci(values, seed=7)
    assert first == bootstrap_ci(values, seed=7)
    continuous = rng.random(400)  # binary values give few distinct quantiles; these give many
    assert bootstrap_ci(continuous, seed=7) != bootstrap_ci(continuous, seed=8)
    low, high = first
    assert low < values.mean() < high
    # The normal-approximation half-width is 1.96 * sqrt(p(1-p)/n), about 0.045 here.
    assert 0.07 < high - low < 0.11
    small_low, small_high = bootstrap_ci(values[:40], seed=7)
    assert small_high - small_low > high - low


def test_bootstrap_chunks_give_the_same_answer_as_one_block():
    values = np.arange(30, dtype=float) % 2
    # 2M // 30 resamples per chunk: 3000 resamples need two chunks.
    assert bootstrap_ci(values, n_resamples=3000, seed=2) == bootstrap_ci(values, n_resamples=3000, seed=2)


def item(correct: bool, answered: bool = True, **kw) -> ItemOutcome:
    defaults = {"traceable": False, "token_accuracy": 1.0 if correct else 0.0, "target_length": 2}
    defaults.update(kw)
    return ItemOutcome(correct=correct, answered=answered, **defaults)


def test_split_metrics_counts():
    items = [
        item(True, traceable=True, target_length=2, category="x", kind="lexical"),
        item(True, traceable=False, target_length=3, category="x", kind="lexical"),
        item(False, error="truncated", token_accuracy=0.5, target_length=3, category="y", kind="structural"),
        item(False, answered=False, error="abstained", target_length=10, category="y", kind="structural"),
    ]
    m = split_metrics(items, bootstrap_seed=0, n_resamples=200)
    assert m["n"] == 4
    assert m["exact_match"] == 0.5
    assert m["coverage"] == 0.75
    assert m["accuracy_answered"] == pytest.approx(2 / 3)
    assert m["traceability"] == pytest.approx(1 / 3)
    assert m["token_accuracy"] == pytest.approx((1 + 1 + 0.5 + 0) / 4)
    assert m["by_length"] == {"2": {"n": 1, "correct": 1}, "3": {"n": 2, "correct": 1},
                              "10": {"n": 1, "correct": 0}}
    assert list(m["by_length"]) == ["2", "3", "10"]  # numeric order
    assert m["by_category"] == {"x": {"n": 2, "correct": 2}, "y": {"n": 2, "correct": 0}}
    assert m["by_kind"]["structural"] == {"n": 2, "correct": 0}
    assert m["errors"] == {"abstained": 1, "truncated": 1}
    assert m["outcomes"] == "110-"
    assert m["exact_match_ci"][0] <= 0.5 <= m["exact_match_ci"][1]


def test_no_answers_means_no_traceability_rather_than_zero():
    m = split_metrics([item(False, answered=False, error="abstained")], bootstrap_seed=0, n_resamples=10)
    assert m["traceability"] is None and m["accuracy_answered"] is None


def test_relaxation_summary():
    items = [item(True, relaxation_level=0), item(False, relaxation_level=0), item(True, relaxation_level=2),
             item(False, answered=False)]
    summary = relaxation_summary(items)
    assert summary["has_levels"]
    assert summary["levels"] == {"0": {"n": 2, "correct": 1}, "2": {"n": 1, "correct": 1},
                                 "abstained": {"n": 1, "correct": 0}}
    assert not relaxation_summary([item(True)])["has_levels"]


def test_mean_std_and_metric_catalogue():
    assert mean_std([0.2, 0.4, 0.6]) == (0.4, 0.2)
    assert METRICS["exact_match"].higher_is_better is True
    assert METRICS["generalization_gap"].higher_is_better is False
    assert METRICS["normalized_distance"].higher_is_better is None
