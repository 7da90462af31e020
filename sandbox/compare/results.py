"""Merge cell records into ``results.json``: the one data file every report is rendered from.

Schema ``sandbox.compare.results/1`` (a JSON object; machine-readable as
:data:`sandbox.schema.RESULTS`, which :func:`read_results` checks, and sharing
its version and its ``run`` fields with the cells and with ``sandbox eval --json``):

- ``schema``: the schema name and version.
- ``environment``: ``sandbox_version``, ``python``, ``packages`` (versions of
  numpy, scipy, matplotlib, torch, networkx where installed), ``git_commit``
  (the checkout's ``HEAD``, or ``null`` outside a git checkout).
- ``config``: the :class:`~sandbox.compare.config.CompareConfig` (held-out
  fraction, bootstrap, swap and geometry sample sizes and seeds).
- ``metrics``: every metric's description and ``higher_is_better``
  (``null`` for descriptive ones); ``error_classes``: the error taxonomy.
- ``tasks``: per task name its ``version``, ``generalization``, ``description``,
  ``source``, ``n_train``, ``n_test`` and ``references`` (``[label, value]``
  figures from the literature, such as human accuracy).
- ``task_names`` and ``learners``: the order of the reports' rows and columns
  (the file is written with sorted keys, so no renderer relies on the order
  of a JSON object).
- ``summary``: one row per (task, learner): ``seeds``; ``exact_match``,
  ``heldout_exact_match``, ``generalization_gap``, ``token_accuracy``,
  ``coverage``, ``accuracy_answered``, ``traceability``,
  ``attribution_fidelity``, each ``{"mean", "std"}`` over seeds (``std`` is
  ``null`` with one seed); the two exact matches add ``ci``, a 95% percentile
  bootstrap interval over test items of the per-item accuracy averaged over
  seeds; ``semantic_match`` (only for a task with a semantic judge, such as
  COGS: answers equal to the gold up to conjunct order and variable
  renaming; same form as ``exact_match``, and every ``by_*`` count then adds
  ``equivalent`` beside ``correct``); ``attribution`` (swap counts summed over
  seeds); ``relaxation``,
  ``errors``, ``by_length``, ``by_category``, ``by_kind``, ``by_source``
  (counts summed over seeds; ``by_source`` splits a composite learner's
  answers by the side that gave them); ``routing`` (``null`` except for a
  learner with ``routing_curve``, the hybrid: per symbolic cap, the test
  items answered by the symbolic side and routed to the neural one, with the
  correct ones of each, summed over seeds); ``human_errors`` (counts of the
  error classes people make, see :mod:`sandbox.compare.human_errors`, summed
  over seeds; ``null`` for a task without two primitive words); ``geometry``
  (pooled over seeds, or ``null`` for a learner without ``encode``);
  ``decoder_geometry`` (the same for the decoder's state at the first
  output step, or ``null`` for a learner without ``first_output_state``);
  ``showcase`` (the first seed's answers to the showcase inputs).
- ``cells``: every cell record (see :mod:`sandbox.compare.runner`), in run order.
- ``timing``: ``created_utc`` and ``cells_seconds``. Together with each cell's
  ``timing`` these are the only fields that differ between two runs of the
  same command; :func:`without_timing` drops them for comparisons. (``sandbox
  compare`` and ``sandbox bench`` leave timings out of ``results.json``
  altogether and write them to ``timings.json`` beside it.)
- ``checksum``: SHA-256 of the canonical JSON of everything else, written by
  :func:`write_results` and checked by :func:`read_results`, so that a
  truncated or hand-altered file is reported instead of rendered.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import subprocess
from collections import defaultdict
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from sandbox import __version__
from sandbox.compare.config import CompareConfig
from sandbox.compare.metrics import ERROR_CLASSES, METRICS, bootstrap_ci, mean_std
from sandbox.data import Task
from sandbox.errors import InputError
from sandbox.formats import atomic_write_text
from sandbox.schema import RESULTS, RESULTS_SCHEMA, validate

TIMING_KEYS = ("timing",)
PACKAGES = ("numpy", "scipy", "matplotlib", "torch", "networkx")
MEAN_METRICS = ("token_accuracy", "coverage", "accuracy_answered", "traceability")


def environment() -> dict[str, Any]:
    """Versions of Python, this package and its numeric dependencies, and the git commit."""
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            continue
    return {"sandbox_version": __version__, "python": platform.python_version(),
            "packages": packages, "git_commit": git_commit()}


def git_commit() -> str | None:
    """``HEAD`` of the git checkout this package runs from, or ``None``."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent,
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    head = done.stdout.strip()
    return head if done.returncode == 0 and head else None


