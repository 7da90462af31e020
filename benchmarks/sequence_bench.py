"""The symbolic learner on rules beyond concatenation: PCFG SET and NACS.

Prints, per task: training size, learn and predict CPU seconds, exact match
(NACS: by the task's interpreting judge), coverage, traceability (the
sandbox's own replayer and evidence check), which rule language the learner
kept and the work it spent; then PCFG SET's consistency tests (substitutivity:
an input and its synonym twin answered alike; localism: an input answered as
its unrolled, innermost-first evaluation), and the sample-efficiency rows
(the first N training examples only). Figures, not timed tests:

    python -m benchmarks.sequence_bench                 # default corpus (10,000 expressions)
    python -m benchmarks.sequence_bench --paper         # also size=paper (100,000 expressions)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

from sandbox.data import Task
from sandbox.evaluation import is_traceable
from sandbox.tasks.pcfg import localism_consistent
from sandbox.tasks.registry import load_task
from symbolic import SymbolicLearner

ACCURACY = ["pcfg/iid", "pcfg/systematicity", "pcfg/productivity", "nacs/simple", "nacs/length"]
CONSISTENCY = ["pcfg/substitutivity", "pcfg/substitutivity_primitive", "pcfg/localism"]
FEW = (50, 100)
PUBLISHED = {  # Hupkes et al. 2020, official data: Transformer / LSTM / ConvS2S
    "pcfg/iid": "91.7 / 79.3 / 84.7", "pcfg/systematicity": "71.9 / 52.6 / 56.0",
    "pcfg/productivity": "50.0 / 30.1 / 30.8"}


def _fit(task: Task, n: int | None) -> tuple[SymbolicLearner, float, Any]:
    train = task.train if n is None else task.train[:n]
    start = time.process_time()
    learner = SymbolicLearner().fit(train)
    return learner, time.process_time() - start, train


def accuracy_row(task: Task, n: int | None = None) -> None:
    learner, fit_s, train = _fit(task, n)
    start = time.process_time()
    preds = learner.predict([ex.source for ex in task.test])
    pred_s = time.process_time() - start
    by_id = {ex.id: ex for ex in train}
    answered = [(p, ex) for p, ex in zip(preds, task.test, strict=True) if p.tokens is not None]
    exact = sum(task.is_correct(ex, p.tokens) for p, ex in answered) / len(task.test)
    trace = sum(is_traceable(p, ex.source, by_id) for p, ex in answered) / max(1, len(answered))
    info = learner.summary()
    work = info.get("work_steps", info.get("proposals"))
    levels: dict[int, int] = {}
    for p, _ in answered:
        levels[p.relaxation_level] = levels.get(p.relaxation_level, 0) + 1
    print(f"{task.name:28} {len(train):6d} {len(task.test):5d} {fit_s:7.2f} {pred_s:7.2f} {exact:8.2%} "
          f"{len(answered) / len(task.test):7.2%} {trace:7.2%}  {info['rule_language']:13} {work!s:>9}  "
          f"{' '.join(f'L{k}:{v}' for k, v in sorted(levels.items()))}  {PUBLISHED.get(task.name, '')}",
          flush=True)


def consistency_row(task: Task) -> None:
    learner, fit_s, _ = _fit(task, None)
    if task.name.endswith("localism"):

        def answer(source: Sequence[str]) -> Any:
            return learner.explain(tuple(source)).tokens

        ok = sum(localism_consistent(answer, ex.source) for ex in task.test)
        total = len(task.test)
    else:
        pairs: dict[str, list[Any]] = {}
        for ex, p in zip(task.test, learner.predict([ex.source for ex in task.test]), strict=True):
            pairs.setdefault(dict(ex.meta)["pair"], []).append(p.tokens)
        ok = sum(1 for v in pairs.values() if len(v) == 2 and v[0] is not None and v[0] == v[1])
        total = len(pairs)
    print(f"{task.name:28} {len(task.train):6d} {total:5d} {fit_s:7.2f}   consistent {ok / total:8.2%} "
          f"({ok}/{total})", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", action="store_true", help="also PCFG SET at size=paper")
    args = parser.parse_args(argv)
    print(f"{'task':28} {'train':>6} {'test':>5} {'learn s':>7} {'pred s':>7} {'exact':>8} {'cover':>7} "
          f"{'trace':>7}  {'rules':13} {'work':>9}  levels  published T / LSTM / ConvS2S")
    for name in ACCURACY:
        accuracy_row(load_task(name))
    print("\nsample efficiency (the first N training examples only)")
    for name in ACCURACY[:3]:
        for n in FEW:
            accuracy_row(load_task(name), n)
    print("\nconsistency (Hupkes et al.'s substitutivity and localism scores)")
    for name in CONSISTENCY:
        consistency_row(load_task(name))
    if args.paper:
        print("\nsize=paper (100,000 expressions)")
        for name in ACCURACY[:3]:
            accuracy_row(load_task(name, options={"size": "paper"}).with_name(f"{name}@paper"))
        for name in CONSISTENCY:
            consistency_row(load_task(name, options={"size": "paper"}).with_name(f"{name}@paper"))


if __name__ == "__main__":
    main()
