"""End to end on COGS (skipped where ../shared/datasets/cogs is absent): ``sandbox compare --task
cogs/gen`` on a small slice through a subprocess writes the official exact match and the semantic
judge side by side, per category and per kind (lexical vs structural), in results.json, report.md
and report.html; ``sandbox eval --json`` gives both too; a task without a semantic judge shows nothing
new."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.compare import CompareConfig, merge_cells, plan_cells, render_html, render_markdown
from sandbox.compare.runner import run_cell
from sandbox.data import Task
from sandbox.tasks.registry import load_task
from tests.conftest import REPO, run_cli
from tests.sandbox.compare import cogs_fakes
from tests.sandbox.compare.support import tiny_task

TRAIN, TEST = 200, 90
FAST = ("--swaps", "5", "--bootstrap", "50", "--hull-lp-rounds", "0")


@pytest.fixture(scope="module")
def cogs_dir(datasets: Path) -> Path:
    if not (datasets / "cogs" / "data" / "gen.tsv").is_file():
        pytest.skip(f"COGS data files not found under {datasets / 'cogs' / 'data'}")
    return datasets


@pytest.fixture(scope="module")
def gen_slice(cogs_dir: Path) -> Task:
    task = load_task("cogs/gen", cogs_dir)
    return Task(task.name, task.version, task.train[:TRAIN], task.test[:TEST], task.generalization,
                judge=task.judge, semantic_judge=task.semantic_judge)


@pytest.fixture(scope="module")
def compared(cogs_dir: Path, tmp_path_factory) -> Path:
    """``sandbox compare`` with the memorize baseline and the test-only oracle (see cogs_fakes)."""
    out = tmp_path_factory.mktemp("cogs") / "out"
    gold = cogs_dir / "cogs" / "data" / "gen.tsv"
    lines = gold.read_text(encoding="utf-8").splitlines()[:TEST]
    sliced = out.parent / "gold.tsv"
    sliced.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tests.sandbox.compare.cogs_fakes", str(sliced), "compare",
                           "--task", "cogs/gen", "--data-dir", str(cogs_dir), "--train-limit", str(TRAIN),
                           "--test-limit", str(TEST), "--learners", "memorize,cogs-oracle", "--out", str(out),
                           *FAST], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out


def expected_counts(task: Task) -> dict[str, dict[str, int]]:
    """The oracle's verdicts, judged here by the task's judges: {category or kind: {n, correct, equivalent}}."""
    oracle = cogs_fakes.CogsOracle()
    # As in the subprocess: the gold of each sentence, in order of first occurrence (that order sets the turn).
    cogs_fakes.GOLD.clear()
    for ex in task.test:
        cogs_fakes.GOLD.setdefault(ex.source, ex.target)
    oracle.fit(task.train)
    counts: dict[str, dict[str, int]] = {}
    for ex, pred in zip(task.test, oracle.predict([ex.source for ex in task.test]), strict=True):
        for key in ("all", ex.category, ex.get("kind")):
            slot = counts.setdefault(key, {"n": 0, "correct": 0, "equivalent": 0})
            slot["n"] += 1
            slot["correct"] += task.is_correct(ex, pred.tokens)
            slot["equivalent"] += bool(task.is_equivalent(ex, pred.tokens))
    return counts


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}%"


def test_compare_reports_both_judges_per_category_and_kind(compared: Path, gen_slice: Task):
    expected = expected_counts(gen_slice)
    whole = expected["all"]
    # The oracle is right in form on a third and right in meaning on two thirds of the items.
    assert 0 < whole["correct"] < whole["equivalent"] < whole["n"] == TEST
    results = json.loads((compared / "results.json").read_text())
    info = results["tasks"]["cogs/gen"]
    assert (info["n_train"], info["n_test"]) == (TRAIN, TEST) and "+train:200+test:90" in info["version"]
    rows = {row["learner"]: row for row in results["summary"]}
    oracle = rows["cogs-oracle"]
    assert oracle["exact_match"]["mean"] == pytest.approx(whole["correct"] / TEST)
    assert oracle["semantic_match"]["mean"] == pytest.approx(whole["equivalent"] / TEST)
    for key in ("by_category", "by_kind"):
        for value, counts in oracle[key].items():
            assert counts == expected[value], (key, value)
    assert set(oracle["by_kind"]) == {"lexical", "structural"}
    # Memorize has seen none of these sentences: it abstains, and both judges count that as wrong.
    assert rows["memorize"]["semantic_match"]["mean"] == 0.0

    md = (compared / "report.md").read_text()
    html = (compared / "report.html").read_text()
    assert "| category | memorize exact | memorize semantic | cogs-oracle exact | cogs-oracle semantic |" in md
    assert "| kind | memorize exact | memorize semantic | cogs-oracle exact | cogs-oracle semantic |" in md
    for value in (*oracle["by_category"], "lexical", "structural"):
        c = expected[value]
        cells = f"| {value} | 0.0% ({c['n']}) | 0.0% ({c['n']}) | "  # memorize: none right
        assert f"{cells}{pct(c['correct'], c['n'])} ({c['n']}) | {pct(c['equivalent'], c['n'])} ({c['n']}) |" in md
        assert f"<td>{value}</td>" in html
    assert "semantic match [95% CI]" in md and "semantic match [95% CI]" in html
    assert f"semantic {pct(whole['equivalent'], TEST)}" in md


def test_eval_json_gives_both_judges(cogs_dir: Path, tmp_path: Path):
    out = tmp_path / "eval.json"
    done = run_cli("eval", "--learner", "memorize", "--task", "cogs/gen", "--data-dir", str(cogs_dir),
                   "--train-limit", "50", "--test-limit", "40", "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "semantic      0.00%" in done.stdout
    result = json.loads(out.read_text())
    assert result["semantic_match"] == 0.0 and result["n_test"] == 40
    assert sum(c["n"] for c in result["by_kind"].values()) == 40
    assert all(item["equivalent"] is False for item in result["items"])


def test_a_task_without_a_semantic_judge_shows_nothing_new(tmp_path: Path):
    out = tmp_path / "eval.json"
    done = run_cli("eval", "--learner", "memorize", "--task", "scan/addprim_jump", "--test-limit", "5",
                   "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "  semantic" not in done.stdout
    result = json.loads(out.read_text())
    assert "semantic_match" not in result and "by_category" not in result and "equivalent" not in result["items"][0]


def test_a_report_without_a_semantic_judge_shows_nothing_new():
    config = CompareConfig(heldout_fraction=0.2, bootstrap_resamples=50, swaps=5)
    task = tiny_task()
    records = [run_cell(cell, task, config) for cell in plan_cells([task.name], ["memorize"], [0])]
    results = merge_cells(records, {task.name: task}, config)
    assert "semantic_match" not in results["summary"][0]
    assert all("equivalent" not in c for c in results["summary"][0]["by_category"].values())
    assert "semantic" not in render_markdown(results) and "semantic" not in render_html(results)


@pytest.mark.parametrize("flag", ["--train-limit", "--test-limit"])
def test_a_limit_below_one_is_refused(flag: str):
    done = run_cli("eval", "--learner", "memorize", "--task", "scan/addprim_jump", flag, "0")
    assert done.returncode == 2 and f"{flag} must be at least 1" in done.stderr
