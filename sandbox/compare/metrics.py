"""Per-item and per-split metrics of a comparison cell, and the metric catalogue.

Every metric is declared once in :data:`METRICS` with a description and
whether higher is better (``None`` for descriptive quantities, such as the
distance of a test point to the training set, that are neither good nor bad).

Definitions, all computed from the predictions and the task alone:

- **exact match**: the task's judge accepts the answer; an abstention is wrong.
- **semantic match** (only for a task with a semantic judge, such as COGS's
  logical forms): the semantic judge accepts the answer (equal up to conjunct
  order and variable renaming); reported beside exact match, never instead.
- **token accuracy** of one item: the number of positions ``i`` where the
  predicted and the gold token agree, divided by ``max(len(prediction),
  len(gold))`` (so missing and extra tokens both count against it); 0 for an
  abstention and 1 for an item the judge accepts. A split's token accuracy is
  the mean over items.
- **error taxonomy** of a wrong answer: the first class that applies, in this
  order (see :func:`error_class`).

>>> error_class(("A", "B"), ("A", "B", "B"))
'truncated'
>>> error_class(("B", "A"), ("A", "B"))
'wrong_order'
>>> error_class(("C", "C", "B"), ("A", "A", "B"))
'substituted_primitive'
>>> round(token_accuracy(("A", "X", "C"), ("A", "B", "C", "D")), 2)
0.5
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.data import Tokens


@dataclass(frozen=True)
class MetricSpec:
    """A metric's name, what it measures, and whether higher is better (``None``: descriptive)."""

    name: str
    description: str
    higher_is_better: bool | None

    def to_json(self) -> dict[str, Any]:
        return {"description": self.description, "higher_is_better": self.higher_is_better}


METRICS: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        MetricSpec("exact_match", "share of test items answered exactly right (abstentions count as wrong)", True),
        MetricSpec("semantic_match",
                   "share of test items whose answer the task's semantic judge accepts (equal up to the order of "
                   "conjuncts and a consistent renaming of variables); only for tasks with such a judge", True),
        MetricSpec("heldout_exact_match",
                   "exact match on the held-out slice of the training distribution (never fitted)", True),
        MetricSpec("generalization_gap", "held-out exact match minus test exact match", False),
        MetricSpec("token_accuracy", "mean share of positions right, over max(predicted, gold) length", True),
        MetricSpec("coverage", "share of test items answered (not abstained)", True),
        MetricSpec("accuracy_answered", "exact match among answered test items", True),
        MetricSpec("traceability",
                   "share of answers whose derivation replays exactly and cites training evidence at every step",
                   True),
        MetricSpec("attribution_fidelity",
                   "share of assessable counterfactual word swaps whose answer changed exactly at the "
                   "output positions attributed to the swapped word", True),
        MetricSpec("normalized_distance",
                   "distance of a test vector to the nearest training vector, over the median "
                   "nearest-neighbour distance within training", None),
        MetricSpec("hull_share", "share of sampled points inside the convex hull of the training vectors", None),
    )
}

# Wrong answers fall into exactly one of these classes, tried in this order.
ERROR_CLASSES: dict[str, str] = {
    "abstained": "no answer given",
    "judge_rejected": "the answer equals the gold target token by token, yet the task's judge rejects it",
    "truncated": "the answer is a proper prefix of the gold target (it stops early)",
    "overextended": "the gold target is a proper prefix of the answer (it runs on)",
    "wrong_order": "the right tokens with the right counts, in a different order",
    "substituted_primitive": "same length, and one consistent token-for-token substitution (every occurrence "
                             "of a gold token replaced by the same other token) turns the gold into the answer",
    "wrong_length": "a different length, and none of the above",
    "other_same_length": "the same length, and none of the above",
}


def error_class(prediction: Tokens | None, gold: Tokens) -> str:
    """The class of a wrong answer (see :data:`ERROR_CLASSES`); call it only for wrong answers."""
    if prediction is None:
        return "abstained"
    pred, gold = tuple(prediction), tuple(gold)
    if pred == gold:
        return "judge_rejected"
    if len(pred) < len(gold) and gold[: len(pred)] == pred:
        return "truncated"
    if len(pred) > len(gold) and pred[: len(gold)] == gold:
        return "overextended"
    if Counter(pred) == Counter(gold):
        return "wrong_order"
    if len(pred) != len(gold):
        return "wrong_length"
    mapping: dict[str, str] = {}
    for g, p in zip(gold, pred, strict=True):
        if mapping.setdefault(g, p) != p:
            return "other_same_length"
    return "substituted_primitive"


def token_accuracy(prediction: Tokens | None, gold: Tokens) -> float:
    """Share of positions where the prediction agrees with the gold target (see the module docstring)."""
    if prediction is None:
        return 0.0
    longest = max(len(prediction), len(gold))
    if longest == 0:
        return 1.0
    return sum(p == g for p, g in zip(prediction, gold, strict=False)) / longest


@dataclass(frozen=True)
class ItemOutcome:
    """What the metrics need of one scored item."""

    correct: bool
    answered: bool
    traceable: bool
    token_accuracy: float
    target_length: int
    category: str = ""
    kind: str = ""
    relaxation_level: int | None = None
    error: str | None = None
    source: str = ""
    equivalent: bool | None = None  # the semantic judge's verdict; None for a task without one


