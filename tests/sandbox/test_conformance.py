"""``check_learner`` on every learner installed under the ``sandbox.learners`` entry points, as
scikit-learn's ``check_estimator`` runs on every estimator, with small training budgets."""

from __future__ import annotations

import importlib.util
from importlib.metadata import entry_points
from typing import Any

import pytest

from sandbox.conformance import check_learner
from sandbox.registry import learner_factory, learner_names, learner_parameters

pytestmark = pytest.mark.usefixtures("one_torch_thread")

# The installed learners, not learner_names() at collection time: test modules register fakes at
# import (some break the contract on purpose), and which of them are imported first depends on
# what pytest collects.
INSTALLED = sorted({ep.name for ep in entry_points(group="sandbox.learners")})

# A small budget for any learner that trains for epochs (the neural ones and the hybrid's neural
# side): only the keys a learner takes are given.
FAST: dict[str, Any] = {
    "epochs": 2, "batch_size": 8, "val_fraction": 0.0, "dropout": 0.0, "hidden_size": 16, "d_model": 16,
    "ff_size": 32, "num_heads": 2, "num_layers": 1, "device": "cpu", "progress": False,
}  # fmt: skip
# Learners that need an optional extra: skipped where it is missing.
EXTRAS = {"hf-seq2seq": ("transformers", "tokenizers")}


def test_every_installed_learner_is_registered() -> None:
    assert {"memorize", "symbolic", "gru", "transformer", "hybrid", "hf-seq2seq"} <= set(INSTALLED)
    assert set(INSTALLED) <= set(learner_names())


@pytest.mark.parametrize("name", INSTALLED)
def test_learner_conforms(name: str) -> None:
    missing = [m for m in EXTRAS.get(name, ()) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{name} needs the extra that provides {', '.join(missing)}")
    accepted = set(learner_parameters(name))
    params = {k: v for k, v in FAST.items() if k in accepted} if "epochs" in accepted else {}
    check_learner(learner_factory(name), params)
