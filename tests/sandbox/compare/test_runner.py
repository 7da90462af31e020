"""The comparison runner: held-out slice, cell records, seeds, atomic cell files, resume, merge, determinism."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from sandbox.bench.run import execute
from sandbox.bench.store import CellStore
from sandbox.compare import CompareConfig, merge_cells, plan_cells, without_timing
from sandbox.compare.config import Cell
from sandbox.compare.hull import verify_saved
from sandbox.compare.runner import heldout_split, run_cell, run_cell_json
from sandbox.registry import register_learner
from sandbox.tasks.registry import load_task
from tests.sandbox.compare.support import FakeDecoding, FakeNeural, register_fakes, tiny_task

register_fakes()
FAST = CompareConfig(heldout_fraction=0.2, bootstrap_resamples=200, swaps=20)


def run_cells(cells, tasks, out, config, resume=True):
    """The cell records of a run through the sandbox's one execution path."""
    return execute(cells, tasks, Path(out), config, fresh=not resume, progress=False)["cells"]


def test_heldout_split_on_scan_keeps_the_primitive_and_every_word():
    task = load_task("scan/addprim_jump")
    fit, held = heldout_split(task.train, 0.05, 1000, seed=0)
    assert (fit, held) == heldout_split(task.train, 0.05, 1000, seed=0)
    assert heldout_split(task.train, 0.05, 1000, seed=1)[1] != held
    fit_inputs, held_inputs = {ex.source for ex in fit}, {ex.source for ex in held}
    assert not fit_inputs & held_inputs
    assert len(held_inputs) == round(0.05 * len({ex.source for ex in task.train}))
    assert len(fit) + len(held) == len(task.train)
    assert all(len(s) >= 2 for s in held_inputs)
    assert Counter(ex.source for ex in fit)[("jump",)] == 1467  # every copy of the lone primitive stays
    words = lambda exs: {w for ex in exs for w in ex.source}  # noqa: E731
    tokens = lambda exs: {t for ex in exs for t in ex.target}  # noqa: E731
    assert words(fit) == words(task.train) and tokens(fit) == tokens(task.train)
    assert heldout_split(task.train, 0.0, 1000, seed=0)[1] == ()
    assert len({ex.source for ex in heldout_split(task.train, 0.5, 100, seed=0)[1]}) == 100


def test_a_cell_record_for_a_traceable_word_by_word_learner():
    task = tiny_task()
    record = run_cell(Cell(task.name, "fake-sym", 0), task, FAST)
    assert record["learner"] == "fake-sym" and record["task_version"] == "t1"
    assert record["n_fit"] + record["n_heldout"] == len(task.train) and record["n_heldout"] > 0
    test = record["test"]
    assert test["exact_match"] == 1.0 and test["traceability"] == 1.0 and test["coverage"] == 1.0
    assert test["outcomes"] == "1" * len(task.test)
    assert record["heldout"]["exact_match"] == 1.0 and record["generalization_gap"] == 0.0
    # "d e a b" is longer than any training input: the fake reports relaxation level 1 for it.
    assert record["relaxation"]["levels"] == {"0": {"n": len(task.test) - 1, "correct": len(task.test) - 1},
                                              "1": {"n": 1, "correct": 1}}
    assert record["attribution"]["fidelity"] == 1.0
    assert record["attribution"]["n_swaps"] == len({ex.source for ex in task.test})  # fewer inputs than 20
    assert record["geometry"] is None
    assert record["seeded"] is False and "seed" not in record["params"]
    shown = record["showcase"]
    assert len(shown) == 3 and all(s["derivation"].startswith("[") for s in shown)
    assert set(record["timing"]) >= {"fit_seconds", "predict_seconds", "total_seconds"}


def test_hull_certificates_are_saved_and_reverify(tmp_path):
    task = tiny_task()
    record = run_cell(Cell(task.name, "fake-neural", 1), task, FAST, certificates=tmp_path / "certificates")
    ref = record["geometry"]["hull"]["certificates"]
    assert ref["file"] == f"certificates/{record['key']}.npz"
    assert verify_saved(tmp_path, ref) == []
    with np.load(tmp_path / ref["file"], allow_pickle=False) as f:
        assert len(f["points"]) == len(task.test) + record["n_heldout"]  # every point, no sample
    (tmp_path / ref["file"]).write_bytes(b"tampered")
    assert "checksum mismatch" in verify_saved(tmp_path, ref)[0]