def outcome_code(item: ItemOutcome) -> str:
    """One character per item: ``1`` correct, ``0`` wrong answer, ``-`` abstained."""
    return "1" if item.correct else ("0" if item.answered else "-")


def counts_by(items: Iterable[ItemOutcome], key: str) -> dict[str, dict[str, int]]:
    """``{value: {"n": ..., "correct": ...}}`` grouped by the item attribute ``key`` (empty values skipped).

    Where items carry a semantic verdict, each group also counts ``equivalent``.
    """
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    judged = False
    for item in items:
        value = getattr(item, key)
        if value is None or value == "":
            continue
        groups[str(value)][0] += 1
        groups[str(value)][1] += item.correct
        if item.equivalent is not None:
            judged = True
            groups[str(value)][2] += item.equivalent
    order = sorted(groups, key=lambda v: (len(v), v) if v.isdigit() else (10**9, v))
    return {v: {"n": groups[v][0], "correct": groups[v][1], **({"equivalent": groups[v][2]} if judged else {})}
            for v in order}


def split_metrics(items: Sequence[ItemOutcome], *, bootstrap_seed: int, n_resamples: int) -> dict[str, Any]:
    """The metrics of one split (test or held-out) of one cell."""
    n = len(items)
    correct = np.array([it.correct for it in items], dtype=float)
    answered = sum(it.answered for it in items)
    n_correct = int(correct.sum())
    low, high = bootstrap_ci(correct, n_resamples=n_resamples, seed=bootstrap_seed)
    errors = Counter(it.error for it in items if it.error is not None)
    return {
        **semantic_metrics(items),
        "n": n,
        "exact_match": n_correct / n if n else 0.0,
        "exact_match_ci": [low, high],
        "token_accuracy": float(np.mean([it.token_accuracy for it in items])) if n else 0.0,
        "coverage": answered / n if n else 0.0,
        "accuracy_answered": n_correct / answered if answered else None,
        "traceability": sum(it.traceable for it in items) / answered if answered else None,
        "by_length": counts_by(items, "target_length"),
        "by_category": counts_by(items, "category"),
        "by_kind": counts_by(items, "kind"),
        "by_source": counts_by(items, "source"),
        "errors": {name: errors[name] for name in ERROR_CLASSES if errors[name]},
        "outcomes": "".join(outcome_code(it) for it in items),
    }


def semantic_metrics(items: Sequence[ItemOutcome]) -> dict[str, Any]:
    """``semantic_match`` and ``semantic_outcomes`` (one character per item) where items carry a verdict, else ``{}``.

    >>> semantic_metrics([ItemOutcome(False, True, False, 0.5, 3, equivalent=True)])
    {'semantic_match': 1.0, 'semantic_outcomes': '1'}
    >>> semantic_metrics([ItemOutcome(True, True, False, 1.0, 3)])
    {}
    """
    if not items or any(it.equivalent is None for it in items):
        return {}
    return {"semantic_match": sum(bool(it.equivalent) for it in items) / len(items),
            "semantic_outcomes": "".join("1" if it.equivalent else "0" for it in items)}


def relaxation_summary(items: Sequence[ItemOutcome]) -> dict[str, Any]:
    """Answers per relaxation level (and abstentions) with the accuracy at each level.

    ``has_levels`` is false for a learner that reports no level on any answer.
    """
    levels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        if not item.answered:
            levels["abstained"][0] += 1
        elif item.relaxation_level is not None:
            levels[str(item.relaxation_level)][0] += 1
            levels[str(item.relaxation_level)][1] += item.correct
    has_levels = any(k != "abstained" for k in levels)
    order = sorted((k for k in levels if k != "abstained"), key=int) + (["abstained"] if "abstained" in levels else [])
    return {
        "has_levels": has_levels,
        "levels": {k: {"n": levels[k][0], "correct": levels[k][1]} for k in order},
    }


def bootstrap_ci(values: np.ndarray, *, n_resamples: int = 1000, level: float = 0.95,
                 seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean of ``values`` (seeded).

    >>> bootstrap_ci(np.array([1.0] * 10))
    (1.0, 1.0)
    >>> low, high = bootstrap_ci(np.array([0.0, 1.0] * 50), seed=3)
    >>> 0.35 < low < 0.5 < high < 0.65
    True
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = np.empty(n_resamples)
    chunk = max(1, 2_000_000 // n)  # bounds memory: at most ~2M indices at once
    for start in range(0, n_resamples, chunk):
        stop = min(n_resamples, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[idx].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return (round(float(low), 6), round(float(high), 6))


def mean_std(values: Sequence[float]) -> tuple[float, float | None]:
    """Mean and sample standard deviation (``None`` with fewer than two values).

    >>> mean_std([0.5, 0.7])
    (0.6, 0.141421)
    >>> mean_std([0.5])
    (0.5, None)
    """
    arr = np.asarray(values, dtype=float)
    mean = round(float(arr.mean()), 6) if len(arr) else 0.0
    std = round(float(arr.std(ddof=1)), 6) if len(arr) > 1 else None
    return mean, std
