"""The hybrid learner: symbolic within the cap, neural elsewhere; sources, limits, conformance, comparator record."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.compare import CompareConfig
from sandbox.compare.config import Cell
from sandbox.compare.runner import run_cell
from sandbox.conformance import _default_examples, check_learner
from sandbox.hybrid import HybridLearner
from sandbox.registry import learner_names, make_learner
from sandbox.tasks.registry import load_task
from tests.sandbox.compare.support import tiny_task

FAST = CompareConfig(heldout_fraction=0.2, bootstrap_resamples=100, swaps=10)


def test_registered_through_the_entry_point():
    assert "hybrid" in learner_names()
    assert type(make_learner("hybrid", neural="memorize")).__name__ == "HybridLearner"


def test_cap_three_on_scan_equals_the_symbolic_learner():
    task = load_task("scan/addprim_jump")
    rng = np.random.default_rng(0)
    sources = [task.test[int(i)].source for i in rng.choice(len(task.test), size=150, replace=False)]
    train = list(task.train)
    symbolic = make_learner("symbolic", max_relaxation=3).fit(train).predict(sources)
    hybrid = HybridLearner(symbolic_max_relaxation=3, neural="memorize").fit(train).predict(sources)
    assert [p.tokens for p in hybrid] == [p.tokens for p in symbolic]
    assert [p.derivation for p in hybrid] == [p.derivation for p in symbolic]
    answered = [p for p in hybrid if p.tokens is not None]
    assert answered and all(p.source == "symbolic" for p in answered)


def test_symbolic_switched_off_equals_the_neural_learner():
    train = _default_examples()
    probes = [ex.source for ex in train] + [("c", "twice"), ("a", "and", "c")]
    gru = make_learner("gru", epochs=2, seed=3, device="cpu", progress=False).fit(train).predict(probes)
    hybrid = HybridLearner(symbolic_max_relaxation=-1, neural="gru", epochs=2, seed=3, device="cpu")
    got = hybrid.fit(train).predict(probes)
    assert [p.tokens for p in got] == [p.tokens for p in gru]
    assert all(p.source == "gru" and p.derivation is None for p in got)


def test_routes_only_abstentions_and_records_the_source():
    train = _default_examples()
    # "c twice" needs relaxation (no "c twice" example); with cap 0 the symbolic side abstains there.
    hybrid = HybridLearner(symbolic_max_relaxation=0, neural="memorize").fit(train)
    preds = hybrid.predict([("a", "twice"), ("c", "and", "b", "twice", "x")])
    assert preds[0].source == "symbolic" and preds[0].tokens == ("A", "A")
    assert preds[1].tokens is None and preds[1].source == "memorize"  # neither side answers an unknown word
    both_off = HybridLearner(symbolic_max_relaxation=-1, neural="").fit(train).predict([("a",)])
    assert both_off[0].tokens is None


def test_bad_cap_is_refused():
    with pytest.raises(ValueError, match="symbolic_max_relaxation"):
        HybridLearner(symbolic_max_relaxation=4, neural="memorize").fit(_default_examples())


@pytest.mark.parametrize("params", [{"neural": "memorize"}, {"neural": "gru", "epochs": 1, "device": "cpu"},
                                    {"neural": "gru", "epochs": 1, "device": "cpu", "symbolic_max_relaxation": -1}])
def test_conformance(params):
    check_learner(HybridLearner, params)


def test_the_comparator_records_the_routing_curve(tmp_path):
    from sandbox.registry import register_learner
    from tests.sandbox.compare.support import register_fakes

    register_fakes()
    register_learner("hybrid-fake")(lambda seed=0: HybridLearner(neural="fake-neural", seed=seed))
    task = tiny_task()
    record = run_cell(Cell(task.name, "hybrid-fake", 0), task, FAST)
    caps = record["routing"]["caps"]
    assert list(caps) == ["0", "1", "2", "3"]
    for c in caps.values():
        assert c["symbolic"] + c["routed"] == c["n"] == len(task.test)
        assert c["symbolic_correct"] + c["routed_correct"] == c["correct"]
    assert caps["0"]["symbolic"] <= caps["3"]["symbolic"]  # a higher cap never answers less
    assert caps["3"]["correct"] == record["test"]["outcomes"].count("1")
    by_source = record["test"]["by_source"]
    assert sum(v["n"] for v in by_source.values()) == len(task.test)
    # Traceability: only symbolic answers can replay.
    symbolic_n = by_source.get("symbolic", {"n": 0})["n"]
    assert record["test"]["traceability"] <= symbolic_n / len(task.test) + 1e-9
    from sandbox.compare import merge_cells, render_html, render_markdown

    results = merge_cells([record], {task.name: task}, FAST)
    md, page = render_markdown(results), render_html(results)
    assert "Hybrid: symbolic where it answers within the cap" in md
    assert "Hybrid: coverage, precision and accuracy against the symbolic cap" in page
    assert "Error classes people make" in md  # the toy task has primitive words
