"""Arithmetic in words with sympy semantics: a generator of our own, in the spirit of the
math-word-to-expression tasks of Saxton, Grefenstette, Hill & Kohli 2019 ("Analysing
mathematical reasoning abilities of neural models", ICLR) and of the extrapolation tests of
Trask et al. 2018 ("Neural arithmetic logic units", NeurIPS).

An input is a phrase such as ``x plus three times the sum of y and forty
seven``; its gold is a polynomial, written as prefix tokens (grammar and
target format in :mod:`sandbox.tasks.arith_parse`). An answer is correct when
it is symbolically equivalent to the gold (sympy), so ``* 2 x`` answers
``x plus x``.

- ``arith/iid``: nesting depth 0 to 2, numbers up to 99, a random split.
- ``arith/depth``: train on nesting depth 0 or 1 (``the ... of`` phrases
  inside each other), test on depth 2 and 3.
- ``arith/number_words``: ``seven``, ``thirteen`` and ``sixty`` appear in
  training only alone (the whole input is the number); every test input uses
  one of them inside a larger phrase.
- ``arith/extrapolation``: training numbers lie in 0 ... 199; every test input
  holds a number from 200 to 999, beyond the training range (all of its words
  are seen in training).

>>> from sandbox.tasks.registry import load_task
>>> t = load_task("arith/iid")
>>> t.is_correct(t.test[0], t.test[0].target)
True
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.tasks.arith_parse import (
    TEENS,
    TENS,
    UNITS,
    VARIABLES,
    ArithError,
    equivalent,
    nesting,
    numbers_in,
    parse_words,
    target_to_sympy,
    to_sympy,
    words_to_target,
)
from sandbox.tasks.registry import TaskContext, register_task

VERSION = "1.0"
CITATION = ("generator of our own, after Saxton et al. 2019, Analysing mathematical reasoning abilities "
            "of neural models (ICLR) and Trask et al. 2018, Neural arithmetic logic units (NeurIPS)")
TRAIN_SIZE, TEST_SIZE = 4000, 1000
HELD_OUT_WORDS = ("seven", "thirteen", "sixty")
DEFAULT_SEED = 0

_UNIT_WORDS = {v: w for w, v in UNITS.items()}
_SMALL_WORDS = {**_UNIT_WORDS, **{v: w for w, v in TEENS.items()}}
_TENS_WORDS = {v: w for w, v in TENS.items()}


def number_words(n: int) -> Tokens:
    """The words of ``0 <= n <= 999``.

    >>> " ".join(number_words(347)), " ".join(number_words(60)), " ".join(number_words(0))
    ('three hundred forty seven', 'sixty', 'zero')
    """
    if not 0 <= n <= 999:
        raise ValueError(f"{n} is outside 0 ... 999")
    if n == 0:
        return ("zero",)
    words: list[str] = []
    if n >= 100:
        words += [_UNIT_WORDS[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS_WORDS[n - n % 10])
        n %= 10
    if n:
        words.append(_SMALL_WORDS[n])
    return tuple(words)


Numbers = Callable[[random.Random], int]


def _factor(rng: random.Random, depth: int, numbers: Numbers) -> list[str]:
    """A factor whose ``the ... of`` phrases nest exactly ``depth`` deep."""
    if depth == 0:
        if rng.random() < 0.5:
            return [rng.choice(VARIABLES)]
        return list(number_words(numbers(rng)))
    deep = _factor(rng, depth - 1, numbers)
    if rng.random() < 0.2:
        return ["the", "square", "of", *deep]
    other = _factor(rng, rng.randint(0, depth - 1), numbers)
    left, right = (deep, other) if rng.random() < 0.5 else (other, deep)
    op = rng.choice(("sum", "difference", "product"))
    return ["the", op, "of", *left, "and", *right]


def random_phrase(rng: random.Random, depth: int, numbers: Numbers) -> Tokens:
    """An infix chain of one to three terms of one or two factors; one factor nests ``depth`` deep."""
    n_terms = rng.randint(1, 3)
    factors = [[rng.randint(0, min(depth, 1)) for _ in range(rng.randint(1, 2))] for _ in range(n_terms)]
    t = rng.randrange(n_terms)
    factors[t][rng.randrange(len(factors[t]))] = depth
    words: list[str] = []
    for i, term in enumerate(factors):
        if i:
            words.append(rng.choice(("plus", "minus")))
        for j, d in enumerate(term):
            if j:
                words.append("times")
            words += _factor(rng, d, numbers)
    return tuple(words)


def _example(words: Tokens, id: str, **meta: str) -> Example:
    return Example(words, words_to_target(words), id=id,
                   meta=tuple(sorted({"depth": str(nesting(words)), **meta}.items())))


def judge(example: Example, prediction: Tokens) -> bool:
    """Correct when the prediction is a well-formed target equivalent to the gold (sympy)."""
    try:
        answer = target_to_sympy(prediction)
    except ArithError:
        return False
    return equivalent(to_sympy(example.target), answer)


def _sample(rng: random.Random, n: int, make: Callable[[random.Random], Tokens | None],
            seen: set[Tokens]) -> list[Tokens]:
    out: list[Tokens] = []
    attempts = 0
    while len(out) < n:
        attempts += 1
        if attempts > 100 * n:
            raise RuntimeError(f"could only draw {len(out)} of {n} distinct phrases")
        words = make(rng)
        if words is not None and words not in seen:
            seen.add(words)
            out.append(words)
    return out


def _task(name: str, kind: Generalization, description: str, train: Sequence[Tokens],
          test: Sequence[Tokens], extra_train: Sequence[Tokens] = ()) -> Task:
    return Task(name, VERSION,
                tuple(_example(w, f"train-{i}") for i, w in enumerate([*extra_train, *train])),
                tuple(_example(w, f"test-{i}") for i, w in enumerate(test)),
                kind, description, CITATION, judge=judge)


def _seed(ctx: TaskContext) -> int:
    return ctx.int_option("seed", DEFAULT_SEED)


def _up_to(limit: int) -> Numbers:
    # Small numbers are the common case, as in text; larger ones fill the range.
    return lambda rng: rng.randint(0, 20) if rng.random() < 0.5 else rng.randint(0, limit)


@register_task("arith/iid", Generalization.IID, "random split, depth <= 2, numbers <= 99")
def _iid(ctx: TaskContext) -> Task:
    rng = random.Random(f"arith-iid-{_seed(ctx)}")
    phrases = _sample(rng, TRAIN_SIZE + TEST_SIZE, lambda r: random_phrase(r, r.randint(0, 2), _up_to(99)), set())
    return _task("arith/iid", Generalization.IID, "random split; nesting depth 0-2, numbers 0-99",
                 phrases[:TRAIN_SIZE], phrases[TRAIN_SIZE:])


@register_task("arith/depth", Generalization.PRODUCTIVITY, "train depth <= 1, test depth 2-3")
def _depth(ctx: TaskContext) -> Task:
    rng = random.Random(f"arith-depth-{_seed(ctx)}")
    seen: set[Tokens] = set()
    train = _sample(rng, TRAIN_SIZE, lambda r: random_phrase(r, r.randint(0, 1), _up_to(99)), seen)
    test = _sample(rng, TEST_SIZE, lambda r: random_phrase(r, r.randint(2, 3), _up_to(99)), seen)
    return _task("arith/depth", Generalization.PRODUCTIVITY,
                 "train on nesting depth 0-1, test on deeper nesting (2-3)", train, test)


def _uses(words: Sequence[str], held: Sequence[str]) -> bool:
    return any(w in held for w in words)


@register_task("arith/number_words", Generalization.PRIMITIVE, "seven, thirteen, sixty only alone in training")
def _number_words(ctx: TaskContext) -> Task:
    rng = random.Random(f"arith-words-{_seed(ctx)}")
    seen: set[Tokens] = {(w,) for w in HELD_OUT_WORDS}

    def free(r: random.Random) -> Tokens | None:
        words = random_phrase(r, r.randint(0, 2), _up_to(99))
        return None if _uses(words, HELD_OUT_WORDS) else words

    def held(r: random.Random) -> Tokens | None:
        words = random_phrase(r, r.randint(0, 2), _up_to(99))
        return words if _uses(words, HELD_OUT_WORDS) and len(words) > 1 else None

    train = _sample(rng, TRAIN_SIZE, free, seen)
    test = _sample(rng, TEST_SIZE, held, seen)
    return _task("arith/number_words", Generalization.PRIMITIVE,
                 f"{', '.join(HELD_OUT_WORDS)} appear in training only alone; every test input composes one",
                 train, test, extra_train=[(w,) for w in HELD_OUT_WORDS])


@register_task("arith/extrapolation", Generalization.EXTRAPOLATION, "train numbers <= 199, test 200-999")
def _extrapolation(ctx: TaskContext) -> Task:
    rng = random.Random(f"arith-extrapolation-{_seed(ctx)}")
    seen: set[Tokens] = set()
    train = _sample(rng, TRAIN_SIZE, lambda r: random_phrase(r, r.randint(0, 2), _up_to(199)), seen)

    def beyond(r: random.Random) -> Tokens | None:
        # Every number may lie beyond the range; keep the phrases that hold one that does.
        words = random_phrase(r, r.randint(0, 2), lambda q: q.randint(200, 999) if q.random() < 0.5
                              else _up_to(199)(q))
        return words if max(numbers_in(words), default=0) >= 200 else None

    test = _sample(rng, TEST_SIZE, beyond, seen)
    return _task("arith/extrapolation", Generalization.EXTRAPOLATION,
                 "training numbers 0-199; every test input holds a number from 200 to 999", train, test)


def check_phrase(words: Sequence[str]) -> None:
    """Raise :class:`ArithError` (naming the position) unless ``words`` is a phrase of the language."""
    parse_words(words)
