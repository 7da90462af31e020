"""Hostile training sets: data built to make a learner's work grow, each seeded and sized by the caller.

Each function returns training examples (invented words, never a task's)
that stress one way a learner's work can blow up: the same word at many
lengths, examples ambiguous in every bracketing, very long inputs, a huge
vocabulary seen once each, outputs unrelated to inputs, and inputs repeated
with conflicting outputs. ``tests/symbolic/test_hostile.py`` fits the
symbolic learner on small ones under a small budget;
``benchmarks/hostile_bench.py`` on large ones under the default budget.

>>> [" ".join(ex.source) for ex in same_word(3)]
['a', 'a a', 'a a a']
>>> [" ".join(ex.target) for ex in ambiguous(2, 5, seed=0)][:2]
['P0', 'P1']
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sandbox.data import Example

Hostile = Callable[..., list[Example]]


def same_word(max_length: int) -> list[Example]:
    """``a ... a -> x ... x`` at every length from 1 to ``max_length``."""
    return [Example.of(("a",) * n, ("x",) * n, id=f"same{n}") for n in range(1, max_length + 1)]


def ambiguous(n_primitives: int, n_examples: int, seed: int, max_operands: int = 5) -> list[Example]:
    """Primitives joined by one associative connective: every bracketing gives the output.

    The primitives are first seen alone; then ``n_examples`` random
    sequences of 2 to ``max_operands`` of them, joined by ``and``.
    """
    rng = random.Random(seed)
    out = [Example.of(f"p{i}", f"P{i}", id=f"prim{i}") for i in range(n_primitives)]
    for k in range(n_examples):
        picks = [rng.randrange(n_primitives) for _ in range(rng.randint(2, max_operands))]
        out.append(Example.of(" and ".join(f"p{i}" for i in picks), " ".join(f"P{i}" for i in picks),
                              id=f"amb{k}"))
    return out


def long_inputs(n_examples: int, length: int, seed: int, vocabulary: int = 12) -> list[Example]:
    """Inputs of ``length`` random words, each word translated to its own token in order."""
    rng = random.Random(seed)
    out = [Example.of(f"w{i}", f"W{i}", id=f"word{i}") for i in range(vocabulary)]
    for k in range(n_examples):
        words = [rng.randrange(vocabulary) for _ in range(length)]
        out.append(Example.of([f"w{i}" for i in words], [f"W{i}" for i in words], id=f"long{k}"))
    return out


def distinct_words(n_words: int) -> list[Example]:
    """``n_words`` words, each seen once, two to an input, each bringing its own token."""
    return [Example.of((f"u{i}", f"u{i + 1}"), (f"U{i}", f"U{i + 1}"), id=f"pair{i // 2}")
            for i in range(0, n_words - 1, 2)]


def unrelated(n_examples: int, seed: int, vocabulary: int = 20, max_length: int = 8) -> list[Example]:
    """Random inputs with random outputs: nothing to learn but the pairs."""
    rng = random.Random(seed)
    out = []
    for k in range(n_examples):
        src = [f"r{rng.randrange(vocabulary)}" for _ in range(rng.randint(1, max_length))]
        tgt = [f"R{rng.randrange(vocabulary)}" for _ in range(rng.randint(1, max_length))]
        out.append(Example.of(src, tgt, id=f"rand{k}"))
    return out


def conflicting(n_inputs: int, seed: int, outputs_each: int = 3) -> list[Example]:
    """Each of ``n_inputs`` inputs (of a consistent little language) given with several outputs."""
    rng = random.Random(seed)
    out = []
    for k in range(n_inputs):
        a, b = rng.randrange(10), rng.randrange(10)
        for j in range(outputs_each):
            tgt = [f"C{a}", f"C{b}"] if j == 0 else [f"C{rng.randrange(10)}" for _ in range(rng.randint(1, 3))]
            out.append(Example.of((f"c{a}", "then", f"c{b}"), tgt, id=f"conf{k}.{j}"))
    return out
