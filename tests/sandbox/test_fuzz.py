"""Fuzzing every reader of outside data and every learner's ``predict``.

Each test feeds one kind of hostile input (damaged copies of a valid file,
random bytes, forged JSON with a valid checksum, odd token sequences) and
counts its outcome with :func:`tests.fuzz.attempt`: a result or a clean
exit-2 error passes; a traceback or a hang fails. In CI the profile ``ci``
runs a few dozen inputs per test; ``make fuzz`` runs the profile ``fuzz``
(see ``tests/conftest.py``) and prints the counts by kind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.bench.store import CellStore
from sandbox.bench.suite import load_suite
from sandbox.cli.main import main
from sandbox.compare.config import Cell
from sandbox.compare.results import results_checksum
from sandbox.data import MAX_INPUT_TOKENS, Example
from sandbox.errors import SandboxError
from sandbox.formats import read_examples
from sandbox.protocol import Prediction
from sandbox.registry import learner_names, make_learner
from sandbox.tasks.arith_parse import ArithError, parse_target, parse_words
from sandbox.tasks.grammar_toml import generate_examples, parse_grammar_text
from tests.conftest import REPO
from tests.fuzz import attempt, damaged, forged, quick_in_ci

VALID = {
    "scan": b"IN: jump twice OUT: I_JUMP I_JUMP\nIN: walk left OUT: I_TURN_LEFT I_WALK\nIN: run OUT: I_RUN\n",
    "cogs": b"A cat ate the cake .\t* cake ( x _ 4 ) ; cat ( x _ 1 ) AND eat . agent ( x _ 2 , x _ 1 )"
            b"\tin_distribution\nEmma slept .\tsleep . agent ( x _ 1 , Emma )\tprim\n",
    "jsonl": b'{"source": "jump twice", "target": "I_JUMP I_JUMP"}\n{"source": ["walk"], "target": ["I_WALK"]}\n',
}
GRAMMAR = (REPO / "examples" / "grammars" / "mini_scan.toml").read_bytes()
SUITE = (REPO / "benchmarks" / "suites" / "quick.toml").read_bytes()


def names_file(path: Path | str):
    def check(err: BaseException) -> None:
        assert str(path) in str(err), f"the message does not name the file: {err}"
    return check


def cli(*argv: str) -> int:
    """``sandbox ARGV`` in this process; exit 2 (a message, no traceback) is raised as a clean error."""
    code = main(list(argv))
    if code == 2:
        raise SandboxError("exit 2")
    return code


def as_text(blob: bytes) -> str:
    return blob.decode("utf-8", errors="replace")


# -- loaders --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(VALID))
def test_loaders(tmp_path_factory: pytest.TempPathFactory, fmt: str):
    @given(damaged(VALID[fmt]) | st.binary(max_size=400))
    def run(blob: bytes) -> None:
        path = tmp_path_factory.mktemp("loader") / f"data.{ {'scan': 'txt'}.get(fmt, fmt) }"
        path.write_bytes(blob)
        attempt(f"loader {fmt}", lambda: read_examples(path, fmt), (SandboxError,), names_file(path))

    run()


def test_grammar_toml():
    @given(damaged(GRAMMAR))
    def run(blob: bytes) -> None:
        def parse_and_generate() -> tuple[Example, ...]:
            spec = parse_grammar_text(as_text(blob), path="fuzz.toml")
            return generate_examples(spec, 20, seed=0)

        attempt("grammar toml", parse_and_generate, (SandboxError,), names_file("fuzz.toml"))

    run()


def test_suite_toml(tmp_path_factory: pytest.TempPathFactory):
    @given(damaged(SUITE))
    def run(blob: bytes) -> None:
        path = tmp_path_factory.mktemp("suite") / "fuzz.toml"
        path.write_bytes(blob)
        attempt("suite toml", lambda: load_suite(str(path)), (SandboxError,))

    run()


ARITH_WORDS = ["the", "sum", "of", "and", "product", "square", "difference", "plus", "minus", "times", "x", "y",
               "one", "two", "twelve", "twenty", "hundred", "thousand", "million", "zero", "(", ")", "", "of of",
               "negative", "half", "\x00", "é"]
TARGET_TOKENS = ["add", "mul", "sub", "neg", "sq", "(", ")", "x", "y", "0", "1", "-7", "12", "99999999999999999999",
                 "", "nan", "1e9"]


def test_arith_words():
    @given(st.lists(st.sampled_from(ARITH_WORDS) | st.text(max_size=8), max_size=80))
    def run(words: list[str]) -> None:
        attempt("arith words", lambda: parse_words(words), (ArithError, SandboxError))

    run()


def test_arith_target():
    @given(st.lists(st.sampled_from(TARGET_TOKENS) | st.text(max_size=6), max_size=80))
    def run(tokens: list[str]) -> None:
        attempt("arith target", lambda: parse_target(tokens), (ArithError, SandboxError))

    run()


# -- files the sandbox writes: results, cells, checkpoints ------------------------------

@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real results.json: memorize on one SCAN split."""
    out = tmp_path_factory.mktemp("valid")
    assert main(["compare", "--task", "scan/addprim_turn_left", "--learners", "memorize", "--swaps", "5",
                 "--bootstrap", "20", "--out", str(out)]) == 0
    return out / "results.json"


