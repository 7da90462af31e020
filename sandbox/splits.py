"""Split builders that work on any task: random, length, held-out primitive, held-out template, MCD.

Every builder pools a task's examples (train, dev and test, exact duplicates
dropped) and splits them anew. Examples that share an input move together,
so that no input is ever in both train and test; each builder's defining
property holds for every item:

- ``random``: a seeded shuffle of the inputs; ``test_fraction`` of them are tested.
- ``length``: every training item is at most ``cutoff`` long, every test input
  has an item longer (lengths of the target, or of the source with
  ``of="source"``); the cutoff is the one whose test share is closest to
  ``test_fraction``.
- ``primitive``: a word (or phrase) that occurs as a whole input is seen in
  training only alone; every test input contains it with other words
  (Lake & Baroni 2018's add-primitive splits).
- ``template``: no training input contains the pattern (words, ``*`` for any
  one word); every test input does (Loula et al. 2018). Chosen automatically,
  the pattern is the word pair whose share of inputs is closest to
  ``test_fraction`` among those whose words all remain in training.
- ``mcd``: maximum compound divergence, built greedily (:mod:`sandbox.mcd`).

Every split reports its atom and compound divergence (:func:`sandbox.mcd.divergences`).

>>> from sandbox.data import Example
>>> exs = [Example.of(s, s.upper()) for s in ("a", "b", "a b", "b a", "a a b")]
>>> sp = primitive_split(exs, word="a")
>>> [" ".join(e.source) for e in sp.train], [" ".join(e.source) for e in sp.test]
(['a', 'b'], ['a b', 'b a', 'a a b'])
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.errors import UsageError
from sandbox.mcd import divergences, greedy_mcd

SPLITS_VERSION = "1"
KINDS = {
    "random": Generalization.IID,
    "length": Generalization.LENGTH,
    "primitive": Generalization.PRIMITIVE,
    "template": Generalization.TEMPLATE,
    "mcd": Generalization.COMPOUND,
}
DEFAULT_TEST_FRACTION = 0.2
WILDCARD = "*"


@dataclass(frozen=True)
class Split:
    """A train/test split of pooled examples, how it was made, and its divergences."""

    by: str
    train: tuple[Example, ...]
    test: tuple[Example, ...]
    params: dict[str, Any] = field(default_factory=dict)
    atom_divergence: float = 0.0
    compound_divergence: float = 0.0
    # For MCD: the divergences of a random split of the same sizes, for comparison.
    baseline: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        out = {"by": self.by, "params": self.params, "train": len(self.train), "test": len(self.test),
               "atom_divergence": round(self.atom_divergence, 4),
               "compound_divergence": round(self.compound_divergence, 4)}
        if self.baseline:
            out["random_split_of_same_sizes"] = {k: round(v, 4) for k, v in self.baseline.items()}
        return out


def pool(task: Task) -> tuple[Example, ...]:
    """Every example of ``task`` once, in train, dev, test order."""
    seen: dict[tuple[Tokens, Tokens], Example] = {}
    for ex in (*task.train, *task.dev, *task.test):
        seen.setdefault(ex.pair(), ex)
    return tuple(seen.values())


def groups_by_source(examples: Iterable[Example]) -> list[list[Example]]:
    """Examples grouped by input, in order of first appearance."""
    table: dict[Tokens, list[Example]] = {}
    for ex in examples:
        table.setdefault(ex.source, []).append(ex)
    return list(table.values())


def _finish(by: str, train_groups: Iterable[Sequence[Example]], test_groups: Iterable[Sequence[Example]],
            **params: Any) -> Split:
    train = tuple(replace(ex, id=f"train-{i}") for i, ex in enumerate(e for g in train_groups for e in g))
    test = tuple(replace(ex, id=f"test-{i}") for i, ex in enumerate(e for g in test_groups for e in g))
    if not train or not test:
        raise UsageError(f"the {by} split left {'train' if not train else 'test'} empty; "
                         "try other parameters")
    atom, compound = divergences(train, test)
    return Split(by, train, test, params, atom, compound)


def _check_fraction(test_fraction: float) -> None:
    if not 0 < test_fraction < 1:
        raise UsageError(f"test fraction must lie strictly between 0 and 1, not {test_fraction}")


def random_split(examples: Sequence[Example], seed: int = 0,
                 test_fraction: float = DEFAULT_TEST_FRACTION) -> Split:
    _check_fraction(test_fraction)
    groups = groups_by_source(examples)
    random.Random(seed).shuffle(groups)
    n_test = max(1, round(len(groups) * test_fraction))
    return _finish("random", groups[n_test:], groups[:n_test], seed=seed, test_fraction=test_fraction)


def length_split(examples: Sequence[Example], test_fraction: float = DEFAULT_TEST_FRACTION,
                 of: str = "target") -> Split:
    _check_fraction(test_fraction)
    if of not in ("source", "target"):
        raise UsageError(f"length of 'source' or 'target', not {of!r}")
    groups = groups_by_source(examples)

    def length(group: Sequence[Example]) -> int:
        return max(len(ex.source if of == "source" else ex.target) for ex in group)

    lengths = sorted({length(g) for g in groups})
    if len(lengths) < 2:
        raise UsageError(f"every {of} has the same length; a length split needs at least two lengths")
    share = {cut: sum(length(g) > cut for g in groups) / len(groups) for cut in lengths[:-1]}
    cutoff = min(share, key=lambda cut: (abs(share[cut] - test_fraction), cut))
    return _finish("length", [g for g in groups if length(g) <= cutoff], [g for g in groups if length(g) > cutoff],
                   of=of, cutoff=cutoff, test_fraction=test_fraction)


def contains(source: Sequence[str], pattern: Sequence[str]) -> bool:
    """Whether ``pattern`` (``*`` matches any one word) occurs in ``source`` as contiguous words.

    >>> contains("jump around right".split(), ["*", "around", "right"]), contains(["a"], ["a", "b"])
    (True, False)
    """
    n = len(pattern)
    return any(all(p in (WILDCARD, w) for p, w in zip(pattern, source[i : i + n], strict=True))
               for i in range(len(source) - n + 1))


def primitive_split(examples: Sequence[Example], word: str | None = None, seed: int = 0) -> Split:
    groups = groups_by_source(examples)
    alone = {g[0].source for g in groups}
    if word is None:
        candidates = sorted(" ".join(s) for s in alone
                            if len(s) == 1 and any(len(g[0].source) > 1 and s[0] in g[0].source for g in groups))
        if not candidates:
            raise UsageError("no word occurs both alone and in a longer input; give --word")
        word = random.Random(seed).choice(candidates)
    phrase = tuple(word.split())
    if phrase not in alone:
        raise UsageError(f"'{word}' never occurs alone as an input; the primitive split needs an example "
                         "whose input is just that word, to show it in training")
    test = [g for g in groups if g[0].source != phrase and contains(g[0].source, phrase)]
    train = [g for g in groups if not contains(g[0].source, phrase) or g[0].source == phrase]
    return _finish("primitive", train, test, word=word, seed=seed)


def template_split(examples: Sequence[Example], pattern: str | None = None,
                   test_fraction: float = DEFAULT_TEST_FRACTION) -> Split:
    _check_fraction(test_fraction)
    groups = groups_by_source(examples)
    if pattern is None:
        pattern = _auto_pattern(groups, test_fraction)
    words = tuple(pattern.split())
    if not words or all(w == WILDCARD for w in words):
        raise UsageError(f"template pattern {pattern!r} needs at least one word besides '*'")
    test = [g for g in groups if contains(g[0].source, words)]
    train = [g for g in groups if not contains(g[0].source, words)]
    return _finish("template", train, test, pattern=pattern, test_fraction=test_fraction)


def _auto_pattern(groups: Sequence[Sequence[Example]], test_fraction: float) -> str:
    covering: dict[tuple[str, str], int] = {}
    for g in groups:
        for pair in set(zip(g[0].source, g[0].source[1:], strict=False)):
            covering[pair] = covering.get(pair, 0) + 1
    total = len(groups)

    def words_stay(pair: tuple[str, str]) -> bool:
        # Every word of the pattern must still be seen in some training input.
        return all(any(w in g[0].source and not contains(g[0].source, pair) for g in groups) for w in pair)

    ranked = sorted(covering, key=lambda p: (abs(covering[p] / total - test_fraction), p))
    for pair in ranked:
        if 0 < covering[pair] < total and words_stay(pair):
            return " ".join(pair)
    raise UsageError("no word pair can be held out with its words still in training; give --pattern")


def mcd_split(examples: Sequence[Example], seed: int = 0, train_fraction: float = 0.4,
              test_fraction: float = 0.1, progress: Callable[[int], None] | None = None) -> Split:
    """A maximum compound divergence split over a subsample of the inputs (Keysers et al. 2020)."""
    _check_fraction(test_fraction)
    _check_fraction(train_fraction)
    if train_fraction + test_fraction > 1:
        raise UsageError("train and test fractions add up to more than 1")
    groups = groups_by_source(examples)
    n_train, n_test = round(len(groups) * train_fraction), round(len(groups) * test_fraction)
    if n_train < 1 or n_test < 1:
        raise UsageError(f"{len(groups)} inputs are too few for an MCD split with these fractions")
    train_idx, test_idx = greedy_mcd(groups, n_train, n_test, seed, progress=progress)
    split = _finish("mcd", [groups[i] for i in train_idx], [groups[i] for i in test_idx],
                    seed=seed, train_fraction=train_fraction, test_fraction=test_fraction)
    shuffled = list(range(len(groups)))
    random.Random(seed).shuffle(shuffled)
    atom, compound = divergences([e for i in shuffled[:n_train] for e in groups[i]],
                                 [e for i in shuffled[n_train : n_train + n_test] for e in groups[i]])
    return replace(split, baseline={"atom_divergence": atom, "compound_divergence": compound})


def make_split(by: str, examples: Sequence[Example], **params: Any) -> Split:
    """Dispatch to the builder named ``by`` (a key of :data:`KINDS`), dropping unset parameters."""
    builders: dict[str, Callable[..., Split]] = {
        "random": random_split, "length": length_split, "primitive": primitive_split,
        "template": template_split, "mcd": mcd_split,
    }
    if by not in builders:
        raise UsageError(f"unknown split {by!r}; choose one of {', '.join(builders)}")
    return builders[by](examples, **{k: v for k, v in params.items() if v is not None})


def split_task(task: Task, split: Split) -> Task:
    """The task ``task`` re-split by ``split``; it keeps the task's judge and references."""
    params = ", ".join(f"{k}={v}" for k, v in sorted(split.params.items()))
    return replace(
        task,
        name=f"{task.name}@{split.by}",
        version=f"{task.version}+split{SPLITS_VERSION}.{split.by}",
        train=split.train,
        test=split.test,
        dev=(),
        generalization=KINDS[split.by],
        description=f"{task.name} pooled and re-split by {split.by} ({params}); "
                    f"atom divergence {split.atom_divergence:.3f}, compound divergence {split.compound_divergence:.3f}",
    )
