"""Hardening: hostile inputs end in a result or a clear error, faults lose nothing, tampering is caught.

Every loader and parser that reads user data is fed random bytes, truncations,
huge and deeply nested inputs; every learner's ``predict`` is fed random token
sequences. Files the sandbox writes (results, cells, checkpoints) are
truncated or altered and must be detected, never silently used.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.bench.store import CellStore
from sandbox.bench.suite import load_suite
from sandbox.compare.config import Cell
from sandbox.compare.results import read_results, write_results
from sandbox.data import MAX_INPUT_TOKENS, Example
from sandbox.errors import InputError, SandboxError
from sandbox.protocol import Prediction
from sandbox.tasks.arith_parse import ArithError, parse_target, parse_words
from sandbox.tasks.grammar_toml import parse_grammar_text
from tests.conftest import run_cli

JUNK_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
ARITH_WORDS = ["the", "sum", "of", "and", "product", "square", "difference", "plus", "minus", "times",
               "x", "y", "z", "one", "two", "twelve", "hundred", "thousand", "zero", "(", "", "of of"]


@given(st.binary(max_size=400))
def test_grammar_format_survives_random_bytes(blob: bytes):
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        return  # load_grammar refuses non-UTF-8 before parsing; covered in test_user_grammar
    try:
        parse_grammar_text(text, path="fuzz.toml")
    except InputError as err:
        assert "fuzz.toml" in str(err)


@given(st.lists(st.sampled_from(["[[rule]]", "lhs = 'S'", "source = 'a <S>'", "target = '{0} {0}'",
                                 "start = 'S'", "weight = -1", "source = ''", "target = '{7}'",
                                 "[words.X]", "a = 'A'", "lhs = 3", "= broken"]), max_size=14))
def test_grammar_format_survives_shuffled_fragments(lines: list[str]):
    text = "\n".join(lines) + "\n"
    try:
        parse_grammar_text(text, path="frag.toml")
    except InputError as err:
        assert "frag.toml" in str(err)


@given(st.lists(st.sampled_from(ARITH_WORDS), max_size=60))
def test_arith_parser_gives_a_tree_or_a_clear_error(words: list[str]):
    try:
        parse_words(words)
    except ArithError as err:
        assert str(err)


@pytest.mark.parametrize("depth", [10, 150, 400, 5000])
def test_arith_parser_refuses_deep_nesting_cleanly(depth: int):
    words = ["the", "square", "of"] * depth + ["x"]
    target = ["neg"] * depth + ["x"]
    for parse, data in ((parse_words, words), (parse_target, target)):
        try:
            parse(data)
        except ArithError as err:
            assert "longer than" in str(err) or "position" in str(err) or "target" in str(err)


@given(JUNK_TEXT)
def test_suite_files_survive_random_text(tmp_path_factory, text: str):
    path = tmp_path_factory.mktemp("suite") / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_suite(str(path))
    except SandboxError as err:
        assert str(err)


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(["truncate", "flip"]))
@settings(max_examples=25)
def test_altered_or_truncated_results_are_refused(tmp_path_factory, offset: int, how: str):
    out = tmp_path_factory.mktemp("res")
    write_results(out, {"schema": "sandbox.compare.results/1", "summary": [{"task": "t", "exact_match": 0.5}],
                        "cells": [{"x": list(range(50))}]})
    path = out / "results.json"
    data = path.read_bytes()
    cut = offset % len(data)
    damaged = data[:cut] if how == "truncate" else data[:cut] + bytes([data[cut] ^ 1]) + data[cut + 1:]
    if damaged.strip() == data.strip():
        return
    path.write_bytes(damaged)
    with pytest.raises(InputError):
        read_results(out)


@given(st.integers(min_value=0, max_value=5_000))
@settings(max_examples=25)
def test_truncated_cells_are_recomputed_never_used(tmp_path_factory, offset: int):
    store = CellStore(tmp_path_factory.mktemp("cells"))
    cell = Cell("scan/simple", "memorize", 0)
    store.save(cell, {"exact_match": 0.25, "items": list(range(100))}, {"fit_seconds": 1.0})
    path = store.path(cell)
    data = path.read_bytes()
    path.write_bytes(data[: offset % (len(data) - 1)])
    assert store.load(cell) is None


# -- learners' predict on hostile inputs ---------------------------------------

TRAIN = [Example.of(s, t, id=f"h-{i}") for i, (s, t) in enumerate([
    ("ka", "KA"), ("mo", "MO"), ("ri", "RI"), ("ka zo", "KA KA"), ("mo zo", "MO MO"),
    ("ka pe mo", "KA MO"), ("ri pe ka", "RI KA"), ("mo zo pe ri", "MO MO RI"), ("ri pe mo zo", "RI MO MO"),
])]
TOKENS = st.lists(st.sampled_from(["ka", "mo", "ri", "zo", "pe", "unknown", "ÄÖ", "<pad>", "<unk>", "<eos>"]),
                  max_size=30)


@pytest.fixture(scope="module")
def fitted_learners():
    from sandbox.registry import make_learner

    learners = {
        "symbolic": make_learner("symbolic").fit(TRAIN),
        "memorize": make_learner("memorize").fit(TRAIN),
        "gru": make_learner("gru", hidden_size=8, epochs=2, device="cpu", progress=False).fit(TRAIN),
        "transformer": make_learner("transformer", d_model=8, num_heads=2, num_layers=1, ff_size=16, epochs=2,
                                    device="cpu", progress=False).fit(TRAIN),
    }
    return learners


@given(TOKENS)
@settings(max_examples=30)
def test_every_learner_answers_or_abstains_on_any_tokens(fitted_learners, tokens: list[str]):
    source = tuple(tokens)
    for name, learner in fitted_learners.items():
        (pred,) = learner.predict([source])
        assert isinstance(pred, Prediction), name
        if pred.tokens is None:
            assert pred.reason, f"{name} abstained without a reason on {source}"
        else:
            assert all(isinstance(t, str) for t in pred.tokens)


def test_learners_on_the_longest_accepted_input(fitted_learners):
    source = tuple(["ka", "pe", "mo", "zo"] * (MAX_INPUT_TOKENS // 4))
    assert len(source) == MAX_INPUT_TOKENS
    for name, learner in fitted_learners.items():
        (pred,) = learner.predict([source])
        assert isinstance(pred, Prediction), name


# -- the CLI on hostile files -----------------------------------------------------

HOSTILE_FILES = {
    "random.txt": bytes(range(256)) * 8,
    "half-line.txt": b"IN: ka OUT: KA\nIN: mo OU",
    "tabs.tsv": b"a\tb\n",
    "deep.jsonl": b'{"source": ' + b"[" * 5000 + b"]" * 5000 + b', "target": "x"}\n',
    "nested-types.jsonl": b'{"source": {"a": 1}, "target": "x"}\n',
    "bom.txt": "\ufeffIN: ka OUT: KA\n".encode() + b"\xff\n",
    "huge-line.txt": b"IN: " + b"ka " * 40_000 + b"OUT: KA\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_cli_refuses_hostile_files_cleanly(tmp_path: Path, name: str):
    bad = tmp_path / name
    bad.write_bytes(HOSTILE_FILES[name])
    out = run_cli("eval", "--learner", "memorize", "--train", str(bad), "--test", str(bad),
                  "--json", str(tmp_path / "r.json"))
    assert out.returncode in (0, 2), out.stderr
    assert "Traceback" not in out.stderr
    if out.returncode == 2:
        assert str(bad) in out.stderr
        assert not (tmp_path / "r.json").exists()


def test_output_paths_stay_under_out(tmp_path: Path):
    store = CellStore(tmp_path)
    for hostile in ("../../etc/passwd", "/abs/path", "..", "a/../../b", "x\x00y"):
        cell = Cell(hostile, hostile, 0, (("p", hostile),))
        assert store.path(cell).resolve().parent == (tmp_path / "cells").resolve()
    target = tmp_path / "plain-file"
    target.write_text("keep me")
    out = run_cli("tasks", "export", "scan/simple", "--out", str(target))
    assert out.returncode == 2 and target.read_text() == "keep me"


def test_same_command_same_results_bytes(tmp_path: Path):
    args = ["compare", "--task", "scan/addprim_turn_left", "--learners", "memorize,symbolic", "--swaps", "20",
            "--bootstrap", "100"]
    one = run_cli(*args, "--out", str(tmp_path / "one"), env={"PYTHONHASHSEED": "1"})
    two = run_cli(*args, "--out", str(tmp_path / "two"), env={"PYTHONHASHSEED": "2"})
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert (tmp_path / "one" / "results.json").read_bytes() == (tmp_path / "two" / "results.json").read_bytes()
    results = json.loads((tmp_path / "one" / "results.json").read_text())
    assert "timing" not in json.dumps(results)
    timings = json.loads((tmp_path / "one" / "timings.json").read_text())
    assert all("fit_seconds" in t for t in timings.values())