def task_info(task: Task) -> dict[str, Any]:
    return {
        "version": task.version,
        "generalization": task.generalization.value,
        "description": task.description,
        "source": task.source,
        "n_train": len(task.train),
        "n_test": len(task.test),
        "references": [[label, value] for label, value in task.references],
    }


def _pooled_counts(dicts: Sequence[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for d in dicts:
        for key, counts in d.items():
            slot = out.setdefault(key, dict.fromkeys(counts, 0))
            for name, value in counts.items():
                slot[name] = slot.get(name, 0) + value
    return out


def _seed_averaged_ci(outcomes: Sequence[str], config: CompareConfig) -> list[float]:
    matrix = np.array([[c == "1" for c in row] for row in outcomes], dtype=float)
    low, high = bootstrap_ci(matrix.mean(axis=0), n_resamples=config.bootstrap_resamples,
                             seed=config.bootstrap_seed)
    return [low, high]


def _stat(values: Sequence[float | None]) -> dict[str, float | None] | None:
    """Mean and std over seeds of the values that exist (``None`` when none does)."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    mean, std = mean_std(present)
    return {"mean": mean, "std": std}


def _pool_geometry(geos: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not geos:
        return None
    deciles: dict[int, dict[str, float]] = {}
    for geo in geos:
        for row in geo["test"]["deciles"]:
            slot = deciles.setdefault(row["decile"], {"n": 0, "correct": 0, "low": 0.0, "high": 0.0, "k": 0})
            for key in ("n", "correct"):
                slot[key] += row[key]
            slot["low"] += row["low"]
            slot["high"] += row["high"]
            slot["k"] += 1
    hull: dict[str, dict[str, dict[str, int]]] = {}
    for split in ("test", "heldout"):
        parts = [g["hull"][split] for g in geos if split in g["hull"]]
        if parts:
            hull[split] = _pooled_counts(parts)
    pooled: dict[str, Any] = {
        "dim": geos[0]["dim"],
        "n_train_used": geos[0]["n_train_used"],
        "hull_train_used": geos[0]["hull"]["n_train_used"],
        "hull_inside_tol": geos[0]["hull"].get("inside_tol"),
        "hull_certificates": [g["hull"].get("certificates") for g in geos],
        "test_median_distance": mean_std([g["test"]["median_distance"] for g in geos])[0],
        "heldout_median_distance": mean_std([g["heldout"]["median_distance"] for g in geos])[0]
        if all("heldout" in g for g in geos) else None,
        "deciles": [
            {"decile": d, "n": int(s["n"]), "correct": int(s["correct"]),
             "low": round(s["low"] / s["k"], 6), "high": round(s["high"] / s["k"], 6)}
            for d, s in sorted(deciles.items())
        ],
        "hull": hull,
    }
    return pooled


def summarize(records: Sequence[dict[str, Any]], config: CompareConfig) -> dict[str, Any]:
    """One summary row from the cell records of one (task, learner), over its seeds."""
    first = records[0]
    row: dict[str, Any] = {"task": first["task"], "learner": first["learner"],
                           "seeds": [r["seed"] for r in records]}
    row["exact_match"] = {**(_stat([r["test"]["exact_match"] for r in records]) or {}),
                          "ci": _seed_averaged_ci([r["test"]["outcomes"] for r in records], config)}
    if all("semantic_match" in r["test"] for r in records):  # only tasks with a semantic judge
        row["semantic_match"] = {**(_stat([r["test"]["semantic_match"] for r in records]) or {}),
                                 "ci": _seed_averaged_ci([r["test"]["semantic_outcomes"] for r in records], config)}
    held = [r["heldout"] for r in records if r["heldout"] is not None]
    row["heldout_exact_match"] = None if len(held) != len(records) else {
        **(_stat([h["exact_match"] for h in held]) or {}),
        "ci": _seed_averaged_ci([h["outcomes"] for h in held], config),
    }
    row["generalization_gap"] = _stat([r["generalization_gap"] for r in records if r["generalization_gap"] is not None])
    for name in MEAN_METRICS:
        row[name] = _stat([r["test"][name] for r in records])
    attr = [r["attribution"] for r in records]
    row["attribution_fidelity"] = _stat([a["fidelity"] for a in attr])
    row["attribution"] = {k: sum(a[k] for a in attr) for k in
                          ("n_swaps", "n_assessable", "n_held", "n_abstained", "n_without_attribution")}
    row["attribution"]["kinds"] = attr[0].get("kinds", {})
    row["attribution"]["examples"] = attr[0]["examples"]
    row["relaxation"] = {"has_levels": any(r["relaxation"]["has_levels"] for r in records),
                         "levels": _pooled_counts([r["relaxation"]["levels"] for r in records])}
    errors: dict[str, int] = defaultdict(int)
    for r in records:
        for name, count in r["test"]["errors"].items():
            errors[name] += count
    row["errors"] = {name: errors[name] for name in ERROR_CLASSES if errors.get(name)}
    for key in ("by_length", "by_category", "by_kind", "by_source"):
        row[key] = _pooled_counts([r["test"].get(key, {}) for r in records])
    routing = [r["routing"]["caps"] for r in records if r.get("routing")]
    row["routing"] = _pooled_counts(routing) if routing else None
    human = [r["human_errors"] for r in records if r.get("human_errors")]
    row["human_errors"] = {k: sum(h[k] for h in human) for k in human[0]} if human else None
    for space in ("geometry", "decoder_geometry"):
        row[space] = _pool_geometry([r[space] for r in records if r.get(space) is not None])
    row["showcase"] = first["showcase"]
    return row


def merge_cells(records: Sequence[dict[str, Any]], tasks: dict[str, Task], config: CompareConfig,
                *, timing: bool = True) -> dict[str, Any]:
    """The whole ``results.json`` object (see the module docstring) from finished cell records.

    With ``timing=False`` the top-level ``timing`` field is left out (for
    callers that keep timings beside the results, so that reruns compare equal
    byte for byte); records without a ``timing`` field are accepted.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    learners: list[str] = []
    task_order: list[str] = []
    for record in records:
        groups[(record["task"], record["learner"])].append(record)
        if record["learner"] not in learners:
            learners.append(record["learner"])
        if record["task"] not in task_order:
            task_order.append(record["task"])
    summary = [summarize(sorted(groups[(t, lr)], key=lambda r: r["seed"]), config)
               for t in task_order for lr in learners if (t, lr) in groups]
    results = {
        "schema": RESULTS_SCHEMA,
        "environment": environment(),
        "config": config.to_json(),
        "metrics": {name: spec.to_json() for name, spec in METRICS.items()},
        "error_classes": dict(ERROR_CLASSES),
        "tasks": {name: task_info(tasks[name]) for name in task_order},
        "task_names": task_order,
        "learners": learners,
        "summary": summary,
        "cells": list(records),
        "timing": {
            "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "cells_seconds": round(sum(r.get("timing", {}).get("total_seconds", 0.0) for r in records), 3),
        },
    }
    if not timing:
        del results["timing"]
    return results


def without_timing(obj: Any) -> Any:
    """``obj`` with every ``timing`` field removed, at any depth (for determinism comparisons)."""
    if isinstance(obj, dict):
        return {k: without_timing(v) for k, v in obj.items() if k not in TIMING_KEYS}
    if isinstance(obj, list):
        return [without_timing(v) for v in obj]
    return obj


def results_checksum(results: dict[str, Any]) -> str:
    body = {k: v for k, v in results.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def write_results(out_dir: str | Path, results: dict[str, Any]) -> Path:
    """Write ``results.json`` atomically, with its checksum."""
    path = Path(out_dir) / "results.json"
    stamped = {**results, "checksum": results_checksum(results)}
    atomic_write_text(path, json.dumps(stamped, indent=1, sort_keys=True) + "\n")
    return path


def read_results(out_dir: str | Path) -> dict[str, Any]:
    """``DIR/results.json``, checked to be a results file of this schema."""
    path = Path(out_dir) / "results.json"
    if not path.is_file():
        raise InputError("no results.json here (run `sandbox compare --out DIR` first)", path)
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError(f"not valid JSON: {err}", path) from None
    except RecursionError:
        raise InputError("not valid results: JSON nested too deeply", path) from None
    if not isinstance(results, dict) or results.get("schema") != RESULTS_SCHEMA:
        raise InputError(f"not a {RESULTS_SCHEMA} file", path)
    if results.get("checksum") != results_checksum(results):
        raise InputError("checksum mismatch: the file was altered or damaged; rerun the command that made it "
                         "(finished cells are reused)", path)
    problem = validate(results, RESULTS)
    if problem is not None:
        raise InputError(f"not a valid {RESULTS_SCHEMA} file: {problem}", path)
    return results
