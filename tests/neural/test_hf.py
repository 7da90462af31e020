"""The hf-seq2seq learner on its tiny configuration, its model directories, and its refusals."""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pytest

pytest.importorskip("transformers", reason="the hf extra is not installed (pip install '.[hf]')")
pytest.importorskip("tokenizers", reason="the hf extra is not installed (pip install '.[hf]')")

from neural.hf import HFSeq2SeqLearner
from neural.hf_checkpoint import check_model_dir, read_meta, require_hf
from neural.hf_tokenizer import WordPieces, word_level_tokenizer
from sandbox.conformance import _default_examples
from sandbox.data import Example
from sandbox.errors import InputError, UsageError

FAST = {"epochs": 4, "batch_size": 4, "progress": False, "device": "cpu"}
DATA = _default_examples()
PROBES = [e.source for e in DATA] + [("c", "twice"), ("a", "and", "c"), ()]


@pytest.fixture(scope="module")
def fitted() -> HFSeq2SeqLearner:
    return HFSeq2SeqLearner(config="tiny", **{**FAST, "epochs": 30, "lr": 3e-3, "val_fraction": 0.0}).fit(DATA)


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    return fitted.save(tmp_path_factory.mktemp("hf") / "model")


def test_training_lowers_the_loss_and_learns_the_one_word_inputs(fitted):
    losses = [e.loss for e in fitted.train_result_.history]
    assert len(losses) == 30 and losses[-1] < 0.5 * losses[0]
    # A T5 from scratch on ten examples learns the one-word mappings first
    # (the repetitions take far more epochs than a unit test should spend).
    assert [p.tokens for p in fitted.predict([("a",), ("b",), ("c",)])] == [("A",), ("B",), ("C",)]


def test_same_seed_same_model_other_seed_other_model():
    first = HFSeq2SeqLearner(seed=3, **FAST).fit(DATA)
    again = HFSeq2SeqLearner(seed=3, **FAST).fit(DATA)
    other = HFSeq2SeqLearner(seed=4, **FAST).fit(DATA)
    assert [e.loss for e in first.train_result_.history] == [e.loss for e in again.train_result_.history]
    assert [p.tokens for p in first.predict(PROBES)] == [p.tokens for p in again.predict(PROBES)]
    np.testing.assert_array_equal(first.encode(PROBES), again.encode(PROBES))
    assert not np.array_equal(first.encode(PROBES), other.encode(PROBES))


def test_first_output_state_is_what_the_output_layer_reads_first(fitted):
    import torch

    states = fitted.first_output_state(PROBES)
    assert states.shape == (len(PROBES), 128) and np.isfinite(states).all()
    assert fitted.first_output_state([]).shape == (0, 128)
    with torch.no_grad():  # T5's head: no bias, a positive scale when tied, so the argmax is the first piece
        first = fitted.net_.lm_head(torch.as_tensor(states)).argmax(dim=-1).tolist()
    rows = [fitted.pieces_.source_row(s)[0] for s in PROBES]
    assert first == [ids[0] for ids, _, _ in fitted._greedy(rows, attention=False)]
    assert not np.allclose(states, fitted.encode(PROBES))


def test_encode_and_attention_shapes(fitted):
    vectors = fitted.encode(PROBES)
    assert vectors.shape == (len(PROBES), 128) and np.isfinite(vectors).all()
    assert fitted.encode([]).shape == (0, 128)
    source = ("a", "twice", "and", "b")
    pred = fitted.explain(source)
    attn = fitted.attention(source)
    assert pred.tokens is not None and attn.shape == (len(pred.tokens), len(source) + 1)
    np.testing.assert_allclose(attn.sum(axis=1), 1.0, atol=1e-4)  # every piece of the input, end included
    assert pred.attribution == tuple((j,) if j < len(source) else () for j in attn.argmax(axis=1))
    assert pred.derivation is None and pred.relaxation_level is None


