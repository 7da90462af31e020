"""Random sequence-function languages (PCFG SET-like) and their repetition inverses.

A :class:`SequenceLanguage` has

- *letters*: words that each mean one token, either the word itself
  (``identity``: the word stands for itself) or a one-to-one renaming to a
  token of another spelling;
- *functions*: prefix words with a fixed arity (1 or 2; a binary one writes a
  separator word between its arguments, ``f <0> , <1>``), each with a template
  program from the closed vocabulary of :mod:`sandbox.seqops`: a concatenation
  of terms, each a slot with a chain of 0..2 operations, every slot used at
  least once (``rest(<0>) first(<0>)``);
- *repeaters*: postfix words over a whole expression whose meaning repeats it
  (``<0> twice -> <0> <0>``).

An expression is a *run* of letters (its meaning: theirs, concatenated) or a
function word followed by its arguments, which are expressions (calls nest:
``f g a b , c``); a phrase is an expression, perhaps followed by one repeater.
Every language is unambiguous: arities are fixed and prefix (Polish notation
reads one way), a run is as long as the letters that follow, separator,
function and repeater words are never letters, and a repeater stands only at
the end of a phrase. :func:`parse` reads a phrase back.

An *inverse* language (NACS-like) maps the other way: its source is a meaning
(letter tokens, perhaps one phrase repeated: ``A B A B``) and its target a
command (``a b twice``); many commands share a meaning, so an answer is judged
by interpreting it (:meth:`SequenceLanguage.judge`). Its gold command is the
canonical one (:meth:`SequenceLanguage.read`): the repeated phrase is the
input's shortest root.

>>> lang = example_language()
>>> print(lang.describe())
letters: dax=dax lug=lug zup=zup
function: fep <0> => rest(<0>) first(<0>)
function: wif <0> ko <1> => <1> rev(<0>)
repeater: <0> twice => <0> <0>
>>> p = lang.parse(("wif", "fep", "dax", "lug", "ko", "zup", "twice"))
>>> " ".join(lang.meaning(p))
'zup dax lug zup dax lug'
>>> inv = example_language(inverse=True)
>>> " ".join(inv.source(inv.read(("dax", "lug", "dax", "lug"))))
'dax lug twice'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st

from sandbox.data import Example, Tokens
from sandbox.seqops import OPS, Apply, apply_ops, render_item
from sandbox.testing.grammars import random_names

TemplateItem = int | Apply


@dataclass(frozen=True)
class SeqFunction:
    """A prefix function word: ``word <0> [separator <1>] => template``."""

    word: str
    arity: int
    separator: str  # "" for a unary function
    template: tuple[TemplateItem, ...]

    def pattern(self) -> tuple[str | int, ...]:
        return (self.word, 0) if self.arity == 1 else (self.word, 0, self.separator, 1)

    def apply(self, args: Sequence[Tokens]) -> Tokens:
        out: list[str] = []
        for item in self.template:
            out.extend(args[item] if isinstance(item, int) else apply_ops(item.ops, args[item.slot]))
        return tuple(out)

    def __str__(self) -> str:
        return (" ".join(render_item(x) for x in self.pattern()) + " => "
                + " ".join(render_item(x) for x in self.template))


@dataclass(frozen=True)
class Repeater:
    """A postfix word over a whole expression: ``<0> word => <0> x count``."""

    word: str
    count: int

    def __str__(self) -> str:
        return f"<0> {self.word} => " + " ".join(["<0>"] * self.count)


@dataclass(frozen=True)
class Run:
    """A run of letter words."""

    words: tuple[str, ...]

    @property
    def depth(self) -> int:
        return 0


@dataclass(frozen=True)
class Call:
    """A function (an index into the language's functions) applied to its arguments."""

    function: int
    args: tuple[Expr, ...]

    @property
    def depth(self) -> int:
        return 1 + max(a.depth for a in self.args)


Expr = Run | Call


@dataclass(frozen=True)
class Phrase:
    """An expression, perhaps repeated by a repeater (an index; -1 for none)."""

    expr: Expr
    repeater: int = -1

    def nodes(self) -> list[Expr]:
        """Every expression in the phrase, outermost first."""
        out: list[Expr] = []
        stack: list[Expr] = [self.expr]
        while stack:
            e = stack.pop()
            out.append(e)
            if isinstance(e, Call):
                stack.extend(reversed(e.args))
        return out

    def runs(self) -> list[Run]:
        return [e for e in self.nodes() if isinstance(e, Run)]

    def calls(self) -> list[Call]:
        return [e for e in self.nodes() if isinstance(e, Call)]


@dataclass(frozen=True)
class SequenceLanguage:
    """Letters, prefix functions with sequence-operation templates, repeaters (module docstring)."""

    letters: tuple[tuple[str, str], ...]  # (word, token)
    functions: tuple[SeqFunction, ...] = ()
    repeaters: tuple[Repeater, ...] = ()
    inverse: bool = False
    name: str = "sequence"
    _token_word: dict[str, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_token_word", {t: w for w, t in self.letters})

    @property
    def identity(self) -> bool:
        return all(w == t for w, t in self.letters)

    def letter_meaning(self) -> dict[str, Tokens]:
        """Each word of the *source* side that means one token, and that token (for substitution)."""
        if self.inverse:
            return {t: (w,) for w, t in self.letters}
        return {w: (t,) for w, t in self.letters}

    def problems(self) -> list[str]:
        """Why this language is not unambiguous (empty when it is)."""
        letters = [w for w, _ in self.letters]
        others = ([f.word for f in self.functions] + [r.word for r in self.repeaters]
                  + [f.separator for f in self.functions if f.arity == 2])
        out = []
        if len(set(letters)) != len(letters) or len({t for _, t in self.letters}) != len(letters):
            out.append("two letters share a word or a token")
        if set(letters) & set(others):
            out.append("a letter is also a function, separator or repeater word")
        heads = [f.word for f in self.functions] + [r.word for r in self.repeaters]
        if len(set(heads)) != len(heads) or {f.separator for f in self.functions} & set(heads):
            out.append("a function or repeater word has two roles")
        if len({r.count for r in self.repeaters}) != len(self.repeaters):
            out.append("two repeaters repeat the same number of times")
        if self.inverse and self.functions:
            out.append("an inverse language has no functions")
        for f in self.functions:
            used = {x if isinstance(x, int) else x.slot for x in f.template}
            if used != set(range(f.arity)) or f.arity not in (1, 2):
                out.append(f"{f.word}: its template does not use each of its {f.arity} slots")
        return out

    def describe(self) -> str:
        lines = ["letters: " + " ".join(f"{w}={t}" for w, t in self.letters)]
        lines += [f"function: {f}" for f in self.functions]
        lines += [f"repeater: {r}" for r in self.repeaters]
        if self.inverse:
            lines.append("inverse: source is the meaning, target the command")
        return "\n".join(lines)

    # forward reading --------------------------------------------------------
    def expr_source(self, e: Expr) -> Tokens:
        if isinstance(e, Run):
            return e.words
        f = self.functions[e.function]
        out = [f.word, *self.expr_source(e.args[0])]
        if f.arity == 2:
            out += [f.separator, *self.expr_source(e.args[1])]
        return tuple(out)

    def expr_meaning(self, e: Expr) -> Tokens:
        if isinstance(e, Run):
            table = dict(self.letters)
            return tuple(table[w] for w in e.words)
        return self.functions[e.function].apply([self.expr_meaning(a) for a in e.args])

    def source(self, p: Phrase) -> Tokens:
        """The command's words."""
        rep = (self.repeaters[p.repeater].word,) if p.repeater >= 0 else ()
        return self.expr_source(p.expr) + rep

    def meaning(self, p: Phrase) -> Tokens:
        """The command's meaning (tokens)."""
        count = self.repeaters[p.repeater].count if p.repeater >= 0 else 1
        return self.expr_meaning(p.expr) * count

    def example(self, p: Phrase, id: str = "") -> Example:
        """The task's example for ``p``: command to meaning, or (inverse) meaning to command."""
        src, tgt = self.source(p), self.meaning(p)
        return Example(tgt, src, id=id) if self.inverse else Example(src, tgt, id=id)

    def parse(self, words: Sequence[str]) -> Phrase | None:
        """The one reading of the command ``words``, or ``None`` when it is not a phrase."""
        src = tuple(words)
        letters = {w for w, _ in self.letters}
        heads = {f.word: i for i, f in enumerate(self.functions)}
        reps = {r.word: i for i, r in enumerate(self.repeaters)}

        def expr(i: int, depth: int) -> tuple[Expr, int] | None:
            if i >= len(src) or depth > len(src):
                return None
            if src[i] in heads:
                f = self.functions[heads[src[i]]]
                first = expr(i + 1, depth + 1)
                if first is None or f.arity == 1:
                    return None if first is None else (Call(heads[src[i]], (first[0],)), first[1])
                j = first[1]
                if j >= len(src) or src[j] != f.separator:
                    return None
                second = expr(j + 1, depth + 1)
                return None if second is None else (Call(heads[src[i]], (first[0], second[0])), second[1])
            j = i
            while j < len(src) and src[j] in letters:
                j += 1
            return (Run(src[i:j]), j) if j > i else None

        found = expr(0, 0)
        if found is None:
            return None
        e, end = found
        if end == len(src):
            return Phrase(e)
        if end == len(src) - 1 and src[end] in reps:
            return Phrase(e, reps[src[end]])
        return None

    # inverse reading --------------------------------------------------------
    def read(self, tokens: Sequence[str]) -> Phrase | None:
        """The canonical command whose meaning is ``tokens`` (runs and repeaters only).

        The input is ``root`` repeated ``n`` times with ``root`` not itself a
        repetition; the repeater taken is the one with the largest count that
        divides ``n`` (none: a plain run).
        """
        words = [self._token_word.get(t) for t in tokens]
        if not words or any(w is None for w in words):
            return None
        n = len(words)
        period = next(p for p in range(1, n + 1) if n % p == 0 and words == words[:p] * (n // p))
        power = n // period
        best = max((i for i, r in enumerate(self.repeaters) if power % r.count == 0),
                   key=lambda i: self.repeaters[i].count, default=-1)
        count = self.repeaters[best].count if best >= 0 else 1
        return Phrase(Run(tuple(str(w) for w in words[: n // count])), best)

    def judge(self, example: Example, prediction: Tokens) -> bool:
        """Forward: the gold meaning. Inverse: any command whose meaning is the input."""
        if not self.inverse:
            return tuple(prediction) == example.target
        p = self.parse(prediction)
        return p is not None and self.meaning(p) == example.source


def is_root(words: Sequence[str]) -> bool:
    """Whether ``words`` is not a shorter phrase repeated (``a b a`` is; ``a b a b`` is not)."""
    n = len(words)
    return all(n % p or list(words) != list(words[:p]) * (n // p) for p in range(1, n))


def example_language(inverse: bool = False) -> SequenceLanguage:
    """A small fixed language of this family, for documentation and tests."""
    letters = (("dax", "dax"), ("lug", "lug"), ("zup", "zup"))
    if inverse:
        return SequenceLanguage(letters, (), (Repeater("twice", 2),), inverse=True, name="example-inverse")
    return SequenceLanguage(letters, (
        SeqFunction("fep", 1, "", (Apply(("rest",), 0), Apply(("first",), 0))),
        SeqFunction("wif", 2, "ko", (1, Apply(("rev",), 0))),
    ), (Repeater("twice", 2),), name="example")


OP_NAMES = tuple(OPS)
# Chains of these never empty a non-empty meaning, so every phrase means something.
_KEEPS = {"first", "last", "rev"}


@st.composite
def _function_spec(draw: st.DrawFn, binary: bool, max_terms: int, max_ops: int
                   ) -> tuple[int, int, tuple[tuple[int, tuple[str, ...]], ...]]:
    arity = 2 if binary and draw(st.booleans()) else 1
    separator = draw(st.integers(0, 1))
    chain = st.lists(st.sampled_from(OP_NAMES), max_size=max_ops).map(tuple)
    slots = list(range(arity))
    if draw(st.booleans()):
        slots.reverse()
    terms = [(s, draw(chain)) for s in slots]
    for extra_slot, ops in draw(st.lists(st.tuples(st.integers(0, arity - 1), chain),
                                         max_size=max(0, max_terms - arity))):
        terms.insert(draw(st.integers(0, len(terms))), (extra_slot, ops))
    if not any(set(ops) <= _KEEPS for _, ops in terms):
        terms[0] = (terms[0][0], tuple(o for o in terms[0][1] if o in _KEEPS))
    return arity, separator, tuple(terms)


@st.composite
def sequence_languages(
    draw: st.DrawFn,
    *,
    min_letters: int = 3,
    max_letters: int = 5,
    min_functions: int = 1,
    max_functions: int = 3,
    binary: bool = True,
    max_terms: int = 3,
    max_ops: int = 2,
    max_repeaters: int = 1,
    identity: bool | None = None,
    inverse: bool = False,
) -> SequenceLanguage:
    """A strategy for random unambiguous sequence-function languages (see the module docstring).

    ``min_letters``/``max_letters`` bound the letters, ``min_functions``/
    ``max_functions`` the function words (unary, and binary when ``binary``),
    ``max_terms`` a template's terms, ``max_ops`` the operations chained on one
    slot, ``max_repeaters`` the repeater words (counts 2 and 3). ``identity``
    fixes whether letters stand for themselves (``None``: drawn). An
    ``inverse`` language has no functions and at least one repeater.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(sequence_languages())
    ... def check(lang):
    ...     assert not lang.problems()
    >>> check()
    """
    if min_letters < 2 or max_letters < min_letters or max_functions < min_functions:
        raise ValueError("sequence_languages needs 2 <= min_letters <= max_letters and "
                         "min_functions <= max_functions")
    seed = draw(st.integers(0, 2**16))
    n_letters = draw(st.integers(min_letters, max_letters))
    same = draw(st.booleans()) if identity is None else identity
    specs = [] if inverse else draw(st.lists(_function_spec(binary, max_terms, max_ops),
                                             min_size=min_functions, max_size=max_functions))
    n_reps = draw(st.integers(1 if inverse else 0, max(1, max_repeaters) if inverse else max_repeaters))
    counts = sorted(set(draw(st.lists(st.sampled_from((2, 3)), min_size=n_reps, max_size=n_reps))))
    words, tokens = random_names(seed, n_letters + len(specs) + len(counts) + 2, n_letters)
    letter_words, rest = words[:n_letters], iter(words[n_letters:])
    letters = tuple(zip(letter_words, letter_words if same else tokens, strict=True))
    functions = []
    heads = [next(rest) for _ in specs]
    separators = [next(rest) for _ in range(2)]
    for head, (arity, sep, terms) in zip(heads, specs, strict=True):
        template = tuple(Apply(ops, s) if ops else s for s, ops in terms)
        functions.append(SeqFunction(head, arity, separators[sep] if arity == 2 else "", template))
    repeaters = tuple(Repeater(next(rest), c) for c in counts)
    return SequenceLanguage(letters, tuple(functions), repeaters, inverse=inverse,
                            name="random-inverse" if inverse else "random-sequence")
