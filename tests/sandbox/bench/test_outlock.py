"""Two runs, one output directory: the second waits or refuses; a stale lock is taken over.

The holders and the contenders are real processes: a Python child that holds
the lock until its stdin closes, and ``sandbox bench`` itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.bench.lock import LOCK_NAME, OutLock, holder, is_stale, process_start
from sandbox.errors import UsageError
from tests.conftest import REPO, bench_process, run_cli

SUITE = """
name = "tiny"
seeds = 1
[[group]]
learners = ["memorize"]
tasks = ["scan/addprim_turn_left", "scan/simple"]
"""

HOLDER = """
import sys
from sandbox.bench.lock import OutLock
with OutLock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.read()  # hold until the parent closes our stdin
"""


@pytest.fixture()
def suite_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(SUITE)
    return path


def hold(out: Path) -> subprocess.Popen[str]:
    """A child process holding the lock on ``out`` until its stdin is closed."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], cwd=REPO, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == "held\n", child.communicate()[1]
    return child


def test_second_run_refuses_naming_the_holder(tmp_path: Path, suite_file: Path):
    out = tmp_path / "out"
    child = hold(out)
    try:
        second = run_cli("bench", "--suite", str(suite_file), "--out", str(out), "--no-progress")
        assert second.returncode == 2
        assert f"process {child.pid} on {socket.gethostname()}" in second.stderr
        assert "Traceback" not in second.stderr and len(second.stderr.strip().splitlines()) == 1
        assert not (out / "cells").exists(), "the refused run must compute nothing"
        compare = run_cli("compare", "--task", "scan/addprim_turn_left", "--learners", "memorize",
                          "--out", str(out), "--wait", "2")
        assert compare.returncode == 2 and "after waiting 2 poll(s)" in compare.stderr
        assert "waiting (up to 2 polls)" in compare.stderr
    finally:
        child.communicate(timeout=60)
    assert child.returncode == 0 and not (out / LOCK_NAME).exists()


def test_waiting_run_goes_on_once_the_holder_is_done(tmp_path: Path, suite_file: Path):
    out = tmp_path / "out"
    child = hold(out)
    waiter = bench_process(suite_file, out, "--wait", "600")
    assert waiter.stderr is not None
    line = waiter.stderr.readline()  # it printed this while the lock was held
    assert f"in use by process {child.pid}" in line and "waiting" in line
    child.communicate(timeout=60)
    _, err = waiter.communicate(timeout=300)
    assert waiter.returncode == 0, err
    assert json.loads((out / "results.json").read_text())["cells"]
    assert not (out / LOCK_NAME).exists()


def test_two_live_runs_never_compute_the_same_cell(tmp_path: Path, suite_file: Path):
    out = tmp_path / "out"
    first, second = bench_process(suite_file, out, "--wait", "600"), bench_process(suite_file, out, "--wait", "600")
    errs = [p.communicate(timeout=600)[1] for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, errs
    # Whichever ran second found every cell finished: none was computed twice.
    assert sum("resuming: 2 of 2 cells already finished" in e for e in errs) == 1, errs


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path, suite_file: Path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=60)
    out = tmp_path / "out"
    out.mkdir()
    stale = {"pid": dead.pid, "host": socket.gethostname(), "started": "2026-01-01T00:00:00+00:00",
             "process_start": None, "command": "sandbox bench (killed)"}
    (out / LOCK_NAME).write_text(json.dumps(stale))
    run = run_cli("bench", "--suite", str(suite_file), "--out", str(out), "--no-progress")
    assert run.returncode == 0, run.stderr
    assert f"process {dead.pid}" in run.stderr and "stale" in run.stderr and "taking it over" in run.stderr
    assert not (out / LOCK_NAME).exists() and not list(out.glob(f"{LOCK_NAME}.stale.*"))


def test_lock_of_a_reused_pid_is_stale(tmp_path: Path):
    me = {"pid": os.getpid(), "host": socket.gethostname(), "process_start": process_start(os.getpid())}
    assert not is_stale(me)
    if me["process_start"] is None:
        pytest.skip("no /proc here: a reused pid cannot be told from its holder")
    assert is_stale({**me, "process_start": "1"}), "same pid, another start: the holder is gone"
    assert not is_stale({**me, "host": "another-host", "pid": 999_999_999}), "another host's lock is not judged"


def test_lock_is_released_and_refuses_while_held(tmp_path: Path):
    with OutLock(tmp_path / "o") as lock:
        info = holder(lock.path)
        assert info is not None and info["pid"] == os.getpid()
        with pytest.raises(UsageError, match=f"process {os.getpid()}"):
            OutLock(tmp_path / "o", wait_polls=1, poll_seconds=0.0).acquire()
    assert not (tmp_path / "o" / LOCK_NAME).exists()
