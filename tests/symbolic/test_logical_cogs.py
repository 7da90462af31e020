"""The symbolic learner on the official COGS files through the real CLI (skipped where they are absent).

A slice keeps it quick: the first 3,000 training lines and every generalization
item of the first 300 (file order); the figures that matter at full scale are
printed by ``python -m benchmarks.cogs_bench``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.fixture(scope="module")
def cogs_dir(datasets: Path) -> Path:
    if not (datasets / "cogs" / "data" / "gen.tsv").is_file():
        pytest.skip(f"COGS data files not found under {datasets / 'cogs' / 'data'}")
    return datasets


def test_eval_on_a_cogs_slice_answers_with_conjunct_rules_and_traces(cogs_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    done = run_cli("eval", "--learner", "symbolic", "--task", "cogs/gen", "--data-dir", str(cogs_dir),
                   "--train-limit", "3000", "--test-limit", "300", "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "unit" in done.stdout and "phrase" in done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["traceability"] == 1.0
    assert result["exact_match"] >= 0.4  # 3,000 of 24,155 training lines: many words are still unseen
    assert result["semantic_match"] >= result["exact_match"]
    assert result["learned"]["rule_language"] == "conjuncts over word positions"


def test_explain_prints_the_tree_with_conjuncts_and_the_render_step(cogs_dir: Path) -> None:
    done = run_cli("explain", "--learner", "symbolic", "--task", "cogs/gen", "--data-dir", str(cogs_dir),
                   "--train-limit", "3000", "The cat in the house liked that a dog slept .")
    assert done.returncode == 0, done.stderr
    assert "ordered the conjuncts by part" in done.stdout
    assert "[ref<" in done.stdout or "ref<" in done.stdout
    assert "* cat ( x _ 1 ) ; * house ( x _ 4 ) ;" in done.stdout
