"""Descriptive statistics of a task: sizes, vocabularies, length distributions.

>>> from sandbox.tasks.registry import load_task
>>> stats = task_statistics(load_task("scan/length"))
>>> stats["train"]["target_length"]["max"], stats["test"]["target_length"]["min"]
(22, 24)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sandbox.data import Example, Task, vocabulary


def _lengths(values: Sequence[int]) -> dict[str, Any]:
    if not values:
        return {"min": 0, "mean": 0.0, "max": 0, "histogram": {}}
    hist = Counter(values)
    return {
        "min": min(values),
        "mean": round(sum(values) / len(values), 2),
        "max": max(values),
        "histogram": {str(k): hist[k] for k in sorted(hist)},
    }


def split_statistics(examples: Sequence[Example]) -> dict[str, Any]:
    sources = Counter(ex.source for ex in examples)
    return {
        "size": len(examples),
        "distinct_inputs": len(sources),
        "source_vocabulary": len(vocabulary(examples, "source")),
        "target_vocabulary": len(vocabulary(examples, "target")),
        "source_length": _lengths([len(ex.source) for ex in examples]),
        "target_length": _lengths([len(ex.target) for ex in examples]),
        "categories": dict(sorted(Counter(ex.category for ex in examples if ex.category).items())),
    }


def task_statistics(task: Task) -> dict[str, Any]:
    train_inputs = {ex.source for ex in task.train}
    test_inputs = {ex.source for ex in task.test}
    stats: dict[str, Any] = {
        "task": task.name,
        "version": task.version,
        "generalization": task.generalization.value,
        "train": split_statistics(task.train),
        "test": split_statistics(task.test),
        "inputs_in_both": len(train_inputs & test_inputs),
        "test_words_unseen_in_train": sorted(vocabulary(task.test) - vocabulary(task.train)),
    }
    if task.dev:
        stats["dev"] = split_statistics(task.dev)
    return stats


def render_statistics(stats: dict[str, Any]) -> str:
    """A compact human-readable table of :func:`task_statistics`."""
    splits = [s for s in ("train", "dev", "test") if s in stats]
    lines = [f"{stats['task']} (version {stats['version']}, generalization: {stats['generalization']})"]
    header = f"  {'':22}" + "".join(f"{s:>12}" for s in splits)
    lines.append(header)
    rows = [
        ("examples", lambda d: d["size"]),
        ("distinct inputs", lambda d: d["distinct_inputs"]),
        ("input vocabulary", lambda d: d["source_vocabulary"]),
        ("output vocabulary", lambda d: d["target_vocabulary"]),
        ("input length min/max", lambda d: f"{d['source_length']['min']}-{d['source_length']['max']}"),
        ("input length mean", lambda d: d["source_length"]["mean"]),
        ("output length min/max", lambda d: f"{d['target_length']['min']}-{d['target_length']['max']}"),
        ("output length mean", lambda d: d["target_length"]["mean"]),
    ]
    for label, get in rows:
        lines.append(f"  {label:22}" + "".join(f"{get(stats[s])!s:>12}" for s in splits))
    lines.append(f"  inputs in train and test: {stats['inputs_in_both']}")
    unseen = stats["test_words_unseen_in_train"]
    lines.append(f"  test words unseen in train: {', '.join(unseen) if unseen else 'none'}")
    cats = stats["test"]["categories"]
    if cats:
        shown = ", ".join(f"{k}: {v}" for k, v in list(cats.items())[:6])
        lines.append(f"  test categories: {len(cats)} ({shown}{', ...' if len(cats) > 6 else ''})")
    return "\n".join(lines)
