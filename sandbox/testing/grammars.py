"""Random synchronous grammars as a hypothesis strategy, and their structure.

A generated grammar has one kind of primitive (``P -> word => TOKEN``, every
primitive its own word and its own token) and ``k`` precedence levels
``L1 .. Lk`` (the start symbol is ``Lk``). Level ``i`` holds its operators and
a pass-through ``Li -> <L(i-1)> => [0]`` (``L0`` is ``P``); an operator at
level ``i`` takes level ``i-1`` phrases, so it binds looser than every
operator below it. An operator is

- *postfix* (``<X> w``), *prefix* (``w <X>``) or *infix* (``<X> w <Y>``), with
  one or two fixed words of its own (no word is shared between two roles,
  which keeps every grammar unambiguous: see :func:`grammars`);
- given a random concatenative *template*: its slots' meanings, each at least
  once, possibly repeated or reordered, among constant tokens of its own. An
  operator whose template has no constant is a word that means nothing (as
  "and" or "turn" in SCAN).

A *recursive* level is left-recursive: the left slot of its infix and postfix
operators takes a phrase of the same level (``a op b op c`` reads
``(a op b) op c``, ``a post post`` repeats the operator). Its prefix operators
stay non-recursive, since ``pre a op b`` would otherwise have two readings.

Words and tokens are random (drawn from a seeded name generator), so no test
built on these grammars can rest on a particular task's vocabulary. Every
choice is a small integer or a short list, so hypothesis shrinks a failing
grammar towards few primitives, one level, one operator, the identity template.

>>> g = example_grammar()
>>> print(describe(g))
L1 -> <P> wug => [0] [0]
L1 -> <P> fep <P> => [1] [0] BLIK
L1 -> <P> => [0]
P -> dax => DAX
P -> lug => LUG
P -> zup => ZUP
>>> [op.kind for op in operators(g)]
['postfix', 'infix']
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st

from sandbox.grammar import Grammar, Production, Ref, SourceSymbol, TargetSymbol

PRIMITIVE = "P"
KINDS = ("postfix", "prefix", "infix")

_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def level_name(level: int) -> str:
    """The nonterminal of precedence level ``level`` (``L0`` is the primitive ``P``)."""
    return PRIMITIVE if level == 0 else f"L{level}"


def random_names(seed: int, n_words: int, n_tokens: int) -> tuple[list[str], list[str]]:
    """``n_words`` distinct lowercase words and ``n_tokens`` distinct uppercase tokens.

    >>> words, tokens = random_names(0, 3, 2)
    >>> len(set(words)), all(w.islower() for w in words), all(t.isupper() for t in tokens)
    (3, True, True)
    """
    rng = random.Random(seed)
    words: list[str] = []
    while len(words) < n_words:
        w = rng.choice(_CONSONANTS) + rng.choice(_VOWELS) + rng.choice(_CONSONANTS)
        if w not in words:
            words.append(w)
    tokens: list[str] = []
    while len(tokens) < n_tokens:
        t = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(2)).upper()
        if t not in tokens:
            tokens.append(t)
    return words, tokens


@dataclass(frozen=True)
class Operator:
    """One operator production of a generated grammar, read back from its shape."""

    production: Production
    level: int
    kind: str  # postfix, prefix or infix
    recursive: bool

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(s for s in self.production.source if isinstance(s, str))

    @property
    def arity(self) -> int:
        return len(self.production.refs)

    def __str__(self) -> str:
        return str(self.production)


def operators(grammar: Grammar) -> list[Operator]:
    """The operators of ``grammar`` (productions with both words and slots), in order.

    Works on any grammar; ``level`` is read from an ``L<i>`` left-hand side
    (0 for any other name) and ``kind`` from where the words stand.
    """
    out = []
    for p in grammar.productions:
        refs = p.refs
        if not refs or len(refs) == len(p.source):
            continue
        level = int(p.lhs[1:]) if p.lhs[:1] == "L" and p.lhs[1:].isdigit() else 0
        if isinstance(p.source[0], Ref) and isinstance(p.source[-1], Ref):
            kind = "infix"
        elif isinstance(p.source[0], Ref):
            kind = "postfix"
        else:
            kind = "prefix"
        out.append(Operator(p, level, kind, any(r.nonterminal == p.lhs for r in refs)))
    return out


def primitives(grammar: Grammar) -> list[Production]:
    """The primitive productions (``P -> word => TOKEN``), in order."""
    return list(grammar.by_lhs.get(PRIMITIVE, ()))


def primitive_meaning(grammar: Grammar) -> dict[str, tuple[str, ...]]:
    """Each primitive word's meaning."""
    return {str(p.source[0]): tuple(str(t) for t in p.target) for p in primitives(grammar)}


def describe(grammar: Grammar) -> str:
    """The grammar, one production per line, highest level first."""
    return "\n".join(str(p) for p in sorted(grammar.productions, key=_display_key))


def _display_key(p: Production) -> tuple[int, int]:
    level = int(p.lhs[1:]) if p.lhs[:1] == "L" and p.lhs[1:].isdigit() else 0
    return (-level, 1 if len(p.refs) == len(p.source) else 0)


@dataclass(frozen=True)
class _OpSpec:
    kind: str
    two_words: bool
    template: tuple[tuple[str, int], ...]  # ("slot", i) or ("const", j)