def test_unfitted_learner_says_so():
    with pytest.raises(RuntimeError, match="not fitted"):
        HFSeq2SeqLearner().predict([("a",)])


def test_save_and_load_round_trip_in_safetensors(fitted, saved):
    names = {p.name for p in saved.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "sandbox_learner.json"} <= names
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth", ".pkl"))]
    loaded = HFSeq2SeqLearner.load(saved, device="cpu")
    assert loaded.get_params() == {**fitted.get_params(), "device": "cpu"}
    assert [p.tokens for p in loaded.predict(PROBES)] == [p.tokens for p in fitted.predict(PROBES)]
    np.testing.assert_allclose(loaded.encode(PROBES), fitted.encode(PROBES), rtol=1e-5, atol=1e-6)
    assert read_meta(saved)["max_len"] == fitted.max_len_


def test_a_model_directory_is_fine_tuned_through_the_same_path(saved, tmp_path):
    model_dir = tmp_path / "pretrained"
    shutil.copytree(saved, model_dir)
    (model_dir / "sandbox_learner.json").unlink()  # a plain transformers directory now
    learner = HFSeq2SeqLearner(model=str(model_dir), **{**FAST, "epochs": 1}).fit(DATA[:4])
    assert learner.pieces_.word_level  # the checkpoint's own tokenizer, not one built from DATA[:4]
    assert len(learner.tokenizer_) == len(HFSeq2SeqLearner.load(saved).tokenizer_)
    assert all(p.tokens is not None for p in learner.predict(PROBES))


def test_model_and_config_together_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not both"):
        HFSeq2SeqLearner(model=str(tmp_path), config="tiny").fit(DATA)
    with pytest.raises(UsageError, match="unknown hf-seq2seq config"):
        HFSeq2SeqLearner(config="huge").fit(DATA)


def _model_dir(tmp_path, config: dict | str | None = None,
               files: tuple[str, ...] = ("model.safetensors", "tokenizer.json")):  # fmt: skip
    d = tmp_path / "m"
    d.mkdir()
    if config is not None:
        (d / "config.json").write_text(config if isinstance(config, str) else json.dumps(config))
    for name in files:
        (d / name).write_bytes(b"")
    return d


T5_LIKE = {"model_type": "t5", "is_encoder_decoder": True}


@pytest.mark.parametrize(
    ("config", "files", "culprit", "message"),
    [
        (T5_LIKE, ("pytorch_model.bin", "tokenizer.json"), "pytorch_model.bin", "pickled weights are refused"),
        ({**T5_LIKE, "auto_map": {"AutoModel": "x.Y"}}, (), "config.json", "remote code is refused"),
        ("{not json", (), "config.json", "not a readable JSON config"),
        (None, (), "config.json", "needs config.json"),
        ({"model_type": "gpt2"}, (), "config.json", "not an encoder-decoder"),
        (T5_LIKE, ("tokenizer.json",), "model.safetensors", "must be in model.safetensors"),
        (T5_LIKE, ("model.safetensors",), "tokenizer.json", "must be in tokenizer.json"),
    ],
)
def test_bad_model_directories_are_refused_naming_the_file(tmp_path, config, files, culprit, message):
    d = _model_dir(tmp_path, config, files)
    with pytest.raises(InputError, match=message) as err:
        check_model_dir(d)
    assert err.value.path == str(d / culprit)


def test_weights_that_do_not_load_are_an_input_error(tmp_path):
    d = _model_dir(tmp_path, {**T5_LIKE, "d_model": 8, "num_heads": 2, "d_kv": 4, "d_ff": 8, "vocab_size": 5})
    (d / "model.safetensors").write_bytes(b"not safetensors at all")
    with pytest.raises(InputError, match="weights do not load") as err:
        HFSeq2SeqLearner(model=str(d), **FAST).fit(DATA)
    assert err.value.path == str(d / "model.safetensors")


