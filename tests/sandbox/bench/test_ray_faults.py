"""Ray faults: a worker killed during a cell leads to a retry, and the results equal the local executor's.

The cell function is wrapped so that a worker SIGKILLs itself in the middle of
a cell (after computing its record, before handing it back) the first time it
runs that cell; a marker file, written before the kill, tells the retry apart.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from sandbox.bench import executors, run
from sandbox.bench.suite import load_suite
from sandbox.errors import SandboxError

pytest.importorskip("ray", reason="Ray is not installed (pip install '.[ray]')")

SUITE = """
name = "ray-faults"
seeds = 1
[[group]]
learners = ["memorize"]
tasks = ["scan/addprim_turn_left", "scan/addprim_jump"]
"""


def killing_work(marks: str, kills_per_cell: int) -> Any:
    """``work_remote`` whose worker dies mid-cell on the first ``kills_per_cell`` runs of every cell."""

    def work(cell: dict[str, Any], data_dir: str | None, config: dict[str, Any],
             certificates: str | None = None) -> Any:
        from sandbox.bench.run import work_remote as real  # the worker's own module: never the patched name

        result = real(cell, data_dir, config, certificates)
        runs = sorted(Path(marks).glob(f"{cell['task'].replace('/', '-')}.*"))
        if len(runs) < kills_per_cell:
            Path(marks, f"{cell['task'].replace('/', '-')}.{len(runs)}").write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return work


@pytest.fixture()
def suite(tmp_path: Path):
    path = tmp_path / "suite.toml"
    path.write_text(SUITE)
    return load_suite(str(path))


def test_killed_workers_are_retried_and_results_equal_local(tmp_path: Path, suite: Any,
                                                            monkeypatch: pytest.MonkeyPatch):
    cells = list(suite.cells)
    tasks = run.load_tasks(cells, None)
    run.execute(cells, tasks, tmp_path / "local", suite.config, progress=False)

    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setattr(run, "work_remote", killing_work(str(marks), kills_per_cell=1))
    run.execute(cells, tasks, tmp_path / "ray", suite.config, executor="ray", ray_cpus=2, progress=False)

    killed = sorted(p.name for p in marks.iterdir())
    assert killed == sorted(f"{c.task.replace('/', '-')}.0" for c in cells), "every cell's first worker died"
    pids = {p.read_text() for p in marks.iterdir()}
    assert len(pids) == len(cells) and str(os.getpid()) not in pids, "each kill took a distinct Ray worker"
    assert (tmp_path / "ray" / "results.json").read_bytes() == (tmp_path / "local" / "results.json").read_bytes()


def test_a_cell_whose_worker_always_dies_ends_with_a_clear_error(tmp_path: Path, suite: Any,
                                                                 monkeypatch: pytest.MonkeyPatch):
    cells = [c for c in suite.cells if c.task == "scan/addprim_turn_left"]
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setattr(executors, "MAX_RETRIES", 1)  # two deaths in all, to keep the test short
    monkeypatch.setattr(run, "work_remote", killing_work(str(marks), kills_per_cell=2))
    with pytest.raises(SandboxError, match="its Ray worker died 2 times"):
        run.execute(cells, run.load_tasks(cells, None), tmp_path / "ray", suite.config, executor="ray",
                    ray_cpus=2, progress=False)
    assert len(list(marks.iterdir())) == 2
    assert not (tmp_path / "ray" / ".lock").exists()
