"""Benchmark of the symbolic rule learner: accuracy, traceability, control and cost.

Run ``python -m benchmarks.symbolic_bench`` (``--quick`` for a subset). It prints

1. per task: learn and predict time (wall and CPU seconds of this process),
   exact match, coverage, traceability (the sandbox's own replayer and
   evidence check), the relaxation histogram, and accuracy/coverage under
   each cap 0..3, with whether each cap abstains on exactly the items that
   need more and keeps every answer it gives;
2. the time to answer all 20,910 SCAN commands beside the hand-written
   interpreter, measured in the same run;
3. learn and predict time for 1k..16k training examples (cost growth);
4. learn and predict time as the vocabulary grows: a SCAN-like grammar of
   invented words with 16..256 primitives, 2,000 training examples each;
5. with ``--families``: the other task families (arithmetic in words, PCFG
   SET, NACS), one fit each on up to ``--family-train`` training examples:
   exact match, coverage, traceability, rules by kind (memorized ones are
   examples no general rule derives), the work spent against the learner's
   ``max_proposals`` budget, and whether the budget ran out.

The machine may be shared: CPU seconds of this process are the figures to
compare; wall seconds are shown too. The MCD splits need the official files
(``--data-dir`` or ``$SANDBOX_DATA``; by default ``../shared/datasets``).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from sandbox.data import Example, Task, make_examples
from sandbox.evaluation import is_traceable
from sandbox.grammar import Grammar, Production, Ref, sample_pair
from sandbox.protocol import Prediction
from sandbox.tasks.registry import load_task
from sandbox.tasks.scan_grammar import all_commands, interpret
from symbolic import SymbolicLearner

SCAN = ["scan/simple", "scan/length", "scan/addprim_jump", "scan/addprim_turn_left",
        "scan/template_around_right", "scan/template_jump_around_right",
        "scan/template_opposite_right", "scan/template_right", "scan/mcd1", "scan/mcd2", "scan/mcd3"]
TASKS = ["fewshot/colors", *SCAN]
QUICK = ["fewshot/colors", "scan/simple", "scan/addprim_jump", "scan/template_around_right",
         "scan/mcd1"]
SIZES = (1000, 2000, 4000, 8000, 16000)


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, wall seconds and CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def evaluate(task: Task) -> dict[str, Any]:
    learner, fit_wall, fit_cpu = timed(lambda: SymbolicLearner().fit(task.train))
    sources = [ex.source for ex in task.test]
    preds, pred_wall, pred_cpu = timed(lambda: learner.predict(sources))
    train = {ex.id: ex for ex in task.train}
    n = len(task.test)
    answered = [p for p in preds if p.tokens is not None]
    levels = Counter(str(p.relaxation_level) if p.tokens is not None else "abst" for p in preds)
    row: dict[str, Any] = {
        "task": task.name, "n_train": len(task.train), "n_test": n,
        "fit_wall": fit_wall, "fit_cpu": fit_cpu, "pred_wall": pred_wall, "pred_cpu": pred_cpu,
        "exact": sum(p.tokens == ex.target for p, ex in zip(preds, task.test, strict=True)) / n,
        "coverage": len(answered) / n,
        "trace": sum(is_traceable(p, ex.source, train) for p, ex in zip(preds, task.test, strict=True)
                     if p.tokens is not None) / max(1, len(answered)),
        "levels": dict(sorted(levels.items())),
        "rules": len(learner.rules_),
        "caps": [],
    }
    for cap in range(4):
        capped = SymbolicLearner(max_relaxation=cap).fit(task.train).predict(sources)
        row["caps"].append(_cap_row(cap, capped, preds, task.test))
    return row


def _cap_row(cap: int, capped: Sequence[Prediction], full: Sequence[Prediction],
             test: Sequence[Example]) -> dict[str, Any]:
    n = len(test)
    answered = [i for i, p in enumerate(capped) if p.tokens is not None]
    needs_more = {i for i, p in enumerate(full) if p.tokens is None or (p.relaxation_level or 0) > cap}
    exact_control = set(answered) == set(range(n)) - needs_more and all(
        capped[i].tokens == full[i].tokens for i in answered)
    return {
        "cap": cap,
        "exact": sum(capped[i].tokens == test[i].target for i in answered) / n,
        "coverage": len(answered) / n,
        "accuracy_answered": (sum(capped[i].tokens == test[i].target for i in answered)
                              / max(1, len(answered))),
        "controlled": exact_control,
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    head = (f"{'task':32} {'train':>6} {'test':>6} {'learn s':>14} {'predict s':>14} {'exact':>7} "
            f"{'cover':>7} {'trace':>7} {'rules':>5}  relaxation histogram")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['task']:32} {r['n_train']:6d} {r['n_test']:6d} "
              f"{r['fit_cpu']:6.2f} ({r['fit_wall']:5.2f}) {r['pred_cpu']:6.2f} ({r['pred_wall']:5.2f}) "
              f"{r['exact']:7.2%} {r['coverage']:7.2%} {r['trace']:7.2%} {r['rules']:5d}  {r['levels']}")
    print("\nlearn/predict: CPU seconds of this process (wall seconds in brackets)\n")
    print(f"{'task':32} " + " ".join(f"{'cap ' + str(k) + ' exact/cover':>22}" for k in range(4))
          + "  abstains exactly beyond cap")
    for r in rows:
        cells = " ".join(f"{c['exact']:10.2%} /{c['coverage']:8.2%}  " for c in r["caps"])
        ok = all(c["controlled"] for c in r["caps"])
        print(f"{r['task']:32} {cells}  {'yes' if ok else 'NO'}")


def interpreter_ratio(train: Sequence[Example], repeats: int = 3) -> None:
    """All SCAN commands, learner beside interpreter, interleaved; the least time of each.

    Each repetition predicts with a freshly fitted learner, so that no answer
    comes from an earlier repetition's memo.
    """
    commands = list(all_commands())
    interp: list[float] = []
    learned: list[float] = []
    correct = 0
    for _ in range(repeats):
        gold, _, cpu = timed(lambda: [interpret(c) for c in commands])
        interp.append(cpu)
        learner = SymbolicLearner().fit(train)
        preds, _, cpu = timed(partial(learner.predict, commands))
        learned.append(cpu)
        correct = sum(p.tokens == g for p, g in zip(preds, gold, strict=True))
    print(f"\nall {len(commands)} SCAN commands (learner fitted on scan/simple's training set; "
          f"least CPU seconds of {repeats} interleaved runs):")
    print(f"  interpreter  {min(interp):7.3f} s   (runs: {', '.join(f'{t:.3f}' for t in interp)})")
    print(f"  learner      {min(learned):7.3f} s   (runs: {', '.join(f'{t:.3f}' for t in learned)}), "
          f"answers with derivations and attributions; {correct}/{len(commands)} correct")
    print(f"  ratio        {min(learned) / min(interp):7.2f} x")


def cost_growth(seed: int = 0) -> None:
    rng = random.Random(seed)
    commands = list(all_commands())
    rng.shuffle(commands)
    held_out = commands[-2000:]
    print(f"\ncost growth (random SCAN commands, seed {seed}; predict = 2,000 held-out commands):")
    print(f"  {'train':>6} {'learn CPU s':>12} {'x prev':>7} {'predict CPU s':>14} {'x prev':>7} {'exact':>7}")
    prev: tuple[float, float] | None = None
    for size in SIZES:
        train = make_examples(((c, interpret(c)) for c in commands[:size]), "train")
        learner, _, fit_cpu = timed(partial(SymbolicLearner().fit, train))
        preds, _, pred_cpu = timed(partial(learner.predict, held_out))
        exact = sum(p.tokens == interpret(c) for p, c in zip(preds, held_out, strict=True)) / len(held_out)
        ratio = ("", "") if prev is None else (f"{fit_cpu / prev[0]:.2f}", f"{pred_cpu / prev[1]:.2f}")
        print(f"  {size:6d} {fit_cpu:12.2f} {ratio[0]:>7} {pred_cpu:14.2f} {ratio[1]:>7} {exact:7.2%}")
        prev = (fit_cpu, pred_cpu)


VOCAB_SIZES = (16, 32, 64, 128, 256)


def invented_grammar(n_primitives: int) -> Grammar:
    """A SCAN-like synchronous grammar over invented words: two repeaters and two connectives."""
    rules = [
        Production("C", (Ref("S"), "zo", Ref("S")), (0, 1)),
        Production("C", (Ref("S"), "ki", Ref("S")), (1, 0)),  # swaps its arguments
        Production("C", (Ref("S"),), (0,), weight=2.0),
        Production("S", (Ref("V"), "ba"), (0, 0)),
        Production("S", (Ref("V"), "du"), (0, 0, 0)),
        Production("S", (Ref("V"),), (0,)),
    ]
    rules += [Production("V", (f"w{i}",), (f"T{i}",)) for i in range(n_primitives)]
    return Grammar("C", tuple(rules))


def vocabulary_growth(seed: int = 0, n_train: int = 2000, n_test: int = 500) -> None:
    print(f"\nvocabulary growth (invented SCAN-like grammar, {n_train} training and {n_test} held-out "
          f"distinct pairs, seed {seed}):")
    print(f"  {'primitives':>10} {'learn CPU s':>12} {'predict CPU s':>14} {'exact':>8} {'coverage':>9}")
    for size in VOCAB_SIZES:
        grammar, rng = invented_grammar(size), random.Random(seed)
        pairs: dict[tuple[str, ...], tuple[str, ...]] = {}
        for _ in range(50 * (n_train + n_test)):
            if len(pairs) == n_train + n_test:
                break
            source, target = sample_pair(grammar, rng)
            pairs.setdefault(source, target)
        items = list(pairs.items())
        if len(items) < n_train + n_test:
            print(f"  {size:10d}  (the grammar has only {len(items)} distinct pairs; skipped)")
            continue
        train = make_examples(items[:n_train], "train")
        test = items[n_train:]
        learner, _, fit_cpu = timed(partial(SymbolicLearner().fit, train))
        preds, _, pred_cpu = timed(partial(learner.predict, [s for s, _ in test]))
        exact = sum(p.tokens == t for p, (_, t) in zip(preds, test, strict=True)) / len(test)
        cover = sum(p.tokens is not None for p in preds) / len(test)
        print(f"  {size:10d} {fit_cpu:12.2f} {pred_cpu:14.2f} {exact:8.2%} {cover:9.2%}")


FAMILIES = ["arith/iid", "arith/depth", "arith/number_words", "arith/extrapolation", "pcfg/iid",
            "pcfg/systematicity", "pcfg/productivity", "nacs/simple", "nacs/length"]


def family_row(task: Task, n_train: int, n_test: int) -> None:
    train, test = task.train[:n_train], task.test[:n_test]
    learner, fit_wall, fit_cpu = timed(lambda: SymbolicLearner().fit(train))
    preds, _, pred_cpu = timed(lambda: learner.predict([ex.source for ex in test]))
    by_id = {ex.id: ex for ex in train}
    answered = [(p, ex) for p, ex in zip(preds, test, strict=True) if p.tokens is not None]
    exact = sum(p.tokens == ex.target for p, ex in answered) / len(test)
    trace = sum(is_traceable(p, ex.source, by_id) for p, ex in answered) / max(1, len(answered))
    info = learner.summary()
    kinds = ", ".join(f"{k} {v}" for k, v in info["by_kind"].items())
    budget = "RAN OUT" if info.get("budget_exhausted") else "enough"
    print(f"{task.name:22} {len(train):6d} {len(test):5d} {fit_cpu:8.1f} ({fit_wall:6.1f}) {pred_cpu:7.2f} "
          f"{exact:7.2%} {len(answered) / len(test):7.2%} {trace:7.2%}  {info.get('proposals', '-'):>6} {budget:8} "
          f"{kinds}; {info.get('work_steps', '-')} steps", flush=True)


def families(names: Sequence[str], n_train: int, n_test: int) -> None:
    print(f"\nother task families (default learner; up to {n_train} training and {n_test} test examples "
          f"each; learn in CPU s, wall in brackets)")
    print(f"{'task':22} {'train':>6} {'test':>5} {'learn s':>17} {'pred s':>7} {'exact':>7} {'cover':>7} "
          f"{'trace':>7}  {'work':>6} {'budget':8} rules by kind")
    for name in names:
        family_row(load_task(name), n_train, n_test)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--tasks", nargs="*", help="these tasks instead")
    parser.add_argument("--data-dir", help="root of the official data files (MCD splits)")
    parser.add_argument("--skip-interpreter", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--skip-vocabulary", action="store_true")
    parser.add_argument("--families", nargs="*", metavar="TASK",
                        help=f"also the other task families (default: {' '.join(FAMILIES)})")
    parser.add_argument("--family-train", type=int, default=4000, help="training examples per family task")
    parser.add_argument("--family-test", type=int, default=1000, help="test examples per family task")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or os.environ.get("SANDBOX_DATA")
    if data_dir is None:
        default = Path(__file__).resolve().parents[2] / "shared" / "datasets"
        data_dir = str(default) if default.is_dir() else None
    names = args.tasks or (QUICK if args.quick else TASKS)
    rows = []
    for name in names:
        if name.startswith("scan/mcd") and data_dir is None:
            print(f"skipping {name}: no data directory")
            continue
        rows.append(evaluate(load_task(name, data_dir=data_dir)))
    print_table(rows)
    if not args.skip_interpreter:
        interpreter_ratio(load_task("scan/simple").train)
    if not args.skip_growth:
        cost_growth()
    if not args.skip_vocabulary:
        vocabulary_growth()
    if args.families is not None:
        families(args.families or FAMILIES, args.family_train, args.family_test)


if __name__ == "__main__":
    main()
