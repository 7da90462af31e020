"""Neural encoder-decoders: a GRU with attention and a small Transformer.

Both are learners under the shared contract (registered as ``gru`` and
``transformer``); :func:`train` is the importable training loop and
:mod:`neural.checkpoint` saves and loads fitted models. :mod:`neural.hf`
holds a third learner, ``hf-seq2seq`` (Hugging Face encoder-decoders, the
``hf`` extra); it is not imported here, so that this package loads without it.
"""

from neural.checkpoint import CheckpointError
from neural.learner import GRULearner, NeuralLearner, TransformerLearner
from neural.training import TrainConfig, TrainResult, train

__all__ = [
    "CheckpointError",
    "GRULearner",
    "NeuralLearner",
    "TrainConfig",
    "TrainResult",
    "TransformerLearner",
    "train",
]
