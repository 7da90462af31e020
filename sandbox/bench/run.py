"""Run cells resumably and merge them into results.json and the reports.

This is the one execution path of the sandbox: ``sandbox compare`` runs the
cells it plans from its options, ``sandbox bench`` the cells of a suite. Each
finished cell is written at once (atomically, checksummed) to ``OUT/cells/``;
a rerun skips every cell whose record is there and was made for the same task
version and comparator settings. The merge reads every record back from disk
in plan order, so a run that was killed and resumed writes exactly the same
``results.json`` as one that never stopped; timings go to ``timings.json``.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from sandbox.bench.executors import run_local, run_ray
from sandbox.bench.lock import OutLock
from sandbox.bench.store import CellStore
from sandbox.compare.config import Cell, CompareConfig
from sandbox.data import Task
from sandbox.errors import OutputError, UsageError
from sandbox.formats import atomic_write_text

THREADS = 1  # per cell, so that a cell's numbers do not depend on where it ran
Announce = Callable[[int, Cell, dict[str, Any] | None, bool], None]


def work_on(cell: Cell, task: Task, config: CompareConfig,
            certificates: str | Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one cell in this process; returns (record, timing). Hull certificates go to ``certificates``."""
    import torch

    from sandbox.compare.runner import run_cell

    torch.set_num_threads(THREADS)
    record = run_cell(cell, task, config, certificates=certificates)
    return record, record.pop("timing")


def work_remote(
    cell: dict[str, Any], data_dir: str | None, config: dict[str, Any], certificates: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one cell given as JSON on a Ray worker, loading its task by name."""
    import torch

    from sandbox.compare.runner import run_cell_json

    torch.set_num_threads(THREADS)
    return run_cell_json(cell, data_dir, config, certificates)


def execute(
    cells: Sequence[Cell],
    tasks: dict[str, Task],
    out: Path,
    config: CompareConfig,
    *,
    executor: str = "local",
    address: str | None = None,
    ray_cpus: int | None = None,
    fresh: bool = False,
    data_dir: str | None = None,
    progress: bool | None = None,
    announce: Announce | None = None,
    wait_polls: int = 0,
) -> dict[str, Any]:
    """Run every unfinished cell, then write results.json, timings.json and the reports.

    The whole run holds the lock on ``out`` (:mod:`sandbox.bench.lock`), so
    that two runs never compute the same cell; a second run waits up to
    ``wait_polls`` polls for it, then refuses.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a directory")
    with OutLock(out, wait_polls):
        return _execute_locked(cells, tasks, out, config, executor=executor, address=address, ray_cpus=ray_cpus,
                               fresh=fresh, data_dir=data_dir, progress=progress, announce=announce)


def _execute_locked(
    cells: Sequence[Cell],
    tasks: dict[str, Task],
    out: Path,
    config: CompareConfig,
    *,
    executor: str,
    address: str | None,
    ray_cpus: int | None,
    fresh: bool,
    data_dir: str | None,
    progress: bool | None,
    announce: Announce | None,
) -> dict[str, Any]:
    from sandbox.compare.reports import write_reports
    from sandbox.compare.results import merge_cells, write_results

    if fresh and (out / "cells").exists():
        try:
            shutil.rmtree(out / "cells")
        except OSError as err:
            raise OutputError(f"--fresh: cannot remove {out / 'cells'}: {err.strerror or err}") from None
    store = CellStore(out)
    store.clean_partial()

    def expect(cell: Cell) -> dict[str, Any]:
        return {"config": config.to_json(), "task_version": tasks[cell.task].version}

    todo = [c for c in cells if store.load(c, expect(c)) is None]
    if len(todo) < len(cells):
        print(f"sandbox: resuming: {len(cells) - len(todo)} of {len(cells)} cells already finished", file=sys.stderr)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(cells), initial=len(cells) - len(todo), unit="cell", disable=not show, position=0,
               desc="cells")
    index = {cell: i for i, cell in enumerate(cells)}
    for cell in cells:
        if cell not in todo and announce:
            announce(index[cell], cell, store.load(cell, expect(cell)), True)

    def on_done(cell: Cell, record: dict[str, Any], timing: dict[str, Any]) -> None:
        store.save(cell, record, timing)
        bar.update(1)
        if announce:
            announce(index[cell], cell, {**record, "timing": timing}, False)

    try:
        if executor == "ray":
            file_tasks = sorted({c.task for c in todo if c.task.startswith("file:")})
            if file_tasks:
                raise UsageError("--executor ray runs registered tasks only (Ray workers load tasks by name)")
            run_ray(todo, work_remote, (data_dir, config.to_json(), str(out / "certificates")), on_done,
                    address=address, num_cpus=ray_cpus)
        else:
            run_local(todo, lambda cell: _announced(cell, tasks, config, index, announce, out),
                      on_done)
    finally:
        bar.close()
    records = [store.load(cell, expect(cell)) for cell in cells]
    missing = [cell.key for cell, record in zip(cells, records, strict=True) if record is None]
    if missing:  # pragma: no cover - a cell file vanished under us
        raise RuntimeError(f"cells without a result after the run: {', '.join(missing)}")
    results = merge_cells([r for r in records if r is not None], tasks, config, timing=False)
    write_results(out, results)
    timings = {cell.key: store.timing(cell) for cell in cells}
    atomic_write_text(out / "timings.json", json.dumps(timings, indent=1, sort_keys=True) + "\n")
    write_reports(out, results)
    return results


def _announced(cell: Cell, tasks: dict[str, Task], config: CompareConfig, index: dict[Cell, int],
               announce: Announce | None, out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    if announce:
        announce(index[cell], cell, None, False)
    return work_on(cell, tasks[cell.task], config, out / "certificates")


def load_tasks(cells: Sequence[Cell], data_dir: str | None) -> dict[str, Task]:
    from sandbox.tasks.registry import load_task

    return {name: load_task(name, data_dir) for name in dict.fromkeys(c.task for c in cells)}
