"""The symbolic learner on COGS (Kim & Linzen 2020), per generalization category.

Fits on all of ``train.tsv`` and prints: learn CPU seconds and peak memory,
the rules kept, then for ``cogs/gen`` (21 categories of 1,000) and
``cogs/test`` the official exact match per category and grouped lexical vs
structural, the task's semantic judge beside it (equal up to the order of
conjuncts and a consistent renaming of variables), coverage, traceability
(the sandbox's own replayer and evidence check), the relaxation levels used, and predict CPU seconds. Needs the official
files (``--data-dir``, default ``$SANDBOX_DATA`` or ``../shared/datasets``).

    python -m benchmarks.cogs_bench                  # gen and test, every item
    python -m benchmarks.cogs_bench --every 20       # every 20th item (a quick look)
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sandbox.data import Example, Task
from sandbox.evaluation import is_traceable
from sandbox.tasks.cogs import kind_of
from sandbox.tasks.registry import load_task
from symbolic import SymbolicLearner


def _table(rows: dict[str, list[tuple[bool, bool | None]]]) -> list[str]:
    lines = [f"  {'category':<56} {'n':>5} {'exact':>8} {'meaning':>8}"]
    for name, outcomes in rows.items():
        exact = sum(e for e, _ in outcomes) / len(outcomes)
        sem = [s for _, s in outcomes if s is not None]
        meaning = f"{sum(sem) / len(sem):8.2%}" if sem else f"{'-':>8}"
        lines.append(f"  {name:<56} {len(outcomes):>5} {exact:8.2%} {meaning}")
    return lines


def evaluate(learner: SymbolicLearner, task: Task, test: Sequence[Example], train: dict[str, Example]) -> list[str]:
    start = time.process_time()
    preds = learner.predict([ex.source for ex in test])
    spent = time.process_time() - start
    by_cat: dict[str, list[tuple[bool, bool | None]]] = {}
    by_kind: dict[str, list[tuple[bool, bool | None]]] = {}
    levels: Counter[str] = Counter()
    traced = answered = 0
    for ex, pred in zip(test, preds, strict=True):
        exact = pred.tokens == ex.target
        sem = task.is_equivalent(ex, pred.tokens)  # the task's semantic judge (None: it has none)
        cat = ex.category or "(all)"
        by_cat.setdefault(cat, []).append((exact, sem))
        by_kind.setdefault(kind_of(cat) if ex.category else "in distribution", []).append((exact, sem))
        by_kind.setdefault("overall", []).append((exact, sem))
        if pred.tokens is None:
            levels["abstained"] += 1
            continue
        answered += 1
        levels[str(pred.relaxation_level)] += 1
        traced += is_traceable(pred, ex.source, train)
    per_item = 1000 * spent / max(1, len(test))
    out = [f"{task.name}: {len(test)} items, predict {spent:.1f} s CPU ({per_item:.2f} ms/item)",
           f"  coverage {answered / len(test):.2%}, traceability {traced / max(1, answered):.2%} of answers",
           "  relaxation levels: " + ", ".join(f"{k}: {v}" for k, v in sorted(levels.items()))]
    out += _table(dict(sorted(by_kind.items())))
    if len(by_cat) > 1:
        out += _table(dict(sorted(by_cat.items())))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=os.environ.get("SANDBOX_DATA", str(Path("../shared/datasets"))))
    ap.add_argument("--every", type=int, default=1, help="test every N-th item only")
    ap.add_argument("--splits", default="cogs/gen,cogs/test")
    args = ap.parse_args(argv)
    tasks = [load_task(name, args.data_dir) for name in args.splits.split(",")]
    train = tasks[0].train
    start = time.process_time()
    learner = SymbolicLearner().fit(train)
    fit = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = learner.summary()
    print(f"symbolic on COGS: {len(train)} training examples, learn {fit:.1f} s CPU, peak memory {peak:.0f} MB")
    print(f"  rule language: {summary['rule_language']}; rules: {summary['by_kind']}")
    by_id = {ex.id: ex for ex in train}
    for task in tasks:
        for line in evaluate(learner, task, task.test[::args.every], by_id):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
