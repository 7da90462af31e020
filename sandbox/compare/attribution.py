"""Attribution fidelity: do a learner's attributions survive a counterfactual word swap?

A learner states, for each output position, the input positions that produced
it (``Prediction.attribution``: from the derivation for the symbolic learner,
from attention for a neural one). If input word ``j`` is swapped for another
word *of the same kind*, a faithful attribution predicts that the answer
changes exactly at the output positions attributed to ``j`` and nowhere else.

**Same kind** is defined from the training data alone, the same for every
learner (:func:`word_kinds`):

1. *primitive*: the words that occur alone as a whole training input whose
   output is a single token (SCAN's ``walk``, ``run``, ``jump``...). Used when
   there are at least two of them.
2. otherwise *minimal pairs*: two words are linked when the training data has
   two inputs that differ only in those two words at one position and whose
   outputs have the same length; the kinds are the connected components (of at
   least two words) of that graph.

Swaps are sampled from the test inputs with a fixed seed, independently of the
learner, so that every learner faces the same swaps (:func:`sample_swaps`).

A swap **held** when both answers exist, the original carries an attribution,
both answers have the same length, and the set of positions where they differ
equals the set of positions whose attribution contains ``j``. Swaps where the
learner abstains or gives no attribution are *not assessable*; fidelity is
``held / assessable``.

>>> from sandbox.data import Example
>>> train = [Example.of(w, w.upper()) for w in ("a", "b")] + [Example.of("a twice", "A A")]
>>> word_kinds(train)
{'a': 'primitive', 'b': 'primitive'}
>>> swap_held(("A", "A"), ("B", "B"), ((0,), (0,)), 0)
True
>>> swap_held(("A", "A"), ("B", "A"), ((0,), (0,)), 0)
False
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.data import Example, Tokens
from sandbox.protocol import Prediction


def word_kinds(train: Sequence[Example]) -> dict[str, str]:
    """Map each word that has a kind to its kind's name (see the module docstring)."""
    primitives = sorted({ex.source[0] for ex in train if len(ex.source) == 1 and len(ex.target) == 1})
    if len(primitives) >= 2:
        return dict.fromkeys(primitives, "primitive")
    return _minimal_pair_kinds(train)


def _minimal_pair_kinds(train: Sequence[Example]) -> dict[str, str]:
    # Inputs that differ in one position only share a "hole" key: the input with
    # that position blanked. Every pair of fillers under one key (with outputs
    # of equal length) is a minimal pair.
    fillers: dict[tuple[tuple[str, ...], int], set[str]] = defaultdict(set)
    seen: set[tuple[Tokens, int]] = set()
    for ex in train:
        if (ex.source, len(ex.target)) in seen:
            continue
        seen.add((ex.source, len(ex.target)))
        for i, word in enumerate(ex.source):
            hole = (*ex.source[:i], "\x00", *ex.source[i + 1 :])
            fillers[(hole, len(ex.target))].add(word)
    parent: dict[str, str] = {}

    def find(w: str) -> str:
        while parent.setdefault(w, w) != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    for words in fillers.values():
        ordered = sorted(words)
        for other in ordered[1:]:
            parent[find(other)] = find(ordered[0])
    groups: dict[str, list[str]] = defaultdict(list)
    for w in parent:
        groups[find(w)].append(w)
    kinds: dict[str, str] = {}
    for members in sorted((sorted(g) for g in groups.values() if len(g) >= 2), key=lambda g: g[0]):
        for w in members:
            kinds[w] = f"class:{members[0]}"
    return kinds


@dataclass(frozen=True)
class Swap:
    """Replace the word at ``position`` of test input ``source`` by ``replacement``."""

    source: Tokens
    position: int
    replacement: str

    @property
    def swapped(self) -> Tokens:
        return (*self.source[: self.position], self.replacement, *self.source[self.position + 1 :])


def sample_swaps(test_sources: Sequence[Tokens], kinds: dict[str, str], n: int, seed: int) -> list[Swap]:
    """Up to ``n`` swaps drawn with ``seed``: a test input, one of its kind words, another word of that kind.

    Distinct inputs are drawn without replacement, in the order of a seeded
    permutation; within an input the position and the replacement are drawn
    from the same generator.

    >>> kinds = {"a": "primitive", "b": "primitive"}
    >>> sample_swaps([("a", "twice"), ("c",)], kinds, 5, seed=0)
    [Swap(source=('a', 'twice'), position=0, replacement='b')]
    """
    members: dict[str, list[str]] = defaultdict(list)
    for word, kind in sorted(kinds.items()):
        members[kind].append(word)
    distinct = list(dict.fromkeys(tuple(s) for s in test_sources))
    rng = np.random.default_rng(seed)
    swaps: list[Swap] = []
    for index in rng.permutation(len(distinct)):
        source = distinct[int(index)]
        positions = [i for i, w in enumerate(source) if w in kinds and len(members[kinds[w]]) >= 2]
        if not positions:
            continue
        position = positions[int(rng.integers(len(positions)))]
        others = [w for w in members[kinds[source[position]]] if w != source[position]]
        swaps.append(Swap(source, position, others[int(rng.integers(len(others)))]))
        if len(swaps) >= n:
            break
    return swaps


def swap_held(original: Tokens, swapped: Tokens, attribution: Sequence[Sequence[int]], position: int) -> bool:
    """Whether the answer changed exactly at the output positions attributed to input ``position``."""
    if len(original) != len(swapped) or len(attribution) != len(original):
        return False
    changed = {i for i, (a, b) in enumerate(zip(original, swapped, strict=True)) if a != b}
    attributed = {i for i, sources in enumerate(attribution) if position in sources}
    return changed == attributed


def attribution_fidelity(
    predict: Callable[[Sequence[Tokens]], list[Prediction]],
    originals: dict[Tokens, Prediction],
    swaps: Sequence[Swap],
    *,
    n_examples: int = 3,
) -> dict[str, Any]:
    """Run ``swaps`` through ``predict`` and score them against the attributions in ``originals``.

    ``originals`` maps each swap's source to the learner's prediction for it
    (normally taken from the test predictions already made). Returns counts,
    the fidelity (``None`` when no swap was assessable) and a few examples.
    """
    answers = predict([s.swapped for s in swaps]) if swaps else []
    held = assessable = no_attribution = abstained = 0
    examples: list[dict[str, Any]] = []
    for swap, after in zip(swaps, answers, strict=True):
        before = originals[swap.source]
        if before.tokens is None or after.tokens is None:
            abstained += 1
            continue
        if before.attribution is None:
            no_attribution += 1
            continue
        assessable += 1
        ok = swap_held(before.tokens, after.tokens, before.attribution, swap.position)
        held += ok
        if len(examples) < n_examples:
            examples.append({
                "input": " ".join(swap.source),
                "position": swap.position,
                "replacement": swap.replacement,
                "before": " ".join(before.tokens),
                "after": " ".join(after.tokens),
                "attributed": [i for i, src in enumerate(before.attribution) if swap.position in src],
                "held": ok,
            })
    return {
        "n_swaps": len(swaps),
        "n_assessable": assessable,
        "n_held": held,
        "n_abstained": abstained,
        "n_without_attribution": no_attribution,
        "fidelity": round(held / assessable, 6) if assessable else None,
        "examples": examples,
    }
