"""The settings of a comparison and the cells it runs.

A **cell** is one (task, learner, seed, learner parameters) combination. Every
random choice the comparator itself makes (the held-out slice, the bootstrap,
the counterfactual swaps, the geometry samples, the example inputs shown in the
report) uses a fixed seed from :class:`CompareConfig`, independent of the cell's
seed, so that every learner and every seed faces exactly the same data; the
cell's seed goes only to the learner (to learners whose constructor takes a
``seed`` parameter).

>>> Cell("scan/addprim_jump", "gru", 1, (("epochs", 2),)).key
'scan-addprim_jump__gru__seed1__epochs-2'
>>> Cell("file:a.txt+b.txt", "memorize", 0).key
'file-a.txt-b.txt__memorize__seed0'
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str) -> str:
    """``text`` reduced to a file-name-safe string (letters, digits, ``_.-``); never empty or hidden.

    >>> safe_name("scan/length"), safe_name("../x"), safe_name("")
    ('scan-length', 'x', 'x')
    """
    cleaned = _UNSAFE.sub("-", text).strip(".-")
    return cleaned[:80] or "x"


@dataclass(frozen=True)
class CompareConfig:
    """Settings of the comparator's own measurements (all recorded in ``results.json``).

    - ``heldout_fraction``: share of the *distinct* training inputs held out
      (never fitted) to measure accuracy on the training distribution, capped
      at ``heldout_max`` inputs; see :func:`sandbox.compare.runner.heldout_split`.
    - ``bootstrap_resamples`` / ``bootstrap_seed``: percentile bootstrap of
      the 95% confidence intervals.
    - ``swaps`` / ``swap_seed``: counterfactual swaps per cell for attribution
      fidelity.
    - ``hull_gilbert_steps``, ``hull_lp_rounds``: the counted budgets of the
      exact hull search (every point against every training vector; a point
      not settled within them is reported undecided).
    - ``showcase`` / ``showcase_seed``: test inputs shown with every learner's
      answer and derivation in the report.
    """

    heldout_fraction: float = 0.05
    heldout_max: int = 1000
    heldout_seed: int = 0
    bootstrap_resamples: int = 1000
    bootstrap_seed: int = 0
    swaps: int = 200
    swap_seed: int = 0
    hull_gilbert_steps: int = 48
    hull_lp_rounds: int = 40
    showcase: int = 3
    showcase_seed: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> CompareConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in obj.items() if k in known})


@dataclass(frozen=True)
class Cell:
    """One run: fit ``learner`` (with ``params`` and, if it takes one, ``seed``) on ``task``."""

    task: str
    learner: str
    seed: int
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> str:
        """A file-name-safe identifier, unique per (task, learner, seed, params)."""
        parts = [safe_name(self.task), safe_name(self.learner), f"seed{self.seed}"]
        parts += [safe_name(f"{k}-{v}") for k, v in self.params]
        return "__".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "learner": self.learner, "seed": self.seed, "params": dict(self.params)}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Cell:
        return cls(str(obj["task"]), str(obj["learner"]), int(obj["seed"]),
                   tuple(sorted(dict(obj.get("params", {})).items())))


def plan_cells(
    tasks: list[str],
    learners: list[str],
    seeds: list[int],
    params: dict[str, dict[str, Any]] | None = None,
    seeded: dict[str, bool] | None = None,
) -> list[Cell]:
    """Every (task, learner, seed) cell, in that nesting order.

    ``params[learner]`` are that learner's constructor parameters. A learner
    marked ``False`` in ``seeded`` (its constructor takes no ``seed``, so it is
    deterministic) runs once, with the first seed, instead of repeating the
    same result for every seed.

    >>> [c.key for c in plan_cells(["t"], ["memorize", "gru"], [0, 1], seeded={"memorize": False})]
    ['t__memorize__seed0', 't__gru__seed0', 't__gru__seed1']
    """
    params = params or {}
    seeded = seeded or {}
    cells = []
    for task in tasks:
        for learner in learners:
            chosen = seeds if seeded.get(learner, True) else seeds[:1]
            for seed in chosen:
                cells.append(Cell(task, learner, seed, tuple(sorted(params.get(learner, {}).items()))))
    return cells
