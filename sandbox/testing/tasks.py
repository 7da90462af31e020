"""Tasks from random grammars, and splits over them, as hypothesis strategies.

A split says which derivations are kept out of training:

- ``iid``: nothing; the test set is the rest of the pool;
- ``primitive``: one primitive is seen only alone in training and composed at
  test (SCAN's add-jump);
- ``template``: one primitive never fills one slot of one operator in training
  (SCAN's "around right"); the test set is every phrase where it does;
- ``length``: training has at most two operator applications per input, the
  test set has three (longer compositions than any seen).

Whatever the split, the training set always shows every rule: every primitive
alone, every primitive in every operator slot (but the held-out ones), and
every operator inside every slot that can take it (so that precedence is
visible), each with the other slots filled by different primitives where it
can (so that no alignment is ambiguous). :func:`coverage_problems` states
that promise and the tests check it. On top of that coverage set sit
``extra`` more training examples drawn with a seeded generator, so a failing
case shrinks to the smallest training set that still fails.

>>> from sandbox.testing.grammars import example_grammar
>>> case = make_task(example_grammar(), Split("primitive", word="zup"))
>>> [ex.line() for ex in case.task.train if "zup" in ex.source]
['IN: zup OUT: ZUP']
>>> case.task.test[0].line()
'IN: zup wug OUT: ZUP ZUP'
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import assume
from hypothesis import strategies as st

from sandbox.data import Example, Generalization, Task
from sandbox.grammar import Grammar
from sandbox.testing.grammars import describe, grammars, operators, primitives
from sandbox.testing.trees import Tree, n_refs, sort_key, trees

SPLITS = ("iid", "primitive", "template", "length")
T = TypeVar("T")
GENERALIZATION = {
    "iid": Generalization.IID,
    "primitive": Generalization.PRIMITIVE,
    "template": Generalization.TEMPLATE,
    "length": Generalization.PRODUCTIVITY,
}


class SplitError(ValueError):
    """A split cannot be made on a grammar with the promised coverage."""


class NoTestItems(SplitError):
    """Every phrase of the grammar went into training (a tiny grammar under an ``iid`` split)."""


@dataclass(frozen=True)
class Split:
    """Which derivations a task holds out of training (see the module docstring).

    ``word`` is the held-out primitive (``primitive``, ``template``);
    ``operator`` (an index into :func:`~sandbox.testing.grammars.operators`) and
    ``slot`` name the held-out slot of a ``template`` split.
    """

    kind: str
    word: str = ""
    operator: int = -1
    slot: int = -1
    train_max_ops: int = 2

    def __post_init__(self) -> None:
        if self.kind not in SPLITS:
            raise ValueError(f"unknown split {self.kind!r} (known: {', '.join(SPLITS)})")

    def describe(self, grammar: Grammar) -> str:
        if self.kind == "primitive":
            return f"primitive split: {self.word!r} is seen only alone in training"
        if self.kind == "template":
            op = operators(grammar)[self.operator]
            return f"template split: {self.word!r} never fills slot [{self.slot}] of `{op}` in training"
        if self.kind == "length":
            return (f"length split: at most {self.train_max_ops} operator applications per training input, "
                    f"more at test")
        return "iid split: test items drawn from the same pool as training"

    def holds_out(self, tree: Tree, grammar: Grammar) -> bool:
        """Whether ``tree`` may not appear in training."""
        if self.kind == "primitive":
            return tree.n_ops > 0 and self.word in tree.source
        if self.kind == "template":
            op = operators(grammar)[self.operator].production
            return any(node.production == op and node.children[self.slot].bare_word() == self.word
                       for node in tree.nodes())
        if self.kind == "length":
            return tree.n_ops > self.train_max_ops
        return False

    def holds_requirement(self, req: tuple[object, ...], grammar: Grammar) -> bool:
        """Whether the split keeps what ``req`` asks to see (a primitive in a slot) out of training."""
        if self.kind == "primitive":
            return req[0] == "fills" and req[3] == self.word
        if self.kind == "template":
            op = operators(grammar)[self.operator].production
            return req == ("fills", op, self.slot, self.word)
        return False


@dataclass(frozen=True)
class GeneratedTask:
    """A task together with the grammar and split it came from."""

    grammar: Grammar
    split: Split
    task: Task
    n_coverage: int  # training examples needed to show every rule; the rest are extra

    def describe(self) -> str:
        return (f"{describe(self.grammar)}\n{self.split.describe(self.grammar)}; "
                f"{len(self.task.train)} training examples ({self.n_coverage} to show every rule), "
                f"{len(self.task.test)} test")


def _fill_key(tree: Tree) -> tuple[int, int, int, tuple[str, ...], tuple[str, ...]]:
    words = [t.source[0] for t in tree.nodes() if not n_refs(t.production)]
    ops, length, src, tgt = sort_key(tree)
    return ops, len(words) - len(set(words)), length, src, tgt


Requirement = tuple[object, ...]


def _requirements(tree: Tree) -> frozenset[Requirement]:
    """What ``tree`` shows: a bare primitive, a primitive in a slot, an operator in a slot."""
    word = tree.bare_word()
    return tree.shows | {("alone", word)} if word is not None else tree.shows


def _show(req: Requirement) -> str:
    return " ".join(f"`{x}`" if not isinstance(x, (str, int)) else str(x) for x in req)


def coverage_problems(case: GeneratedTask) -> list[str]:
    """Every rule the training set of ``case`` fails to show (empty when the promise holds)."""
    from sandbox.testing.trees import parse

    g, split = case.grammar, case.split
    needed = set().union(*(_requirements(t) for t in trees(g, split.train_max_ops)))
    needed = {req for req in needed if not split.holds_requirement(req, g)}
    seen = set().union(*(_requirements(parse(g, ex.source)[0]) for ex in case.task.train))
    return [f"training never shows {_show(req)}" for req in sorted(needed - seen, key=str)]


def make_task(grammar: Grammar, split: Split, *, extra: int = 0, seed: int = 0, max_test: int = 60) -> GeneratedTask:
    """The task of ``grammar`` under ``split`` with ``extra`` training examples beyond coverage."""
    pool = trees(grammar, split.train_max_ops)
    allowed = [t for t in pool if not split.holds_out(t, grammar)]
    needed: dict[tuple[object, ...], Tree] = {}
    for tree in sorted(pool, key=_fill_key):
        for req in _requirements(tree):
            needed.setdefault(req, tree)
    coverage: dict[tuple[str, ...], Tree] = {}
    for tree in sorted(allowed, key=_fill_key):
        fresh = _requirements(tree) & set(needed)
        if fresh:
            coverage.setdefault(tree.source, tree)
            for req in fresh:
                del needed[req]
    missing = [req for req in needed if not split.holds_requirement(req, grammar)]
    if missing:
        raise SplitError(f"the training pool cannot show {sorted(map(_show, missing))}")
    rng = random.Random(seed)
    rest = [t for t in allowed if t.source not in coverage]
    chosen = rng.sample(rest, min(extra, len(rest)))
    train = sorted([*coverage.values(), *chosen], key=sort_key)
    if split.kind == "length":
        first_two = [str(p.source[0]) for p in primitives(grammar)[:2]]
        test = trees(grammar, split.train_max_ops + 1, min_ops=split.train_max_ops + 1, primitives=first_two)
    elif split.kind == "iid":
        taken = {t.source for t in train}
        test = [t for t in allowed if t.source not in taken]
    else:
        test = [t for t in pool if split.holds_out(t, grammar)]
    if len(test) > max_test:
        keep = max_test // 2
        test = sorted(test[:keep] + rng.sample(test[keep:], max_test - keep), key=sort_key)
    if not test:
        raise NoTestItems(f"{split.describe(grammar)}: no test items")
    digest = hashlib.sha256(f"{describe(grammar)}|{split}|{extra}|{seed}|{max_test}".encode()).hexdigest()
    task = Task(
        name=f"random/{split.kind}",
        version=f"sha256:{digest[:16]}",
        train=tuple(Example(t.source, t.target, id=f"train-{i}") for i, t in enumerate(train)),
        test=tuple(Example(t.source, t.target, id=f"test-{i}") for i, t in enumerate(test)),
        generalization=GENERALIZATION[split.kind],
        description=f"{split.describe(grammar)}\n{describe(grammar)}",
        source="sandbox.testing random grammar",
    )
    return GeneratedTask(grammar, split, task, len(coverage))


@st.composite
def splits(draw: st.DrawFn, grammar: Grammar, kinds: Sequence[str] = SPLITS) -> Split:
    """A strategy for the splits of ``kinds`` over ``grammar``.

    A ``primitive`` split needs three primitives (so that two others fill the
    slots beside a held-out word), a ``length`` split a grammar with
    three-operator phrases; other draws are rejected with ``assume``.
    """
    kind = draw(st.sampled_from(list(kinds)))
    words = [str(p.source[0]) for p in primitives(grammar)]
    ops = operators(grammar)
    if kind == "primitive":
        assume(len(words) >= 3 and ops)
        return Split(kind, word=words[draw(st.integers(0, len(words) - 1))])
    if kind == "template":
        combos = [(i, slot, w) for i, op in enumerate(ops) for slot in range(op.arity) for w in words]
        assume(len(words) >= 2 and combos)
        i, slot, w = combos[draw(st.integers(0, len(combos) - 1))]
        return Split(kind, word=w, operator=i, slot=slot)
    if kind == "length":
        assume(has_long_phrases(grammar))
    return Split(kind)


def has_long_phrases(grammar: Grammar, ops: int = 3) -> bool:
    """Whether ``grammar`` derives phrases with ``ops`` operator applications."""
    first = [str(p.source[0]) for p in primitives(grammar)[:1]]
    return bool(trees(grammar, ops, min_ops=ops, primitives=first))


def default_grammars(kind: str, **options: Any) -> st.SearchStrategy[Grammar]:
    """The grammar strategy :func:`generated_tasks` uses for a split of ``kind``.

    ``options`` are bounds for :func:`~sandbox.testing.grammars.grammars`; a
    ``primitive`` split raises the primitives to at least three, a ``length``
    split the levels to at least two.
    """
    if kind == "primitive":
        low = max(3, options.get("min_primitives", 3))
        options = {**options, "min_primitives": low, "max_primitives": max(low, options.get("max_primitives", 4))}
    if kind == "length":
        low = max(2, options.get("min_levels", 2))
        options = {**options, "min_levels": low, "max_levels": max(low, options.get("max_levels", 2))}
        return grammars(**options).filter(has_long_phrases)
    return grammars(**options)


@st.composite
def generated_tasks(
    draw: st.DrawFn,
    grammar_strategy: st.SearchStrategy[Grammar] | None = None,
    *,
    kinds: Sequence[str] = SPLITS,
    max_extra: int = 12,
    max_test: int = 60,
    grammar_options: Mapping[str, Any] | None = None,
) -> GeneratedTask:
    """A strategy for :class:`GeneratedTask` values: grammar, split and task.

    ``grammar_strategy`` defaults to :func:`default_grammars` for the drawn
    split, with ``grammar_options`` as its bounds; ``max_extra`` bounds the
    training examples beyond the coverage set and ``max_test`` the test set
    (the shortest half always kept).
    """
    kind = draw(st.sampled_from(list(kinds)))
    grammar = draw(grammar_strategy if grammar_strategy is not None
                   else default_grammars(kind, **(grammar_options or {})))
    split = draw(splits(grammar, (kind,)))
    return draw_task(draw, make_task, grammar, split, max_extra=max_extra, max_test=max_test)


def draw_task(draw: st.DrawFn, make: Callable[..., T], language: Any, split: Any, *, max_extra: int,
              max_test: int) -> T:
    """``make(language, split, extra=..., seed=..., max_test=...)`` with drawn ``extra`` and ``seed``;
    a split with no test items is rejected with ``assume``."""
    extra = draw(st.integers(0, max_extra))
    seed = draw(st.integers(0, 255))
    try:
        return make(language, split, extra=extra, seed=seed, max_test=max_test)
    except NoTestItems:
        assume(False)
        raise


def tasks(
    grammar_strategy: st.SearchStrategy[Grammar] | None = None,
    *,
    kinds: Sequence[str] = SPLITS,
    max_extra: int = 12,
    max_test: int = 60,
) -> st.SearchStrategy[Task]:
    """A strategy for :class:`~sandbox.data.Task` values made from random grammars.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(tasks(kinds=["primitive"]))
    ... def check(task):
    ...     assert task.train and task.test and task.generalization.value == "primitive"
    >>> check()
    """
    return generated_tasks(grammar_strategy, kinds=kinds, max_extra=max_extra, max_test=max_test).map(
        lambda case: case.task)
