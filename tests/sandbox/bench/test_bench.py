"""sandbox bench: suites, resume after SIGKILL, checksums, and Ray equal to local."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from sandbox.bench.store import CellStore
from sandbox.bench.suite import load_suite
from sandbox.compare.config import Cell
from sandbox.errors import InputError, UsageError
from sandbox.tasks.registry import task_names
from tests.conftest import bench_process, run_cli

SUITE = """
name = "tiny"
description = "memorize on every SCAN split built from rules"
seeds = 2
[[group]]
learners = ["memorize"]
tasks = ["scan/*"]
"""


@pytest.fixture()
def suite_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(SUITE)
    return path


def test_suite_expands_families_and_seeds(suite_file: Path):
    suite = load_suite(str(suite_file))
    tasks = {c.task for c in suite.cells}
    assert "scan/addprim_jump" in tasks and not any(t.startswith("scan/mcd") for t in tasks)
    # memorize takes no seed: it is deterministic and runs once, with the first seed.
    assert {c.seed for c in suite.cells} == {0}
    assert len(load_suite(str(suite_file), seeds=3).cells) == len(tasks)


def test_the_hf_suite_takes_cogs_where_its_data_is():
    """The hf suite: SCAN add-jump and length and few-shot colors always; COGS when a data directory is given."""
    bare = load_suite("hf")
    assert {c.task for c in bare.cells} == {"scan/addprim_jump", "scan/length", "fewshot/colors"}
    assert {c.learner for c in bare.cells} == {"symbolic", "gru", "hf-seq2seq"}
    with_data = {c.task for c in load_suite("hf", with_data=True).cells}
    cogs = set(task_names("cogs"))
    assert cogs and with_data == {c.task for c in bare.cells} | cogs


def test_seeded_learners_run_every_seed(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\nseeds = 3\n[[group]]\nlearners = ["gru"]\ntasks = ["scan/simple"]\n'
                    'params.gru = { epochs = 2 }\n[compare]\nswaps = 7\n')
    suite = load_suite(str(path))
    assert [(c.learner, c.seed, dict(c.params)) for c in suite.cells] == [("gru", s, {"epochs": 2}) for s in range(3)]
    assert suite.config.swaps == 7


@pytest.mark.parametrize("text,needle", [
    ("name = 'x'\n[[group]]\nlearners = 'memorize'\ntasks = ['scan/simple']\n", "non-empty list"),
    ("name = 'x'\n[[group]]\nlearners = ['memorize']\ntasks = ['scan/nope']\n", "unknown task"),
    ("name = 'x'\n", "at least one"),
    ("name = 'x\n", "invalid TOML"),
    ("name = 'x'\n[[group]]\nlearners = ['memorize']\ntasks = ['scan/simple']\n[compare]\nswap = 3\n",
     "unknown setting"),
    ("name = 'x'\n[[group]]\nlearners = ['nobody']\ntasks = ['scan/simple']\n", "unknown learner"),
])
def test_bad_suites_are_clear_errors(tmp_path: Path, text: str, needle: str):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=needle) as info:
        load_suite(str(path))
    assert str(path) in str(info.value)


def test_unknown_suite_name():
    with pytest.raises(UsageError, match="unknown suite"):
        load_suite("no-such-suite")


def test_corrupt_cell_is_detected_and_recomputed(tmp_path: Path, capsys):
    store = CellStore(tmp_path)
    cell = Cell("scan/simple", "memorize", 0)
    store.save(cell, {"exact_match": 0.5}, {"fit_seconds": 1.0})
    path = store.path(cell)
    path.write_text(path.read_text().replace("0.5", "0.9"))
    assert store.load(cell) is None
    assert "checksum" in capsys.readouterr().err
    assert path.with_suffix(".corrupt").exists()
    store.save(cell, {"exact_match": 0.5}, {})
    path.write_text(path.read_text()[:20])
    assert store.load(cell) is None


def test_sigkill_half_way_then_resume_gives_the_same_results(tmp_path: Path, suite_file: Path):
    whole = bench_process(suite_file, tmp_path / "whole")
    assert whole.wait(timeout=300) == 0, whole.stderr.read() if whole.stderr else ""

    out = tmp_path / "killed"
    victim = bench_process(suite_file, out)
    deadline = time.time() + 240
    while time.time() < deadline and len(list((out / "cells").glob("*.json"))) < 3:
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    finished_before = len(list((out / "cells").glob("*.json")))
    assert 3 <= finished_before < 12, "the kill must land half way"
    assert not (out / "results.json").exists()

    resumed = bench_process(suite_file, out)
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert f"{finished_before} of 12 cells already finished" in err
    assert (out / "results.json").read_bytes() == (tmp_path / "whole" / "results.json").read_bytes()
    assert not list((out / "cells").glob(".*.tmp"))


def test_ray_executor_gives_the_same_results(tmp_path: Path, suite_file: Path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install '.[ray]')")
    local = run_cli("bench", "--suite", str(suite_file), "--out", str(tmp_path / "local"), "--no-progress",
                    "--seeds", "1")
    assert local.returncode == 0, local.stderr
    on_ray = run_cli("bench", "--suite", str(suite_file), "--out", str(tmp_path / "ray"), "--no-progress",
                     "--seeds", "1", "--executor", "ray", "--ray-cpus", "2")
    assert on_ray.returncode == 0, on_ray.stderr
    assert (tmp_path / "ray" / "results.json").read_bytes() == (tmp_path / "local" / "results.json").read_bytes()
    records = json.loads((tmp_path / "ray" / "results.json").read_text())["cells"]
    assert len(records) == 12 and all(r["learner"] == "memorize" for r in records)
    assert (tmp_path / "ray" / "report.html").exists()
