"""The work of one cell: build the task and the learner, fit, predict, score.

This is a plain top-level function of JSON-ready values so that Ray can ship
it to a worker; it fixes the thread count so that a cell's numbers do not
depend on where it ran.
"""

from __future__ import annotations

from typing import Any

from sandbox.evaluation import TIMING_FIELDS, evaluate
from sandbox.registry import learner_parameters, make_learner
from sandbox.tasks.registry import load_task

THREADS = 1


def run_cell(cell: dict[str, Any], data_dir: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit and score one cell; returns (record, timing)."""
    import torch

    torch.set_num_threads(THREADS)
    task = load_task(cell["task"], data_dir)
    params = dict(cell.get("params", {}))
    if "seed" in learner_parameters(cell["learner"]):
        params["seed"] = cell["seed"]
    learner = make_learner(cell["learner"], **params)
    result = evaluate(learner, task, cell["learner"])
    timing = {key: result.pop(key) for key in TIMING_FIELDS if key in result}
    result["seed"] = cell["seed"]
    return result, timing