def test_the_decoder_state_gets_its_own_analysis_and_certificates(tmp_path):
    task = tiny_task()
    record = run_cell(Cell(task.name, "fake-decoding", 1), task, FAST, certificates=tmp_path / "certificates")
    encoder, decoder = record["geometry"], record["decoder_geometry"]
    assert encoder["dim"] == 11 and decoder["dim"] == 11
    assert decoder["n_train_used"] == encoder["n_train_used"]  # the same distinct training inputs
    # The decoder's certificates hold the learner's first_output_state vectors, in test order.
    with np.load(tmp_path / decoder["hull"]["certificates"]["file"], allow_pickle=False) as f:
        learner = FakeDecoding(seed=1).fit([ex for ex in task.train if ex.source not in _held_sources(task)])
        np.testing.assert_array_equal(f["points"][: len(task.test)],
                                      learner.first_output_state([ex.source for ex in task.test]))
    # The same test items, in the same order, binned by the decoder's distances.
    assert sum(d["n"] for d in decoder["test"]["deciles"]) == len(task.test)
    assert sum(d["correct"] for d in decoder["test"]["deciles"]) == record["test"]["outcomes"].count("1")
    assert decoder["hull"]["test"]["11"]["n"] == len(task.test) and "heldout" in decoder["hull"]
    ref = decoder["hull"]["certificates"]
    assert ref["file"] == f"certificates/{record['key']}__decoder_geometry.npz"
    assert ref != encoder["hull"]["certificates"] and verify_saved(tmp_path, ref) == []
    # A learner without first_output_state gets no decoder analysis.
    assert run_cell(Cell(task.name, "fake-neural", 1), task, FAST)["decoder_geometry"] is None


def test_an_embedding_learner_gets_the_seed_and_the_geometry():
    task = tiny_task()
    record = run_cell(Cell(task.name, "fake-neural", 4, (("epochs", 2),)), task, FAST)
    assert record["params"] == {"seed": 4, "epochs": 2} and record["seeded"]
    geo = record["geometry"]
    assert geo["dim"] == 11 and geo["n_train_used"] == len({ex.source for ex in task.train
                                                             if ex.source not in _held_sources(task)})
    assert list(geo["hull"]["test"]) == ["2", "4", "8", "11"]
    assert geo["hull"]["test"]["11"]["n"] == len(task.test) and "heldout" in geo["hull"]  # every point
    assert all(c["undecided"] == 0 for c in geo["hull"]["test"].values())
    assert geo["hull"]["certificates"] is None  # no directory given
    assert sum(d["n"] for d in geo["test"]["deciles"]) == len(task.test)
    assert sum(d["correct"] for d in geo["test"]["deciles"]) == record["test"]["outcomes"].count("1")
    # The fake flips a seeded ~30% of the answers: exact match is neither 0 nor 1, errors are substitutions.
    assert 0 < record["test"]["exact_match"] < 1
    # A flipped last token is a consistent substitution unless that gold token also occurs earlier.
    wrong = [ex for ex, o in zip(task.test, record["test"]["outcomes"], strict=True) if o == "0"]
    repeated = sum(ex.target[-1] in ex.target[:-1] for ex in wrong)
    expected = {"substituted_primitive": len(wrong) - repeated, "other_same_length": repeated}
    assert record["test"]["errors"] == {k: v for k, v in expected.items() if v}
    assert record["relaxation"]["has_levels"] is False


def _held_sources(task):
    return {ex.source for ex in heldout_split(task.train, FAST.heldout_fraction, FAST.heldout_max, 0)[1]}


class Counting(FakeNeural):
    fits = 0

    def fit(self, examples):
        type(self).fits += 1
        return super().fit(examples)


register_learner("fake-counting")(Counting)


