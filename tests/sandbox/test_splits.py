"""Split builders on any task: disjoint, defining property for every item, MCD divergences recomputed."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.data import Example
from sandbox.errors import UsageError
from sandbox.splits import (
    contains,
    length_split,
    make_split,
    mcd_split,
    pool,
    primitive_split,
    random_split,
    template_split,
)
from sandbox.tasks.registry import load_task
from tests.conftest import run_cli

WORDS = ("a", "b", "c", "d", "e")


def meaning(source):
    return tuple(w.upper() for w in reversed(source))


sources = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(tuple)
# Pooled examples (no exact duplicates) over a small vocabulary, every word also alone, and
# some inputs with two answers.
example_sets = st.lists(sources, min_size=8, max_size=60).map(
    lambda ss: list(dict.fromkeys([Example(s, meaning(s)) for s in ss]
                                  + [Example((w,), (w.upper(),)) for w in WORDS]
                                  + [Example(s, ("OTHER",)) for s in ss[:2]]))
)


def check_partition(split, examples, complete=True):
    train_sources, test_sources = {e.source for e in split.train}, {e.source for e in split.test}
    assert split.train and split.test and not train_sources & test_sources
    pairs = Counter(e.pair() for e in (*split.train, *split.test))
    assert max(pairs.values()) == 1  # nothing twice
    if complete:
        assert set(pairs) == {e.pair() for e in examples}
    else:
        assert set(pairs) <= {e.pair() for e in examples}
    # every input keeps all its answers on one side
    for side in (split.train, split.test):
        srcs = {e.source for e in side}
        assert {e.pair() for e in examples if e.source in srcs} == {e.pair() for e in side}


@given(example_sets, st.integers(0, 100), st.floats(0.1, 0.5))
def test_random_split(examples, seed, fraction):
    sp = random_split(examples, seed, fraction)
    check_partition(sp, examples)
    assert sp == random_split(examples, seed, fraction)


@given(example_sets, st.sampled_from(["source", "target"]))
def test_length_split(examples, of):
    if len({max(len(getattr(e, of)) for e in examples if e.source == s) for s in {e.source for e in examples}}) < 2:
        with pytest.raises(UsageError):
            length_split(examples, of=of)
        return
    sp = length_split(examples, of=of)
    check_partition(sp, examples)
    cutoff = sp.params["cutoff"]
    assert all(len(getattr(e, of)) <= cutoff for e in sp.train)
    test_inputs = {e.source for e in sp.test}
    assert all(any(len(getattr(e, of)) > cutoff for e in sp.test if e.source == s) for s in test_inputs)


@given(example_sets, st.sampled_from(WORDS))
def test_primitive_split(examples, word):
    if not any(word in e.source and len(e.source) > 1 for e in examples):
        return
    sp = primitive_split(examples, word=word)
    check_partition(sp, examples)
    assert all(e.source == (word,) for e in sp.train if word in e.source)
    assert any(e.source == (word,) for e in sp.train)
    assert all(word in e.source and len(e.source) > 1 for e in sp.test)


@given(example_sets, st.sampled_from(["a b", "* c", "b * a", None]))
def test_template_split(examples, pattern):
    try:
        sp = template_split(examples, pattern=pattern)
    except UsageError:
        return  # the pattern covers no input, or every input
    check_partition(sp, examples)
    held = sp.params["pattern"].split()
    assert not any(contains(e.source, held) for e in sp.train)
    assert all(contains(e.source, held) for e in sp.test)
    if pattern is None:  # chosen automatically: its words stay in training
        assert set(held) <= {w for e in sp.train for w in e.source}


def chernoff_divergence(train, test, unit, alpha):
    """Keysers et al.'s divergence, recomputed from scratch (independent of sandbox.mcd)."""
    p, q = Counter(), Counter()
    for exs, counter in ((train, p), (test, q)):
        for e in exs:
            counter.update(unit(e.source))
    sp, sq = sum(p.values()), sum(q.values())
    if not sq or not sp:
        return 0.0 if not sq else 1.0
    return 1 - sum((p[k] / sp) ** alpha * (q[k] / sq) ** (1 - alpha) for k in set(p) | set(q))


def words(source):
    return list(source)


def ngrams(source):
    return [" ".join(source[i : i + n]) for n in (2, 3) for i in range(len(source) - n + 1)]


@given(example_sets, st.integers(0, 50))
def test_mcd_reports_the_divergences_it_achieves(examples, seed):
    n_inputs = len({e.source for e in examples})
    if round(n_inputs * 0.1) < 1:
        return
    sp = mcd_split(examples, seed=seed)
    check_partition(sp, examples, complete=False)
    assert len({e.source for e in sp.train}) == round(n_inputs * 0.4)
    assert len({e.source for e in sp.test}) == round(n_inputs * 0.1)
    assert sp.atom_divergence == pytest.approx(chernoff_divergence(sp.train, sp.test, words, 0.5), abs=1e-9)
    assert sp.compound_divergence == pytest.approx(chernoff_divergence(sp.train, sp.test, ngrams, 0.1), abs=1e-9)
    assert sp == mcd_split(examples, seed=seed)


