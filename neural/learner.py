"""The neural learners ``gru`` and ``transformer`` under the shared learner contract.

As with every learner, ``__init__`` only stores hyperparameters and ``fit``
creates the learned state (attributes ending in ``_``). A prediction carries
no derivation and no relaxation level (a neural model has neither, so its
traceability is 0); its ``attribution`` gives, for each output position, the
input position the attention weights point to most (nothing when they point
to the end-of-input marker). :meth:`NeuralLearner.attention` returns the
weights themselves and :meth:`NeuralLearner.encode` one vector per input for
the embedding-space analysis.

>>> from sandbox.data import Example
>>> data = [Example.of("a", "A"), Example.of("b", "B"), Example.of("a b", "A B")]
>>> learner = GRULearner(hidden_size=16, epochs=2, progress=False).fit(data)
>>> learner.encode([("a",), ()]).shape
(2, 16)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar, cast

import numpy as np
import torch
from torch import nn

from neural.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from neural.decoding import Seq2Seq, first_output_states, greedy, pooled
from neural.gru import GRUConfig, GRUSeq2Seq
from neural.training import TrainConfig, TrainResult, train
from neural.transformer import TransformerConfig, TransformerSeq2Seq
from neural.vocab import Vocab, max_decode_length, source_ids
from sandbox.data import Example, Tokens
from sandbox.errors import UsageError
from sandbox.protocol import NotFittedError, ParamsMixin, Prediction


def resolve_device(name: str) -> torch.device:
    """``auto`` picks CUDA when present, else the CPU; asking for absent CUDA is a usage error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(name, str) or (name not in ("cpu", "cuda") and not name.startswith("cuda:")):
        raise UsageError(f"unknown device {name!r} (use auto, cpu or cuda)")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError(f"device {name!r} asked for, but CUDA is not available here")
    return torch.device(name)


# The decoder's step limit of the longest target a loader accepts (100,000 characters: at most 50,000
# tokens) under max_decode_length's defaults; a checkpoint asking for more was not written by fit.
MAX_DECODE_STEPS = 2 * 50_000 + 10


def _check_config(config: Any, state: dict[str, torch.Tensor]) -> None:
    """Refuse a model config no fitted model has, before building it (a forged size could exhaust memory).

    Every size or count in a config is at most the largest dimension of the
    weights it describes; dropout is a probability.
    """
    if not isinstance(config, dict):
        raise TypeError("model_config is not a table")
    largest = max((d for t in state.values() for d in t.shape), default=0)
    for key, value in config.items():
        if key == "dropout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
                raise ValueError(f"model_config dropout {value!r} is not a probability below 1")
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= largest:
            raise ValueError(f"model_config {key} {value!r} is not a size between 1 and {largest}")


class TrainingParams(ParamsMixin):
    """The training hyperparameters every neural learner takes (the ``gru``, ``transformer`` and
    ``hf-seq2seq`` learners); a subclass's own ``__init__`` takes the model's and hands these on
    (``get_params`` reads both signatures: :func:`sandbox.protocol.init_parameters`)."""

    def __init__(
        self,
        epochs: int = 30,
        batch_size: int = 64,
        clip: float = 1.0,
        val_fraction: float = 0.1,
        patience: int = 5,
        max_len_factor: float = 2.0,
        max_len_margin: int = 10,
        seed: int = 0,
        device: str = "auto",
        progress: bool | None = None,
    ):
        self.epochs = epochs
        self.batch_size = batch_size
        self.clip = clip
        self.val_fraction = val_fraction
        self.patience = patience
        self.max_len_factor = max_len_factor
        self.max_len_margin = max_len_margin
        self.seed = seed
        self.device = device
        self.progress = progress


