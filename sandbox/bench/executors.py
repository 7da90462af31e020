"""Where cells run: in this process (``local``) or as Ray tasks (``ray``).

Both executors call the same cell function with the same arguments and hand
each finished record to ``on_done`` as soon as it is ready, so the caller can
write it to disk at once; a run that is killed loses only unfinished cells.
Results do not depend on the executor: each cell is seeded and fixes its own
thread count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sandbox.bench.suite import Cell
from sandbox.errors import UsageError

CellResult = tuple[dict[str, Any], dict[str, Any]]  # (record, timing)
CellFunction = Callable[[dict[str, Any], str | None], CellResult]
OnDone = Callable[[Cell, dict[str, Any], dict[str, Any]], None]


def run_local(cells: Sequence[Cell], fn: CellFunction, data_dir: str | None, on_done: OnDone) -> None:
    for cell in cells:
        record, timing = fn(cell.to_json(), data_dir)
        on_done(cell, record, timing)


def run_ray(
    cells: Sequence[Cell],
    fn: CellFunction,
    data_dir: str | None,
    on_done: OnDone,
    address: str | None = None,
    num_cpus: int | None = None,
) -> None:
    """Run every cell as a Ray task: on ``address``, or on a local Ray started here."""
    try:
        import ray
    except ImportError:
        raise UsageError("--executor ray needs Ray: pip install 'symvec-sandbox[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    try:
        remote = ray.remote(num_cpus=1)(fn)
        pending = {remote.remote(cell.to_json(), data_dir): cell for cell in cells}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                cell = pending.pop(ref)
                record, timing = ray.get(ref)
                on_done(cell, record, timing)
    finally:
        if started_here:
            ray.shutdown()
