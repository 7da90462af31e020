"""SCAN splits end to end (a sample of each test set; the benchmark runs them whole)."""

from __future__ import annotations

import random

import pytest

from sandbox.data import make_examples
from sandbox.evaluation import is_traceable
from sandbox.tasks.registry import load_task
from sandbox.tasks.scan_grammar import all_commands, interpret
from symbolic import SymbolicLearner
from tests.symbolic.grammars import rename

SAMPLE = 150


def sample(items, n=SAMPLE):
    return list(items)[:: max(1, len(items) // n)]


def check(task, learner, level=None):
    train = {e.id: e for e in task.train}
    for ex in sample(task.test):
        pred = learner.explain(ex.source)
        assert pred.tokens == ex.target, (" ".join(ex.source), pred.reason)
        assert is_traceable(pred, ex.source, train)
        if level is not None:
            assert pred.relaxation_level == level


def test_add_jump_needs_the_meaning_type_level():
    task = load_task("scan/addprim_jump")
    check(task, SymbolicLearner().fit(task.train), level=2)
    capped = SymbolicLearner(max_relaxation=1).fit(task.train)
    for ex in sample(task.test, 30):
        pred = capped.explain(ex.source)
        assert pred.tokens is None and pred.reason.startswith("would need relaxation level 2")


def test_template_split_under_a_renamed_vocabulary():
    task = load_task("scan/template_around_right")
    rng = random.Random(7)
    words = sorted({w for e in task.train + task.test for w in e.source})
    tokens = sorted({t for e in task.train + task.test for t in e.target})
    new_words = [f"q{i}" for i in range(len(words))]
    new_tokens = [f"Z{i}" for i in range(len(tokens))]
    rng.shuffle(new_words)
    rng.shuffle(new_tokens)
    wmap, tmap = dict(zip(words, new_words, strict=True)), dict(zip(tokens, new_tokens, strict=True))
    train = rename(list(task.train), wmap, tmap)
    rng.shuffle(train)
    renamed = task.__class__(task.name, task.version, tuple(train),
                             tuple(rename(list(task.test), wmap, tmap)), task.generalization)
    check(renamed, SymbolicLearner().fit(renamed.train), level=1)


@pytest.mark.needs_datasets
def test_mcd_split_without_short_examples(datasets):
    task = load_task("scan/mcd1", data_dir=datasets)
    check(task, SymbolicLearner().fit(task.train))


@pytest.mark.parametrize("size", [1000, 2000, 4000, 8000])
def test_sparse_random_scan_sample_is_learned_without_one_to_one_breaches(size):
    # Random commands (the cost-growth benchmark's sets): a rule repeating a known
    # pattern with another template must stay a last resort (it once took 14% of
    # held-out commands wrong at 2,000); a revised lexicon must not read a
    # primitive as a function word (21% wrong at 1,000); and an ambiguous
    # example must not be read with a slot at level 3 to keep a nesting order
    # that sparse data had already made cyclic (12% wrong at 8,000). Every held-out
    # command is right since a rule without fixed words ("<0> <1>", SCAN's direction)
    # is abstracted over bare words only, and a contradicted rule is retried on the
    # examples that fill it with words (before: 99.70-99.85% at 1,000-4,000).
    commands = list(all_commands())
    random.Random(0).shuffle(commands)
    train = make_examples(((c, interpret(c)) for c in commands[:size]), "train")
    learner = SymbolicLearner().fit(train)
    held_out = commands[-2000:][::4]
    assert [c for c in held_out if learner.explain(c).tokens != interpret(c)] == []
