"""Tasks from random sequence-function languages, and splits over them, as hypothesis strategies.

A :class:`SequenceSplit` says which phrases are kept out of training:

- ``iid``: nothing; test phrases are drawn like training ones;
- ``systematicity``: either (``nesting``) one function is never seen applied
  to a call of one other function, or (``letter``) one letter never stands in
  one function's arguments (in an inverse language: in a repeated phrase);
  the test set is phrases where it does;
- ``productivity``: training has at most ``train_depth`` nested calls and
  runs of at most ``train_run`` letters; the test set has either (``depth``)
  one more level of nesting or (``length``) a longer run.

Whatever the split, the training set shows every rule (:func:`coverage_problems`
lists what it misses): every letter alone, every letter in every slot of
every function (but the held-out one), every slot with runs of every length
up to ``train_run`` (so that an operation's effect is visible), every
function inside every slot of every function (but the held-out pair), every
repeater over a run and over each function's call. On top sit ``extra``
random training phrases drawn with a seeded generator.

>>> from sandbox.testing.seqlang import example_language
>>> lang = example_language()
>>> case = make_sequence_task(lang, SequenceSplit("systematicity", "nesting", "fep", "wif"))
>>> [ex.line() for ex in case.task.train if ex.source[0] == "fep"][:3]
['IN: fep dax OUT: dax', 'IN: fep fep zup OUT: zup', 'IN: fep zup lug OUT: lug zup']
>>> case.task.test[0].line()
'IN: fep wif lug ko dax OUT: lug dax'
>>> any("fep wif" in " ".join(ex.source) for ex in case.task.train)
False
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from sandbox.data import Example, Generalization, Task
from sandbox.testing.seqlang import Expr, Phrase, Run, SequenceLanguage, sequence_languages
from sandbox.testing.seqsample import ATTEMPTS, Sampler, coverage_phrases, first_allowed, probe_maker
from sandbox.testing.tasks import NoTestItems, SplitError, draw_task

SEQUENCE_SPLITS = ("iid", "systematicity", "productivity")
VARIANTS = {"iid": ("",), "systematicity": ("nesting", "letter"), "productivity": ("depth", "length")}
GENERALIZATION = {"iid": Generalization.IID, "systematicity": Generalization.SYSTEMATICITY,
                  "productivity": Generalization.PRODUCTIVITY}
Requirement = tuple[object, ...]


def shows(lang: SequenceLanguage, phrase: Phrase) -> frozenset[Requirement]:
    """What ``phrase`` shows a learner.

    ``("bare", x)``: letter ``x`` in a run that is the whole phrase;
    ``("in", f, i, x)``: ``x`` in a run filling slot ``i`` of function ``f``;
    ``("length", f, i, n)``: a run of ``n`` letters there; ``("nests", f, i, g)``:
    a call of ``g`` there; ``("repeats", r, h)``: repeater ``r`` over a run
    (``h == "run"``) or a call of ``h`` (inverse: over a run holding letter ``h``).
    """
    out: set[Requirement] = set()
    e = phrase.expr
    if phrase.repeater >= 0:
        rep = lang.repeaters[phrase.repeater].word
        if lang.inverse and isinstance(e, Run):
            out |= {("repeats", rep, x) for x in e.words}
        else:
            out.add(("repeats", rep, "run" if isinstance(e, Run) else lang.functions[e.function].word))
    elif isinstance(e, Run):
        out |= {("bare", x) for x in e.words}
    for call in phrase.calls():
        for i, arg in enumerate(call.args):
            out |= slot_shows(lang, call.function, i, arg)
    return frozenset(out)


def slot_shows(lang: SequenceLanguage, function: int, slot: int, arg: Expr) -> set[Requirement]:
    """What ``arg`` in slot ``slot`` of function ``function`` shows (see :func:`shows`)."""
    f = lang.functions[function].word
    if isinstance(arg, Run):
        return {("in", f, slot, x) for x in arg.words} | {("length", f, slot, len(arg.words))}
    return {("nests", f, slot, lang.functions[arg.function].word)}


@dataclass(frozen=True)
class SequenceSplit:
    """Which phrases a task holds out of training (see the module docstring).

    ``function`` is the function (inverse: the repeater) word of a
    ``systematicity`` split, ``inner`` the function never seen as its argument
    (``nesting``), ``letter`` the letter never seen in its arguments (``letter``).
    """

    kind: str
    variant: str = ""
    function: str = ""
    inner: str = ""
    letter: str = ""
    train_depth: int = 2
    train_run: int = 4

    def __post_init__(self) -> None:
        if self.kind not in SEQUENCE_SPLITS or self.variant not in VARIANTS[self.kind]:
            raise ValueError(f"unknown split {self.kind!r}/{self.variant!r} (known: {VARIANTS})")

    def describe(self, lang: SequenceLanguage) -> str:
        if self.kind == "systematicity" and self.variant == "nesting":
            return f"systematicity split: {self.function!r} is never applied to a call of {self.inner!r} in training"
        if self.kind == "systematicity":
            where = "a phrase repeated by" if lang.inverse else "an argument of"
            return f"systematicity split: {self.letter!r} never stands in {where} {self.function!r} in training"
        bounds = f"at most {self.train_depth} nested calls and runs of at most {self.train_run} letters"
        if self.kind == "productivity":
            more = "one more level of nesting" if self.variant == "depth" else "longer runs"
            return f"productivity split: training has {bounds}, the test {more}"
        return f"iid split: {bounds}; test phrases drawn like training ones"

    def held(self, req: Requirement) -> bool:
        """Whether the split keeps the requirement ``req`` out of training."""
        if self.kind != "systematicity":
            return False
        if self.variant == "nesting":
            return req[0] == "nests" and req[1] == self.function and req[3] == self.inner
        return (req[0] in ("in", "repeats") and req[1] == self.function and req[-1] == self.letter)

    def within_bounds(self, phrase: Phrase) -> bool:
        return phrase.expr.depth <= self.train_depth and max(len(r.words) for r in phrase.runs()) <= self.train_run

    def holds_out(self, lang: SequenceLanguage, phrase: Phrase) -> bool:
        """Whether ``phrase`` may not appear in training."""
        return not self.within_bounds(phrase) or any(self.held(r) for r in shows(lang, phrase))


@dataclass(frozen=True)
class SequenceCase:
    """A task together with the sequence language and split it came from."""

    grammar: SequenceLanguage  # named as GeneratedTask's, so that the laws read either
    split: SequenceSplit
    task: Task
    n_coverage: int

    def describe(self) -> str:
        return (f"{self.grammar.describe()}\n{self.split.describe(self.grammar)}; {len(self.task.train)} "
                f"training examples ({self.n_coverage} to show every rule), {len(self.task.test)} test")


def make_sequence_task(lang: SequenceLanguage, split: SequenceSplit, *, extra: int = 0, seed: int = 0,
                       max_test: int = 60) -> SequenceCase:
    """The task of ``lang`` under ``split`` with ``extra`` random training phrases beyond coverage."""
    problems = lang.problems()
    if problems:
        raise SplitError(f"not an unambiguous sequence language: {'; '.join(problems)}")
    s = Sampler(lang, random.Random(seed), split)
    train: dict[tuple[str, ...], Phrase] = {}
    for make in coverage_phrases(lang, s):
        p = first_allowed(make, lambda p: not split.holds_out(lang, p))
        if p is not None:
            train.setdefault(lang.example(p).source, p)
    n_coverage = len(train)
    for _ in range(extra):
        p = first_allowed(lambda: s.phrase(s.expr(split.train_depth)), lambda p: not split.holds_out(lang, p))
        if p is not None:
            train.setdefault(lang.example(p).source, p)
    test: dict[tuple[str, ...], Phrase] = {}
    make_test = probe_maker(lang, s)
    wanted = split.holds_out if split.kind != "iid" else (lambda _lang, p: True)
    for _ in range(ATTEMPTS * 2):
        if len(test) >= max_test:
            break
        p = make_test()
        key = lang.example(p).source
        if key not in train and wanted(lang, p):
            test.setdefault(key, p)
    if not test:
        raise NoTestItems(f"{split.describe(lang)}: no test items")
    digest = hashlib.sha256(f"{lang.describe()}|{split}|{extra}|{seed}|{max_test}".encode()).hexdigest()
    order = sorted(train.values(), key=lambda p: (len(lang.source(p)), lang.source(p)))
    tests = sorted(test.values(), key=lambda p: (len(lang.source(p)), lang.source(p)))
    family = "sequence-inverse" if lang.inverse else "sequence"
    task = Task(
        name=f"{family}/{split.kind}",
        version=f"sha256:{digest[:16]}",
        train=tuple(lang.example(p, f"train-{i}") for i, p in enumerate(order)),
        test=tuple(lang.example(p, f"test-{i}") for i, p in enumerate(tests)),
        generalization=GENERALIZATION[split.kind],
        description=f"{split.describe(lang)}\n{lang.describe()}",
        source="sandbox.testing random sequence language",
    )
    if lang.inverse:
        task = replace(task, judge=lang.judge)
    case = SequenceCase(lang, split, task, n_coverage)
    missing = coverage_problems(case)
    if missing:
        raise SplitError(f"{split.describe(lang)}: {missing[0]}")
    return case


def _phrase_of(case: SequenceCase, ex: Example) -> Phrase | None:
    lang = case.grammar
    return lang.read(ex.source) if lang.inverse else lang.parse(ex.source)


def coverage_problems(case: SequenceCase) -> list[str]:
    """Every rule the training set of ``case`` fails to show (empty when the promise holds)."""
    lang, split = case.grammar, case.split
    letters = [w for w, _ in lang.letters]
    needed: set[Requirement] = {("bare", x) for x in letters}
    for r in lang.repeaters:
        needed |= ({("repeats", r.word, x) for x in letters} if lang.inverse
                   else {("repeats", r.word, h) for h in ["run", *(f.word for f in lang.functions)]})
    for f in lang.functions:
        for i in range(f.arity):
            needed |= {("in", f.word, i, x) for x in letters}
            needed |= {("length", f.word, i, n) for n in range(1, split.train_run + 1)}
            if split.train_depth >= 2:
                needed |= {("nests", f.word, i, g.word) for g in lang.functions}
    seen: set[Requirement] = set()
    for ex in case.task.train:
        p = _phrase_of(case, ex)
        if p is None:
            return [f"training example {ex.id} is not a phrase of the language"]
        seen |= shows(lang, p)
    return [f"training never shows {req}" for req in sorted(needed - seen, key=str) if not split.held(req)]


@st.composite
def sequence_splits(draw: st.DrawFn, lang: SequenceLanguage, kinds: Sequence[str] = SEQUENCE_SPLITS,
                    train_depth: int = 2, train_run: int = 4) -> SequenceSplit:
    """A strategy for the splits of ``kinds`` over ``lang`` (infeasible draws rejected with ``assume``)."""
    kind = draw(st.sampled_from(list(kinds)))
    variants = VARIANTS[kind]
    if lang.inverse:
        variants = tuple(v for v in variants if v in ("", "letter", "length"))
    elif kind == "systematicity" and (len(lang.functions) < 2 or train_depth < 2):
        variants = ("letter",)
    variant = draw(st.sampled_from(variants))
    if kind == "systematicity":
        letters = [w for w, _ in lang.letters]
        heads = [r.word for r in lang.repeaters] if lang.inverse else [f.word for f in lang.functions]
        assume(bool(heads))
        head = draw(st.sampled_from(heads))
        if variant == "nesting":
            inner = draw(st.sampled_from([f.word for f in lang.functions if f.word != head]))
            return SequenceSplit(kind, variant, head, inner, "", train_depth, train_run)
        return SequenceSplit(kind, variant, head, "", draw(st.sampled_from(letters)), train_depth, train_run)
    if kind == "productivity" and variant == "depth":
        assume(bool(lang.functions))
    return SequenceSplit(kind, variant, train_depth=train_depth, train_run=train_run)


@st.composite
def generated_sequence_tasks(
    draw: st.DrawFn,
    language_strategy: st.SearchStrategy[SequenceLanguage] | None = None,
    *,
    kinds: Sequence[str] = SEQUENCE_SPLITS,
    inverse: bool | None = None,
    max_extra: int = 12,
    max_test: int = 60,
    train_depth: int = 2,
    train_run: int = 4,
    language_options: Mapping[str, Any] | None = None,
) -> SequenceCase:
    """A strategy for :class:`SequenceCase` values: language, split and task.

    ``inverse`` chooses forward (``False``), inverse (``True``) or either
    (``None``) languages; ``language_options`` are bounds for
    :func:`~sandbox.testing.seqlang.sequence_languages`; ``train_depth`` and
    ``train_run`` bound the training phrases' nesting and runs.
    """
    kind = draw(st.sampled_from(list(kinds)))
    inv = draw(st.booleans()) if inverse is None else inverse
    lang = draw(language_strategy if language_strategy is not None
                else sequence_languages(inverse=inv, **(language_options or {})))
    split = draw(sequence_splits(lang, (kind,), train_depth=train_depth, train_run=train_run))
    return draw_task(draw, make_sequence_task, lang, split, max_extra=max_extra, max_test=max_test)


def sequence_tasks(language_strategy: st.SearchStrategy[SequenceLanguage] | None = None, *,
                   kinds: Sequence[str] = SEQUENCE_SPLITS, inverse: bool | None = None, max_extra: int = 12,
                   max_test: int = 60) -> st.SearchStrategy[Task]:
    """A strategy for :class:`~sandbox.data.Task` values made from random sequence languages.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True, deadline=None)
    ... @given(sequence_tasks(kinds=["systematicity"]))
    ... def check(task):
    ...     assert task.train and task.test and task.generalization.value == "systematicity"
    >>> check()
    """
    return generated_sequence_tasks(language_strategy, kinds=kinds, inverse=inverse, max_extra=max_extra,
                                    max_test=max_test).map(lambda case: case.task)
