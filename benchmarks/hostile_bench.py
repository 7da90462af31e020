"""Hostile training sets: the symbolic learner's work and CPU time on each, under its default budget.

Run ``python -m benchmarks.hostile_bench`` (``--quick`` for smaller sets).
For each hostile set of :mod:`sandbox.testing.hostile` (and COGS, where the
official files are found) it fits the learner as users call it (every
reading in turn under the fit's one budget; ``--stage concatenative``: the
concatenative stage alone, ``logical_forms=False, sequences=False,
inverse=False``) and prints the training size, the longest input, the fit's
CPU and wall seconds, the work steps spent against ``max_work``, the stage
where the budget ran out (if it did), the reading kept, the stages that
spent the most, the rules by kind, the share of training pairs answered as
given (on up to 500 of them), and the predict CPU seconds and parse outcome
on up to 500 inputs. Every figure but the seconds is a count, the same on
every machine.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sandbox.data import Example
from sandbox.testing import hostile
from symbolic import SymbolicLearner

SAMPLE = 500  # training pairs checked and inputs predicted per case


def cases(quick: bool, data_dir: str | None) -> list[tuple[str, Callable[[], list[Example]]]]:
    k = 4 if quick else 1
    out: list[tuple[str, Callable[[], list[Example]]]] = [
        (f"same word, lengths 1-{256 // k}", lambda: hostile.same_word(256 // k)),
        ("ambiguous in every bracketing", lambda: hostile.ambiguous(20, 4000 // k, seed=0, max_operands=12)),
        (f"{256 // k}-word inputs", lambda: hostile.long_inputs(200 // k, 256 // k, seed=0)),
        (f"{10_000 // k:,} words seen once", lambda: hostile.distinct_words(10_000 // k)),
        ("outputs unrelated to inputs", lambda: hostile.unrelated(4000 // k, seed=0)),
        ("conflicting outputs", lambda: hostile.conflicting(1000 // k, seed=0)),
    ]
    if data_dir is not None and Path(data_dir, "cogs").is_dir():
        from sandbox.tasks.registry import load_task

        out.append(("COGS (cogs/gen training set)", lambda: list(load_task("cogs/gen", data_dir=data_dir).train)))
    return out


def run_case(name: str, data: Sequence[Example], params: dict[str, Any]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    learner = SymbolicLearner(**params).fit(data)
    fit_cpu, fit_wall = time.process_time() - cpu, time.perf_counter() - wall
    info = learner.summary()
    outputs: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for ex in data:
        outputs.setdefault(ex.source, set()).add(ex.target)
    asked = list(outputs)[:SAMPLE]
    cpu = time.process_time()
    preds = learner.predict(asked)
    pred_cpu = time.process_time() - cpu
    single = [(p, outputs[s]) for p, s in zip(preds, asked, strict=True) if len(outputs[s]) == 1]
    several = [(p, outputs[s]) for p, s in zip(preds, asked, strict=True) if len(outputs[s]) > 1]
    given = sum(p.tokens in t for p, t in single)
    one_of = sum(p.tokens in t for p, t in several)
    abstained = sum(p.tokens is None for p, _ in several)
    over = sum("parse budget" in p.reason for p in preds)
    kinds = ", ".join(f"{k} {v}" for k, v in info["by_kind"].items())
    spent_at = info.get("budget_spent_at") or "-"
    print(f"{name:34} {len(data):6d} {max(len(ex.source) for ex in data):5d} {fit_cpu:8.1f} ({fit_wall:6.1f}) "
          f"{info['work_steps']:>12,} / {info['max_work'] or 'none'!s:>10}  {given}/{len(single)} as given, "
          + (f"{one_of}/{len(several)} with several outputs given one, {abstained} abstained, " if several else "")
          + f"{over} over parse budget, predict {pred_cpu:.1f} s", flush=True)
    stages = sorted(info.get("work_by_stage", {}).items(), key=lambda kv: -kv[1])[:3]
    print(f"{'':34} budget spent at: {spent_at}; reading: {info['rule_language']}; most work: "
          + "; ".join(f"{k} {v:,}" for k, v in stages) + f"; rules: {kinds}", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sets a quarter of the size")
    parser.add_argument("--data-dir", help="root of the official data files (COGS); else $SANDBOX_DATA "
                                           "or ../shared/datasets")
    parser.add_argument("--max-work", type=int, help="the learner's max_work (default: its own default)")
    parser.add_argument("--stage", choices=("all", "concatenative"), default="all",
                        help="fit every reading under one budget (default), or the concatenative stage alone")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or os.environ.get("SANDBOX_DATA")
    if data_dir is None:
        default = Path(__file__).resolve().parents[2] / "shared" / "datasets"
        data_dir = str(default) if default.is_dir() else None
    params: dict[str, Any] = {} if args.max_work is None else {"max_work": args.max_work}
    if args.stage == "concatenative":
        params.update(logical_forms=False, sequences=False, inverse=False)
    print(f"{'case':34} {'train':>6} {'words':>5} {'fit CPU s (wall)':>17} {'work steps / max_work':>25}  "
          f"outcome (up to {SAMPLE} training inputs)")
    for name, make in cases(args.quick, data_dir):
        run_case(name, make(), params)


if __name__ == "__main__":
    main()
