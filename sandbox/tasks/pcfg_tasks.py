"""The PCFG SET tests of Hupkes et al. 2020, each split from one generated corpus.

- ``pcfg/iid``: a seeded 90/10 random split (the paper's task accuracy).
- ``pcfg/systematicity``: no training input contains the function pairs
  ``swap_first_last repeat``, ``append remove_second``, ``repeat remove_second``
  or ``append swap_first_last`` (one function applied directly to the other,
  adjacent in the prefix notation); every test input contains one.
- ``pcfg/productivity``: train on inputs with at most 8 functions, test on
  inputs with 9 or more.
- ``pcfg/substitutivity``: ``swap_first_last``, ``repeat``, ``append`` and
  ``remove_second`` each get a synonym ``<f>_twin``, used in place of ``f`` in
  half of its training occurrences ("equally distributed"); each test input
  comes twice, as is (category ``original``) and with one of those functions
  replaced by its synonym (``twin``), sharing the metadata ``pair``.
- ``pcfg/substitutivity_primitive``: the same, but the synonyms occur in
  training only in primitive contexts (applied to plain strings, alone), and
  the test inputs have at least two functions.
- ``pcfg/localism``: the random split's test inputs with at least two
  functions; the localism score compares a learner's output for an input
  with its output for the unrolled evaluation
  (:func:`sandbox.tasks.pcfg.localism_consistent`), not with the gold.

Options: ``size=small|paper`` (10,000 or 100,000 generated expressions) and
``seed`` (the generator's seed, default 0).

>>> from sandbox.tasks.registry import load_task
>>> t = load_task("pcfg/productivity")
>>> max(int(ex.get("functions")) for ex in t.train), min(int(ex.get("functions")) for ex in t.test)
(8, 9)
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.errors import UsageError
from sandbox.tasks.pcfg import (
    ALPHABET,
    BINARY,
    CITATION,
    SIZES,
    TWIN_SUFFIX,
    VERSION,
    count_functions,
    interpret,
    pool,
)
from sandbox.tasks.registry import TaskContext, register_task

HELD_OUT_PAIRS = (("swap_first_last", "repeat"), ("append", "remove_second"),
                  ("repeat", "remove_second"), ("append", "swap_first_last"))
PRODUCTIVITY_CUTOFF = 8
TWINNED = ("swap_first_last", "repeat", "append", "remove_second")
TEST_FRACTION = 0.1
MIN_PRIMITIVE_TWINS = 50

Pair = tuple[Tokens, Tokens]


def _options(ctx: TaskContext) -> tuple[str, int]:
    size = ctx.option("size", "small")
    if size not in SIZES:
        raise UsageError(f"option size={size!r}: choose one of {', '.join(SIZES)}")
    return size, ctx.int_option("seed", 0)


def _example(src: Tokens, tgt: Tokens, id: str, **meta: str) -> Example:
    return Example.of(src, tgt, id=id, category=meta.pop("category", ""),
                      meta={"functions": str(count_functions(src)), **meta})


def _examples(pairs: Sequence[Pair], prefix: str) -> tuple[Example, ...]:
    return tuple(_example(s, t, f"{prefix}-{i}") for i, (s, t) in enumerate(pairs))


def has_pair(source: Sequence[str], pairs: Sequence[tuple[str, str]] = HELD_OUT_PAIRS) -> bool:
    """Whether ``source`` applies a function directly to another, for one of ``pairs``.

    >>> has_pair("reverse repeat remove_second A1 B1 , C1 D1".split())
    True
    >>> has_pair("repeat reverse remove_second A1 B1 , C1 D1".split())
    False
    """
    bigrams = set(itertools.pairwise(source))
    return any(p in bigrams for p in pairs)


def random_split(pairs: Sequence[Pair], seed: int) -> tuple[list[Pair], list[Pair]]:
    shuffled = list(pairs)
    random.Random(seed).shuffle(shuffled)
    cut = round(len(shuffled) * (1 - TEST_FRACTION))
    return shuffled[:cut], shuffled[cut:]


def _task(name: str, kind: Generalization, description: str, train: tuple[Example, ...],
          test: tuple[Example, ...], size: str, seed: int) -> Task:
    return Task(name, VERSION, train, test, kind, f"{description} (size={size}, seed={seed})", CITATION)


Builder = Callable[[str, int], Task]


def _register(name: str, kind: Generalization, summary: str) -> Callable[[Builder], Builder]:
    """Register a builder of (size, seed) under ``name``, reading both from the task options."""

    def decorate(build: Builder) -> Builder:
        register_task(name, kind, summary)(lambda ctx: build(*_options(ctx)))
        return build

    return decorate


@_register("pcfg/iid", Generalization.IID, "random 90/10 split")
def _iid(size: str, seed: int) -> Task:
    train, test = random_split(pool(size, seed), seed)
    return _task("pcfg/iid", Generalization.IID, "seeded random 90/10 split of the generated corpus",
                 _examples(train, "train"), _examples(test, "test"), size, seed)


@_register("pcfg/systematicity", Generalization.SYSTEMATICITY, "four function pairs held out")
def _systematicity(size: str, seed: int) -> Task:
    pairs = pool(size, seed)
    train = [p for p in pairs if not has_pair(p[0])]
    test = [p for p in pairs if has_pair(p[0])]
    shown = ", ".join(" ".join(p) for p in HELD_OUT_PAIRS)
    return _task("pcfg/systematicity", Generalization.SYSTEMATICITY,
                 f"no training input applies one function directly to the other in: {shown}",
                 _examples(train, "train"), _examples(test, "test"), size, seed)


@_register("pcfg/productivity", Generalization.PRODUCTIVITY, "train <= 8 functions, test more")
def _productivity(size: str, seed: int) -> Task:
    pairs = pool(size, seed)
    train = [p for p in pairs if count_functions(p[0]) <= PRODUCTIVITY_CUTOFF]
    test = [p for p in pairs if count_functions(p[0]) > PRODUCTIVITY_CUTOFF]
    return _task("pcfg/productivity", Generalization.PRODUCTIVITY,
                 f"train on inputs with at most {PRODUCTIVITY_CUTOFF} functions, test on more",
                 _examples(train, "train"), _examples(test, "test"), size, seed)


def twin_one(source: Tokens, rng: random.Random) -> tuple[Tokens, str] | None:
    """``source`` with one occurrence of a twinned function replaced by its synonym."""
    places = [i for i, w in enumerate(source) if w in TWINNED]
    if not places:
        return None
    i = rng.choice(places)
    return (*source[:i], source[i] + TWIN_SUFFIX, *source[i + 1 :]), source[i]


def _twin_test(test: Sequence[Pair], rng: random.Random, min_functions: int) -> tuple[Example, ...]:
    out: list[Example] = []
    for src, tgt in test:
        if count_functions(src) < min_functions:
            continue
        twinned = twin_one(src, rng)
        if twinned is None:
            continue
        twin, fn = twinned
        pair = f"pair-{len(out) // 2}"
        out.append(_example(src, tgt, f"test-{len(out)}", category="original", pair=pair, function=fn))
        out.append(_example(twin, tgt, f"test-{len(out)}", category="twin", pair=pair, function=fn))
    return tuple(out)


def _primitive_twins(train: Sequence[Pair], rng: random.Random) -> list[Pair]:
    """Each synonym applied to plain strings, as often as its function appears alone in training."""
    out: list[Pair] = []
    for fn in TWINNED:
        alone = sum(1 for s, _ in train if count_functions(s) == 1 and s[0] == fn)
        for _ in range(max(alone, MIN_PRIMITIVE_TWINS)):
            args = [tuple(rng.choice(ALPHABET) for _ in range(rng.randint(2, 5)))
                    for _ in range(2 if fn in BINARY else 1)]
            src: Tokens = (fn + TWIN_SUFFIX, *args[0], *((",", *args[1]) if len(args) == 2 else ()))
            out.append((src, interpret(src)))
    return out


@_register("pcfg/substitutivity", Generalization.SUBSTITUTIVITY, "synonyms, equally distributed")
def _substitutivity(size: str, seed: int) -> Task:
    rng = random.Random(f"substitutivity-{seed}")
    train_pairs, test_pairs = random_split(pool(size, seed), seed)
    train = [(tuple(w + TWIN_SUFFIX if w in TWINNED and rng.random() < 0.5 else w for w in s), t)
             for s, t in train_pairs]
    return _task("pcfg/substitutivity", Generalization.SUBSTITUTIVITY,
                 f"{', '.join(TWINNED)} each have a synonym (<f>{TWIN_SUFFIX}) in half their training uses; "
                 "each test input appears as is (original) and with one synonym (twin)",
                 _examples(train, "train"), _twin_test(test_pairs, rng, 1), size, seed)


@_register("pcfg/substitutivity_primitive", Generalization.SUBSTITUTIVITY, "synonyms seen only alone")
def _substitutivity_primitive(size: str, seed: int) -> Task:
    rng = random.Random(f"substitutivity-primitive-{seed}")
    train_pairs, test_pairs = random_split(pool(size, seed), seed)
    train = train_pairs + _primitive_twins(train_pairs, rng)
    return _task("pcfg/substitutivity_primitive", Generalization.SUBSTITUTIVITY,
                 f"the synonyms <f>{TWIN_SUFFIX} of {', '.join(TWINNED)} appear in training only applied "
                 "to plain strings; test inputs (2+ functions) as is and with one synonym",
                 _examples(train, "train"), _twin_test(test_pairs, rng, 2), size, seed)


@_register("pcfg/localism", Generalization.LOCALISM, "unrolled vs whole evaluation")
def _localism(size: str, seed: int) -> Task:
    train, test = random_split(pool(size, seed), seed)
    test = [p for p in test if count_functions(p[0]) >= 2]
    return _task("pcfg/localism", Generalization.LOCALISM,
                 "random split; test inputs with 2+ functions, scored by comparing a learner's output "
                 "with its output for the unrolled, innermost-first evaluation (pcfg.localism_consistent)",
                 _examples(train, "train"), _examples(test, "test"), size, seed)