def build_grammar(
    name_seed: int,
    n_primitives: int,
    levels: list[tuple[bool, list[_OpSpec]]],
    name: str = "random",
) -> Grammar:
    """Assemble a grammar from drawn choices (``levels``: per level, recursive flag and operators)."""
    specs = [op for _, ops in levels for op in ops]
    n_words = n_primitives + sum(2 if op.two_words else 1 for op in specs)
    n_consts = sum(len({j for k, j in op.template if k == "const"}) for op in specs)
    words, tokens = random_names(name_seed, n_words, n_primitives + n_consts)
    word_it, token_it = iter(words), iter(tokens)
    prods: list[Production] = []
    for level, (recursive, ops) in enumerate(levels, start=1):
        lhs, below = level_name(level), Ref(level_name(level - 1))
        left = Ref(lhs) if recursive else below
        for op in ops:
            own: tuple[SourceSymbol, ...] = tuple(next(word_it) for _ in range(2 if op.two_words else 1))
            if op.kind == "postfix":
                source: tuple[SourceSymbol, ...] = (left, *own)
            elif op.kind == "prefix":
                source = (*own, below)
            else:
                source = (left, *own, below)
            consts: dict[int, str] = {}
            target: list[TargetSymbol] = []
            for what, j in op.template:
                if what == "slot":
                    target.append(j)
                else:
                    if j not in consts:
                        consts[j] = next(token_it)
                    target.append(consts[j])
            prods.append(Production(lhs, source, tuple(target)))
        prods.append(Production(lhs, (below,), (0,)))
    for _ in range(n_primitives):
        prods.append(Production(PRIMITIVE, (next(word_it),), (next(token_it),)))
    return Grammar(level_name(len(levels)), tuple(prods), name=name)


@st.composite
def _templates(draw: st.DrawFn, arity: int, max_template: int, max_constants: int) -> tuple[tuple[str, int], ...]:
    # Every draw happens whatever the arity, so that the shrinker can change
    # one choice (an operator's kind, say) without shifting all that follow.
    base: list[tuple[str, int]] = [("slot", i) for i in range(arity)]
    if draw(st.booleans()):
        base.reverse()
    items = draw(st.lists(
        st.tuples(st.integers(0, max_template), st.integers(0, arity + max_constants - 1)),
        max_size=max(0, max_template - arity),
    ))
    for pos, item in items:
        base.insert(pos % (len(base) + 1), ("slot", item) if item < arity else ("const", item - arity))
    return tuple(base)


@st.composite
def _operators(draw: st.DrawFn, kinds: tuple[str, ...], multiword: bool, max_template: int,
               max_constants: int) -> _OpSpec:
    kind = draw(st.sampled_from(kinds))
    two_words = draw(st.booleans()) and multiword
    template = draw(_templates(2 if kind == "infix" else 1, max_template, max_constants))
    return _OpSpec(kind, two_words, template)


@st.composite
def grammars(
    draw: st.DrawFn,
    *,
    min_primitives: int = 2,
    max_primitives: int = 4,
    min_levels: int = 1,
    max_levels: int = 2,
    min_operators: int = 1,
    max_operators: int = 2,
    max_template: int = 4,
    max_constants: int = 2,
    recursion: bool = True,
    multiword: bool = True,
    kinds: tuple[str, ...] = KINDS,
) -> Grammar:
    """A strategy for random unambiguous synchronous grammars (see the module docstring).

    ``min_operators``/``max_operators`` bound the operators per level,
    ``max_template`` the length of a template, ``max_constants`` its distinct
    constant tokens; ``recursion`` lets a level be left-recursive and
    ``multiword`` lets an operator have two words. Every grammar has at least
    one operator when ``min_operators >= 1``.

    Why every grammar is unambiguous: every word belongs to one primitive or
    one operator, and an operator's words stand together; a level-``i``
    phrase shows level-``i`` words only outside its level-``i-1`` parts, so
    its top operator (or, on a recursive level, its left-to-right chain of
    operators) is read off those words alone.
    """
    if not set(kinds) <= set(KINDS) or not kinds:
        raise ValueError(f"kinds must be a non-empty subset of {KINDS}")
    name_seed = draw(st.integers(0, 2**16))
    n_primitives = draw(st.integers(min_primitives, max_primitives))
    n_levels = draw(st.integers(min_levels, max_levels))
    levels = []
    for _ in range(n_levels):
        ops = draw(st.lists(_operators(kinds, multiword, max_template, max_constants),
                            min_size=min_operators, max_size=max_operators))
        recursive = draw(st.booleans()) and recursion and any(op.kind != "prefix" for op in ops)
        levels.append((recursive, ops))
    return build_grammar(name_seed, n_primitives, levels)


def example_grammar() -> Grammar:
    """A small fixed grammar of this family, for documentation and tests."""
    R = Ref
    return Grammar("L1", (
        Production("L1", (R("P"), "wug"), (0, 0)),
        Production("L1", (R("P"), "fep", R("P")), (1, 0, "BLIK")),
        Production("L1", (R("P"),), (0,)),
        Production("P", ("dax",), ("DAX",)),
        Production("P", ("lug",), ("LUG",)),
        Production("P", ("zup",), ("ZUP",)),
    ), name="example")
