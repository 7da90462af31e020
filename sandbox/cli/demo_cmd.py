"""``sandbox demo``: the main job on the embedded default (what ``make demo`` runs).

It runs the ``quick`` suite (the symbolic learner on every SCAN split, the GRU
on two of them with a small budget) into ``reports/quick`` and prints where the
report is. Everything it needs is generated from SCAN's grammar: no downloads.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from sandbox.bench.run import Announce, execute, load_tasks
from sandbox.bench.suite import load_suite
from sandbox.compare.config import Cell

DEFAULT_OUT = Path("reports") / "quick"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the quick suite on the embedded default data and write its report",
                       description="Run the quick benchmark suite (no outside files) and write "
                                   "DIR/results.json, DIR/report.md and DIR/report.html. A rerun resumes.")
    p.add_argument("--out", default=str(DEFAULT_OUT), metavar="DIR", help=f"output directory (default {DEFAULT_OUT})")
    p.add_argument("--fresh", action="store_true", help="discard finished cells and start over")
    p.add_argument("--suite", default="quick", help="the suite to run (default quick)")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    suite = load_suite(args.suite)
    print(f"suite {suite.name}: {len(suite.cells)} cells")
    print(suite.description)
    start = time.perf_counter()
    cells = list(suite.cells)
    out = Path(args.out)
    if out == DEFAULT_OUT:  # the default's parent is ours to make; a user's --out must have one
        out.parent.mkdir(exist_ok=True)
    results = execute(cells, load_tasks(cells, None), out, suite.config, fresh=args.fresh,
                      announce=_announce(len(cells)))
    print()
    from sandbox.compare.tables import mean_pct

    for row in results["summary"]:
        print(f"  {row['task']:34} {row['learner']:10} OOD exact match {mean_pct(row['exact_match']):>7}   "
              f"traceability {mean_pct(row['traceability']):>7}")
    print(f"\nfinished in {time.perf_counter() - start:.0f} s")
    print(f"report: {(out / 'report.html').resolve()}")
    return 0


def _announce(total: int) -> Announce:
    def announce(i: int, cell: Cell, record: dict[str, Any] | None, reused: bool) -> None:
        if record is None:
            print(f"[{i + 1}/{total}] {cell.learner} on {cell.task} ...", flush=True)
        elif not reused:
            print(f"[{i + 1}/{total}] {cell.learner} on {cell.task}: OOD exact match "
                  f"{record['test']['exact_match']:.2%} ({record['timing']['total_seconds']:.0f} s)", flush=True)

    return announce
