"""Where cells run: in this process (``local``) or as Ray tasks (``ray``).

Both executors hand each finished record to ``on_done`` as soon as it is
ready, so the caller writes it to disk at once; a run that is killed loses only
unfinished cells. Results do not depend on the executor: every random choice
of a cell is seeded, and a cell fixes its own thread count.

On Ray, a cell whose worker process dies (killed, out of memory, its node
lost) runs again from the start, up to ``MAX_RETRIES`` times: a cell is a pure
function of its inputs, so a retried cell gives the record it would have given
the first time. An exception raised by the cell's own code is not retried (it
would raise again) and ends the run, as it does locally.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sandbox.compare.config import Cell
from sandbox.errors import SandboxError, UsageError

CellResult = tuple[dict[str, Any], dict[str, Any]]  # (record, timing)
OnDone = Callable[[Cell, dict[str, Any], dict[str, Any]], None]
MAX_RETRIES = 3  # runs of a cell after its worker died, beyond the first


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
        remote = ray.remote(num_cpus=1, max_retries=MAX_RETRIES, retry_exceptions=False)(work)
        pending = {remote.remote(cell.to_json(), *extra): cell for cell in cells}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                cell = pending.pop(ref)
                try:
                    record, timing = ray.get(ref)
                except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as err:
                    raise SandboxError(f"cell {cell.key}: its Ray worker died {MAX_RETRIES + 1} times "
                                       f"({type(err).__name__}); finished cells are kept, rerun to resume") from None
                on_done(cell, record, timing)
    finally:
        if started_here:
            ray.shutdown()
