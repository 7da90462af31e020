"""Fit a learner on a task, predict its test set and score every answer.

:func:`evaluate` returns the record that ``sandbox eval --json`` writes; its
schema, ``sandbox.eval/1`` (shared by every learner, machine-readable as
:data:`sandbox.schema.EVAL`, with the same version and ``run`` fields as the
comparator's cells and ``results.json``), is::

    schema, learner, params, task, task_version, n_train, n_test,
    exact_match      share of test items answered correctly (abstentions count as wrong)
    coverage         share of test items answered
    accuracy_answered  exact match among answered items
    traceability     share of answers whose derivation replays exactly (independent
                     replayer) and whose every step cites training evidence; 0 for
                     a learner without derivations
    relaxation_histogram  answers per relaxation level ("0".."3") and "abstained"
    semantic_match   (only for a task with a semantic judge, such as COGS) share of test
                     items equal to the gold up to conjunct order and variable renaming;
                     with it ``by_category`` and ``by_kind``: {value: {n, correct,
                     equivalent}}, and each item's ``equivalent``
    fit_seconds, predict_seconds  (timing fields: the only ones that vary between runs)
    items: [{id, input, prediction, gold, correct, category, relaxation_level, reason, traceable, trace,
            attribution}]
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sandbox.data import Example, Task
from sandbox.derivation import ReplayError, check_evidence, replay
from sandbox.protocol import Learner, Prediction
from sandbox.schema import EVAL_SCHEMA

TIMING_FIELDS = ("fit_seconds", "predict_seconds")


def is_traceable(pred: Prediction, source: Sequence[str], train_by_id: Mapping[str, Example]) -> bool:
    """Whether ``pred`` has a derivation that replays to it and cites training evidence."""
    if pred.tokens is None or pred.derivation is None:
        return False
    try:
        rebuilt = replay(pred.derivation, source)
    except ReplayError:
        return False
    return rebuilt == pred.tokens and check_evidence(pred.derivation, train_by_id) is None


def score_predictions(
    task: Task, test: Sequence[Example], predictions: Sequence[Prediction]
) -> dict[str, Any]:
    """Score ``predictions`` for ``test`` (items of ``task``) into the schema above."""
    train_by_id = {ex.id: ex for ex in task.train}
    items: list[dict[str, Any]] = []
    levels: Counter[str] = Counter()
    n_correct = n_answered = n_traceable = n_equivalent = 0
    groups: dict[str, dict[str, dict[str, int]]] = {"by_category": {}, "by_kind": {}}
    for ex, pred in zip(test, predictions, strict=True):
        correct = task.is_correct(ex, pred.tokens)
        traceable = is_traceable(pred, ex.source, train_by_id)
        n_correct += correct
        n_answered += not pred.abstained
        n_traceable += traceable
        if pred.abstained:
            levels["abstained"] += 1
        elif pred.relaxation_level is not None:
            levels[str(pred.relaxation_level)] += 1
        equivalent = task.is_equivalent(ex, pred.tokens)
        if equivalent is not None:
            n_equivalent += equivalent
            for key, value in (("by_category", ex.category), ("by_kind", ex.get("kind"))):
                if value:
                    group = groups[key].setdefault(value, {"n": 0, "correct": 0, "equivalent": 0})
                    group["n"] += 1
                    group["correct"] += correct
                    group["equivalent"] += equivalent
        items.append({
            "id": ex.id,
            "input": " ".join(ex.source),
            "prediction": None if pred.tokens is None else " ".join(pred.tokens),
            "gold": " ".join(ex.target),
            "correct": correct,
            **({} if equivalent is None else {"equivalent": equivalent}),
            "category": ex.category or None,
            "relaxation_level": pred.relaxation_level,
            "reason": pred.reason or None,
            "traceable": traceable,
            "trace": None if pred.derivation is None else pred.derivation.to_json(),
            "attribution": None if pred.attribution is None else [list(a) for a in pred.attribution],
        })
    n = len(test)
    return {
        "n_test": n,
        "exact_match": n_correct / n if n else 0.0,
        "coverage": n_answered / n if n else 0.0,
        "accuracy_answered": n_correct / n_answered if n_answered else 0.0,
        "traceability": n_traceable / n_answered if n_answered else 0.0,
        "relaxation_histogram": dict(sorted(levels.items())),
        **({} if task.semantic_judge is None else {
            "semantic_match": n_equivalent / n if n else 0.0,
            **{key: dict(sorted(found.items())) for key, found in groups.items()},
        }),
        "items": items,
    }


def evaluate(learner: Learner, task: Task, learner_name: str = "") -> dict[str, Any]:
    """Fit ``learner`` on ``task.train``, predict ``task.test`` and score it."""
    start = time.perf_counter()
    learner.fit(task.train)
    fitted = time.perf_counter()
    predictions = learner.predict([ex.source for ex in task.test])
    done = time.perf_counter()
    scored = score_predictions(task, task.test, predictions)
    return {
        "schema": EVAL_SCHEMA,
        "learner": learner_name or type(learner).__name__,
        "params": {k: _jsonable(v) for k, v in learner.get_params().items()},
        "task": task.name,
        "task_version": task.version,
        "n_train": len(task.train),
        **scored,
        "fit_seconds": round(fitted - start, 4),
        "predict_seconds": round(done - fitted, 4),
        # What was learned, where the learner reports it (an optional ``summary()``:
        # rule counts, and whether a work budget ran out).
        "learned": _jsonable_tree(report()) if callable(report := getattr(learner, "summary", None)) else None,
    }


def _jsonable_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable_tree(v) for v in value]
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
