"""Per-epoch training state, so that a killed training run resumes where it stopped.

After every epoch :func:`neural.training.train` (given a ``state_path``)
writes everything the next epoch depends on: the weights, Adam's moments,
the learning-rate schedule's position, the batch-order generator and the
global generator (dropout), the best weights so far and the early-stopping
counters. The file goes through :func:`neural.checkpoint.save_checkpoint`
(temporary file, then rename; SHA-256 over everything), so a SIGKILL leaves
either the previous epoch's state or the new one, never half of one. A rerun
with the same path picks up after the last finished epoch and, on CPU, ends
with the same weights as a run that was never interrupted.

A state file is tied to its run by a fingerprint of the training data, the
vocabularies, the configuration and the model's parameter shapes: a state
written for another run is refused with a clear error rather than silently
continued. A corrupted state file (checksum mismatch, truncation) is
reported on stderr and training starts again from the first epoch.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from neural.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from sandbox.data import Example

KIND = "training-state"


@dataclass
class Progress:
    """Where a training run stands after ``epoch`` finished epochs (plain values only)."""

    epoch: int
    history: list[dict[str, Any]]
    best: list[float] | None  # (validation accuracy, -validation loss) of the best epoch
    best_epoch: int
    stale: int
    stopped_early: bool


def fingerprint(examples: Sequence[Example], model: nn.Module, config: Any, extra: Mapping[str, Any]) -> str:
    """SHA-256 of what a run is: its examples, configuration and parameter shapes."""
    h = hashlib.sha256()
    for ex in examples:
        h.update(json.dumps([list(ex.source), list(ex.target)]).encode())
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    h.update(json.dumps({"config": asdict(config), "shapes": shapes, **extra}, sort_keys=True, default=str).encode())
    return h.hexdigest()


def save_state(
    path: Path, run: str, progress: Progress, model: nn.Module, optimizer: torch.optim.Optimizer,
    schedule: torch.optim.lr_scheduler.LRScheduler, order_gen: torch.Generator,
    best_state: Mapping[str, torch.Tensor] | None,
) -> None:
    """Write the state after ``progress.epoch`` epochs to ``path`` atomically."""
    tensors: dict[str, torch.Tensor] = {f"model.{k}": v for k, v in model.state_dict().items()}
    if best_state is not None:
        tensors.update({f"best.{k}": v for k, v in best_state.items()})
    optim = optimizer.state_dict()
    slots: dict[str, list[str]] = {}
    for pid, slot in optim["state"].items():
        for name, value in slot.items():
            tensors[f"optim.{pid}.{name}"] = torch.as_tensor(value)
            slots.setdefault(str(pid), []).append(name)
    tensors["rng.order"] = order_gen.get_state()
    tensors["rng.global"] = torch.get_rng_state()
    sched = schedule.state_dict()  # plain numbers (a lambda's slot is saved as None)
    meta = {"kind": KIND, "run": run, "progress": asdict(progress), "optim_groups": optim["param_groups"],
            "optim_slots": slots, "schedule": sched, "has_best": best_state is not None}
    save_checkpoint(path, meta, tensors)


def load_state(
    path: Path, run: str, model: nn.Module, optimizer: torch.optim.Optimizer,
    schedule: torch.optim.lr_scheduler.LRScheduler, order_gen: torch.Generator,
) -> tuple[Progress, dict[str, torch.Tensor] | None] | None:
    """Restore a run from ``path``; ``None`` (start afresh) when there is no usable state.

    Restores the model, optimizer, schedule and generators in place and
    returns the progress and the best weights so far.
    """
    if not path.exists():
        return None
    try:
        meta, tensors = load_checkpoint(path)
    except CheckpointError as err:
        print(f"sandbox: warning: {err}; training starts again from the first epoch", file=sys.stderr)
        return None
    if meta.get("kind") != KIND:
        raise CheckpointError("not a training-state file (a model checkpoint?)", path)
    if meta.get("run") != run:
        raise CheckpointError("this training state belongs to another run (different data, vocabularies "
                              "or configuration); remove it or give another path", path)
    try:
        progress = Progress(**meta["progress"])
        model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")}, strict=True)
        best = ({k[5:]: v for k, v in tensors.items() if k.startswith("best.")} if meta["has_best"] else None)
        state = {int(pid): {name: tensors[f"optim.{pid}.{name}"] for name in names}
                 for pid, names in meta["optim_slots"].items()}
        optimizer.load_state_dict({"state": state, "param_groups": meta["optim_groups"]})
        schedule.load_state_dict(dict(meta["schedule"]))
        order_gen.set_state(tensors["rng.order"])
        torch.set_rng_state(tensors["rng.global"])
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise CheckpointError(f"training state does not fit this run: {err}", path) from err
    return progress, best