def test_mcd_diverges_more_than_a_random_split_on_scan():
    examples = pool(load_task("scan/simple"))[::10]
    sp = mcd_split(examples, seed=0)
    base = sp.baseline
    assert sp.atom_divergence <= 0.03
    assert sp.compound_divergence > base["compound_divergence"] + 0.25
    assert base["compound_divergence"] == pytest.approx(0.0, abs=0.05)


def test_builders_refuse_what_they_cannot_do():
    exs = [Example.of("a b", "X"), Example.of("b a", "Y"), Example.of("a", "Z")]
    with pytest.raises(UsageError, match="never occurs alone"):
        primitive_split(exs, word="b")
    with pytest.raises(UsageError, match="same length"):
        length_split(exs, of="target")
    with pytest.raises(UsageError, match="unknown split"):
        make_split("bogus", exs)
    with pytest.raises(UsageError, match="strictly between"):
        random_split(exs, test_fraction=1.5)


# -- the command line ------------------------------------------------------


def test_cli_split_writes_files_and_divergences(tmp_path: Path):
    out = run_cli("tasks", "split", "arith/iid", "--by", "length", "--out", str(tmp_path), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    summary = json.loads((tmp_path / "split.json").read_text())
    assert summary["by"] == "length" and summary["task"] == "arith/iid@length"
    assert {"atom_divergence", "compound_divergence"} <= set(summary)
    train = [json.loads(line) for line in (tmp_path / "train.jsonl").read_text().splitlines()]
    test = [json.loads(line) for line in (tmp_path / "test.jsonl").read_text().splitlines()]
    cutoff = summary["params"]["cutoff"]
    assert max(len(e["target"].split()) for e in train) <= cutoff < min(len(e["target"].split()) for e in test)
    assert len(train) + len(test) == 5000


def test_cli_mcd_is_the_same_in_every_process(tmp_path: Path):
    outs = []
    for hash_seed in ("1", "2"):
        d = tmp_path / hash_seed
        res = run_cli("tasks", "split", "fewshot/colors", "--by", "mcd", "--train-fraction", "0.5",
                      "--test-fraction", "0.3", "--seed", "3", "--out", str(d), env={"PYTHONHASHSEED": hash_seed})
        assert res.returncode == 0, res.stderr
        assert "compound divergence" in res.stdout
        outs.append([(d / f).read_text() for f in ("train.txt", "test.txt", "split.json")])
    assert outs[0] == outs[1]


@pytest.mark.parametrize("args, fragment", [
    (["nosuch/task", "--by", "random"], "unknown task"),
    (["fewshot/colors", "--by", "primitive", "--word", "kiki"], "never occurs alone"),
    (["pcfg/iid", "--by", "random", "--option", "size=huge"], "size"),
])
def test_cli_split_bad_usage(tmp_path: Path, args, fragment):
    out_dir = tmp_path / "out"
    res = run_cli("tasks", "split", *args, "--out", str(out_dir))
    assert res.returncode == 2 and fragment in res.stderr and "Traceback" not in res.stderr
    assert not out_dir.exists()


def test_cli_split_reads_a_file_of_examples(tmp_path: Path):
    data = tmp_path / "data.txt"
    data.write_text("".join(f"IN: {' '.join(s)} OUT: {' '.join(meaning(s))}\n"
                            for s in [("a",), ("b",), ("a", "b"), ("b", "a"), ("a", "a"), ("b", "b", "a")]))
    res = run_cli("tasks", "split", str(data), "--by", "primitive", "--word", "b", "--out", str(tmp_path / "o"))
    assert res.returncode == 0, res.stderr
    test = (tmp_path / "o" / "test.txt").read_text().splitlines()
    assert sorted(test) == ["IN: a b OUT: B A", "IN: b a OUT: A B", "IN: b b a OUT: A B B"]
    bad = tmp_path / "bad.txt"
    bad.write_text("IN: a OUT: A\nnot a line\n")
    res = run_cli("tasks", "split", str(bad), "--by", "random", "--out", str(tmp_path / "p"))
    assert res.returncode == 2 and f"{bad}:2:" in res.stderr and not (tmp_path / "p").exists()
    assert os.path.exists(tmp_path / "o" / "split.json")


def test_every_new_family_is_listed_and_exportable(tmp_path: Path):
    from sandbox.cli.tasks_cmd import export_task

    listed = {line.split()[0] for line in run_cli("tasks", "list").stdout.splitlines()}
    assert {"pcfg/systematicity", "pcfg/productivity", "pcfg/substitutivity", "pcfg/localism",
            "fewshot/colors", "arith/depth", "arith/number_words", "arith/extrapolation",
            "nacs/simple", "nacs/length", "nacs/addprim_jump"} <= listed
    for name in ("pcfg/localism", "fewshot/colors", "arith/extrapolation", "nacs/length"):
        task = load_task(name)
        assert task.source, name  # every generator cites its source
        written = export_task(task, tmp_path / name.replace("/", "_"), "jsonl")
        lines = written[1].read_text().splitlines()
        assert len(lines) == len(task.test) and json.loads(lines[0])["source"]
