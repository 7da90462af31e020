"""``sandbox compare`` and ``sandbox report`` end to end: files, pass-through options, seeds, bad usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.cli.main import main
from sandbox.formats import write_examples
from tests.conftest import run_cli
from tests.sandbox.compare.support import register_fakes, tiny_task

register_fakes()
FAST = ["--swaps", "10", "--bootstrap", "100", "--heldout-fraction", "0.2"]


@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str]:
    task = tiny_task()
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    write_examples(train, task.train)
    write_examples(test, task.test)
    return str(train), str(test)


def test_help():
    for command in ("compare", "report"):
        out = run_cli(command, "--help")
        assert out.returncode == 0 and "usage:" in out.stdout


def test_compare_on_a_registered_task_through_a_subprocess(tmp_path: Path):
    out = tmp_path / "out"
    done = run_cli("compare", "--task", "scan/addprim_jump", "--learners", "memorize", "--out", str(out), *FAST)
    assert done.returncode == 0, done.stderr
    assert "[1/1] memorize on scan/addprim_jump, seed 0" in done.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["tasks"]["scan/addprim_jump"]["n_test"] == 7706
    (row,) = results["summary"]
    # Memorize answers only inputs it has seen: none of the test inputs, none of the held-out ones.
    assert row["exact_match"]["mean"] == 0.0 and row["coverage"]["mean"] == 0.0
    assert row["heldout_exact_match"]["mean"] == 0.0
    assert {"report.md", "report.html", "results.json", "cells"} <= {p.name for p in out.iterdir()}
    again = run_cli("report", str(out))
    assert again.returncode == 0 and "report.html" in again.stdout


def test_pass_through_options_and_seeds(files, tmp_path: Path, capsys):
    train, test = files
    out = tmp_path / "out"
    code = main(["compare", "--train", train, "--test", test, "--learners", "fake-sym,fake-neural,memorize",
                 "--seeds", "2", "--epochs", "3", "--out", str(out), *FAST])
    assert code == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    cells = [(c["learner"], c["seed"], c["params"]) for c in results["cells"]]
    assert cells == [("fake-sym", 0, {}), ("fake-neural", 0, {"epochs": 3, "seed": 0}),
                     ("fake-neural", 1, {"epochs": 3, "seed": 1}), ("memorize", 0, {})]
    assert results["config"]["swaps"] == 10 and results["config"]["heldout_fraction"] == 0.2
    assert results["task_names"] == ["file:train.txt+test.txt"]
    printed = capsys.readouterr().out
    assert "fake-sym" in printed and "OOD 100.0% [100.0, 100.0]" in printed

    out2 = tmp_path / "out2"
    code = main(["compare", "--train", train, "--test", test, "--learners", "fake-neural,fake-sym",
                 "--param", "fake-neural:epochs=5", "--out", str(out2), *FAST])
    assert code == 0
    params = {c["learner"]: c["params"] for c in json.loads((out2 / "results.json").read_text())["cells"]}
    assert params == {"fake-neural": {"epochs": 5, "seed": 0}, "fake-sym": {}}


def test_a_rerun_reuses_finished_cells(files, tmp_path: Path, capsys):
    train, test = files
    args = ["compare", "--train", train, "--test", test, "--learners", "fake-sym", "--out", str(tmp_path), *FAST]
    assert main(args) == 0
    first = (tmp_path / "results.json").read_text()
    capsys.readouterr()
    assert main(args) == 0
    assert "reused from cells/" in capsys.readouterr().err
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "timing"}  # noqa: E731
    assert strip((tmp_path / "results.json").read_text()) == strip(first)


@pytest.mark.parametrize(("args", "message"), [
    (["--task", "scan/simple", "--learners", "memorize", "--epochs", "3"], "--epochs does not apply"),
    (["--task", "scan/simple", "--learners", "nope"], "unknown learner 'nope'"),
    (["--task", "scan/simple", "--learners", "memorize", "--param", "fake-sym:x=1"], "not in --learners"),
    (["--task", "scan/simple", "--learners", "fake-sym", "--param", "fake-sym:depth=1"], "takes no parameter"),
    (["--task", "scan/simple", "--learners", "fake-neural", "--param", "seed=3"], "--seeds"),
    (["--task", "scan/simple", "--train", "x.txt", "--learners", "memorize"], "not both"),
    (["--learners", "memorize"], "give --task"),
    (["--task", "scan/simple", "--learners", "memorize", "--seeds", "0"], "--seeds"),
    (["--task", "scan/simple", "--learners", "memorize", "--heldout-fraction", "1.5"], "--heldout-fraction"),
    (["--task", "no/such", "--learners", "memorize"], "unknown task"),
])
def test_bad_usage_exits_2_with_a_message(args, message, tmp_path: Path, capsys):
    assert main(["compare", *args, "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_out_must_be_a_directory(tmp_path: Path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["compare", "--task", "scan/simple", "--learners", "memorize", "--out", str(blocker)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_report_refuses_a_foreign_json(tmp_path: Path, capsys):
    (tmp_path / "results.json").write_text('{"schema": "something else"}')
    assert main(["report", str(tmp_path)]) == 2
    assert "not a sandbox.compare.results/1 file" in capsys.readouterr().err


def test_report_verifies_the_saved_hull_certificates(files, tmp_path: Path, capsys):
    train, test = files
    out = tmp_path / "out"
    assert main(["compare", "--train", train, "--test", test, "--learners", "fake-neural", "--out", str(out),
                 *FAST]) == 0
    saved = list((out / "certificates").glob("*.npz"))
    assert len(saved) == 1
    capsys.readouterr()
    assert main(["report", str(out), "--verify-hull"]) == 0
    assert "1 file(s) re-verified, 0 failure(s)" in capsys.readouterr().out
    data = bytearray(saved[0].read_bytes())
    data[-100] ^= 0xFF  # a damaged file is a failure, never a pass
    saved[0].write_bytes(bytes(data))
    assert main(["report", str(out), "--verify-hull"]) == 1
    assert "checksum mismatch" in capsys.readouterr().err