def test_the_cli_exits_2_on_a_missing_or_pickled_checkpoint(cli, tmp_path):
    missing = tmp_path / "nowhere"
    done = cli("eval", "--learner", "hf-seq2seq", "--param", f"model={missing}", "--task", "fewshot/colors")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{missing}: no such model directory" in done.stderr
    d = _model_dir(tmp_path, T5_LIKE, ("pytorch_model.bin", "tokenizer.json"))
    done = cli("eval", "--learner", "hf-seq2seq", "--param", f"model={d}", "--task", "fewshot/colors")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{d / 'pytorch_model.bin'}: pickled weights are refused" in done.stderr


def test_a_missing_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)  # import transformers now fails
    with pytest.raises(UsageError, match=r"pip install 'symvec-sandbox\[hf\]'"):
        require_hf()


def test_subword_pieces_map_back_to_words():
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Metaspace()
    from tokenizers import decoders

    backend.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=40, special_tokens=["<pad>", "</s>", "<unk>"])
    backend.train_from_iterator(["jump twice", "walk left", "jump left twice"] * 5, trainer)
    tok = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")
    pieces = WordPieces(tok, eos_id=tok.eos_token_id)
    assert not pieces.word_level
    ids, owner = pieces.source_row(("jump", "twicejump"))
    assert len(ids) > 3 and ids[-1] == tok.eos_token_id  # the made-up word takes several pieces
    assert owner[0] == 0 and owner[-1] == 2 and set(owner[1:-1]) <= {0, 1}
    target = pieces.target_row(("walk", "twicejump", "left"))
    words, out_owner = pieces.words(target)
    assert words == ("walk", "twicejump", "left")
    assert out_owner == sorted(out_owner) and set(out_owner) == {0, 1, 2}


def test_word_level_tokenizer_keeps_task_words_whole():
    tok = word_level_tokenizer(["I_TURN_LEFT", "(", "x", "_", "1", ")", ",", "</s>"])
    pieces = WordPieces(tok, eos_id=tok.eos_token_id)
    words = ("(", "x", "_", "1", ")", ",", "I_TURN_LEFT")
    assert pieces.words(pieces.target_row(words)) == (words, list(range(len(words))))
    assert tok.convert_ids_to_tokens([0, 1, 2]) == ["<pad>", "</s>", "<unk>"]


def test_an_answer_without_an_end_token_is_cut_off_with_a_reason():
    data = [Example.of("a", "A"), Example.of("b", "B")]
    learner = HFSeq2SeqLearner(**{**FAST, "epochs": 1, "max_len_factor": 1.0, "max_len_margin": 0}).fit(data)
    assert learner.max_len_ == 1  # the longest training target has one piece
    for pred in learner.predict([("a",), ("b", "a", "b"), ()]):
        assert pred.tokens is not None
        if pred.reason:
            assert pred.reason.startswith("no end token") and len(pred.tokens) == 2
        else:
            assert len(pred.tokens) <= 1


def test_compare_reports_hf_seq2seq_beside_the_others(cli, tmp_path):
    out = tmp_path / "cmp"
    done = cli("compare", "--learners", "symbolic,hf-seq2seq", "--task", "fewshot/colors", "--epochs", "2",
               "--device", "cpu", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    cells = {c["learner"]: c for c in json.loads((out / "results.json").read_text())["cells"]}
    hf = cells["hf-seq2seq"]
    assert hf["test"]["traceability"] == 0.0 and hf["test"]["n"] == 10
    assert hf["geometry"]["dim"] == 128  # encode() fed the distance and hull analysis
    assert hf["decoder_geometry"]["dim"] == 128  # and first_output_state() the decoder's
    assert hf["attribution"]["n_swaps"] > 0 and hf["attribution"]["n_without_attribution"] == 0
    assert cells["symbolic"]["geometry"] is None


def test_offline_mode_is_set_once_the_learner_is_imported():
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
