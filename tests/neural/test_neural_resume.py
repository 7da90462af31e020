"""A training run killed part way resumes from its per-epoch state and ends as if never stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import torch

import neural.training
from neural import GRULearner, NeuralLearner, TransformerLearner
from neural.checkpoint import CheckpointError, load_checkpoint
from tests.neural.test_neural_learners import GRU_TINY, TF_TINY, tiny_task

# Dropout and a validation slice: the resumed run must restore the generators,
# Adam's moments, the schedule and the early-stopping bookkeeping to match.
RUN: dict[str, Any] = {"epochs": 6, "dropout": 0.2, "val_fraction": 0.2, "patience": 10, "seed": 5}
KINDS = [(GRULearner, {**GRU_TINY, **RUN}), (TransformerLearner, {**TF_TINY, **RUN})]
IDS = ["gru", "transformer"]


def same_model(a: NeuralLearner, b: NeuralLearner) -> None:
    sa, sb = a.model_.state_dict(), b.model_.state_dict()
    assert sa.keys() == sb.keys()
    for name in sa:
        assert torch.equal(sa[name], sb[name]), name
    probes = [e.source for e in tiny_task()] + [("s", "then", "q", "dbl")]
    assert [p.tokens for p in a.predict(probes)] == [p.tokens for p in b.predict(probes)]
    assert [e.loss for e in a.train_result_.history] == [e.loss for e in b.train_result_.history]
    assert a.train_result_.best_epoch == b.train_result_.best_epoch


@pytest.fixture(scope="module", params=KINDS, ids=IDS)
def kind(request: pytest.FixtureRequest) -> tuple[type[NeuralLearner], dict[str, Any], NeuralLearner]:
    cls, params = request.param
    return cls, params, cls(**params).fit(tiny_task())  # the uninterrupted run


def interrupt_after(monkeypatch: pytest.MonkeyPatch, epochs: int) -> list[int]:
    """Make the training loop fail in epoch ``epochs + 1``; returns the count of epochs run."""
    real, calls = neural.training.train_epoch, [0]

    def flaky(*args: Any, **kwargs: Any) -> float:
        calls[0] += 1
        if calls[0] > epochs:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(neural.training, "train_epoch", flaky)
    return calls


def test_interrupted_run_resumes_to_the_same_weights(kind: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cls, params, whole = kind
    state = tmp_path / "state.pt"
    with monkeypatch.context() as m:
        interrupt_after(m, 3)
        with pytest.raises(KeyboardInterrupt):
            cls(**params, state_path=str(state)).fit(tiny_task())
    meta, _ = load_checkpoint(state)
    assert meta["progress"]["epoch"] == 3
    calls = interrupt_after(monkeypatch, 100)
    resumed = cls(**params, state_path=str(state)).fit(tiny_task())
    assert calls[0] == RUN["epochs"] - 3  # only the missing epochs ran
    same_model(resumed, whole)


def test_finished_run_is_not_trained_again(kind: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cls, params, whole = kind
    state = str(tmp_path / "state.pt")
    cls(**params, state_path=state).fit(tiny_task())
    calls = interrupt_after(monkeypatch, 100)
    again = cls(**params, state_path=state).fit(tiny_task())
    assert calls[0] == 0
    same_model(again, whole)


def test_corrupted_state_is_reported_and_training_starts_again(
    kind: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cls, params, whole = kind
    state = tmp_path / "state.pt"
    cls(**{**params, "epochs": 2}, state_path=str(state)).fit(tiny_task())
    data = state.read_bytes()
    state.write_bytes(data[: len(data) // 2])  # a truncated file
    redone = cls(**params, state_path=str(state)).fit(tiny_task())
    assert "training starts again from the first epoch" in capsys.readouterr().err
    same_model(redone, whole)


def test_state_of_another_run_is_refused(tmp_path: Path) -> None:
    state = str(tmp_path / "state.pt")
    params = {**GRU_TINY, **RUN, "epochs": 1}
    GRULearner(**params, state_path=state).fit(tiny_task())
    with pytest.raises(CheckpointError, match="another run"):
        GRULearner(**{**params, "seed": 6}, state_path=state).fit(tiny_task())
    with pytest.raises(CheckpointError, match="another run"):
        GRULearner(**params, state_path=state).fit(tiny_task()[:-1])
    whole = str(tmp_path / "model.pt")
    GRULearner(**params).fit(tiny_task()).save(whole)
    with pytest.raises(CheckpointError, match="not a training-state file"):
        GRULearner(**params, state_path=whole).fit(tiny_task())


CHILD = """
import sys, time
import torch
import neural.training
from neural import GRULearner
from tests.neural.test_neural_learners import tiny_task
from tests.neural.test_neural_resume import GRU_TINY, RUN

torch.set_num_threads(1)
real = neural.training.train_epoch

def slow(*args, **kwargs):  # slow epochs, so that the kill lands in the middle of the run
    loss = real(*args, **kwargs)
    time.sleep(0.4)
    return loss

neural.training.train_epoch = slow
GRULearner(**{**GRU_TINY, **RUN, "epochs": 40}, state_path=sys.argv[1]).fit(tiny_task())
"""


def test_sigkill_mid_training_then_resume(tmp_path: Path) -> None:
    state = tmp_path / "state.pt"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(state)], cwd=root, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while not (state.exists() and load_checkpoint(state)[0]["progress"]["epoch"] >= 2):
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, "the training child wrote no state in time"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    progress = load_checkpoint(state)[0]["progress"]
    params = {**GRU_TINY, **RUN, "epochs": 40}
    whole = GRULearner(**params).fit(tiny_task())
    # The kill landed part way through the run.
    assert 2 <= progress["epoch"] < len(whole.train_result_.history) and not progress["stopped_early"]
    resumed = GRULearner(**params, state_path=str(state)).fit(tiny_task())
    same_model(resumed, whole)
