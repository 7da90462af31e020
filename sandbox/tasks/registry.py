"""The task registry: a plain dict of named task builders.

Each family module registers its tasks with :func:`register_task`; the CLI and
the comparator load them by name with :func:`load_task`. Tasks that need files
from outside the repository (SCAN's MCD splits, COGS) find them under a data
directory given as ``--data-dir`` or by the ``SANDBOX_DATA`` environment
variable, and say exactly which file is missing when it is absent.

>>> task = load_task("scan/length")
>>> len(task.train), len(task.test)
(16990, 3920)
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.data import Generalization, Task
from sandbox.errors import DataMissingError, UsageError

DATA_ENV = "SANDBOX_DATA"


@dataclass(frozen=True)
class TaskContext:
    """What a task builder may read: the data directory and string options."""

    data_dir: Path | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    # The option keys the builder asked for; any other key given is a usage error.
    asked: set[str] = field(default_factory=set, compare=False)

    def data_file(self, relative: str) -> Path:
        """The path of a required outside file, or a clear error naming it."""
        if self.data_dir is None:
            raise DataMissingError(
                f"this task needs the file {relative!r} from outside the repository: "
                f"give its root with --data-dir DIR or the {DATA_ENV} environment variable"
            )
        path = self.data_dir / relative
        if not path.is_file():
            raise DataMissingError(f"missing data file: {path} (expected under --data-dir {self.data_dir})")
        return path

    def option(self, key: str, default: str) -> str:
        self.asked.add(key)
        return self.options.get(key, default)

    def int_option(self, key: str, default: int) -> int:
        text = self.option(key, str(default))
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"option {key}={text!r}: expected an integer") from None


TaskBuilder = Callable[[TaskContext], Task]


@dataclass(frozen=True)
class TaskSpec:
    """A registered task: how to build it and what it is about."""

    name: str
    family: str
    generalization: Generalization
    summary: str
    build: TaskBuilder
    needs_files: tuple[str, ...] = ()


TASKS: dict[str, TaskSpec] = {}


def register_task(
    name: str,
    generalization: Generalization,
    summary: str,
    needs_files: tuple[str, ...] = (),
) -> Callable[[TaskBuilder], TaskBuilder]:
    """Register a task builder under ``name`` (``family/split``)."""

    def decorate(build: TaskBuilder) -> TaskBuilder:
        if name in TASKS:
            raise ValueError(f"task {name!r} registered twice")
        TASKS[name] = TaskSpec(name, name.split("/")[0], generalization, summary, build, needs_files)
        return build

    return decorate


def resolve_data_dir(data_dir: str | Path | None = None) -> Path | None:
    """``data_dir`` if given, else ``$SANDBOX_DATA``, else ``None``."""
    chosen = data_dir if data_dir is not None else os.environ.get(DATA_ENV) or None
    if chosen is None:
        return None
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise DataMissingError(f"data directory does not exist: {path}")
    return path


_CACHE: dict[tuple[str, Path | None, tuple[tuple[str, str], ...]], Task] = {}


def load_task(
    name: str, data_dir: str | Path | None = None, options: Mapping[str, str] | None = None
) -> Task:
    """Build (or fetch from the in-process cache) the task ``name``."""
    _ensure_families()
    if name not in TASKS:
        raise _unknown(name)
    ctx = TaskContext(resolve_data_dir(data_dir), dict(options or {}))
    key = (name, ctx.data_dir, tuple(sorted(ctx.options.items())))
    if key not in _CACHE:
        task = TASKS[name].build(ctx)
        unknown = sorted(set(ctx.options) - ctx.asked)
        if unknown:
            takes = ", ".join(sorted(ctx.asked)) or "no option"
            raise UsageError(f"task {name!r} takes no option {', '.join(map(repr, unknown))} (it takes: {takes})")
        _CACHE[key] = task
    return _CACHE[key]


def task_names(family: str | None = None) -> list[str]:
    """Registered task names, in registration order (optionally one family)."""
    _ensure_families()
    return [n for n, spec in TASKS.items() if family is None or spec.family == family]


def task_spec(name: str) -> TaskSpec:
    _ensure_families()
    if name not in TASKS:
        raise _unknown(name)
    return TASKS[name]


_BROKEN: dict[str, str] = {}  # family module -> why it failed to import
_LOADED: list[bool] = []


def load_families(modules: Sequence[str] | None = None) -> dict[str, str]:
    """Import the catalogue's family modules (their tasks register themselves), each on its own.

    A family that fails to import does not stop the others; the failures
    are returned (module -> reason), and an unknown task name says so.
    """
    from sandbox.tasks.families import FAMILIES

    for module in modules if modules is not None else FAMILIES:
        try:
            importlib.import_module(module)
        except Exception as err:  # one broken family must not hide the others' tasks
            _BROKEN[module] = f"{type(err).__name__}: {err}"
    return dict(_BROKEN)


def broken_families() -> dict[str, str]:
    """The families that failed to import (module -> reason)."""
    _ensure_families()
    return dict(_BROKEN)


def _ensure_families() -> None:
    if not _LOADED:
        _LOADED.append(True)
        load_families()


def _unknown(name: str) -> UsageError:
    broken = "".join(f"; family {m} failed to import ({why})" for m, why in sorted(_BROKEN.items()))
    return UsageError(f"unknown task {name!r}; `sandbox tasks list` lists them{broken}")
