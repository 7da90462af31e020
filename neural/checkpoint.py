"""Checkpoints: weights with their config and vocabularies, written atomically, checksummed.

A checkpoint is a plain dict saved with :func:`torch.save`: JSON-compatible
metadata (model kind, hyperparameters, model config, vocabularies, decoding
limit) beside a ``state_dict`` of tensors. It is read back only with
``torch.load(..., weights_only=True)``, which refuses anything but tensors and
plain containers, so loading a checkpoint never runs code. A SHA-256 over the
metadata and every tensor's bytes catches silent corruption; a truncated file,
a foreign file, a checksum mismatch or weights that do not fit the model all
raise :class:`CheckpointError`, an :class:`~sandbox.errors.InputError` that the
CLI reports with exit code 2.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from sandbox.errors import InputError

FORMAT = "symvec-neural-checkpoint"
VERSION = 1


class CheckpointError(InputError):
    """A checkpoint file is missing, corrupted, or does not fit the model."""


def checksum(meta: Mapping[str, Any], state: Mapping[str, torch.Tensor]) -> str:
    """SHA-256 of the canonical JSON of ``meta`` and of every tensor (name, dtype, shape, bytes)."""
    h = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())
    for name in sorted(state):
        t = state[name].detach().cpu().contiguous()
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}".encode())
        h.update(t.view(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def save_checkpoint(
    path: str | Path, meta: Mapping[str, Any], state: Mapping[str, torch.Tensor]
) -> Path:
    """Write ``meta`` (JSON-compatible) and ``state`` to ``path`` atomically.

    The file is written to a temporary name in the same folder and renamed
    over ``path``, so a crash never leaves a half-written checkpoint there.
    """
    path = Path(path)
    meta = json.loads(json.dumps(dict(meta)))  # JSON-compatible by construction, or fail here
    state = {k: v.detach().cpu() for k, v in state.items()}
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "meta": meta,
        "state_dict": state,
        "sha256": checksum(meta, state),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """``(meta, state_dict)`` of a checkpoint written by :func:`save_checkpoint`."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError("no such checkpoint file", path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # truncated zip, foreign pickle, disallowed type...
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CheckpointError(f"not a readable checkpoint ({first})", path) from err
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"not a {FORMAT} file", path)
    if payload.get("version") != VERSION:
        raise CheckpointError(
            f"checkpoint format version {payload.get('version')!r}, this code reads {VERSION}", path
        )
    meta, state = payload.get("meta"), payload.get("state_dict")
    if not isinstance(meta, dict) or not isinstance(state, dict):
        raise CheckpointError("checkpoint lacks its metadata or weights", path)
    if not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError("checkpoint weights are not all tensors", path)
    if checksum(meta, state) != payload.get("sha256"):
        raise CheckpointError("checksum mismatch: the checkpoint is corrupted", path)
    return meta, state