class NeuralLearner(TrainingParams):
    """What both of the project's own neural learners share; a subclass says how to build its model."""

    kind: ClassVar[str]

    def __init__(self, lr: float = 2e-3, state_path: str | None = None, **training: Any):
        # state_path: per-epoch training state; a rerun with the same file resumes.
        super().__init__(**training)
        self.lr = lr
        self.state_path = state_path

    def model_config(self, src_size: int, tgt_size: int) -> Any:
        raise NotImplementedError

    @staticmethod
    def build(config: Any) -> nn.Module:
        raise NotImplementedError

    # -- fitting ------------------------------------------------------------

    def fit(self, examples: Sequence[Example]) -> NeuralLearner:
        examples = list(examples)
        if not examples:
            raise ValueError("fit needs at least one training example")
        device = resolve_device(self.device)
        self.src_vocab_ = Vocab.build(e.source for e in examples)
        self.tgt_vocab_ = Vocab.build(e.target for e in examples)
        self.max_len_ = max_decode_length(
            (len(e.target) for e in examples), self.max_len_factor, self.max_len_margin
        )
        self.config_ = self.model_config(len(self.src_vocab_), len(self.tgt_vocab_))
        config = TrainConfig(  # the learning rate decays linearly to 5% over the epochs
            epochs=self.epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            clip=self.clip,
            val_fraction=self.val_fraction,
            patience=self.patience,
            seed=self.seed,
            progress=self.progress,
        )
        # Initialization and dropout draw from the global generator: seed it,
        # and give the caller's generator state back afterwards.
        cuda = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(self.seed)
            model = self.build(self.config_).to(device)
            self.train_result_: TrainResult = train(
                model, examples, self.src_vocab_, self.tgt_vocab_, config, self.max_len_, device,
                state_path=self.state_path,
            )
        self.model_ = model.train(False)
        self.device_ = device
        return self

    def _fitted(self) -> Seq2Seq:
        if not hasattr(self, "model_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit() or load() first")
        return cast(Seq2Seq, self.model_)

    # -- answers and analysis -----------------------------------------------

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        model = self._fitted()
        sources = [tuple(s) for s in sources]
        answers = greedy(model, source_ids(self.src_vocab_, sources), self.max_len_, self.device_)
        out = []
        for src, ans in zip(sources, answers, strict=True):
            reason = "" if ans.ended else f"no end marker within {self.max_len_} steps; cut off"
            attribution = tuple(
                (j,) if j < len(src) else () for j in ans.attention.argmax(axis=1).tolist()
            )
            out.append(Prediction(self.tgt_vocab_.decode(ans.ids), reason, None, None, attribution))
        return out

    def explain(self, source: Tokens) -> Prediction:
        return self.predict([source])[0]

    def attention(self, source: Tokens) -> np.ndarray:
        """Attention behind each output token: ``(len(output), len(source) + 1)``.

        Row ``i`` is the distribution over input positions when output token
        ``i`` was chosen (the GRU's attention; the Transformer's last-layer
        cross-attention averaged over heads); the last column is the
        end-of-input marker.
        """
        model = self._fitted()
        return greedy(model, source_ids(self.src_vocab_, [source]), self.max_len_, self.device_)[
            0
        ].attention

    def encode(self, sources: Sequence[Tokens]) -> np.ndarray:
        """Mean-pooled encoder states (input tokens and end marker): ``(len(sources), dim)``."""
        return self._vectors(pooled, sources)

    def first_output_state(self, sources: Sequence[Tokens]) -> np.ndarray:
        """The decoder's state when it chooses the first output token: ``(len(sources), dim)``.

        The vector the output layer reads at the first step (the GRU's
        attentional state, the Transformer's final decoder state at ``<bos>``):
        the input's meaning must already decide there what comes out first.
        """
        return self._vectors(first_output_states, sources)

    def _vectors(self, of: Callable[[Seq2Seq, list[list[int]], torch.device], np.ndarray],
                 sources: Sequence[Tokens]) -> np.ndarray:
        model = self._fitted()
        rows = source_ids(self.src_vocab_, [tuple(s) for s in sources])
        if not rows:
            return np.zeros((0, self.embedding_dim), dtype=np.float32)
        return of(model, rows, self.device_)

    @property
    def embedding_dim(self) -> int:
        raise NotImplementedError

    # -- checkpoints --------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write weights, hyperparameters, model config and vocabularies to ``path``."""
        model = self._fitted()
        meta = {
            "kind": self.kind,
            "params": self.get_params(),
            "model_config": asdict(self.config_),
            "src_vocab": self.src_vocab_.to_list(),
            "tgt_vocab": self.tgt_vocab_.to_list(),
            "max_len": self.max_len_,
            "train": self.train_result_.to_json(),
        }
        return save_checkpoint(path, meta, model.state_dict())  # type: ignore[attr-defined]

    @classmethod
    def load(cls, path: str | Path, device: str | None = None) -> NeuralLearner:
        """A fitted learner from a checkpoint written by :meth:`save`.

        Called on :class:`NeuralLearner` it builds whichever kind the file
        holds; called on a subclass, a checkpoint of another kind is an error.
        """
        meta, state = load_checkpoint(path)
        kinds = {sub.kind: sub for sub in (GRULearner, TransformerLearner)}
        kind = meta.get("kind")
        if not isinstance(kind, str) or kind not in kinds or (cls is not NeuralLearner and kind != cls.kind):
            wanted = " or ".join(map(repr, kinds)) if cls is NeuralLearner else repr(cls.kind)
            raise CheckpointError(f"checkpoint holds a {kind!r} model, not a {wanted}", path)
        try:
            params = dict(meta["params"])
            if device is not None:
                params["device"] = device
            learner = kinds[kind](**params)
            learner.src_vocab_ = Vocab.from_list(meta["src_vocab"])
            learner.tgt_vocab_ = Vocab.from_list(meta["tgt_vocab"])
            learner.max_len_ = int(meta["max_len"])
            if not 1 <= learner.max_len_ <= MAX_DECODE_STEPS:
                raise ValueError(f"max_len {learner.max_len_} is outside 1..{MAX_DECODE_STEPS}")
            _check_config(meta["model_config"], state)
            learner.config_ = learner.config_type(**meta["model_config"])
            if (learner.config_.src_vocab_size, learner.config_.tgt_vocab_size) != (
                len(learner.src_vocab_),
                len(learner.tgt_vocab_),
            ):
                raise ValueError("vocabulary sizes do not match the model config")
            model = learner.build(learner.config_)
            model.load_state_dict(state, strict=True)
            learner.train_result_ = TrainResult.from_json(meta.get("train", {}))
        except (KeyError, TypeError, ValueError, RuntimeError, AttributeError) as err:
            raise CheckpointError(f"checkpoint does not fit a {kind} model: {err}", path) from err
        try:
            learner.device_ = resolve_device(learner.device)
        except UsageError as err:
            if device is not None:  # the caller's own choice: a usage error, not the file's
                raise
            raise CheckpointError(f"the device the checkpoint names: {err}", path) from None
        learner.model_ = model.to(learner.device_).train(False)
        return learner

    config_type: ClassVar[type]


