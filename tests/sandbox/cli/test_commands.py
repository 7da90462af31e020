"""The task and eval commands end to end, through a subprocess, bad input included."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import run_cli


def test_help_everywhere():
    for args in ([], ["tasks"], ["tasks", "list"], ["tasks", "show"], ["tasks", "stats"],
                 ["tasks", "export"], ["eval"], ["explain"], ["demo"]):
        out = run_cli(*args, "--help")
        assert out.returncode == 0, (args, out.stderr)
        assert "usage:" in out.stdout


def test_tasks_list_and_show():
    listing = run_cli("tasks", "list")
    assert listing.returncode == 0
    names = [line.split()[0] for line in listing.stdout.splitlines()]
    assert "scan/addprim_jump" in names and "scan/mcd1" in names and "cogs/gen" in names
    shown = run_cli("tasks", "show", "scan/addprim_jump", "-n", "2")
    assert shown.returncode == 0 and "IN: " in shown.stdout and "primitive" in shown.stdout


def test_stats_as_json():
    out = run_cli("tasks", "stats", "scan/length", "--json")
    stats = json.loads(out.stdout)
    assert stats["train"]["size"] == 16_990 and stats["test"]["target_length"]["min"] == 24


def test_export_reproduces_the_official_split(tmp_path: Path, datasets: Path):
    out = run_cli("tasks", "export", "scan/addprim_jump", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    for split in ("train", "test"):
        mine = Counter((tmp_path / f"{split}.txt").read_text().splitlines())
        theirs = Counter(
            (datasets / "scan" / "add_prim_split" / f"tasks_{split}_addprim_jump.txt").read_text().splitlines()
        )
        assert mine == theirs


def test_export_jsonl_then_eval_from_files(tmp_path: Path):
    exported = run_cli("tasks", "export", "scan/template_right", "--out", str(tmp_path), "--format", "jsonl")
    assert exported.returncode == 0
    out = run_cli("eval", "--learner", "memorize", "--train", str(tmp_path / "train.jsonl"),
                  "--test", str(tmp_path / "train.jsonl"), "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["exact_match"] == 1.0 and result["traceability"] == 1.0
    assert result["n_test"] == 15_225 and len(result["items"]) == 15_225
    keys = {"input", "prediction", "gold", "correct", "relaxation_level", "trace"}
    assert keys <= set(result["items"][0])


def test_eval_on_a_task_and_explain():
    out = run_cli("eval", "--learner", "memorize", "--task", "scan/simple")
    assert out.returncode == 0 and "coverage      0.00%" in out.stdout
    out = run_cli("explain", "--learner", "memorize", "--task", "scan/simple", "walk")
    assert out.returncode == 0
    assert ("output: I_WALK" in out.stdout) or ("abstained" in out.stdout)


def _assert_clean_error(out, *needles: str) -> None:
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("sandbox: error:") or "usage:" in out.stderr
    for needle in needles:
        assert needle in out.stderr


@pytest.mark.parametrize("content,line", [
    (b"IN: walk OUT: I_WALK\nIN: run OUT: I_RUN\nbroken line\n", 3),
    (b"IN: walk OUT: I_WALK\n\xff\xfe\n", 2),
])
def test_bad_input_files(tmp_path: Path, content: bytes, line: int):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("IN: walk OUT: I_WALK\n")
    out = run_cli("eval", "--learner", "memorize", "--train", str(bad), "--test", str(good),
                  "--json", str(tmp_path / "r.json"))
    _assert_clean_error(out, f"{bad}:{line}:")
    assert not (tmp_path / "r.json").exists()


def test_wrong_column_count_and_empty_and_missing(tmp_path: Path):
    tsv = tmp_path / "bad.tsv"
    tsv.write_text("a dog ran\tdog ( x )\tin_distribution\na cat\tcat\n")
    _assert_clean_error(run_cli("eval", "--learner", "memorize", "--train", str(tsv), "--test", str(tsv)),
                        f"{tsv}:2:", "columns")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    _assert_clean_error(run_cli("eval", "--learner", "memorize", "--train", str(empty), "--test", str(empty)),
                        str(empty), "empty")
    missing = tmp_path / "missing.txt"
    _assert_clean_error(run_cli("eval", "--learner", "memorize", "--train", str(missing), "--test", str(empty)),
                        str(missing), "no such file")


def test_usage_errors():
    _assert_clean_error(run_cli("tasks", "show", "scan/nope"), "unknown task")
    _assert_clean_error(run_cli("eval", "--learner", "nope", "--task", "scan/simple"), "unknown learner")
    _assert_clean_error(run_cli("eval", "--learner", "memorize", "--task", "scan/simple", "--epochs", "3"),
                        "--epochs")
    _assert_clean_error(run_cli("eval", "--learner", "memorize"), "--task")
    _assert_clean_error(run_cli("tasks", "bogus"))


def test_missing_outside_data_names_the_file(tmp_path: Path):
    out = run_cli("tasks", "show", "scan/mcd2")
    _assert_clean_error(out, "tasks_train_mcd2.txt", "--data-dir")
    out = run_cli("tasks", "show", "cogs/gen", "--data-dir", str(tmp_path))
    _assert_clean_error(out, str(tmp_path / "cogs" / "data" / "train.tsv"))
    out = run_cli("tasks", "show", "scan/mcd1", env={"SANDBOX_DATA": str(tmp_path / "nowhere")})
    _assert_clean_error(out, "nowhere")


def test_data_dir_from_the_environment(datasets: Path):
    out = run_cli("tasks", "stats", "scan/mcd1", env={"SANDBOX_DATA": str(datasets)})
    assert out.returncode == 0 and "8365" in out.stdout


def test_export_failure_leaves_nothing(tmp_path: Path):
    out_dir = tmp_path / "out"
    out = run_cli("tasks", "export", "scan/mcd1", "--out", str(out_dir))
    assert out.returncode == 2
    assert not out_dir.exists()


def test_demo_runs_a_suite_and_prints_the_report_path(tmp_path: Path):
    # The real demo runs the quick suite (minutes); this runs the same command on a tiny suite.
    suite = tmp_path / "tiny.toml"
    suite.write_text('name = "tiny"\n[[group]]\nlearners = ["memorize"]\ntasks = ["scan/addprim_jump"]\n'
                     "[compare]\nswaps = 5\nbootstrap_resamples = 50\n")
    out = run_cli("demo", "--suite", str(suite), "--out", str(tmp_path / "report"))
    assert out.returncode == 0, out.stderr
    assert f"report: {(tmp_path / 'report' / 'report.html').resolve()}" in out.stdout
    assert "scan/addprim_jump" in out.stdout and "memorize" in out.stdout
    for name in ("results.json", "report.md", "report.html", "timings.json"):
        assert (tmp_path / "report" / name).is_file()


def test_quick_suite_is_the_demo_default():
    from sandbox.bench.suite import load_suite

    suite = load_suite("quick")
    cells = {(c.learner, c.task) for c in suite.cells}
    assert ("gru", "scan/simple") in cells and ("gru", "scan/addprim_jump") in cells
    assert {t for lr, t in cells if lr == "symbolic"} == {
        "scan/simple", "scan/length", "scan/addprim_jump", "scan/addprim_turn_left", "scan/template_around_right",
        "scan/template_jump_around_right", "scan/template_opposite_right", "scan/template_right",
        "scan/filler_num0", "scan/filler_num1", "scan/filler_num2", "scan/filler_num3"}


def test_eval_reports_what_was_learned_and_a_spent_work_budget(tmp_path: Path):
    out = run_cli("eval", "--learner", "symbolic", "--task", "fewshot/colors", "--param", "max_proposals=2",
                  "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    assert "work budget ran out" in out.stdout and "memorized" in out.stdout
    learned = json.loads((tmp_path / "r.json").read_text())["learned"]
    assert learned["budget_exhausted"] is True and learned["max_proposals"] == 2
    out = run_cli("eval", "--learner", "symbolic", "--task", "fewshot/colors", "--param", "max_proposals=none")
    assert out.returncode == 0 and "max_proposals None" in out.stdout and "ran out" not in out.stdout


def test_eval_prints_the_work_of_the_whole_fit_by_stage(tmp_path: Path):
    out = run_cli("eval", "--learner", "symbolic", "--task", "fewshot/colors", "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    learned = json.loads((tmp_path / "r.json").read_text())["learned"]
    stages = learned["work_by_stage"]
    # One budget for the fit, every stage's steps in it (the readings tried first spent none here).
    assert next(iter(stages)) == "lexicon" and "categories" in stages and "parser" in stages
    assert sum(stages.values()) == learned["work_steps"] <= learned["max_work"]
    assert f"{learned['work_steps']:,} steps (max_work {learned['max_work']})" in out.stdout
    assert f"  by stage      lexicon: {stages['lexicon']:,}; " in out.stdout


def test_eval_prints_a_lexicon_revision(tmp_path: Path):
    from tests.symbolic.test_counterexamples import CASES

    pairs, source, gold = CASES["revision"]
    (tmp_path / "train.txt").write_text("".join(f"IN: {s} OUT: {t}\n" for s, t in pairs))
    (tmp_path / "test.txt").write_text(f"IN: {source} OUT: {gold}\n")
    out = run_cli("eval", "--learner", "symbolic", "--train", str(tmp_path / "train.txt"),
                  "--test", str(tmp_path / "test.txt"), "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    revised = [line for line in out.stdout.splitlines() if line.startswith("  revised       lexicon: ")]
    assert len(revised) == 1 and "'vin' read as a function word" in revised[0]
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["exact_match"] == 1.0 and len(result["learned"]["lexicon_revisions"]) == 1


def test_eval_and_explain_pcfg_with_sequence_rules(tmp_path: Path):
    out = run_cli("eval", "--learner", "symbolic", "--task", "pcfg/systematicity", "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["exact_match"] >= 0.99 and result["learned"]["rule_language"] == "sequence"
    source = "append shift A1 B2 C3 , swap_first_last D4 E5 F6"
    shown = run_cli("explain", "--learner", "symbolic", "--task", "pcfg/systematicity", source)
    assert shown.returncode == 0, shown.stderr
    assert "output: B2 C3 A1 F6 E5 D4" in shown.stdout
    assert "applied rest(<0>) to A1 B2 C3: B2 C3" in shown.stdout
    assert "last(<0>) init(rest(<0>)) first(<0>)" in shown.stdout
