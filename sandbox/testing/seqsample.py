"""Seeded constructors of sequence-language phrases: the coverage set and the test items of a split.

:func:`sandbox.testing.seqtasks.make_sequence_task` builds its tasks from
these: one constructor per rule the training set must show
(:func:`coverage_phrases`), one for the test items of a split
(:func:`probe_maker`), each a few draws of a seeded :class:`Sampler`, retried a
counted number of times (:data:`ATTEMPTS`) until the phrase is allowed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.testing.seqlang import Call, Expr, Phrase, Run, SequenceLanguage, is_root

if TYPE_CHECKING:
    from sandbox.testing.seqtasks import SequenceSplit

ATTEMPTS = 60  # draws per wanted phrase before a constructor gives up (a counted budget)


class Sampler:
    """Seeded random phrases of one language (each draw a counted step, never a clock)."""

    def __init__(self, lang: SequenceLanguage, rng: random.Random, split: SequenceSplit) -> None:
        self.lang, self.rng, self.split = lang, rng, split
        self.letters = [w for w, _ in lang.letters]

    def run(self, lo: int = 1, hi: int = 0, must: str = "", avoid: str = "") -> Run:
        n = self.rng.randint(lo, hi or self.split.train_run)
        for _ in range(ATTEMPTS):
            pool = [w for w in self.letters if w != avoid] or self.letters
            words = [self.rng.choice(pool) for _ in range(n)]
            if must:
                words[self.rng.randrange(n)] = must
            if not self.lang.inverse or is_root(words):
                return Run(tuple(words))
        # A run where its first letter stands once is never a repetition of a shorter one.
        first = must or self.letters[0]
        other = next(w for w in self.letters if w != first)
        return Run((first, *[other] * (n - 1)))

    def expr(self, depth: int) -> Expr:
        """A random expression of at most ``depth`` nested calls."""
        if depth == 0 or not self.lang.functions or self.rng.random() < 0.35:
            return self.run()
        f = self.rng.randrange(len(self.lang.functions))
        return Call(f, tuple(self.expr(depth - 1) for _ in range(self.lang.functions[f].arity)))

    def call(self, f: int, slot: int, arg: Expr, depth: int = 0) -> Call:
        """A call of ``f`` with ``arg`` in ``slot`` and random expressions (``depth``) elsewhere."""
        args = [arg if i == slot else self.expr(depth) for i in range(self.lang.functions[f].arity)]
        return Call(f, tuple(args))

    def planted(self, make: Callable[[int], Expr], depth: int) -> Expr:
        """An expression of at most ``depth`` calls with ``make(d)`` inside, ``d`` the depth left for it."""
        if depth <= 0 or not self.lang.functions or self.rng.random() < 0.5:
            return make(depth)
        f = self.rng.randrange(len(self.lang.functions))
        return self.call(f, self.rng.randrange(self.lang.functions[f].arity), self.planted(make, depth - 1),
                         self.rng.randint(0, depth - 1))

    def phrase(self, e: Expr, repeat: bool | None = None) -> Phrase:
        reps = len(self.lang.repeaters)
        if not reps or repeat is False or (repeat is None and self.rng.random() < 0.6):
            return Phrase(e)
        return Phrase(e, self.rng.randrange(reps))


def _index(lang: SequenceLanguage, word: str) -> int:
    return [f.word for f in lang.functions].index(word)


def _shown(s: Sampler, head: str, slot: int, j: int) -> tuple[int, int, str, str]:
    """The ``j``-th run shown in a slot: length ``j mod train_run + 1``, holding the ``j``-th letter
    unless the split holds that letter out of the slot (then any other letter)."""
    n = j % s.split.train_run + 1
    x = s.letters[j % len(s.letters)]
    held = s.split.held(("in", head, slot, x)) or s.split.held(("repeats", head, x))
    return (n, n, "", x) if held else (n, n, x, "")


def coverage_phrases(lang: SequenceLanguage, s: Sampler) -> list[Callable[[], Phrase]]:
    """One constructor per rule the training set must show (module docstring)."""
    split, letters = s.split, s.letters
    out: list[Callable[[], Phrase]] = []

    def add(make: Callable[..., Phrase], *args: Any) -> None:
        out.append(lambda: make(*args))

    for x in letters:
        add(lambda x: Phrase(Run((x,))), x)
    for n in range(2, split.train_run + 1):
        add(lambda n: Phrase(s.run(n, n)), n)
    shown_runs = range(max(len(letters), split.train_run))
    for r in range(len(lang.repeaters)):
        if lang.inverse:
            for j in shown_runs:
                add(lambda r, j: Phrase(s.run(*_shown(s, lang.repeaters[r].word, 0, j)), r), r, j)
            continue
        add(lambda r: Phrase(s.run(), r), r)
        for f in range(len(lang.functions)):
            add(lambda r, f: Phrase(s.call(f, 0, s.run()), r), r, f)
    for f, fn in enumerate(lang.functions):
        for slot in range(fn.arity):
            for j in shown_runs:
                add(lambda f, slot, j: Phrase(s.call(f, slot, s.run(*_shown(s, lang.functions[f].word, slot, j)))),
                    f, slot, j)
            if split.train_depth >= 2:
                for g in range(len(lang.functions)):
                    add(lambda f, slot, g: Phrase(s.call(f, slot, s.call(g, 0, s.run()))), f, slot, g)
    return out


def first_allowed(make: Callable[[], Phrase], ok: Callable[[Phrase], bool]) -> Phrase | None:
    """The first of at most :data:`ATTEMPTS` phrases from ``make`` that ``ok`` allows."""
    for _ in range(ATTEMPTS):
        p = make()
        if ok(p):
            return p
    return None


def probe_maker(lang: SequenceLanguage, s: Sampler) -> Callable[[], Phrase]:
    """A constructor of the split's test phrases: what it holds out, or (``iid``) any phrase."""
    split = s.split
    if split.kind == "productivity" and split.variant == "depth":
        def deep(d: int) -> Expr:
            if d == 0:
                return s.run()
            f = s.rng.randrange(len(lang.functions))
            return s.call(f, s.rng.randrange(lang.functions[f].arity), deep(d - 1), s.rng.randint(0, d - 1))
        return lambda: s.phrase(deep(split.train_depth + 1))
    if split.kind == "productivity":
        def long_run(_: int) -> Expr:
            return s.run(split.train_run + 1, split.train_run + 2)
        return lambda: s.phrase(s.planted(long_run, split.train_depth))
    if split.kind == "systematicity" and lang.inverse:
        rep = [r.word for r in lang.repeaters].index(split.function)
        return lambda: Phrase(s.run(must=split.letter), rep)
    if split.kind == "systematicity":
        f = _index(lang, split.function)
        arity = lang.functions[f].arity

        def held(d: int) -> Expr:
            if split.variant == "nesting":
                g = _index(lang, split.inner)
                return s.call(f, s.rng.randrange(arity), s.call(g, 0, s.run(), max(0, d - 2)), max(0, d - 1))
            return s.call(f, s.rng.randrange(arity), s.run(must=split.letter), max(0, d - 1))
        need = 2 if split.variant == "nesting" else 1
        return lambda: s.phrase(s.planted(lambda d: held(max(d, need)), split.train_depth - need))
    return lambda: s.phrase(s.expr(split.train_depth))