class GRULearner(NeuralLearner):
    """GRU encoder-decoder with attention (:mod:`neural.gru`)."""

    kind = "gru"
    config_type = GRUConfig

    def __init__(self, hidden_size: int = 128, num_layers: int = 1, dropout: float = 0.1, **training: Any):
        super().__init__(**training)
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout

    def model_config(self, src_size: int, tgt_size: int) -> GRUConfig:
        return GRUConfig(src_size, tgt_size, self.hidden_size, self.num_layers, self.dropout)

    @staticmethod
    def build(config: Any) -> nn.Module:
        return GRUSeq2Seq(config)

    @property
    def embedding_dim(self) -> int:
        return self.hidden_size


class TransformerLearner(NeuralLearner):
    """Transformer encoder-decoder with cached incremental decoding (:mod:`neural.transformer`)."""

    kind = "transformer"
    config_type = TransformerConfig

    def __init__(
        self,
        d_model: int = 128,
        num_heads: int = 4,
        num_layers: int = 2,
        ff_size: int = 256,
        dropout: float = 0.1,
        **training: Any,
    ):
        super().__init__(**training)
        self.d_model = d_model
        self.num_heads = num_heads
        self.num_layers = num_layers
        self.ff_size = ff_size
        self.dropout = dropout

    def model_config(self, src_size: int, tgt_size: int) -> TransformerConfig:
        return TransformerConfig(
            src_size, tgt_size, self.d_model, self.num_heads,
            self.num_layers, self.num_layers, self.ff_size, self.dropout,
        )  # fmt: skip

    @staticmethod
    def build(config: Any) -> nn.Module:
        return TransformerSeq2Seq(config)

    @property
    def embedding_dim(self) -> int:
        return self.d_model
