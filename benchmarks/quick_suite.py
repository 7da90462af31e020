"""Wall time of the whole quick suite (what ``make demo`` runs), cell by cell.

Run ``python -m benchmarks.quick_suite``. It runs the ``quick`` suite from
scratch in a temporary directory through the same code path as ``sandbox
bench`` and prints each cell's fit, predict, attribution and geometry seconds,
and the total wall time against the 10-minute budget of ``make demo`` on a
2-core laptop CPU. The machine and its load are printed with the figures,
since wall time on a shared machine is only comparable within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from sandbox.bench.run import execute, load_tasks
from sandbox.bench.suite import load_suite

BUDGET_SECONDS = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--out", help="output directory (default: a temporary one)")
    args = parser.parse_args()

    suite = load_suite(args.suite)
    cells = list(suite.cells)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="quick-suite-"))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    start = time.perf_counter()
    results = execute(cells, load_tasks(cells, None), out, suite.config, fresh=True, progress=False)
    wall = time.perf_counter() - start
    timings = json.loads((out / "timings.json").read_text())
    # geom s: the distance and hull analyses, of which enc s the encoder's and dec s the decoder's (first step).
    print(f"{'learner':10} {'task':34} {'fit s':>8} {'predict s':>10} {'attrib s':>9} {'geom s':>8} "
          f"{'enc s':>7} {'dec s':>7} {'total s':>8}")
    for cell in cells:
        t = timings[cell.key]
        print(f"{cell.learner:10} {cell.task:34} {t['fit_seconds']:8.1f} {t['predict_seconds']:10.1f} "
              f"{t['attribution_seconds']:9.1f} {t['geometry_seconds']:8.1f} {t['encoder_geometry_seconds']:7.1f} "
              f"{t['decoder_geometry_seconds']:7.1f} {t['total_seconds']:8.1f}")
    by_learner: dict[str, float] = {}
    for cell in cells:
        by_learner[cell.learner] = by_learner.get(cell.learner, 0.0) + timings[cell.key]["total_seconds"]
    print("per learner: " + ", ".join(f"{k} {v:.0f} s" for k, v in by_learner.items()))
    print(f"suite {suite.name}: {len(cells)} cells, wall time {wall:.0f} s "
          f"({wall / BUDGET_SECONDS:.0%} of the {BUDGET_SECONDS} s budget), "
          f"{len(results['summary'])} summary rows, report at {out / 'report.html'}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
