"""Where cells run: in this process (``local``) or as Ray tasks (``ray``).

Both executors hand each finished record to ``on_done`` as soon as it is
ready, so the caller writes it to disk at once; a run that is killed loses only
unfinished cells. Results do not depend on the executor: every random choice
of a cell is seeded, and a cell fixes its own thread count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sandbox.compare.config import Cell
from sandbox.errors import UsageError

CellResult = tuple[dict[str, Any], dict[str, Any]]  # (record, timing)
OnDone = Callable[[Cell, dict[str, Any], dict[str, Any]], None]


def run_local(cells: Sequence[Cell], work: Callable[[Cell], CellResult], on_done: OnDone) -> None:
    for cell in cells:
        record, timing = work(cell)
        on_done(cell, record, timing)


def run_ray(
    cells: Sequence[Cell],
    work: Callable[..., CellResult],
    extra: tuple[Any, ...],
    on_done: OnDone,
    address: str | None = None,
    num_cpus: int | None = None,
) -> None:
    """Run ``work(cell.to_json(), *extra)`` for every cell as a Ray task.

    On the cluster at ``address``, or on a local Ray started here with
    ``num_cpus`` CPUs (and shut down afterwards).
    """
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
        remote = ray.remote(num_cpus=1)(work)
        pending = {remote.remote(cell.to_json(), *extra): cell for cell in cells}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                cell = pending.pop(ref)
                record, timing = ray.get(ref)
                on_done(cell, record, timing)
    finally:
        if started_here:
            ray.shutdown()
