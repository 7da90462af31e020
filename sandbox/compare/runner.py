"""Run comparison cells: fit, predict, score, probe attributions and embeddings; one record per cell.

:func:`run_cell` is a pure function of (cell, task, config) apart from its
``timing`` field. Running many cells, resumably and on an executor of choice,
is :func:`sandbox.bench.run.execute`'s job.

A cell record (schema ``sandbox.compare.cell/1``, machine-readable as
:data:`sandbox.schema.CELL`) holds: ``key``, ``cell``
(task, learner, seed, params as asked), ``config``, ``task``,
``task_version``, ``learner``, ``seed``, ``seeded`` (whether the learner took
the seed), ``params`` (the learner's ``get_params()``), ``n_fit``,
``n_heldout``, ``n_test``; ``test`` and ``heldout`` (see
:func:`~sandbox.compare.metrics.split_metrics`: exact match with its CI, token
accuracy, coverage, accuracy among answers, traceability, counts by output
length, category and kind, error classes, and ``outcomes``, one character per
item: ``1`` right, ``0`` wrong, ``-`` abstained); ``generalization_gap``;
``relaxation`` (answers and correct answers per level); ``attribution`` (swap
counts, fidelity, the word kinds, a few examples); ``geometry`` (``null``
without ``encode``; see :func:`~sandbox.compare.geometry.embedding_analysis`);
``decoder_geometry`` (the same analysis of the decoder's state when it chooses
the first output token, from ``first_output_state``; ``null`` without it);
``showcase`` (the answers to a few fixed test inputs, with rendered
derivations and attributions); ``timing`` (seconds; the only field that varies
between runs).

The held-out slice (the generalization gap's reference) is carved from the
training set *before* fitting, so the learner never sees it:

>>> from sandbox.data import Example
>>> train = [Example.of(f"w{i} x", f"W{i} X", id=str(i)) for i in range(40)]
>>> train += [Example.of(f"w{i}", f"W{i}", id=f"p{i}") for i in range(40)]
>>> fit, held = heldout_split(train, 0.05, 100, seed=0)
>>> len(fit), len(held), {ex.source for ex in fit} & {ex.source for ex in held}
(76, 4, set())
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from sandbox.compare.attribution import attribution_fidelity, sample_swaps, word_kinds
from sandbox.compare.config import Cell, CompareConfig
from sandbox.compare.geometry import embedding_analysis
from sandbox.compare.hull import HullCertificates, save_certificates
from sandbox.compare.human_errors import human_error_counts
from sandbox.compare.metrics import (
    ItemOutcome,
    error_class,
    relaxation_summary,
    split_metrics,
    token_accuracy,
)
from sandbox.data import Example, Task, Tokens
from sandbox.derivation import render_tree
from sandbox.evaluation import is_traceable
from sandbox.protocol import Learner, Prediction
from sandbox.registry import learner_parameters, make_learner
from sandbox.schema import CELL_SCHEMA

# Record field -> the learner method whose vectors it analyses (a learner without the method gets null).
VECTOR_SPACES = {"geometry": "encode", "decoder_geometry": "first_output_state"}


def heldout_split(
    train: Sequence[Example], fraction: float, max_items: int, seed: int
) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    """Split ``train`` into (fit set, held-out slice) by distinct input, with ``seed``.

    About ``fraction`` of the distinct inputs (at most ``max_items``) are held
    out, every copy of an input going to the same side. Never held out: a
    single-word input (it may be the only definition of a primitive, as
    ``jump`` in SCAN's add-jump split) and an input whose removal would leave a
    word or output token without any occurrence in the fit set.
    """
    by_source: dict[Tokens, list[Example]] = defaultdict(list)
    for ex in train:
        by_source[ex.source].append(ex)
    distinct = list(by_source)
    target = min(max_items, round(fraction * len(distinct)))
    words = Counter(w for ex in train for w in ex.source)
    tokens = Counter(t for ex in train for t in ex.target)
    held: set[Tokens] = set()
    rng = np.random.default_rng(seed)
    for index in rng.permutation(len(distinct)):
        if len(held) >= target:
            break
        source = distinct[int(index)]
        if len(source) < 2:
            continue
        group = by_source[source]
        lose_words = Counter(w for ex in group for w in ex.source)
        lose_tokens = Counter(t for ex in group for t in ex.target)
        if any(words[w] <= n for w, n in lose_words.items()) or any(tokens[t] <= n for t, n in lose_tokens.items()):
            continue
        words.subtract(lose_words)
        tokens.subtract(lose_tokens)
        held.add(source)
    fit = tuple(ex for ex in train if ex.source not in held)
    heldout = tuple(ex for ex in train if ex.source in held)
    return fit, heldout


def score_items(task: Task, examples: Sequence[Example], predictions: Sequence[Prediction]) -> list[ItemOutcome]:
    """One :class:`ItemOutcome` per example; traceability is checked against ``task.train`` (the fit set)."""
    train_by_id = {ex.id: ex for ex in task.train}
    items = []
    for ex, pred in zip(examples, predictions, strict=True):
        correct = task.is_correct(ex, pred.tokens)
        items.append(ItemOutcome(
            correct=correct,
            answered=pred.tokens is not None,
            traceable=is_traceable(pred, ex.source, train_by_id),
            token_accuracy=1.0 if correct else token_accuracy(pred.tokens, ex.target),
            target_length=len(ex.target),
            category=ex.category,
            kind=ex.get("kind"),
            relaxation_level=pred.relaxation_level if pred.tokens is not None else None,
            error=None if correct else error_class(pred.tokens, ex.target),
            source=pred.source,
            equivalent=task.is_equivalent(ex, pred.tokens),
        ))
    return items


def showcase_indices(task: Task, n: int, seed: int) -> list[int]:
    """Indices of ``n`` test items drawn with ``seed``: the same for every learner of a task."""
    if not task.test or n <= 0:
        return []
    rng = np.random.default_rng(seed)
    return sorted(int(i) for i in rng.choice(len(task.test), size=min(n, len(task.test)), replace=False))


def _showcase(task: Task, indices: list[int], predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    out = []
    for i in indices:
        ex, pred = task.test[i], predictions[i]
        out.append({
            "id": ex.id,
            "input": " ".join(ex.source),
            "gold": " ".join(ex.target),
            "prediction": None if pred.tokens is None else " ".join(pred.tokens),
            "correct": task.is_correct(ex, pred.tokens),
            **({} if task.semantic_judge is None else {"equivalent": task.is_equivalent(ex, pred.tokens)}),
            "reason": pred.reason or None,
            "relaxation_level": pred.relaxation_level,
            "derivation": None if pred.derivation is None else render_tree(pred.derivation, ex.source),
            "attribution": None if pred.attribution is None else [list(a) for a in pred.attribution],
        })
    return out


def learner_params(cell: Cell) -> dict[str, Any]:
    """The constructor parameters of ``cell``'s learner: its params plus ``seed`` if the learner takes one."""
    params = dict(cell.params)
    if "seed" in learner_parameters(cell.learner):
        params["seed"] = cell.seed
    return params


def run_cell(cell: Cell, task: Task, config: CompareConfig, learner: Learner | None = None,
             certificates: str | Path | None = None) -> dict[str, Any]:
    """Fit, predict and measure one cell; the record's schema is in :mod:`sandbox.compare.results`.

    With ``certificates`` (a directory), the hull certificates and the vectors
    they were checked against are written there as ``KEY.npz`` and the record
    names the file (relative to the directory's parent) and its SHA-256.
    """
    start = time.perf_counter()
    learner = learner if learner is not None else make_learner(cell.learner, **learner_params(cell))
    fit, heldout = heldout_split(task.train, config.heldout_fraction, config.heldout_max, config.heldout_seed)
    fit_task = replace(task, train=fit)
    learner.fit(fit)
    fitted = time.perf_counter()
    test_preds = learner.predict([ex.source for ex in task.test])
    held_preds = learner.predict([ex.source for ex in heldout]) if heldout else []
    predicted = time.perf_counter()

    test_items = score_items(fit_task, task.test, test_preds)
    held_items = score_items(fit_task, heldout, held_preds)
    boot = {"bootstrap_seed": config.bootstrap_seed, "n_resamples": config.bootstrap_resamples}
    test_metrics = split_metrics(test_items, **boot)
    held_metrics = split_metrics(held_items, **boot) if held_items else None

    kinds = word_kinds(fit)
    swaps = sample_swaps([ex.source for ex in task.test], kinds, config.swaps, config.swap_seed)
    originals = {ex.source: pred for ex, pred in zip(task.test, test_preds, strict=True)}
    fidelity = attribution_fidelity(learner.predict, originals, swaps)
    fidelity["kinds"] = {kind: sorted(w for w, k in kinds.items() if k == kind) for kind in sorted(set(kinds.values()))}
    probed = time.perf_counter()

    geometry: dict[str, Any | None] = {}
    space_seconds: dict[str, float] = {}
    for field, method in VECTOR_SPACES.items():
        began = time.perf_counter()
        analysed = _geometry(getattr(learner, method, None), fit, task.test, heldout,
                             [it.correct for it in test_items], config)
        geometry[field] = None if analysed is None else analysed[0]
        if analysed is not None:
            key = cell.key if field == "geometry" else f"{cell.key}__{field}"
            analysed[0]["hull"]["certificates"] = None if certificates is None else \
                save_certificates(analysed[1], Path(certificates), key)
        space_seconds[f"{field}_seconds"] = round(time.perf_counter() - began, 4)
    routing = _routing(learner, fit_task, task.test)
    done = time.perf_counter()
    params = {k: _jsonable(v) for k, v in learner.get_params().items()}
    return {
        "schema": CELL_SCHEMA,
        "key": cell.key,
        "cell": cell.to_json(),
        "config": config.to_json(),
        "task": task.name,
        "task_version": task.version,
        "learner": cell.learner,
        "seed": cell.seed,
        "seeded": "seed" in params,
        "params": params,
        "n_fit": len(fit),
        "n_heldout": len(heldout),
        "n_test": len(task.test),
        "test": test_metrics,
        "heldout": held_metrics,
        "generalization_gap": None if held_metrics is None
        else round(held_metrics["exact_match"] - test_metrics["exact_match"], 6),
        "relaxation": relaxation_summary(test_items),
        "attribution": fidelity,
        **geometry,
        "routing": routing,
        "human_errors": human_error_counts(fit, task.test, [p.tokens for p in test_preds],
                                           [it.correct for it in test_items]),
        "showcase": _showcase(task, showcase_indices(task, config.showcase, config.showcase_seed), test_preds),
        "timing": {
            "fit_seconds": round(fitted - start, 4),
            "predict_seconds": round(predicted - fitted, 4),
            "attribution_seconds": round(probed - predicted, 4),
            "geometry_seconds": round(done - probed, 4),  # both spaces and the routing curve
            "encoder_geometry_seconds": space_seconds["geometry_seconds"],
            "decoder_geometry_seconds": space_seconds["decoder_geometry_seconds"],
            "total_seconds": round(done - start, 4),
        },
    }


def run_cell_json(cell: dict[str, Any], data_dir: str | None = None, config: dict[str, Any] | None = None,
                  certificates: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`run_cell` on JSON-ready values (for executors that ship cells to workers, such as Ray).

    Loads the task by name; returns ``(record without timing, timing)``.
    """
    from sandbox.tasks.registry import load_task

    parsed = Cell.from_json(cell)
    record = run_cell(parsed, load_task(parsed.task, data_dir), CompareConfig.from_json(config or {}),
                      certificates=certificates)
    timing = record.pop("timing")
    return record, timing


def _geometry(encode: Any, fit: Sequence[Example], test: Sequence[Example], heldout: Sequence[Example],
              correct: list[bool], config: CompareConfig) -> tuple[dict[str, Any], HullCertificates] | None:
    """The distance and hull analysis of the vectors ``encode`` gives (``None`` when it is not a method)."""
    if not callable(encode):
        return None
    # Distinct inputs only: a training input repeated many times (SCAN repeats
    # "jump" in the add-jump split) would otherwise make the typical
    # nearest-neighbour distance zero.
    train_sources = list(dict.fromkeys(ex.source for ex in fit))
    return embedding_analysis(
        np.asarray(encode(train_sources)),
        np.asarray(encode([ex.source for ex in test])),
        correct,
        np.asarray(encode(list(dict.fromkeys(ex.source for ex in heldout)))) if heldout else None,
        gilbert_steps=config.hull_gilbert_steps,
        lp_rounds=config.hull_lp_rounds,
    )


def _routing(learner: Learner, fit_task: Task, test: Sequence[Example]) -> dict[str, Any] | None:
    """For a learner with ``routing_curve`` (the hybrid): per symbolic cap, who answered and how well."""
    curve = getattr(learner, "routing_curve", None)
    if not callable(curve):
        return None
    out = {}
    for cap, preds in curve([ex.source for ex in test]).items():
        items = score_items(fit_task, test, preds)
        symbolic = [it for it in items if it.source == "symbolic" and it.answered]
        routed = [it for it in items if not (it.source == "symbolic" and it.answered)]
        out[str(cap)] = {"n": len(items), "symbolic": len(symbolic),
                         "symbolic_correct": sum(it.correct for it in symbolic),
                         "routed": len(routed), "routed_correct": sum(it.correct for it in routed),
                         "correct": sum(it.correct for it in items)}
    return {"caps": out}


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