def test_cells_are_written_atomically_and_reused_on_resume(tmp_path: Path):
    task = tiny_task()
    cells = plan_cells([task.name], ["fake-counting"], [0, 1])
    Counting.fits = 0
    first = run_cells(cells, {task.name: task}, tmp_path, FAST)
    assert Counting.fits == 2
    assert sorted(p.name for p in (tmp_path / "cells").iterdir()) == [f"{c.key}.json" for c in cells]
    again = run_cells(cells, {task.name: task}, tmp_path, FAST)
    assert Counting.fits == 2 and again == first
    # A truncated file, a file of another config, and --fresh all rerun.
    path = CellStore(tmp_path).path(cells[0])
    path.write_text(path.read_text()[:100])
    run_cells(cells, {task.name: task}, tmp_path, FAST)
    assert Counting.fits == 3
    run_cells(cells, {task.name: task}, tmp_path, CompareConfig(swaps=3, bootstrap_resamples=50))
    assert Counting.fits == 5
    run_cells(cells, {task.name: task}, tmp_path, CompareConfig(swaps=3, bootstrap_resamples=50), resume=False)
    assert Counting.fits == 7
    assert not list((tmp_path / "cells").glob(".*.tmp"))


def test_cell_files_stay_under_out(tmp_path: Path):
    cell = Cell("../../evil/task", "fake-sym", 0, (("x", "../y"),))
    assert CellStore(tmp_path).path(cell).resolve().parent == (tmp_path / "cells").resolve()


def test_merge_over_seeds(tmp_path: Path):
    task = tiny_task()
    cells = plan_cells([task.name], ["fake-sym", "fake-neural"], [0, 1, 2], seeded={"fake-sym": False})
    assert [c.learner for c in cells] == ["fake-sym", "fake-neural", "fake-neural", "fake-neural"]
    records = run_cells(cells, {task.name: task}, tmp_path, FAST)
    results = merge_cells(records, {task.name: task}, FAST)
    assert results["learners"] == ["fake-sym", "fake-neural"]
    sym, neural = results["summary"]
    assert sym["seeds"] == [0] and sym["exact_match"]["std"] is None
    ems = [r["test"]["exact_match"] for r in records[1:]]
    assert len(set(ems)) > 1  # the seeds really differ
    assert neural["exact_match"]["mean"] == pytest.approx(sum(ems) / 3, abs=1e-6)
    low, high = neural["exact_match"]["ci"]
    assert low <= neural["exact_match"]["mean"] <= high
    assert neural["exact_match"]["std"] > 0
    assert neural["attribution"]["n_swaps"] == sum(r["attribution"]["n_swaps"] for r in records[1:])
    assert neural["geometry"]["hull"]["test"]["11"]["n"] == 3 * len(task.test)
    assert neural["decoder_geometry"] is None and sym["geometry"] is None
    assert sym["traceability"] == {"mean": 1.0, "std": None} and neural["traceability"] == {"mean": 0.0, "std": 0.0}
    assert results["tasks"][task.name]["version"] == "t1"
    assert results["metrics"]["exact_match"]["higher_is_better"] is True
    json.dumps(results)  # JSON-ready throughout


def test_same_cells_same_results_except_timing(tmp_path: Path):
    task = tiny_task()
    cells = plan_cells([task.name], ["fake-sym", "fake-neural"], [0, 1])
    run_cells(cells, {task.name: task}, tmp_path / "a", FAST)
    run_cells(cells, {task.name: task}, tmp_path / "b", FAST)
    # results.json holds no timing at all, so two runs agree byte for byte; timings sit beside it.
    assert (tmp_path / "a" / "results.json").read_bytes() == (tmp_path / "b" / "results.json").read_bytes()
    assert '"timing"' not in (tmp_path / "a" / "results.json").read_text()
    timings = json.loads((tmp_path / "a" / "timings.json").read_text())
    assert set(timings) == {c.key for c in cells} and all("fit_seconds" in t for t in timings.values())


def test_run_cell_json_for_executors():
    record, timing = run_cell_json({"task": "scan/addprim_turn_left", "learner": "memorize", "seed": 0},
                                   config={"swaps": 5, "bootstrap_resamples": 20, "showcase": 1})
    assert "timing" not in record and timing["total_seconds"] >= 0
    assert record["config"]["swaps"] == 5 and record["attribution"]["n_swaps"] == 5
    assert record["task_version"] == load_task("scan/addprim_turn_left").version
    json.dumps(record)


def test_merge_without_timing_accepts_records_without_timing(tmp_path: Path):
    task = tiny_task()
    records = [run_cell(c, task, FAST) for c in plan_cells([task.name], ["fake-sym"], [0])]
    bare = [{k: v for k, v in r.items() if k != "timing"} for r in records]
    merged = merge_cells(bare, {task.name: task}, FAST, timing=False)
    assert "timing" not in merged
    assert merged == without_timing(merge_cells(records, {task.name: task}, FAST))
