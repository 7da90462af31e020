"""The ``hf-seq2seq`` learner: a Hugging Face encoder-decoder, fine-tuned under the shared contract.

``--param model=DIR`` fine-tunes any encoder-decoder that ``transformers`` can
load from a local directory (T5, BART, mT5...): ``config.json``, weights in
``model.safetensors`` and the tokenizer in ``tokenizer.json``. Nothing is ever
downloaded (offline mode is set before ``transformers`` is imported and every
load is ``local_files_only``), pickled weights (``pytorch_model.bin``) and
configs that ask for the model's own code (``auto_map``) are refused, and a
missing or malformed file ends the command with exit code 2 and its name
(:mod:`neural.hf_checkpoint`).

``--param config=tiny`` (the default) builds a small T5 from a config (2+2
layers, width 128, 4 heads, feed-forward 256: the size of the ``transformer``
learner) with a word-level tokenizer trained on the task's own words, then
follows the very same path: the same model class, training loop, decoding and
analysis as a loaded checkpoint.

Training is teacher forcing with Adam, gradient clipping and a linearly
decaying rate on seeded, length-bucketed mini-batches; a seeded slice of the
*training* examples is held out, and training stops after ``patience`` epochs
without a better validation accuracy, keeping the best weights (as
:func:`neural.training.train`). Decoding is greedy and batched, up to
``ceil(max_len_factor * longest training target) + max_len_margin`` pieces.
:meth:`HFSeq2SeqLearner.encode` mean-pools the encoder's last hidden states
over the input's pieces and its end token (as the other neural learners do);
:meth:`HFSeq2SeqLearner.first_output_state` is the last decoder layer's state
at the start token, which the output layer reads to choose the first piece;
:meth:`HFSeq2SeqLearner.attention` is the last decoder layer's
cross-attention averaged over heads, summed over each input word's pieces.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from neural.decoding import length_batches
from neural.hf_checkpoint import HF_KIND, read_meta, require_hf, save_learner
from neural.hf_tokenizer import WordPieces, word_level_tokenizer, words_attention
from neural.learner import TrainingParams, resolve_device
from neural.training import EpochStats, TrainResult, bucket_batches, show_progress, split_validation
from neural.vocab import max_decode_length
from sandbox.data import Example, Tokens
from sandbox.errors import UsageError
from sandbox.protocol import NotFittedError, Prediction

# The built-in configurations: a T5 the size of the project's own Transformer.
CONFIGS: dict[str, dict[str, Any]] = {
    "tiny": {"d_model": 128, "d_kv": 32, "d_ff": 256, "num_layers": 2, "num_decoder_layers": 2,
             "num_heads": 4, "dropout_rate": 0.1, "feed_forward_proj": "relu"},
}
IGNORE = -100  # the label transformers leaves out of the loss
MAX_VAL = 1000  # cap on the validation slice, as in neural.training


class HFSeq2SeqLearner(TrainingParams):
    """A Hugging Face encoder-decoder (``model=DIR``, or the built-in ``config=tiny``)."""

    def __init__(self, model: str | None = None, config: str | None = None, lr: float | None = None,
                 **training: Any):
        super().__init__(**training)
        self.model = model
        self.config = config
        self.lr = lr

    # -- building -----------------------------------------------------------

    def _start(self, examples: Sequence[Example]) -> tuple[Any, Any]:
        """``(tokenizer, model)`` before training: read from ``model`` or built from ``config``."""
        if self.model is not None and self.config is not None:
            raise UsageError("hf-seq2seq takes model=DIR or config=NAME, not both")
        require_hf()
        if self.model is not None:
            from neural.hf_checkpoint import open_pretrained

            return open_pretrained(Path(self.model))
        name = self.config or "tiny"
        if name not in CONFIGS:
            raise UsageError(f"unknown hf-seq2seq config {name!r} (known: {', '.join(CONFIGS)})")
        from transformers import T5Config, T5ForConditionalGeneration

        tokenizer = word_level_tokenizer(w for e in examples for w in (*e.source, *e.target))
        t5 = T5Config(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                      eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id,
                      **CONFIGS[name])  # fmt: skip
        return tokenizer, T5ForConditionalGeneration(t5)

    def _adopt(self, tokenizer: Any, model: Any, device: torch.device) -> None:
        cfg = model.config
        self.tokenizer_ = tokenizer
        self.pad_id_ = int(cfg.pad_token_id if cfg.pad_token_id is not None else 0)
        self.eos_id_ = int(cfg.eos_token_id if cfg.eos_token_id is not None else tokenizer.eos_token_id)
        self.start_id_ = int(cfg.decoder_start_token_id if cfg.decoder_start_token_id is not None else self.pad_id_)
        self.pieces_ = WordPieces(tokenizer, self.eos_id_)
        self.device_ = device
        self.net_ = model.to(device)

    # -- fitting ------------------------------------------------------------

    def fit(self, examples: Sequence[Example]) -> HFSeq2SeqLearner:
        examples = list(examples)
        if not examples:
            raise ValueError("fit needs at least one training example")
        device = resolve_device(self.device)
        cuda = [device.index or 0] if device.type == "cuda" else []
        # Initialization and dropout draw from the global generator: seed it,
        # and give the caller's generator state back afterwards.
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(self.seed)
            self._adopt(*self._start(examples), device)
            self.max_len_ = max_decode_length((len(self.pieces_.target_row(e.target)) - 1 for e in examples),
                                              self.max_len_factor, self.max_len_margin)  # fmt: skip
            self.train_result_ = self._train(examples)
        self.net_.train(False)
        return self

    def _batch(self, rows: Sequence[list[int]], pad: int) -> torch.Tensor:
        width = max(len(r) for r in rows)
        return torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=self.device_)

    def _loss(self, sources: Sequence[list[int]], targets: Sequence[list[int]]) -> torch.Tensor:
        """Mean teacher-forced cross-entropy per target piece."""
        src = self._batch(sources, self.pad_id_)
        out = self.net_(input_ids=src, attention_mask=src != self.pad_id_, labels=self._batch(targets, IGNORE))
        return out.loss

    def _train(self, examples: list[Example]) -> TrainResult:
        train_part, val_part = split_validation(examples, self.val_fraction, MAX_VAL, self.seed)
        if not train_part:
            raise ValueError("no training examples")
        src = [self.pieces_.source_row(e.source)[0] for e in train_part]
        tgt = [self.pieces_.target_row(e.target) for e in train_part]
        lr = self.lr if self.lr is not None else (3e-4 if self.model is not None else 1e-3)
        optimizer = torch.optim.Adam(self.net_.parameters(), lr=lr)
        planned = self.epochs * -(-len(src) // self.batch_size)
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0 - 0.95 * min(step / planned, 1.0))
        order = torch.Generator().manual_seed(self.seed)
        result = TrainResult(train_size=len(train_part), val_size=len(val_part))
        best: tuple[float, float] | None = None
        best_state: dict[str, torch.Tensor] | None = None
        stale = 0
        bars = show_progress(self.progress)
        for epoch in (epochs := tqdm(range(1, self.epochs + 1), desc="epochs", disable=not bars, file=sys.stderr)):
            start = time.perf_counter()
            self.net_.train()
            total, count = 0.0, 0
            batches = bucket_batches([len(t) for t in tgt], self.batch_size, order)
            for batch in tqdm(batches, desc="batches", leave=False, disable=not bars, file=sys.stderr):
                loss = self._loss([src[i] for i in batch], [tgt[i] for i in batch])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.net_.parameters(), self.clip)
                optimizer.step()
                schedule.step()
                n = sum(len(tgt[i]) for i in batch)
                total, count = total + float(loss.detach()) * n, count + n
            trained = time.perf_counter() - start
            val_loss, val_acc = self._validate(val_part) if val_part else (None, None)
            mean = total / max(count, 1)
            result.history.append(EpochStats(epoch, mean, val_loss, val_acc, trained, time.perf_counter() - start))
            epochs.set_postfix(loss=f"{mean:.4f}", val_acc="-" if val_acc is None else f"{val_acc:.3f}")
            if val_loss is None or val_acc is None:
                result.best_epoch = epoch
                continue
            score = (val_acc, -val_loss)  # accuracy first; lower loss breaks ties
            if best is None or score > best:
                best, stale, result.best_epoch = score, 0, epoch
                best_state = {k: v.detach().clone() for k, v in self.net_.state_dict().items()}
            else:
                stale += 1
                if stale >= self.patience:
                    result.stopped_early = True
                    break
        epochs.close()
        if best_state is not None:
            self.net_.load_state_dict(best_state)
        return result

    @torch.no_grad()
    def _validate(self, examples: Sequence[Example]) -> tuple[float, float]:
        self.net_.train(False)
        srcs = [self.pieces_.source_row(e.source)[0] for e in examples]
        tgts = [self.pieces_.target_row(e.target) for e in examples]
        total = sum(float(self._loss(srcs[i : i + 256], tgts[i : i + 256])) * sum(map(len, tgts[i : i + 256]))
                    for i in range(0, len(srcs), 256))  # fmt: skip
        answers = self._greedy(srcs, attention=False)
        correct = sum(ids == t for (ids, _, _), t in zip(answers, tgts, strict=True))
        return total / max(sum(map(len, tgts)), 1), correct / len(examples)

    # -- decoding -------------------------------------------------------------

    @torch.no_grad()
    def _greedy(self, rows: Sequence[list[int]], attention: bool, batch_size: int = 256
                ) -> list[tuple[list[int], bool, np.ndarray]]:  # fmt: skip
        """Greedy answers ``(ids with the end token, ended, attention (T, S) or empty)``, in order.

        The decoder runs one step at a time with the library's key/value cache;
        attention asks for the eager implementation (the fused one returns none).
        """
        net = self.net_.train(False)
        before = net.config._attn_implementation
        if attention and before != "eager":
            net.set_attn_implementation("eager")
        out: list[Any] = [None] * len(rows)
        try:
            for batch in length_batches([len(r) for r in rows], batch_size):
                src = self._batch([rows[i] for i in batch], self.pad_id_)
                mask = src != self.pad_id_
                enc = net.get_encoder()(input_ids=src, attention_mask=mask)
                step_in = torch.full((len(batch), 1), self.start_id_, device=self.device_)
                done = torch.zeros(len(batch), dtype=torch.bool, device=self.device_)
                cache, ids, attn = None, [], []
                for _ in range(self.max_len_ + 1):  # max_len pieces, then the end token
                    o = net(encoder_outputs=enc, attention_mask=mask, decoder_input_ids=step_in, cache=cache,
                            use_cache=True, output_attentions=attention)  # fmt: skip
                    cache = o.cache
                    nxt = o.logits[:, -1].argmax(-1).masked_fill(done, self.pad_id_)
                    ids.append(nxt)
                    if attention:
                        attn.append(o.cross_attentions[-1][:, :, -1].mean(1))  # (B, S): last layer, heads averaged
                    done |= nxt == self.eos_id_
                    if bool(done.all()):
                        break
                    step_in = nxt[:, None]
                ids_np = torch.stack(ids, 1).cpu().numpy()
                attn_np = torch.stack(attn, 1).float().cpu().numpy() if attention else None
                for j, i in enumerate(batch):
                    row = ids_np[j].tolist()
                    n = row.index(self.eos_id_) + 1 if self.eos_id_ in row else len(row)
                    a = attn_np[j, :n, : len(rows[i])] if attn_np is not None else np.zeros((0, 0))
                    out[i] = (row[:n], self.eos_id_ in row, a)
        finally:
            if net.config._attn_implementation != before:
                net.set_attn_implementation(before)
        return out

    def _fitted(self) -> None:
        if not hasattr(self, "net_"):
            raise NotFittedError("HFSeq2SeqLearner is not fitted: call fit() or load() first")

    # -- answers and analysis -------------------------------------------------

    def _answers(self, sources: Sequence[Tokens]) -> list[tuple[Tokens, bool, np.ndarray]]:
        """Each source's answer words, whether it ended, and its word attention."""
        self._fitted()
        sources = [tuple(s) for s in sources]
        rows = [self.pieces_.source_row(s) for s in sources]
        out = []
        for src, (_, src_owner), (ids, ended, attn) in zip(
            sources, rows, self._greedy([r for r, _ in rows], attention=True), strict=True
        ):
            words, owner = self.pieces_.words(ids)
            out.append((words, ended, words_attention(attn[: len(owner)], src_owner, owner, len(src), len(words))))
        return out

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        out = []
        for (words, ended, attn), src in zip(self._answers(sources), sources, strict=True):
            reason = "" if ended else f"no end token within {self.max_len_} pieces; cut off"
            attribution = tuple((j,) if j < len(src) else () for j in attn.argmax(axis=1).tolist())
            out.append(Prediction(words, reason, None, None, attribution))
        return out

    def explain(self, source: Tokens) -> Prediction:
        return self.predict([source])[0]

    def attention(self, source: Tokens) -> np.ndarray:
        """Cross-attention behind each output word: ``(len(output), len(source) + 1)``.

        Row ``i`` is the last decoder layer's cross-attention averaged over
        heads (and over the pieces of output word ``i``), summed over each
        input word's pieces; the last column is the end of the input.
        """
        return self._answers([source])[0][2]

    def encode(self, sources: Sequence[Tokens]) -> np.ndarray:
        """Mean-pooled last encoder states (the input's pieces and end token): ``(len(sources), d_model)``."""

        def mean_pooled(net: Any, src: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            states = net.get_encoder()(input_ids=src, attention_mask=mask).last_hidden_state  # (B, S, D)
            m = mask.unsqueeze(-1).to(states.dtype)
            return (states * m).sum(1) / m.sum(1)

        return self._vectors(sources, mean_pooled)

    def first_output_state(self, sources: Sequence[Tokens]) -> np.ndarray:
        """The last decoder layer's state at the start token: ``(len(sources), d_model)``.

        The vector the output layer reads to choose the first output piece (as
        the other neural learners' ``first_output_state``).
        """

        def at_start(net: Any, src: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            start = torch.full((len(src), 1), self.start_id_, dtype=torch.long, device=src.device)
            out = net(input_ids=src, attention_mask=mask, decoder_input_ids=start, output_hidden_states=True)
            return out.decoder_hidden_states[-1][:, 0]  # (B, D)

        return self._vectors(sources, at_start)

    def _vectors(self, sources: Sequence[Tokens],
                 per_batch: Callable[[Any, torch.Tensor, torch.Tensor], torch.Tensor]) -> np.ndarray:
        self._fitted()
        rows = [self.pieces_.source_row(tuple(s))[0] for s in sources]
        parts = [np.zeros((0, self.embedding_dim), dtype=np.float32)]
        net = self.net_.train(False)
        with torch.no_grad():
            for start in range(0, len(rows), 256):
                src = self._batch(rows[start : start + 256], self.pad_id_)
                parts.append(per_batch(net, src, src != self.pad_id_).float().cpu().numpy())
        return np.concatenate(parts)

    @property
    def embedding_dim(self) -> int:
        self._fitted()
        return int(self.net_.config.d_model)

    # -- checkpoints ----------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the model (``model.safetensors``), tokenizer and learner state to the directory ``path``."""
        self._fitted()
        meta = {"kind": HF_KIND, "params": self.get_params(), "max_len": self.max_len_,
                "train": self.train_result_.to_json()}  # fmt: skip
        return save_learner(Path(path), self.net_, self.tokenizer_, meta)

    @classmethod
    def load(cls, path: str | Path, device: str | None = None) -> HFSeq2SeqLearner:
        """A fitted learner from a directory written by :meth:`save` (safetensors only)."""
        from neural.hf_checkpoint import open_pretrained

        path = Path(path)
        meta = read_meta(path)
        params = dict(meta["params"])
        if device is not None:
            params["device"] = device
        learner = cls(**params)
        tokenizer, model = open_pretrained(path)
        learner._adopt(tokenizer, model.train(False), resolve_device(learner.device))
        learner.max_len_ = int(meta["max_len"])
        learner.train_result_ = TrainResult.from_json(meta.get("train", {}))
        return learner
