"""The neural benchmark on registered tasks: scored by the task's judge, published figures beside."""

from __future__ import annotations

import argparse

import pytest

from benchmarks import neural_bench
from sandbox.data import Example


def test_registered_task_is_scored_by_its_own_judge() -> None:
    _, test, judge = neural_bench.load_scored(neural_bench.Path("/nonexistent"), "nacs/simple")
    assert len(test) > 0
    twice = Example.of("I_WALK I_WALK", "walk twice")
    # NACS: any command whose meaning is the input is right, not only the gold one.
    assert judge(twice, ("walk", "and", "walk"))
    assert not judge(twice, ("walk",))


def test_accuracy_run_counts_what_the_judge_accepts() -> None:
    train, test, _ = neural_bench.load_scored(neural_bench.Path("/nonexistent"), "nacs/simple")
    params = {"seed": 0, "device": "cpu", "epochs": 1, "hidden_size": 8, "progress": False}
    args = ("gru", "nacs/simple", params, train[:30], test[:5], None)
    assert neural_bench.accuracy_run(*args, lambda e, p: True)["accuracy"] == 1.0
    record = neural_bench.accuracy_run(*args, lambda e, p: False)
    assert record["accuracy"] == 0.0
    assert record["judge"] == "the task's judge"


def _record(model: str, split: str, accuracy: float) -> dict[str, object]:
    return {"model": model, "split": split, "seed": 0, "accuracy": accuracy, "epochs_run": 3,
            "val_accuracy": 0.5, "test_size": 100, "val_size": 10, "best_epoch": 3,
            "params": {"epochs": 3}, "train_size": 90, "fit_seconds": 1.0,
            "decode_examples_per_s": 100.0, "device": "cpu"}  # fmt: skip


def test_summary_prints_published_figures_and_no_verdict_without_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    splits = ["pcfg/iid", "pcfg/productivity", "nacs/length"]
    args = argparse.Namespace(models=["gru", "transformer"], splits={"gru": splits, "transformer": splits},
                              log="x.jsonl")  # fmt: skip
    records = [_record("gru", "pcfg/iid", 0.05), _record("gru", "pcfg/productivity", 0.31),
               _record("transformer", "nacs/length", 0.2)]  # fmt: skip
    neural_bench.summarize(records, args)
    lines = {tuple(line.split()[:2]): line for line in capsys.readouterr().out.splitlines() if line}
    assert "79.3%" in lines[("gru", "pcfg/iid")] and "DIFFERS" in lines[("gru", "pcfg/iid")]
    assert "30.1%" in lines[("gru", "pcfg/productivity")]
    assert "as in the literature" in lines[("gru", "pcfg/productivity")]
    assert "no published figure" in lines[("transformer", "nacs/length")]


def test_unknown_task_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        neural_bench.main(["--sections", "accuracy", "--splits", "pcfg/nope", "--log", "/tmp/unused.jsonl"])
    assert exc.value.code == 2


def test_breakdown_by_category_and_kind_with_both_judges() -> None:
    test = [Example.of("a", "A B", category="c1", meta={"kind": "lexical"}),
            Example.of("b", "B C", category="c1", meta={"kind": "lexical"}),
            Example.of("c", "C D", category="c2", meta={"kind": "structural"})]
    answers = [("A", "B"), ("C", "B"), None]
    verdicts = [a is not None and a == e.target for a, e in zip(answers, test, strict=True)]
    unordered = lambda e, p: sorted(p) == sorted(e.target)  # noqa: E731
    out = neural_bench.judged_breakdown(test, answers, verdicts, unordered)
    assert out["semantic_accuracy"] == pytest.approx(2 / 3)
    assert out["by_category"] == {"c1": {"n": 2, "correct": 1, "equivalent": 2},
                                  "c2": {"n": 1, "correct": 0, "equivalent": 0}}
    assert out["by_kind"]["structural"] == {"n": 1, "correct": 0, "equivalent": 0}
    # Without a semantic judge or categories: nothing beyond the official figure.
    assert neural_bench.judged_breakdown([Example.of("a", "A")], [("A",)], [True], None) == {}


def test_cogs_has_a_semantic_judge_and_a_published_range() -> None:
    low, high, cite, _ = neural_bench.reference("gru", "cogs/gen") or (0, 0, "", 0)
    assert (low, high) == (0.16, 0.35) and "Kim & Linzen 2020" in cite
    assert neural_bench.semantic_judge("nacs/simple", None) is None