def test_results_files(tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
                       results_file: Path):
    @quick_in_ci(12)
    @given(damaged(results_file.read_bytes()))
    def run(blob: bytes) -> None:
        out = tmp_path_factory.mktemp("res")
        (out / "results.json").write_bytes(blob)
        attempt("results damaged", lambda: cli("report", str(out)), (SandboxError,))
        capsys.readouterr()

    run()


def test_results_forged_with_a_valid_checksum(tmp_path_factory: pytest.TempPathFactory,
                                             capsys: pytest.CaptureFixture[str], results_file: Path):
    """A results file whose checksum was recomputed after an edit: the checksum cannot catch it."""
    valid = json.loads(results_file.read_text())
    valid.pop("checksum")

    @quick_in_ci(12, fuzz=200)  # each renders both reports: about 20 times the cost of a refusal
    @given(forged(valid))
    def run(tree: Any) -> None:
        out = tmp_path_factory.mktemp("res")
        stamped = {**tree, "checksum": results_checksum(tree)} if isinstance(tree, dict) else tree
        (out / "results.json").write_text(json.dumps(stamped))
        attempt("results forged", lambda: cli("report", str(out)), (SandboxError,))
        capsys.readouterr()

    run()


def test_cell_files(tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]):
    store = CellStore(tmp_path_factory.mktemp("cells"))
    cell = Cell("scan/simple", "memorize", 0)
    store.save(cell, {"exact_match": 0.25, "items": list(range(30))}, {"fit_seconds": 1.0})
    valid = store.path(cell).read_bytes()

    @given(damaged(valid))
    def run(blob: bytes) -> None:
        store.path(cell).write_bytes(blob)
        loaded = attempt("cell files", lambda: store.load(cell), (SandboxError,))
        assert loaded is None or loaded == {"exact_match": 0.25, "items": list(range(30))}
        capsys.readouterr()

    run()


TRAIN = tuple(Example.of(s, t, id=f"f-{i}") for i, (s, t) in enumerate([
    ("ka", "KA"), ("mo", "MO"), ("ri", "RI"), ("ka zo", "KA KA"), ("mo zo", "MO MO"),
    ("ka pe mo", "KA MO"), ("ri pe ka", "RI KA"), ("mo zo pe ri", "MO MO RI"), ("ri pe mo zo", "RI MO MO"),
]))
SMALL = {
    "gru": {"hidden_size": 8, "epochs": 2, "device": "cpu", "progress": False},
    "transformer": {"d_model": 8, "num_heads": 2, "num_layers": 1, "ff_size": 16, "epochs": 2, "device": "cpu",
                    "progress": False},
}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ckpt") / "model.pt"
    make_learner("gru", **SMALL["gru"]).fit(TRAIN).save(path)
    return path


def test_checkpoints_damaged(tmp_path_factory: pytest.TempPathFactory, checkpoint: Path):
    from neural import NeuralLearner

    @quick_in_ci(12)
    @given(damaged(checkpoint.read_bytes()))
    def run(blob: bytes) -> None:
        path = tmp_path_factory.mktemp("ck") / "model.pt"
        path.write_bytes(blob)
        attempt("checkpoint damaged", lambda: NeuralLearner.load(path), (SandboxError,), names_file(path))

    run()


def test_checkpoints_forged_with_a_valid_checksum(tmp_path_factory: pytest.TempPathFactory, checkpoint: Path):
    from neural import NeuralLearner
    from neural.checkpoint import load_checkpoint, save_checkpoint

    meta, state = load_checkpoint(checkpoint)

    @quick_in_ci(12)
    @given(forged(meta))
    def run(tree: Any) -> None:
        path = tmp_path_factory.mktemp("ck") / "model.pt"
        save_checkpoint(path, tree, state)

        def load_and_predict() -> list[Prediction]:
            return NeuralLearner.load(path).predict([("ka", "zo"), ("mo",)])

        attempt("checkpoint forged", load_and_predict, (SandboxError,), names_file(path))

    run()


# -- every registered learner's predict ------------------------------------------------

@pytest.fixture(scope="module")
def fitted() -> dict[str, Any]:
    return {name: make_learner(name, **SMALL.get(name, {})).fit(TRAIN) for name in learner_names()}


ODD_TOKENS = st.sampled_from(["ka", "mo", "ri", "zo", "pe", "unknown", "ÄÖ", "<pad>", "<unk>", "<eos>", "<sos>",
                              "", " ", "\x00", "KA", "0", "{0}", "<0>", "\u202e"]) | st.text(max_size=10)


@pytest.mark.parametrize("name", learner_names())
def test_predict(fitted: dict[str, Any], name: str):
    @given(st.lists(ODD_TOKENS, max_size=40) | st.lists(st.sampled_from(["ka", "zo", "pe", "mo"]),
                                                       min_size=MAX_INPUT_TOKENS - 2, max_size=MAX_INPUT_TOKENS + 2))
    def run(tokens: list[str]) -> None:
        preds = attempt(f"predict {name}", lambda: fitted[name].predict([tuple(tokens)]), (SandboxError,))
        if preds is not None:
            (pred,) = preds
            assert isinstance(pred, Prediction)
            assert pred.reason if pred.tokens is None else all(isinstance(t, str) for t in pred.tokens)

    run()
