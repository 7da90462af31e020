"""``sandbox bench``: run a benchmark suite, resumably, locally or on Ray."""

from __future__ import annotations

import argparse
from pathlib import Path

from sandbox.bench.run import execute, load_tasks
from sandbox.bench.suite import load_suite
from sandbox.cli.common import add_data_dir, add_wait
from sandbox.tasks.registry import resolve_data_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench", help="run a benchmark suite and write its report",
        description="Run every cell (learner x task x seed) of a suite, writing each finished cell to "
                    "DIR/cells/ at once; a rerun with the same DIR skips finished cells. Then write "
                    "DIR/results.json and the report.")
    p.add_argument("--suite", required=True, help="a suite name under benchmarks/suites/ or a .toml file")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--learners", help="comma-separated learners to keep (default: all in the suite)")
    p.add_argument("--seeds", type=int, metavar="N", help="seeds per cell (default: the suite's)")
    p.add_argument("--executor", choices=("local", "ray"), default="local", help="where cells run")
    p.add_argument("--address", help="address of an existing Ray cluster (with --executor ray)")
    p.add_argument("--ray-cpus", type=int, metavar="N", help="CPUs of a local Ray started by this command")
    p.add_argument("--fresh", action="store_true", help="discard finished cells and start over")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_wait(p)
    add_data_dir(p)
    p.set_defaults(handler=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    learners = [x.strip() for x in args.learners.split(",")] if args.learners else None
    suite = load_suite(args.suite, seeds=args.seeds, learners=learners, with_data=data_dir is not None)
    out = Path(args.out)
    data = None if data_dir is None else str(data_dir)
    cells = list(suite.cells)
    tasks = load_tasks(cells, data)
    execute(cells, tasks, out, suite.config, executor=args.executor, address=args.address,
            ray_cpus=args.ray_cpus, fresh=args.fresh, data_dir=data, progress=False if args.no_progress else None,
            wait_polls=args.wait)
    print(f"results: {out / 'results.json'}")
    print(f"report:  {out / 'report.html'}")
    return 0
