"""``sandbox check`` end to end: the table, the counterexamples, the JSON, the exit codes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from sandbox.cli.check_cmd import FAST_NEURAL, SIZES, learner_params
from sandbox.cli.common import learner_params_from_args
from sandbox.cli.main import build_parser, main
from sandbox.errors import UsageError
from sandbox.testing import generated_tasks, operators, primitives
from tests.conftest import run_cli


def test_check_reports_held_and_broken_laws(tmp_path):
    out = tmp_path / "check.json"
    done = run_cli("check", "--learner", "memorize", "--laws", "reproduces", "systematicity",
                   "relaxation_monotone", "--examples", "4", "--json", str(out))
    assert done.returncode == 1, done.stderr  # a law broke
    lines = done.stdout.splitlines()
    table = lines[lines.index("law                  verdict         tasks  seconds  note"):]
    assert table[1].startswith("reproduces           held")
    assert table[2].startswith("systematicity        BROKEN")
    assert table[3].startswith("relaxation_monotone  not applicable")
    assert "systematicity broken; minimal counterexample:" in done.stdout
    for field in ("grammar:", "split:    primitive split", "training:", "input:", "expected:", "actual:   (abstained)"):
        assert field in done.stdout
    record = json.loads(out.read_text())
    verdicts = {law["law"]: law["verdict"] for law in record["laws"]}
    assert verdicts == {"reproduces": "held", "systematicity": "broken", "relaxation_monotone": "not applicable"}
    ce = record["laws"][1]["counterexample"]
    assert ce["actual"] is None and ce["expected"] and ce["train_size"] == len(ce["train"])


def test_check_exits_0_when_every_law_holds():
    done = run_cli("check", "--learner", "memorize", "--laws", "reproduces", "--examples", "3")
    assert done.returncode == 0, done.stderr
    assert "reproduces  held" in done.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--epochs", "3"], "--epochs does not apply to learner 'memorize'"),
    (["--examples", "0"], "--examples must be at least 1"),
    (["--param", "depth=3"], "learner 'memorize' takes no parameter 'depth'"),
])
def test_bad_usage_exits_2(capsys, args, message):
    assert main(["check", "--learner", "memorize", *args]) == 2
    assert message in capsys.readouterr().err


def test_unknown_law_or_learner_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["check", "--learner", "memorize", "--laws", "nonsense"])
    assert stop.value.code == 2 and "invalid choice" in capsys.readouterr().err
    assert main(["check", "--learner", "nobody"]) == 2
    assert "unknown learner 'nobody'" in capsys.readouterr().err


def test_neural_learners_get_a_fast_budget_that_options_override():
    parser = build_parser()
    params, neural = learner_params(parser.parse_args(["check", "--learner", "gru"]))
    assert neural and params["epochs"] == FAST_NEURAL["epochs"] and params["device"] == "cpu"
    assert params["hidden_size"] == FAST_NEURAL["hidden_size"] and "d_model" not in params
    params, _ = learner_params(parser.parse_args(
        ["check", "--learner", "transformer", "--epochs", "5", "--param", "d_model=16"]))
    assert params["epochs"] == 5 and params["d_model"] == 16 and "hidden_size" not in params
    params, neural = learner_params(parser.parse_args(["check", "--learner", "symbolic"]))
    assert not neural and params == {}


@pytest.mark.parametrize("command", ["check", "eval"])
def test_eval_and_check_read_learner_options_alike(command, capsys):
    """One reading of ``--epochs``/``--device``/``--param`` (sandbox.cli.common.learner_params_from_args)."""
    parser = build_parser()
    task = [] if command == "check" else ["--task", "scan/simple"]

    def params(*argv: str) -> dict:
        return learner_params_from_args(parser.parse_args([command, *task, *argv]), {"epochs": "--epochs"})

    assert params("--learner", "gru", "--epochs", "3", "--param", "lr=0.5", "--param", "max-len-margin=none") == {
        "epochs": 3, "lr": 0.5, "max_len_margin": None}
    with pytest.raises(UsageError, match="--epochs does not apply to learner 'memorize'"):
        params("--learner", "memorize", "--epochs", "3")
    with pytest.raises(UsageError, match=r"takes no parameter 'depth', 'width' \(it takes: none\)"):
        params("--learner", "memorize", "--param", "width=1", "--param", "depth=2")
    with pytest.raises(UsageError, match="--param expects KEY=VALUE"):
        params("--learner", "memorize", "--param", "width")
    if command == "eval":  # --seed is the learner's in eval (the tasks' in check): a note for a deterministic one
        assert learner_params_from_args(parser.parse_args(["eval", *task, "--learner", "memorize", "--seed", "1"]),
                                        {"seed": "--seed"}) == {}
        assert "--seed has no effect" in capsys.readouterr().err


@settings(max_examples=15, database=None, derandomize=True, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(generated_tasks(**SIZES["small"]))
def test_small_tasks_are_small(case):
    assert len(primitives(case.grammar)) <= 3
    levels = [op.level for op in operators(case.grammar)]
    assert len(levels) == len(set(levels))  # one operator per level
    assert len(case.task.train) - case.n_coverage <= 4


def test_large_tasks_reach_three_levels():
    case = find(generated_tasks(**SIZES["large"]), lambda c: max(op.level for op in operators(c.grammar)) == 3,
                settings=settings(database=None, derandomize=True, phases=[Phase.generate, Phase.shrink]))
    assert len(case.grammar.by_lhs) == 4  # L1, L2, L3 and P
