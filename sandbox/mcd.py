"""Atom and compound divergence, and a greedy maximum-compound-divergence split.

Keysers et al. 2020 ("Measuring compositional generalization: a comprehensive
method on realistic data", ICLR) compare the distributions of *atoms* and of
*compounds* in a train and a test set with the Chernoff coefficient
``C_a(P||Q) = sum_k p_k^a q_k^(1-a)``: the atom divergence is
``1 - C_0.5(train||test)`` and the compound divergence ``1 - C_0.1(train||test)``
(the small alpha asks mostly *whether* a test compound occurs in training at
all). A maximum compound divergence (MCD) split keeps the atom divergence low
and makes the compound divergence high.

Keysers et al. take atoms and compounds from each example's rule derivation.
A task here need not come with a grammar, so we use a generic proxy on the
input words, documented and the same for every task:

- **atoms**: the input words (with their counts);
- **compounds**: the input's contiguous word n-grams for n = 2 and 3 (each
  adjacent pair and triple of words), with their counts.

>>> from collections import Counter
>>> atoms(("walk", "twice")), sorted(compounds(("walk", "left", "twice")))
(Counter({'walk': 1, 'twice': 1}), ['left twice', 'walk left', 'walk left twice'])
>>> chernoff_divergence(Counter(a=1, b=1), Counter(a=1, b=1), 0.5)
0.0
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sandbox.data import Example, Tokens

ATOM_ALPHA = 0.5
COMPOUND_ALPHA = 0.1
COMPOUND_SIZES = (2, 3)
MAX_ATOM_DIVERGENCE = 0.02  # Keysers et al. keep atom divergence at or below this
ATOM_PENALTY = 10.0  # weight of atom divergence beyond the cap in the greedy objective
CANDIDATES = 64  # candidates scored at each greedy step


def atoms(source: Tokens) -> Counter[str]:
    return Counter(source)


def compounds(source: Tokens, sizes: Sequence[int] = COMPOUND_SIZES) -> Counter[str]:
    return Counter(" ".join(source[i : i + n]) for n in sizes for i in range(len(source) - n + 1))


def distribution(examples: Iterable[Example], unit: Callable[[Tokens], Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for ex in examples:
        total.update(unit(ex.source))
    return total


def chernoff_coefficient(p: Counter[str], q: Counter[str], alpha: float) -> float:
    """``sum_k p_k^alpha q_k^(1-alpha)`` of the normalized counts.

    An empty test distribution ``q`` has coefficient 1 (no divergence); an
    empty training distribution facing a non-empty ``q``, coefficient 0.

    The keys are summed in sorted order, so that the float result is the same in every process.
    """
    p_total, q_total = sum(p.values()), sum(q.values())
    if not q_total:  # nothing in the test distribution can diverge from training
        return 1.0
    if not p_total:
        return 0.0
    return sum((p[k] / p_total) ** alpha * (q[k] / q_total) ** (1 - alpha) for k in sorted(p.keys() & q.keys()))


def chernoff_divergence(p: Counter[str], q: Counter[str], alpha: float) -> float:
    return max(0.0, 1.0 - chernoff_coefficient(p, q, alpha))


def divergences(train: Sequence[Example], test: Sequence[Example]) -> tuple[float, float]:
    """(atom divergence, compound divergence) of a split, as defined above."""
    return (
        chernoff_divergence(distribution(train, atoms), distribution(test, atoms), ATOM_ALPHA),
        chernoff_divergence(distribution(train, compounds), distribution(test, compounds), COMPOUND_ALPHA),
    )


@dataclass
class _Side:
    """Running sums that give a Chernoff coefficient in time proportional to one candidate."""

    alpha: float
    train: Counter[str]
    test: Counter[str]
    train_total: int = 0
    test_total: int = 0
    overlap: float = 0.0  # sum over shared keys of train_k^alpha * test_k^(1-alpha)

    def coefficient(self, gain: float = 0.0, d_train: int = 0, d_test: int = 0) -> float:
        a, b = self.train_total + d_train, self.test_total + d_test
        if not b or not a:  # as chernoff_coefficient
            return 1.0 if not b else 0.0
        return (self.overlap + gain) / (a**self.alpha * b ** (1 - self.alpha))

    def gain(self, counts: Counter[str], to_train: bool) -> float:
        al, tr, te = self.alpha, self.train, self.test
        if to_train:
            return sum(((tr[k] + c) ** al - tr[k] ** al) * te[k] ** (1 - al) for k, c in counts.items() if te[k])
        return sum(tr[k] ** al * ((te[k] + c) ** (1 - al) - te[k] ** (1 - al)) for k, c in counts.items() if tr[k])

    def add(self, counts: Counter[str], to_train: bool) -> None:
        self.overlap += self.gain(counts, to_train)
        (self.train if to_train else self.test).update(counts)
        if to_train:
            self.train_total += sum(counts.values())
        else:
            self.test_total += sum(counts.values())


def greedy_mcd(
    groups: Sequence[Sequence[Example]],
    n_train: int,
    n_test: int,
    seed: int,
    candidates: int = CANDIDATES,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[int], list[int]]:
    """Indices of the groups for train and for test, chosen greedily.

    Groups (examples that share an input) move together, so that no input is
    in both sets. Each step adds one group to the side that is furthest from
    its target size: of ``candidates`` groups drawn at random from those left,
    the one that maximizes ``compound divergence - ATOM_PENALTY * max(0, atom
    divergence - MAX_ATOM_DIVERGENCE)``. Same seed, same split.
    """
    if n_train < 1 or n_test < 1 or n_train + n_test > len(groups):
        raise ValueError(f"cannot take {n_train} train and {n_test} test groups from {len(groups)}")
    rng = random.Random(seed)
    units = [(distribution(g, atoms), distribution(g, compounds)) for g in groups]
    atom_side = _Side(ATOM_ALPHA, Counter(), Counter())
    compound_side = _Side(COMPOUND_ALPHA, Counter(), Counter())
    left = list(range(len(groups)))
    chosen: tuple[list[int], list[int]] = ([], [])

    def take(position: int, to_train: bool) -> None:
        index = left[position]
        left[position] = left[-1]
        left.pop()
        atom_side.add(units[index][0], to_train)
        compound_side.add(units[index][1], to_train)
        chosen[0 if to_train else 1].append(index)
        if progress is not None:
            progress(1)

    def score(index: int, to_train: bool) -> float:
        a, c = units[index]
        da, dc = sum(a.values()), sum(c.values())
        shift = (da, 0) if to_train else (0, da)
        atom_div = 1 - atom_side.coefficient(atom_side.gain(a, to_train), *shift)
        shift = (dc, 0) if to_train else (0, dc)
        compound_div = 1 - compound_side.coefficient(compound_side.gain(c, to_train), *shift)
        return compound_div - ATOM_PENALTY * max(0.0, atom_div - MAX_ATOM_DIVERGENCE)

    take(rng.randrange(len(left)), True)
    take(rng.randrange(len(left)), False)
    while len(chosen[0]) < n_train or len(chosen[1]) < n_test:
        to_train = len(chosen[1]) >= n_test or len(chosen[0]) / n_train <= len(chosen[1]) / n_test
        drawn = rng.sample(range(len(left)), min(candidates, len(left)))
        best = max(drawn, key=lambda pos: (score(left[pos], to_train), -pos))
        take(best, to_train)
    return chosen
