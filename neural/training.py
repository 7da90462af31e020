"""Training as an importable function: teacher forcing, Adam, clipping, early stopping.

:func:`train` carves a validation slice out of the *training* examples (a test
split is never seen), trains with teacher forcing on shuffled padded
mini-batches, measures validation loss and exact-match accuracy (greedy
decoding) after every epoch, stops after ``patience`` epochs without
improvement and restores the best weights. Every random choice (the slice,
the batch order, dropout) is drawn from the seed, so the same seed gives the
same weights and the same predictions on CPU. Given a ``state_path``, it
writes its state after every epoch and a rerun resumes after the last
finished epoch (:mod:`neural.resume`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from neural.decoding import Seq2Seq, as_batch, greedy
from neural.resume import Progress, fingerprint, load_state, save_state
from neural.vocab import PAD_ID, Vocab, source_ids, target_ids
from sandbox.data import Example


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    clip: float = 1.0  # max gradient norm
    val_fraction: float = 0.1  # of the training examples, held out for early stopping
    max_val: int = 1000  # cap on the validation slice, to bound its decoding time
    patience: int = 5  # epochs without validation improvement before stopping
    bucket: bool = True  # batch examples of similar target length (see bucket_batches)
    final_lr_fraction: float = 0.05  # lr decays linearly to lr * this over the planned epochs
    seed: int = 0
    progress: bool | None = None  # None: show progress bars only on a terminal


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    loss: float  # mean training loss per target token
    val_loss: float | None
    val_accuracy: float | None
    train_seconds: float  # the training pass alone
    seconds: float  # with validation


@dataclass
class TrainResult:
    history: list[EpochStats] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    train_size: int = 0
    val_size: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "history": [asdict(e) for e in self.history],
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "train_size": self.train_size,
            "val_size": self.val_size,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> TrainResult:
        return cls(
            [EpochStats(**e) for e in obj.get("history", [])],
            int(obj.get("best_epoch", 0)),
            bool(obj.get("stopped_early", False)),
            int(obj.get("train_size", 0)),
            int(obj.get("val_size", 0)),
        )


def split_validation(
    examples: Sequence[Example], fraction: float, max_size: int, seed: int
) -> tuple[list[Example], list[Example]]:
    """A seeded ``(train, validation)`` partition of ``examples``.

    The slice is ``min(max_size, floor(fraction * n))`` examples, so a tiny
    training set keeps all its examples and trains without early stopping.

    >>> data = [Example.of(str(i), str(i)) for i in range(20)]
    >>> tr, va = split_validation(data, 0.1, 1000, seed=0)
    >>> len(tr), len(va)
    (18, 2)
    """
    n_val = min(max_size, int(fraction * len(examples)))
    if n_val <= 0:
        return list(examples), []
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(examples), generator=g).tolist()
    held = set(order[:n_val])
    train_part = [ex for i, ex in enumerate(examples) if i not in held]
    return train_part, [examples[i] for i in sorted(held)]


def bucket_batches(
    lengths: Sequence[int], batch_size: int, generator: torch.Generator, bucket: bool = True,
    pool: int = 50,
) -> list[list[int]]:
    """One epoch's mini-batches (lists of indices), in a seeded random order.

    With ``bucket``, the shuffled examples are cut into pools of ``pool``
    batches and each pool is sorted by length before it is cut into batches:
    a batch then pads to a length close to its own examples' (where output
    lengths vary widely, several times fewer padded decoder steps than random
    batches) while every epoch still sees the examples in a new order.

    >>> g = torch.Generator().manual_seed(0)
    >>> sorted(len(b) for b in bucket_batches([5, 1, 4, 2, 3], 2, g))
    [1, 2, 2]
    """
    order = torch.randperm(len(lengths), generator=generator).tolist()
    if not bucket:
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    batches: list[list[int]] = []
    for start in range(0, len(order), pool * batch_size):
        chunk = sorted(order[start : start + pool * batch_size], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    shuffle = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in shuffle]


def show_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


def train(
    model: nn.Module,
    examples: Sequence[Example],
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    config: TrainConfig,
    max_len: int,
    device: torch.device | str = "cpu",
    state_path: str | Path | None = None,
) -> TrainResult:
    """Train ``model`` (a :class:`~neural.decoding.Seq2Seq`) on ``examples`` in place.

    With ``state_path``, the training state is saved there after every epoch
    and, when the file already holds this run's state, training resumes from it.
    """
    device = torch.device(device)
    train_part, val_part = split_validation(
        examples, config.val_fraction, config.max_val, config.seed
    )
    if not train_part:
        raise ValueError("no training examples")
    src_rows = [torch.tensor(r) for r in source_ids(src_vocab, (e.source for e in train_part))]
    tgt_rows = [torch.tensor(r) for r in target_ids(tgt_vocab, (e.target for e in train_part))]
    lengths = [len(r) for r in tgt_rows]
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    # Late in training a constant rate keeps the answers oscillating; a linear
    # decay lets them settle (over the planned epochs, whether or not it stops early).
    planned = config.epochs * -(-len(src_rows) // config.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 1.0 - (1.0 - config.final_lr_fraction) * min(step / planned, 1.0)
    )
    order_gen = torch.Generator().manual_seed(config.seed)
    result = TrainResult(train_size=len(train_part), val_size=len(val_part))
    best: tuple[float, float] | None = None
    best_state: dict[str, torch.Tensor] | None = None
    stale, first = 0, 1
    run = ""
    if state_path is not None:
        state_path = Path(state_path)
        # Whether progress bars show does not change the run: leave it out of the fingerprint.
        run = fingerprint(examples, model, replace(config, progress=None),
                          {"max_len": max_len, "src": src_vocab.to_list(), "tgt": tgt_vocab.to_list()})
        restored = load_state(state_path, run, model, optimizer, schedule, order_gen)
        if restored is not None:
            progress, best_state = restored
            result.history = [EpochStats(**e) for e in progress.history]
            best = None if progress.best is None else (progress.best[0], progress.best[1])
            result.best_epoch, stale, first = progress.best_epoch, progress.stale, progress.epoch + 1
            result.stopped_early = progress.stopped_early
            if progress.stopped_early:
                first = config.epochs + 1  # nothing left to run
            print(f"sandbox: resuming training from {state_path} after epoch {progress.epoch} of {config.epochs}",
                  file=sys.stderr, flush=True)
    bars = show_progress(config.progress)
    epochs = tqdm(range(first, config.epochs + 1), desc="epochs", disable=not bars, file=sys.stderr,
                  initial=first - 1, total=config.epochs)
    for epoch in epochs:
        start = time.perf_counter()
        batches = bucket_batches(lengths, config.batch_size, order_gen, config.bucket)
        loss = train_epoch(
            model, optimizer, schedule, batches, src_rows, tgt_rows, config.clip, device, bars
        )
        trained = time.perf_counter() - start
        val_loss = val_acc = None
        if val_part:
            val_loss, val_acc = evaluate(model, val_part, src_vocab, tgt_vocab, max_len, device)
        result.history.append(
            EpochStats(epoch, loss, val_loss, val_acc, trained, time.perf_counter() - start)
        )
        epochs.set_postfix(loss=f"{loss:.4f}", val_acc="-" if val_acc is None else f"{val_acc:.3f}")
        if val_loss is None or val_acc is None:
            result.best_epoch = epoch
        else:
            score = (val_acc, -val_loss)  # accuracy first; lower loss breaks ties
            if best is None or score > best:
                best, stale, result.best_epoch = score, 0, epoch
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                stale += 1
                result.stopped_early = stale >= config.patience
        if state_path is not None:
            progress = Progress(epoch, [asdict(e) for e in result.history], None if best is None else list(best),
                                result.best_epoch, stale, result.stopped_early)
            save_state(state_path, run, progress, model, optimizer, schedule, order_gen, best_state)
        if result.stopped_early:
            break
    epochs.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    model.train(False)
    return result


def train_epoch(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    schedule: torch.optim.lr_scheduler.LRScheduler,
    batches: Sequence[Sequence[int]],
    src_rows: Sequence[torch.Tensor],
    tgt_rows: Sequence[torch.Tensor],
    clip: float,
    device: torch.device,
    bars: bool,
) -> float:
    """One pass of teacher forcing; the mean loss per target token."""
    model.train()
    total = torch.zeros((), device=device)
    tokens = 0
    for batch in tqdm(batches, desc="batches", leave=False, disable=not bars, file=sys.stderr):
        src, src_mask = as_batch([src_rows[i] for i in batch], device)
        tgt, _ = as_batch([tgt_rows[i] for i in batch], device)
        logits = model(src, src_mask, tgt[:, :-1])  # (B, T, V)
        gold = tgt[:, 1:]  # (B, T)
        loss = F.cross_entropy(logits.transpose(1, 2), gold, ignore_index=PAD_ID)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        schedule.step()
        n = sum(len(tgt_rows[i]) - 1 for i in batch)  # counted on the host: no device sync
        total += loss.detach() * n
        tokens += n
    return float(total) / max(tokens, 1)


@torch.no_grad()
def evaluate(
    model: nn.Module,
    examples: Sequence[Example],
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    max_len: int,
    device: torch.device,
) -> tuple[float, float]:
    """Teacher-forced loss per token and greedy exact-match accuracy on ``examples``."""
    model.train(False)
    srcs = source_ids(src_vocab, (e.source for e in examples))
    tgts = target_ids(tgt_vocab, (e.target for e in examples))
    total, tokens = 0.0, 0
    for start in range(0, len(srcs), 256):
        src, src_mask = as_batch([torch.tensor(r) for r in srcs[start : start + 256]], device)
        tgt, _ = as_batch([torch.tensor(r) for r in tgts[start : start + 256]], device)
        logits = model(src, src_mask, tgt[:, :-1])
        gold = tgt[:, 1:]
        total += float(F.cross_entropy(logits.transpose(1, 2), gold, ignore_index=PAD_ID, reduction="sum"))
        tokens += int((gold != PAD_ID).sum())
    answers = greedy(cast(Seq2Seq, model), srcs, max_len, device)
    correct = sum(
        a.ended and list(a.ids) == t[1:-1] for a, t in zip(answers, tgts, strict=True)
    )
    return total / max(tokens, 1), correct / len(examples)
