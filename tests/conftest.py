"""Shared fixtures: where the official data files are, and how to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]

# One profile for the whole suite: no deadline (CI machines are slow and
# shared), modest example counts so that the suite stays within its budget.
settings.register_profile("ci", deadline=None, max_examples=40,
                          suppress_health_check=[HealthCheck.too_slow])
# `make fuzz`: thousands of inputs per fuzz test (tests/sandbox/test_fuzz.py), derandomized so that a run
# is repeatable, without the example database (a run must not depend on earlier ones).
settings.register_profile("fuzz", deadline=None, max_examples=int(os.environ.get("FUZZ_EXAMPLES", "700")),
                          derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.large_base_example, HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """One torch thread for a module's tests: tiny models gain nothing from more, and on a shared
    two-core machine extra threads spin against other processes (several times slower)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def datasets_dir() -> Path | None:
    """The official data files: $SANDBOX_DATA, else ../shared/datasets beside the repo."""
    for candidate in (os.environ.get("SANDBOX_DATA"), REPO.parent / "shared" / "datasets"):
        if candidate and Path(candidate, "scan").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def datasets() -> Path:
    found = datasets_dir()
    if found is None:
        pytest.skip("official data files not found (set SANDBOX_DATA or place ../shared/datasets)")
    return found


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sandbox ARGS`` in a subprocess, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if k != "SANDBOX_DATA"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "sandbox", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def bench_process(suite: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    """``sandbox bench --suite SUITE --out OUT`` started in a subprocess (without progress bars)."""
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_DATA"}
    return subprocess.Popen([sys.executable, "-m", "sandbox", "bench", "--suite", str(suite), "--out", str(out),
                             "--no-progress", *extra], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture()
def cli():
    return run_cli


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fuzzing counts by kind and outcome, when fuzz tests ran (tests/fuzz.py)."""
    from tests.fuzz import report

    lines = report()
    if lines:
        terminalreporter.write_sep("=", "fuzzing: inputs and outcomes by kind")
        for line in lines:
            terminalreporter.write_line(line)
