"""The reference for training speed: the plainest PyTorch loop for the same model.

No validation, no early stopping, no progress bar, no bookkeeping: shuffle,
batch examples of similar target length (pools of 50 batches sorted by
length, the batching :func:`neural.training.train` uses by default), pad,
forward, loss, backward, clip, step, and the same linear learning-rate decay. ``benchmarks.neural_bench`` times
one epoch of this against one epoch of :func:`neural.training.train` on the
same model configuration, examples and batch size, in the same run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pad_sequence

from sandbox.data import Example


def encode_plain(examples: Sequence[Example]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Source rows ``w1 .. wn <eos>`` and target rows ``<bos> t1 .. tn <eos>`` (0 pads)."""
    specials = ["<pad>", "<unk>", "<bos>", "<eos>"]
    src_vocab = {t: i for i, t in enumerate(specials + sorted({w for e in examples for w in e.source}))}
    tgt_vocab = {t: i for i, t in enumerate(specials + sorted({w for e in examples for w in e.target}))}
    src = [torch.tensor([src_vocab[w] for w in e.source] + [3]) for e in examples]
    tgt = [torch.tensor([2] + [tgt_vocab[w] for w in e.target] + [3]) for e in examples]
    return src, tgt


def minimal_train(
    model: nn.Module,
    examples: Sequence[Example],
    epochs: int,
    batch_size: int,
    lr: float,
    clip: float = 1.0,
    seed: int = 0,
    device: str | torch.device = "cpu",
) -> list[float]:
    """Train ``model`` for ``epochs`` epochs; the wall-clock seconds of each epoch."""
    src_rows, tgt_rows = encode_plain(examples)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    planned = epochs * -(-len(src_rows) // batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0 - 0.95 * min(step / planned, 1.0))
    gen = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        perm = torch.randperm(len(src_rows), generator=gen).tolist()
        batches = []
        for p in range(0, len(perm), 50 * batch_size):
            pool = sorted(perm[p : p + 50 * batch_size], key=lambda j: len(tgt_rows[j]))
            batches += [pool[i : i + batch_size] for i in range(0, len(pool), batch_size)]
        for b in torch.randperm(len(batches), generator=gen).tolist():
            idx = batches[b]
            src = pad_sequence([src_rows[j] for j in idx], batch_first=True).to(device)
            tgt = pad_sequence([tgt_rows[j] for j in idx], batch_first=True).to(device)
            logits = model(src, src != 0, tgt[:, :-1])
            loss = F.cross_entropy(logits.transpose(1, 2), tgt[:, 1:], ignore_index=0)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            sched.step()
        if torch.device(device).type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return times
