"""The neural learners under the learner contract, with tiny configurations only."""

from __future__ import annotations

import random
from typing import Any, cast

import numpy as np
import pytest
import torch

from neural import GRULearner, NeuralLearner, TransformerLearner
from neural.decoding import Seq2Seq, greedy
from neural.transformer import TransformerSeq2Seq
from neural.vocab import EOS_ID, source_ids
from sandbox.data import Example
from sandbox.errors import UsageError

# A tiny made-up language: four words, a doubling marker and a joiner.
WORDS = {"p": "P", "q": "Q", "r": "R", "s": "S"}


def tiny_task() -> list[Example]:
    out = []
    for w, o in WORDS.items():
        out.append(Example.of(w, o))
        out.append(Example.of(f"{w} dbl", f"{o} {o}"))
    for a, b in [("p", "q"), ("q", "r"), ("r", "s"), ("s", "p"), ("p", "s")]:
        out.append(Example.of(f"{a} then {b}", f"{WORDS[a]} {WORDS[b]}"))
    return [Example(e.source, e.target, id=f"tiny-{i}") for i, e in enumerate(out)]


GRU_TINY: dict[str, Any] = {"hidden_size": 32, "dropout": 0.0, "epochs": 30, "batch_size": 8, "lr": 0.02,
            "val_fraction": 0.0, "device": "cpu", "progress": False}  # fmt: skip
TF_TINY: dict[str, Any] = {"d_model": 32, "num_heads": 2, "num_layers": 1, "ff_size": 64, "dropout": 0.0,
           "epochs": 40, "batch_size": 8, "lr": 0.01, "val_fraction": 0.0, "device": "cpu",
           "progress": False}  # fmt: skip
KINDS = [(GRULearner, GRU_TINY), (TransformerLearner, TF_TINY)]
IDS = ["gru", "transformer"]


@pytest.fixture(scope="module", params=KINDS, ids=IDS)
def fitted(request: pytest.FixtureRequest) -> NeuralLearner:
    cls, params = request.param
    return cls(**params).fit(tiny_task())


def test_tiny_model_reaches_full_training_accuracy(fitted: NeuralLearner) -> None:
    data = tiny_task()
    preds = fitted.predict([e.source for e in data])
    assert [p.tokens for p in preds] == [e.target for e in data]
    assert all(p.derivation is None and p.relaxation_level is None for p in preds)


@pytest.mark.parametrize(("cls", "params"), KINDS, ids=IDS)
def test_same_seed_same_weights_and_predictions(cls: type[NeuralLearner], params: dict[str, Any]) -> None:
    quick = {**params, "epochs": 5, "dropout": 0.2, "val_fraction": 0.2, "seed": 3}
    a, b = cls(**quick).fit(tiny_task()), cls(**quick).fit(tiny_task())
    for (name, x), (_, y) in zip(
        a.model_.state_dict().items(), b.model_.state_dict().items(), strict=True
    ):
        assert torch.equal(x, y), name
    probes = [e.source for e in tiny_task()] + [("s", "then", "q", "dbl")]
    assert [p.tokens for p in a.predict(probes)] == [p.tokens for p in b.predict(probes)]
    c = cls(**{**quick, "seed": 4}).fit(tiny_task())
    assert any(
        not torch.equal(x, y)
        for x, y in zip(a.model_.parameters(), c.model_.parameters(), strict=True)
    )


def test_fit_leaves_the_callers_random_state_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    GRULearner(**{**GRU_TINY, "epochs": 1}).fit(tiny_task())
    assert torch.equal(torch.rand(3), expected)


def test_unknown_tokens_and_empty_input(fitted: NeuralLearner) -> None:
    sources = [("zzz",), (), ("p", "yyy", "q"), ("p",)]
    preds = fitted.predict(sources)
    assert len(preds) == 4
    for src, pred in zip(sources, preds, strict=True):
        assert pred.tokens is not None
        assert pred.attribution is not None and len(pred.attribution) == len(pred.tokens)
        assert all(j < len(src) for pos in pred.attribution for j in pos)
        att = fitted.attention(src)
        assert att.shape == (len(pred.tokens), len(src) + 1)
        assert np.allclose(att.sum(axis=1), 1.0, atol=1e-5)
    # an unknown word is read as <unk>, whatever its spelling
    assert preds[0].tokens == fitted.predict([("other",)])[0].tokens
    vectors = fitted.encode(sources)
    assert vectors.shape == (4, fitted.embedding_dim) and np.isfinite(vectors).all()
    assert fitted.encode([]).shape == (0, fitted.embedding_dim)


