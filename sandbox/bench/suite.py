"""Benchmark suites as TOML files, expanded into cells of (learner, task, seed).

A suite file (``benchmarks/suites/NAME.toml``)::

    name = "quick"
    description = "..."
    seeds = 1                      # seeds 0 .. seeds-1 (overridable by --seeds)

    [[group]]                      # every learner x every task of the group
    learners = ["symbolic"]
    tasks = ["scan/simple", "scan/length"]

    [[group]]
    learners = ["gru"]
    tasks = ["scan/simple"]
    params.gru = { epochs = 3 }    # constructor parameters per learner

    [compare]                      # optional: the comparator's settings
    swaps = 100

A task entry ending in ``/*`` stands for every task of that family that needs
no outside files (or every one, when a data directory is given). A learner
that takes no ``seed`` is deterministic and runs with the first seed only.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sandbox.compare.config import Cell, CompareConfig, plan_cells
from sandbox.errors import InputError, UsageError
from sandbox.registry import learner_parameters
from sandbox.tasks.registry import task_names, task_spec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SUITES_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "suites"


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    cells: tuple[Cell, ...]
    path: str = ""
    seeds: tuple[int, ...] = field(default=(0,))
    config: CompareConfig = field(default_factory=CompareConfig)


def suite_path(name_or_path: str) -> Path:
    """A suite file: a path to a ``.toml`` file, or a name under ``benchmarks/suites``."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml":
        if not candidate.is_file():
            raise InputError("no such suite file", candidate)
        return candidate
    path = SUITES_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SUITES_DIR.glob("*.toml"))) or "none"
        raise UsageError(f"unknown suite {name_or_path!r} (known: {known})")
    return path


def load_suite(
    name_or_path: str,
    seeds: int | None = None,
    learners: list[str] | None = None,
    with_data: bool = False,
) -> Suite:
    """Read a suite and expand its cells; ``learners`` keeps only those learners."""
    path = suite_path(name_or_path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None)
        raise InputError(f"invalid TOML: {getattr(err, 'msg', err)}", path, line) from None
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8", path) from None
    n_seeds = seeds if seeds is not None else raw.get("seeds", 1)
    if not isinstance(n_seeds, int) or n_seeds < 1:
        raise InputError("'seeds' must be a positive integer", path)
    groups = raw.get("group", [])
    if not isinstance(groups, list) or not groups:
        raise InputError("a suite needs at least one [[group]]", path)
    cells: list[Cell] = []
    for i, group in enumerate(groups, start=1):
        cells.extend(_group_cells(group, i, range(n_seeds), path, with_data))
    if learners:
        cells = [c for c in cells if c.learner in learners]
        if not cells:
            raise UsageError(f"suite {path.stem} has no cell for learners {', '.join(learners)}")
    unique = list(dict.fromkeys(cells))
    return Suite(str(raw.get("name", path.stem)), str(raw.get("description", "")), tuple(unique),
                 str(path), tuple(range(n_seeds)), _compare_config(raw.get("compare", {}), path))


def _compare_config(table: Any, path: Path) -> CompareConfig:
    known = {f.name: f.type for f in fields(CompareConfig)}
    if not isinstance(table, dict):
        raise InputError("[compare] must be a table", path)
    for key, value in table.items():
        if key not in known:
            raise InputError(f"[compare]: unknown setting {key!r} (known: {', '.join(sorted(known))})", path)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise InputError(f"[compare]: {key} must be a number", path)
    return CompareConfig.from_json(dict(table))


def _group_cells(group: Any, index: int, seeds: range, path: Path, with_data: bool) -> list[Cell]:
    where = f"[[group]] number {index}"
    if not isinstance(group, dict):
        raise InputError(f"{where} is not a table", path)
    learners, tasks = group.get("learners"), group.get("tasks")
    for key, value in (("learners", learners), ("tasks", tasks)):
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise InputError(f"{where}: '{key}' must be a non-empty list of strings", path)
    params = group.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(v, dict) for v in params.values()):
        raise InputError(f"{where}: 'params' must map learner names to tables", path)
    expanded: list[str] = []
    for entry in tasks or []:
        expanded.extend(_expand_task(entry, where, path, with_data))
    if not expanded:
        raise UsageError(f"{path.name}: the tasks of {where} need outside files: "
                         "give --data-dir DIR or set SANDBOX_DATA")
    names = list(learners or [])
    try:
        seeded = {name: "seed" in learner_parameters(name) for name in names}
    except UsageError as err:
        raise InputError(f"{where}: {err}", path) from None
    return plan_cells(expanded, names, list(seeds), params, seeded)


def _expand_task(entry: str, where: str, path: Path, with_data: bool) -> list[str]:
    if entry.endswith("/*"):
        family = entry[:-2]
        every = task_names(family)
        if not every:
            raise InputError(f"{where}: no task in family {family!r}", path)
        names = [n for n in every if with_data or not task_spec(n).needs_files]
        if not names and not with_data:
            return []  # the family needs outside files; _group_cells says so if nothing is left
        return names
    if entry not in task_names():
        raise InputError(f"{where}: unknown task {entry!r}", path)
    return [entry]
