"""What training and decoding assume of a model, and batched greedy decoding.

Both models (:mod:`neural.gru`, :mod:`neural.transformer`) satisfy
:class:`Seq2Seq`: teacher-forced logits from ``forward``, greedy ids with the
attention behind them from ``greedy_decode``, and one vector per source from
``pooled`` (the encoder's) and ``first_output_state`` (the decoder's, when it
chooses the first output token).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence

from neural.vocab import EOS_ID, PAD_ID


class Seq2Seq(Protocol):
    def __call__(
        self, src: torch.Tensor, src_mask: torch.Tensor, tgt_in: torch.Tensor
    ) -> torch.Tensor: ...

    def greedy_decode(
        self, src: torch.Tensor, src_mask: torch.Tensor, max_len: int
    ) -> tuple[torch.Tensor, torch.Tensor]: ...

    def pooled(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor: ...

    def first_output_state(self, src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor: ...


@dataclass(frozen=True)
class Decoded:
    """One greedy answer: output ids (without ``<eos>``), whether ``<eos>`` came,
    and the attention ``(len(ids), source length + 1)`` behind each output id."""

    ids: tuple[int, ...]
    ended: bool
    attention: np.ndarray


def as_batch(
    rows: Sequence[torch.Tensor], device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """End-padded ids ``(B, S)`` and the mask of real positions ``(B, S)``."""
    ids = pad_sequence(list(rows), batch_first=True, padding_value=PAD_ID).to(device)
    return ids, ids != PAD_ID


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (stable, so deterministic).

    Grouping keeps padding, and the number of decoding steps each batch runs,
    small; the caller puts the answers back in input order.

    >>> length_batches([3, 1, 2, 1], 2)
    [[1, 3], [2, 0]]
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def greedy(
    model: Seq2Seq,
    sources: Sequence[Sequence[int]],
    max_len: int,
    device: torch.device,
    batch_size: int = 256,
) -> list[Decoded]:
    """Greedy answers for encoder rows ``sources`` (each ending in ``<eos>``), in order."""
    rows = [torch.as_tensor(s, dtype=torch.long) for s in sources]
    out: list[Decoded | None] = [None] * len(rows)
    for batch in length_batches([len(r) for r in rows], batch_size):
        src, mask = as_batch([rows[i] for i in batch], device)
        ids, attn = model.greedy_decode(src, mask, max_len)  # (B, T), (B, T, S)
        ids_np, attn_np = ids.cpu().numpy(), attn.float().cpu().numpy()
        for j, i in enumerate(batch):
            row = ids_np[j].tolist()
            n = row.index(EOS_ID) if EOS_ID in row else len(row)
            out[i] = Decoded(tuple(row[:n]), n < len(row), attn_np[j, :n, : len(rows[i])])
    return [d for d in out if d is not None]


def pooled(
    model: Seq2Seq, sources: Sequence[Sequence[int]], device: torch.device, batch_size: int = 256
) -> np.ndarray:
    """Mean-pooled encoder states, one row per source, in order: ``(n, dim)``."""
    return _vectors(model.pooled, sources, device, batch_size)


def first_output_states(
    model: Seq2Seq, sources: Sequence[Sequence[int]], device: torch.device, batch_size: int = 256
) -> np.ndarray:
    """The decoder's state when it chooses the first output token, one row per source, in order: ``(n, dim)``."""
    return _vectors(model.first_output_state, sources, device, batch_size)


def _vectors(
    per_batch: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    sources: Sequence[Sequence[int]],
    device: torch.device,
    batch_size: int,
) -> np.ndarray:
    rows = [torch.as_tensor(s, dtype=torch.long) for s in sources]
    parts = []
    for start in range(0, len(rows), batch_size):
        src, mask = as_batch(rows[start : start + batch_size], device)
        parts.append(per_batch(src, mask).float().cpu().numpy())
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)