def test_first_output_state_is_what_the_output_layer_reads_first(fitted: NeuralLearner) -> None:
    """The decoder vector of the comparator's analysis chooses, through the output layer, the first token."""
    sources = [e.source for e in tiny_task()] + [("s", "then", "q", "dbl"), ("zzz",)]
    states = fitted.first_output_state(sources)
    assert states.shape == (len(sources), fitted.embedding_dim) and np.isfinite(states).all()
    assert fitted.first_output_state([]).shape == (0, fitted.embedding_dim)
    model = cast(torch.nn.Module, fitted.model_)
    with torch.no_grad():
        first = model.out(torch.as_tensor(states)).argmax(dim=-1).tolist()  # type: ignore[operator]
    rows = source_ids(fitted.src_vocab_, sources)
    decoded = greedy(cast(Seq2Seq, fitted.model_), rows, fitted.max_len_, torch.device("cpu"))
    assert first == [d.ids[0] if d.ids else EOS_ID for d in decoded]  # <eos> chosen at once
    # Batched or one at a time, the same vectors (padding does not leak in).
    one = np.concatenate([fitted.first_output_state([s]) for s in sources[-3:]])
    np.testing.assert_allclose(one, states[-3:], rtol=1e-4, atol=1e-5)
    # Unlike the pooled encoder vector, it is not the same space.
    assert not np.allclose(states, fitted.encode(sources))


def test_attribution_is_the_argmax_of_the_attention(fitted: NeuralLearner) -> None:
    src = ("q", "then", "r")
    pred = fitted.explain(src)
    att = fitted.attention(src)
    assert pred.attribution is not None
    for row, pos in zip(att, pred.attribution, strict=True):
        j = int(row.argmax())
        assert pos == ((j,) if j < len(src) else ())


def test_decoding_stops_at_the_length_limit() -> None:
    learner = GRULearner(**{**GRU_TINY, "epochs": 1, "max_len_factor": 0.0, "max_len_margin": 1})
    learner.fit(tiny_task())
    assert learner.max_len_ == 1
    for pred in learner.predict([("p", "then", "q"), ("q", "dbl")]):
        assert pred.tokens is not None and len(pred.tokens) <= 1
        assert pred.reason == "" or "no end marker" in pred.reason


def test_cached_decoding_equals_full_recompute() -> None:
    learner = TransformerLearner(**{**TF_TINY, "epochs": 20}).fit(tiny_task())
    model = cast(TransformerSeq2Seq, learner.model_)
    rows = source_ids(learner.src_vocab_, [e.source for e in tiny_task()] + [()])

    class Recompute:
        def greedy_decode(
            self, src: torch.Tensor, mask: torch.Tensor, max_len: int
        ) -> tuple[torch.Tensor, torch.Tensor]:
            return model.greedy_decode(src, mask, max_len, use_cache=False)

    cached = greedy(cast(Seq2Seq, model), rows, learner.max_len_, torch.device("cpu"))
    full = greedy(Recompute(), rows, learner.max_len_, torch.device("cpu"))  # type: ignore[arg-type]
    for a, b in zip(cached, full, strict=True):
        assert a.ids == b.ids
        assert np.allclose(a.attention, b.attention, atol=1e-5)


def test_validation_slice_comes_from_training_data() -> None:
    learner = GRULearner(**{**GRU_TINY, "epochs": 2, "val_fraction": 0.25}).fit(tiny_task())
    result = learner.train_result_
    assert result.val_size == 3 and result.train_size == len(tiny_task()) - 3
    assert all(e.val_accuracy is not None for e in result.history)


def test_unfitted_learner_and_bad_device() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        GRULearner().predict([("p",)])
    with pytest.raises(ValueError):
        GRULearner(**GRU_TINY).fit([])
    if not torch.cuda.is_available():
        with pytest.raises(UsageError):
            GRULearner(**{**GRU_TINY, "device": "cuda"}).fit(tiny_task())
    with pytest.raises(UsageError):
        GRULearner(**{**GRU_TINY, "device": "tpu"}).fit(tiny_task())


def test_registered_by_name() -> None:
    from sandbox.registry import learner_parameters, make_learner

    for name in ("gru", "transformer"):
        assert {"epochs", "seed", "device"} <= set(learner_parameters(name))
        learner = make_learner(name, epochs=1, seed=2, device="cpu")
        assert learner.get_params()["seed"] == 2


def test_batched_and_one_at_a_time_answers_agree(fitted: NeuralLearner) -> None:
    # predict() groups inputs by length into padded batches; explain() runs one input.
    rng = random.Random(0)
    words = [*WORDS, "dbl", "then", "unseen"]
    probes = [tuple(rng.choice(words) for _ in range(rng.randint(0, 7))) for _ in range(100)]
    batched = fitted.predict(probes)
    assert [p.tokens for p in batched] == [fitted.explain(s).tokens for s in probes]
