"""Run a suite: skip finished cells, run the rest, merge everything into results.json.

The merge reads every cell back from disk in suite order, so a run that was
killed and resumed writes exactly the same ``results.json`` as one that never
stopped.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from sandbox.bench.cells import run_cell
from sandbox.bench.executors import run_local, run_ray
from sandbox.bench.store import CellStore
from sandbox.bench.suite import Cell, Suite
from sandbox.formats import atomic_write_text
from sandbox.registry import learner_parameters


def effective_cells(suite: Suite) -> list[Cell]:
    """The suite's cells, with one seed only for learners that take no seed (they are deterministic)."""
    out: list[Cell] = []
    for cell in suite.cells:
        if "seed" not in learner_parameters(cell.learner) and cell.seed != suite.seeds[0]:
            continue
        out.append(cell)
    return out


def run_suite(
    suite: Suite,
    out: Path,
    executor: str = "local",
    address: str | None = None,
    fresh: bool = False,
    data_dir: str | None = None,
    progress: bool | None = None,
    ray_cpus: int | None = None,
) -> Path:
    """Run every unfinished cell of ``suite`` and write ``out/results.json``; return its path."""
    if fresh and (out / "cells").exists():
        shutil.rmtree(out / "cells")
    store = CellStore(out)
    store.clean_partial()
    cells = effective_cells(suite)
    todo = [c for c in cells if store.load(c) is None]
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(cells), initial=len(cells) - len(todo), desc=f"suite {suite.name}",
               unit="cell", disable=not show, position=0)
    if len(todo) < len(cells):
        print(f"sandbox: resuming: {len(cells) - len(todo)} of {len(cells)} cells already finished",
              file=sys.stderr)

    def on_done(cell: Cell, record: dict[str, Any], timing: dict[str, Any]) -> None:
        store.save(cell, record, timing)
        bar.update(1)
        bar.set_postfix_str(f"{cell.learner} {cell.task} seed {cell.seed}")

    try:
        if executor == "ray":
            run_ray(todo, run_cell, data_dir, on_done, address=address, num_cpus=ray_cpus)
        else:
            run_local(todo, run_cell, data_dir, on_done)
    finally:
        bar.close()
    records = []
    for cell in cells:
        record = store.load(cell)
        if record is None:  # pragma: no cover - a cell file vanished under us
            raise RuntimeError(f"cell {cell.key} has no result after the run")
        records.append(record)
    results = {
        "schema": "sandbox.bench/1",
        "suite": suite.name,
        "description": suite.description,
        "seeds": list(suite.seeds),
        "cells": [c.to_json() for c in cells],
        "records": records,
    }
    path = out / "results.json"
    atomic_write_text(path, json.dumps(results, indent=1, sort_keys=True) + "\n")
    timings = {cell.key: store.timing(cell) for cell in cells}
    atomic_write_text(out / "timings.json", json.dumps(timings, indent=1, sort_keys=True) + "\n")
    return path
