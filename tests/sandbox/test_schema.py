"""One machine-readable schema for ``sandbox eval --json``, the comparator's cells and ``results.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.baselines import MemorizeLearner
from sandbox.compare import CompareConfig, merge_cells, plan_cells, read_results, write_results
from sandbox.compare.runner import run_cell
from sandbox.errors import InputError
from sandbox.evaluation import evaluate
from sandbox.schema import CELL, EVAL, RESULTS, SCHEMA_VERSION, validate
from tests.sandbox.compare.support import register_fakes, tiny_task

register_fakes()
FAST = CompareConfig(heldout_fraction=0.2, bootstrap_resamples=50, swaps=10)


@pytest.fixture(scope="module")
def results() -> dict:
    tasks = {t.name: t for t in (tiny_task("toy/prim"), tiny_task("toy/other"))}
    cells = plan_cells(list(tasks), ["fake-sym", "fake-neural", "memorize"], [0, 1],
                       seeded={"fake-sym": False, "memorize": False})
    return merge_cells([run_cell(c, tasks[c.task], FAST) for c in cells], tasks, FAST)


def test_the_records_the_sandbox_writes_meet_their_schemas(results):
    record = evaluate(MemorizeLearner(), tiny_task(), "memorize")
    assert validate(record, EVAL) is None
    assert record["schema"] == f"sandbox.eval/{SCHEMA_VERSION}"
    for cell in results["cells"]:
        assert validate(cell, CELL) is None
    assert validate(results, RESULTS) is None
    json.dumps([EVAL, CELL, RESULTS])  # plain JSON Schema documents


def test_eval_and_cells_share_the_run_fields(results):
    record = evaluate(MemorizeLearner(), tiny_task(), "memorize")
    cell = next(c for c in results["cells"] if c["learner"] == "memorize" and c["task"] == "toy/prim")
    for key in ("learner", "params", "task", "task_version", "n_test"):
        assert record[key] == cell[key], key
    assert EVAL["$defs"]["run"] is CELL["$defs"]["run"] is RESULTS["$defs"]["run"]


def test_the_schema_catches_what_a_prose_check_would_miss(results):
    record = evaluate(MemorizeLearner(), tiny_task(), "memorize")
    assert validate({**record, "coverage": 1.5}, EVAL) == "coverage: 1.5 is above the maximum 1"
    assert validate({**record, "schema": "sandbox.eval/0"}, EVAL) == 'schema: "sandbox.eval/0" is not "sandbox.eval/1"'
    broken = json.loads(json.dumps(results))
    del broken["cells"][1]["test"]["outcomes"]
    assert validate(broken, RESULTS) == "cells[1].test: missing field 'outcomes'"
    items = [{**record["items"][0], "correct": 1}]
    assert validate({**record, "items": items}, EVAL) == "items[0].correct: is integer, not boolean"


def test_read_results_refuses_a_restamped_file_with_a_retyped_field(results, tmp_path: Path):
    write_results(tmp_path, results)
    assert read_results(tmp_path)["summary"] == results["summary"]
    broken = json.loads(json.dumps(results))
    broken["summary"][0]["exact_match"]["mean"] = "high"
    write_results(tmp_path, broken)  # a valid checksum: only the schema can tell
    with pytest.raises(InputError, match=r"summary\[0\]\.exact_match\.mean: is string, not number"):
        read_results(tmp_path)
