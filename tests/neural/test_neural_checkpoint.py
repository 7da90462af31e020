"""Checkpoints: same predictions after a round trip, clear errors for bad files."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from neural import CheckpointError, GRULearner, NeuralLearner, TransformerLearner
from neural.checkpoint import load_checkpoint, save_checkpoint
from sandbox.data import Example
from sandbox.errors import InputError

DATA = [Example.of(s, t, id=f"c-{i}") for i, (s, t) in enumerate(
    [("p", "P"), ("q", "Q"), ("p dbl", "P P"), ("q then p", "Q P"), ("p then q dbl", "P Q Q")]
)]  # fmt: skip
PROBES = [e.source for e in DATA] + [("q", "dbl"), (), ("unseen",)]


@pytest.fixture(scope="module", params=["gru", "transformer"])
def learner(request: pytest.FixtureRequest) -> NeuralLearner:
    common: dict[str, Any] = {"epochs": 15, "val_fraction": 0.0, "device": "cpu", "progress": False, "lr": 0.01}
    if request.param == "gru":
        return GRULearner(hidden_size=16, **common).fit(DATA)
    return TransformerLearner(d_model=16, num_heads=2, num_layers=1, ff_size=32, **common).fit(DATA)


@pytest.fixture(scope="module")
def saved(learner: NeuralLearner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return learner.save(tmp_path_factory.mktemp("ckpt") / f"{learner.kind}.pt")


def test_round_trip_gives_the_same_answers(learner: NeuralLearner, saved: Path) -> None:
    for loader in (type(learner), NeuralLearner):
        again = loader.load(saved)
        assert type(again) is type(learner)
        assert again.get_params() == learner.get_params()
        assert again.train_result_ == learner.train_result_
        assert again.max_len_ == learner.max_len_
        assert [p.tokens for p in again.predict(PROBES)] == [p.tokens for p in learner.predict(PROBES)]
        assert np.array_equal(again.encode(PROBES), learner.encode(PROBES))
        assert np.array_equal(again.attention(("q", "then", "p")), learner.attention(("q", "then", "p")))


def test_save_is_atomic_and_leaves_no_temporary_file(saved: Path) -> None:
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_other_kind_is_refused(saved: Path, learner: NeuralLearner) -> None:
    other = TransformerLearner if isinstance(learner, GRULearner) else GRULearner
    with pytest.raises(CheckpointError, match="holds a"):
        other.load(saved)


def test_truncated_file(saved: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cut.pt"
    bad.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="not a readable checkpoint") as err:
        NeuralLearner.load(bad)
    assert isinstance(err.value, InputError) and err.value.path == str(bad)


def test_flipped_weight_bytes_fail_the_checksum(tmp_path: Path) -> None:
    state = {"w": torch.arange(4096, dtype=torch.float32)}
    path = save_checkpoint(tmp_path / "x.pt", {"kind": "gru"}, state)
    raw = bytearray(path.read_bytes())
    marker = torch.arange(4096, dtype=torch.float32).numpy().tobytes()[4000:4016]
    at = bytes(raw).index(marker)
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError):
        load_checkpoint(path)


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_garbage_missing_and_pickled_code(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="no such"):
        load_checkpoint(tmp_path / "absent.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"definitely not a checkpoint")
    with pytest.raises(CheckpointError):
        load_checkpoint(junk)
    evil = tmp_path / "evil.pt"
    torch.save({"format": "x", "obj": Example.of("a", "b")}, evil)  # not a plain container
    with pytest.raises(CheckpointError):
        load_checkpoint(evil)
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(CheckpointError):
        load_checkpoint(plain)


def test_mismatched_weights(saved: Path, tmp_path: Path) -> None:
    meta, state = load_checkpoint(saved)
    first = next(iter(state))
    state[first] = torch.zeros(3, 3)  # a valid file whose weights do not fit the model
    bad = save_checkpoint(tmp_path / "shape.pt", meta, state)
    with pytest.raises(CheckpointError, match="does not fit"):
        NeuralLearner.load(bad)
    meta2, state2 = load_checkpoint(saved)
    meta2["tgt_vocab"] = meta2["tgt_vocab"][:-1]
    bad2 = save_checkpoint(tmp_path / "vocab.pt", meta2, state2)
    with pytest.raises(CheckpointError, match="does not fit"):
        NeuralLearner.load(bad2)


def test_tampered_metadata_fails_the_checksum(saved: Path, tmp_path: Path) -> None:
    payload = torch.load(saved, weights_only=True)
    payload["meta"]["max_len"] = 999
    bad = tmp_path / "meta.pt"
    torch.save(payload, bad)
    with pytest.raises(CheckpointError, match="checksum"):
        load_checkpoint(bad)
