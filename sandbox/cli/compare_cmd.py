"""``sandbox compare`` and ``sandbox report``: learners side by side, and reports re-rendered from results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sandbox.cli.common import add_data_dir, add_limits, add_wait, limited, parse_value, task_from_files
from sandbox.compare.config import Cell, CompareConfig, plan_cells
from sandbox.data import Task
from sandbox.errors import InputError, UsageError
from sandbox.formats import FORMATS, output_parent
from sandbox.registry import learner_names, learner_parameters
from sandbox.tasks.registry import load_task

DEFAULT_LEARNERS = "symbolic,gru,transformer"
# Pass-through options: applied to every chosen learner whose constructor takes the parameter.
PASS_THROUGH = {"epochs": "--epochs", "max_relaxation": "--max-relaxation", "device": "--device"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="run learners side by side on tasks and write results.json and reports",
        description="Fit every learner on each task (for each seed), measure OOD accuracy with bootstrap CIs, "
                    "the gap to a held-out slice of the training data, traceability, attribution fidelity by "
                    "counterfactual word swaps, relaxation levels and embedding-space distance and convex-hull "
                    "membership; write DIR/cells/*.json, DIR/results.json, DIR/report.md and DIR/report.html.")
    p.add_argument("--task", action="append", default=[], metavar="TASK",
                   help="a registered task, e.g. scan/addprim_jump (repeatable)")
    p.add_argument("--train", metavar="FILE", help="training file (SCAN lines, COGS TSV or JSONL)")
    p.add_argument("--test", metavar="FILE", help="test file, same formats")
    p.add_argument("--format", choices=FORMATS, help="file format (default: from the extension)")
    add_data_dir(p)
    add_limits(p)
    p.add_argument("--learners", default=DEFAULT_LEARNERS, metavar="A,B,...",
                   help=f"comma-separated learners (default {DEFAULT_LEARNERS}; known: {', '.join(learner_names())})")
    p.add_argument("--seeds", type=int, default=1, metavar="N",
                   help="seeds 0..N-1 for learners that take a seed; deterministic learners run once (default 1)")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--epochs", type=int, metavar="N", help="training epochs, for learners that take them")
    p.add_argument("--max-relaxation", type=int, metavar="K",
                   help="highest relaxation level, for learners that take it")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), help="device, for learners that take it")
    p.add_argument("--param", action="append", default=[], metavar="[LEARNER:]KEY=VALUE",
                   help="a constructor parameter for LEARNER (or for every chosen learner that takes KEY)")
    defaults = CompareConfig()
    p.add_argument("--heldout-fraction", type=float, default=defaults.heldout_fraction, metavar="F",
                   help=f"share of distinct training inputs held out for the gap (default {defaults.heldout_fraction})")
    p.add_argument("--swaps", type=int, default=defaults.swaps, metavar="N",
                   help=f"counterfactual swaps per cell (default {defaults.swaps})")
    p.add_argument("--hull-lp-rounds", type=int, default=defaults.hull_lp_rounds, metavar="N",
                   help="column-generation rounds per LP of the exact hull test; a point not settled within "
                        f"them is reported undecided (default {defaults.hull_lp_rounds})")
    p.add_argument("--bootstrap", type=int, default=defaults.bootstrap_resamples, metavar="N",
                   help=f"bootstrap resamples (default {defaults.bootstrap_resamples})")
    p.add_argument("--fresh", action="store_true", help="rerun every cell even if DIR/cells holds it")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar of the symbolic learner's stages and work (shown only on a terminal)")
    add_wait(p)
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("report", help="re-render report.md and report.html from DIR/results.json",
                       description="Read DIR/results.json and write DIR/report.md and DIR/report.html.")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--verify-hull", action="store_true",
                   help="also re-check every saved hull certificate (DIR/certificates/*.npz) against every "
                        "training vector; exit 1 if any fails")
    p.set_defaults(handler=cmd_report)


def tasks_from_args(args: argparse.Namespace) -> dict[str, Task]:
    if args.task and (args.train or args.test):
        raise UsageError("give either --task or --train/--test, not both")
    if args.task:
        loaded = {name: load_task(name, args.data_dir) for name in dict.fromkeys(args.task)}
    else:
        if not (args.train and args.test):
            raise UsageError("give --task TASK or --train FILE --test FILE")
        task = task_from_files(args.train, args.test, args.format)
        loaded = {task.name: task}
    return {name: limited(task, args.train_limit, args.test_limit) for name, task in loaded.items()}


def learner_list(text: str) -> list[str]:
    learners = list(dict.fromkeys(x.strip() for x in text.split(",") if x.strip()))
    if not learners:
        raise UsageError("--learners is empty")
    known = set(learner_names())
    for name in learners:
        if name not in known:
            raise UsageError(f"unknown learner {name!r} (known: {', '.join(sorted(known))})")
    return learners


def accepted_parameters(name: str) -> set[str]:
    try:
        return set(learner_parameters(name))
    except ImportError as err:
        raise UsageError(f"learner {name!r} cannot be loaded here: {err}") from None


def learner_params(args: argparse.Namespace, learners: list[str]) -> dict[str, dict[str, Any]]:
    """Constructor parameters per learner from the pass-through options and ``--param``."""
    accepted = {name: accepted_parameters(name) for name in learners}
    params: dict[str, dict[str, Any]] = {name: {} for name in learners}
    wanted: list[tuple[str | None, str, Any, str]] = []
    for key, flag in PASS_THROUGH.items():
        value = getattr(args, key)
        if value is not None:
            wanted.append((None, key, value, flag))
    for item in args.param:
        target, colon, rest = item.partition(":")
        learner, assignment = (target, rest) if colon and "=" not in target else (None, item)
        key, eq, raw = assignment.partition("=")
        if not eq or not key:
            raise UsageError(f"--param expects [LEARNER:]KEY=VALUE, got {item!r}")
        if learner is not None and learner not in learners:
            raise UsageError(f"--param {item!r} names learner {learner!r}, which is not in --learners")
        wanted.append((learner, key.replace("-", "_"), parse_value(raw), f"--param {item}"))
    for learner, key, value, flag in wanted:
        if key == "seed":
            raise UsageError("seeds are set by --seeds, not by a parameter")
        targets = [learner] if learner else [n for n in learners if key in accepted[n]]
        if not targets or any(key not in accepted[t] for t in targets):
            raise UsageError(f"{flag} does not apply to any chosen learner ({', '.join(learners)})"
                             if not targets else f"{flag}: learner {learner!r} takes no parameter {key!r}")
        for t in targets:
            params[t][key] = value
    return params


def config_from_args(args: argparse.Namespace) -> CompareConfig:
    if not 0.0 <= args.heldout_fraction < 1.0:
        raise UsageError("--heldout-fraction must be in [0, 1)")
    checked = (("--swaps", args.swaps), ("--hull-lp-rounds", args.hull_lp_rounds), ("--bootstrap", args.bootstrap))
    for flag, value in checked:
        if value < 0 or (flag == "--bootstrap" and value < 1):
            raise UsageError(f"{flag} must be {'positive' if flag == '--bootstrap' else 'zero or more'}")
    return CompareConfig(heldout_fraction=args.heldout_fraction, swaps=args.swaps,
                         hull_lp_rounds=args.hull_lp_rounds, bootstrap_resamples=args.bootstrap)


def cmd_compare(args: argparse.Namespace) -> int:
    if args.seeds < 1:
        raise UsageError("--seeds must be at least 1")
    out = output_parent(args.out, "--out")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a directory")
    learners = learner_list(args.learners)
    params = learner_params(args, learners)
    tasks = tasks_from_args(args)
    for task in tasks.values():
        if not task.test:
            raise UsageError(f"task {task.name} has no test examples")
    config = config_from_args(args)
    seeded = {name: "seed" in accepted_parameters(name) for name in learners}
    cells = plan_cells(list(tasks), learners, list(range(args.seeds)), params, seeded)

    from sandbox.bench.run import execute
    from sandbox.compare.tables import mean_pct, pct, with_ci

    def announce(i: int, cell: Cell, record: dict[str, Any] | None, reused: bool) -> None:
        head = f"[{i + 1}/{len(cells)}] {cell.learner} on {cell.task}, seed {cell.seed}"
        if record is None:
            print(f"{head} ...", file=sys.stderr, flush=True)
            return
        how = "reused from cells/" if reused else f"{record['timing']['total_seconds']:.1f} s"
        print(f"{head}: test exact match {pct(record['test']['exact_match'])} ({how})", file=sys.stderr, flush=True)

    from sandbox.progress import showing

    with showing(False if args.quiet else None):
        results = execute(cells, tasks, out, config, fresh=args.fresh, data_dir=args.data_dir, progress=False,
                          announce=announce, wait_polls=args.wait)
    for row in results["summary"]:
        print(f"{row['task']:24} {row['learner']:12} OOD {with_ci(row['exact_match'])}  "
              f"traceability {mean_pct(row['traceability'])}")
    print(f"wrote {out / 'results.json'}, {out / 'report.md'}, {out / 'report.html'}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from sandbox.compare.reports import write_reports
    from sandbox.compare.results import read_results

    results = read_results(args.dir)
    try:
        reports = write_reports(args.dir, results)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        # The checksum matched, so the file was edited and restamped by hand (or by another program):
        # a field the reports need is missing or of another type.
        raise InputError(f"not a results file the reports can read: a field is missing or malformed "
                         f"({type(err).__name__}: {err})", Path(args.dir) / "results.json") from None
    print(f"wrote {reports[0]}, {reports[1]}")
    if args.verify_hull:
        from sandbox.compare.hull import verify_saved

        refs = [r[space]["hull"]["certificates"] for r in results["cells"]
                for space in ("geometry", "decoder_geometry") if r.get(space) and r[space]["hull"].get("certificates")]
        problems = [p for ref in refs for p in verify_saved(args.dir, ref)]
        for problem in problems[:20]:
            print(f"hull certificate: {problem}", file=sys.stderr)
        print(f"hull certificates: {len(refs)} file(s) re-verified, {len(problems)} failure(s)")
        return 1 if problems else 0
    return 0
