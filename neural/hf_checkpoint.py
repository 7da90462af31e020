"""Reading and writing Hugging Face model directories for ``hf-seq2seq``: local, safetensors, no code.

A model directory holds ``config.json``, the weights in ``model.safetensors``
(or shards named by ``model.safetensors.index.json``) and the tokenizer in
``tokenizer.json`` (with ``tokenizer_config.json`` for its special tokens).
:func:`open_pretrained` checks all of that *before* ``transformers`` reads a
byte, so that every fault is one :class:`~sandbox.errors.InputError` naming
the file (exit code 2 from the CLI):

- a missing directory, config, weights or tokenizer file;
- a config that is not JSON, not a ``transformers`` config, or not an
  encoder-decoder;
- a directory whose weights are only pickled (``pytorch_model.bin`` and the
  like: unpickling can run code); where ``model.safetensors`` lies beside a
  pickle, the pickle is never opened;
- a config that asks for the model's own Python code (``auto_map``).

Loading is ``local_files_only`` with ``trust_remote_code=False`` and
``use_safetensors=True``; offline mode is set when this module is imported,
before it imports ``transformers``. A fitted learner is saved as such a directory
plus ``sandbox_learner.json`` (its hyperparameters, decoding limit and
training history), written last, so that a directory without it is
incomplete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sandbox.errors import InputError, UsageError
from sandbox.formats import atomic_write_text

# Set before transformers (and huggingface_hub, which reads them once) is
# imported by this module; every load is local_files_only besides.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

HF_KIND = "hf-seq2seq"
META = "sandbox_learner.json"
# Weights in these formats are never read (a pickle can run code when loaded).
PICKLED = ("pytorch_model.bin", "pytorch_model.bin.index.json", "model.ckpt.index", "tf_model.h5",
           "flax_model.msgpack")  # fmt: skip


def require_hf() -> None:
    """Raise a usage error that says how to install the ``hf`` extra when it is missing."""
    try:
        import tokenizers  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as err:
        raise UsageError(f"learner hf-seq2seq needs the hf extra ({err.name} is not installed): "
                         "pip install 'symvec-sandbox[hf]'") from None  # fmt: skip
    from transformers.utils import logging as hf_logging

    # The learner shows its own progress bars (epochs, batches); the library's
    # bars for reading and writing a few megabytes of weights are noise.
    hf_logging.disable_progress_bar()


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def check_model_dir(path: Path) -> dict[str, Any]:
    """The parsed ``config.json`` of a model directory that passes every check above."""
    if not path.is_dir():
        raise InputError("no such model directory", path)
    config_file = path / "config.json"
    if not config_file.is_file():
        raise InputError("missing: a model directory needs config.json", config_file)
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not a readable JSON config ({_first_line(err)})", config_file) from None
    if not isinstance(config, dict):
        raise InputError("not a model config (a JSON object is expected)", config_file)
    if "auto_map" in config:
        raise InputError("the config asks for the model's own code (auto_map); remote code is refused",
                         config_file)  # fmt: skip
    if not config.get("is_encoder_decoder", False):
        raise InputError("not an encoder-decoder model (is_encoder_decoder is not true)", config_file)
    weights = path / "model.safetensors"
    if not weights.is_file() and not (path / "model.safetensors.index.json").is_file():
        for name in PICKLED:
            if (path / name).exists():
                raise InputError("pickled weights are refused (loading them can run code); "
                                 "convert them to model.safetensors", path / name)  # fmt: skip
        raise InputError("missing: the weights must be in model.safetensors", weights)
    if not (path / "tokenizer.json").is_file():
        raise InputError("missing: the tokenizer must be in tokenizer.json", path / "tokenizer.json")
    return config


def open_pretrained(path: Path) -> tuple[Any, Any]:
    """``(tokenizer, model)`` from a local model directory, after :func:`check_model_dir`."""
    check_model_dir(path)
    require_hf()
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, PreTrainedTokenizerFast

    local = {"local_files_only": True, "trust_remote_code": False}
    try:
        config = AutoConfig.from_pretrained(path, **local)
    except Exception as err:  # an unknown model_type, a field of the wrong type...
        raise InputError(f"not a transformers config ({_first_line(err)})", path / "config.json") from None
    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(path, config=config, use_safetensors=True, **local)
    except Exception as err:  # truncated safetensors, shapes that do not fit the config...
        raise InputError(f"the weights do not load ({_first_line(err)})", path / "model.safetensors") from None
    try:
        tokenizer = PreTrainedTokenizerFast.from_pretrained(path, local_files_only=True)
    except Exception as err:
        raise InputError(f"the tokenizer does not load ({_first_line(err)})", path / "tokenizer.json") from None
    if model.config.eos_token_id is None and tokenizer.eos_token_id is None:
        raise InputError("neither the config nor the tokenizer names an end-of-sequence token",
                         path / "config.json")  # fmt: skip
    return tokenizer, model


def save_learner(path: Path, model: Any, tokenizer: Any, meta: dict[str, Any]) -> Path:
    """Write ``model`` (safetensors), ``tokenizer`` and ``meta`` into the directory ``path``.

    A non-empty directory that holds no saved learner is left alone, so that a
    mistyped path never overwrites someone's files.
    """
    if path.exists() and (not path.is_dir() or (any(path.iterdir()) and not (path / META).is_file())):
        raise UsageError(f"{path}: exists and is not a saved hf-seq2seq learner; not overwriting it")
    path.mkdir(parents=True, exist_ok=True)
    (path / META).unlink(missing_ok=True)  # incomplete until the new one is written, last
    model.save_pretrained(path)  # transformers 5 writes safetensors only
    tokenizer.save_pretrained(path)
    atomic_write_text(path / META, json.dumps(meta, indent=1) + "\n")
    return path


def read_meta(path: Path) -> dict[str, Any]:
    """The learner state written by :func:`save_learner`, checked."""
    meta_file = path / META
    if not meta_file.is_file():
        raise InputError(f"missing: not a saved hf-seq2seq learner (no {META})", meta_file)
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not readable JSON ({_first_line(err)})", meta_file) from None
    if not isinstance(meta, dict) or meta.get("kind") != HF_KIND:
        raise InputError(f"not a saved {HF_KIND} learner", meta_file)
    if not isinstance(meta.get("params"), dict) or not isinstance(meta.get("max_len"), int):
        raise InputError("the learner state lacks its parameters or decoding limit", meta_file)
    return meta
