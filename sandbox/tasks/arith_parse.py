"""Arithmetic in words, and its targets, parsed by hand into sympy objects.

Nothing here calls ``eval``, ``sympify`` or ``parse_expr``: both the words and
the target tokens go through small recursive-descent parsers of our own, and
sympy objects are built directly (``Integer``, ``Symbol``, ``Add``, ``Mul``,
``Pow``).

**Words** (the inputs). ``times`` binds tighter than ``plus`` and ``minus``,
which group to the left; grouping is spelt with prefix phrases whose two
arguments are single factors, so every phrase has exactly one reading::

    expr   := term (("plus" | "minus") term)*
    term   := factor ("times" factor)*
    factor := NUMBER | "x" | "y" | "z"
            | "the" ("sum" | "difference" | "product") "of" factor "and" factor
            | "the square of" factor
    NUMBER := "zero" | [UNIT "hundred"] [TEEN | TENS [UNIT] | UNIT]   (0 to 999)

**Targets** are prefix (Polish) notation, one token per operator, number or
variable: ``+ - *`` (binary), ``^`` (binary, the exponent a literal integer
from 0 to 16), ``neg`` (unary), non-negative integer literals (up to 100 digits) and variable
names. Gold targets spell a number the way its words compose (``forty seven``
is ``+ 40 7``, ``three hundred`` is ``* 3 100``); any equivalent expression is
accepted, ``47`` included, because answers are judged by symbolic
equivalence (:func:`equivalent`), not by string match.

>>> words_to_target("x plus forty seven times y".split())
('+', 'x', '*', '+', '40', '7', 'y')
>>> to_sympy(words_to_target("the square of the sum of x and one".split()))
(x + 1)**2
>>> equivalent(target_to_sympy("+ x x".split()), target_to_sympy("* 2 x".split()))
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox.data import Tokens

if TYPE_CHECKING:
    import sympy

UNITS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])}
TEENS = {w: i + 10 for i, w in enumerate(
    ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
TENS = {w: 10 * (i + 2) for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])}
NUMBER_WORDS = frozenset({*UNITS, *TEENS, *TENS, "hundred"})
VARIABLES = ("x", "y", "z")
PREFIX_OPS = {"sum": "+", "difference": "-", "product": "*"}
INFIX_OPS = {"plus": "+", "minus": "-"}
BINARY = ("+", "-", "*", "^")
MAX_EXPONENT = 16
MAX_DEGREE = 64  # answers of higher degree are refused rather than expanded
MAX_TOKENS = 500
_INT = re.compile(r"[0-9]{1,100}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,19}")

# An expression tree: ("int", n) | ("var", name) | (op, left, right) | ("neg", arg)
Node = tuple


class ArithError(ValueError):
    """A malformed phrase or target; the message says what and where (1-based positions)."""


# -- words ----------------------------------------------------------------


@dataclass
class _Cursor:
    words: Tokens
    i: int = 0
    level: int = 0  # how many 'the ... of' phrases are open
    deepest: int = 0

    def peek(self) -> str | None:
        return self.words[self.i] if self.i < len(self.words) else None

    def take(self, expected: str) -> None:
        word = self.peek()
        if word != expected:
            found = "the end" if word is None else f"{word!r}"
            raise ArithError(f"expected {expected!r} at position {self.i + 1}, found {found}")
        self.i += 1


def parse_words(words: Sequence[str]) -> Node:
    """The expression tree of a phrase (``ArithError`` with a position if malformed).

    >>> parse_words("two times x minus y".split())
    ('-', ('*', ('int', 2), ('var', 'x')), ('var', 'y'))
    """
    return _parse(words)[0]


def nesting(words: Sequence[str]) -> int:
    """How deep the ``the ... of`` phrases of a phrase nest inside each other.

    >>> nesting("x plus the sum of the square of y and two".split())
    2
    """
    return _parse(words)[1].deepest


def numbers_in(words: Sequence[str]) -> list[int]:
    """The values of the number phrases in a phrase, left to right.

    >>> numbers_in("the sum of three hundred five and x times twelve".split())
    [305, 12]
    """
    out: list[int] = []
    i = 0
    while i < len(words):
        if words[i] in NUMBER_WORDS:
            j = i
            while j < len(words) and words[j] in NUMBER_WORDS:
                j += 1
            out.append(number_value(words[i:j]))
            i = j
        else:
            i += 1
    return out


def _parse(words: Sequence[str]) -> tuple[Node, _Cursor]:
    cur = _Cursor(tuple(words))
    if not cur.words:
        raise ArithError("empty phrase")
    if len(cur.words) > MAX_TOKENS:
        # Also bounds the parser's recursion: no phrase can nest deeper than its length.
        raise ArithError(f"phrase longer than {MAX_TOKENS} words")
    node = _expr(cur)
    if cur.peek() is not None:
        raise ArithError(f"unexpected {cur.peek()!r} at position {cur.i + 1}: expected 'plus', 'minus', "
                         "'times' or the end")
    return node, cur


def _expr(cur: _Cursor) -> Node:
    node = _term(cur)
    while (word := cur.peek()) in INFIX_OPS:
        cur.i += 1
        node = (INFIX_OPS[str(word)], node, _term(cur))
    return node


def _term(cur: _Cursor) -> Node:
    node = _factor(cur)
    while cur.peek() == "times":
        cur.i += 1
        node = ("*", node, _factor(cur))
    return node


def _factor(cur: _Cursor) -> Node:
    word = cur.peek()
    if word is None:
        raise ArithError(f"the phrase ends at position {cur.i + 1} where a number, a variable or 'the' was expected")
    if word in VARIABLES:
        cur.i += 1
        return ("var", word)
    if word in NUMBER_WORDS:
        return _number(cur)
    if word != "the":
        raise ArithError(f"unexpected {word!r} at position {cur.i + 1}: expected a number, a variable or 'the'")
    cur.i += 1
    op = cur.peek()
    if op != "square" and op not in PREFIX_OPS:
        raise ArithError(f"expected 'sum', 'difference', 'product' or 'square' after 'the' at position {cur.i + 1}")
    cur.i += 1
    cur.take("of")
    cur.level += 1
    cur.deepest = max(cur.deepest, cur.level)
    if op == "square":
        node: Node = ("^", _factor(cur), ("int", 2))
    else:
        left = _factor(cur)
        cur.take("and")
        node = (PREFIX_OPS[str(op)], left, _factor(cur))
    cur.level -= 1
    return node


def _number(cur: _Cursor) -> Node:
    """A number phrase as the sum of its parts, each part as its words say it."""
    start = cur.i
    end = start
    while end < len(cur.words) and cur.words[end] in NUMBER_WORDS:
        end += 1
    phrase = cur.words[start:end]
    cur.i = end
    where = f"'{' '.join(phrase)}' at position {start + 1}"
    if phrase == ("zero",):
        return ("int", 0)
    parts: list[Node] = []
    rest = phrase
    if len(rest) >= 2 and rest[1] == "hundred":
        if UNITS.get(rest[0], 0) < 1:
            raise ArithError(f"not a number: {where} ('hundred' follows one of one ... nine)")
        parts.append(("*", ("int", UNITS[rest[0]]), ("int", 100)))
        rest = rest[2:]
    if len(rest) == 1 and (rest[0] in TEENS or rest[0] in TENS or UNITS.get(rest[0], 0) >= 1):
        parts.append(("int", {**UNITS, **TEENS, **TENS}[rest[0]]))
    elif len(rest) == 2 and rest[0] in TENS and UNITS.get(rest[1], 0) >= 1:
        parts.append(("+", ("int", TENS[rest[0]]), ("int", UNITS[rest[1]])))
    elif rest:
        raise ArithError(f"not a number: {where} (numbers run from zero to nine hundred ninety nine)")
    return parts[0] if len(parts) == 1 else ("+", parts[0], parts[1])


def number_value(words: Sequence[str]) -> int:
    """The value of a number phrase.

    >>> number_value("three hundred forty seven".split())
    347
    """
    return int(to_sympy(_render(parse_words(words))))


# -- targets --------------------------------------------------------------


def _render(node: Node) -> Tokens:
    if node[0] == "int":
        return (str(node[1]),)
    if node[0] == "var":
        return (node[1],)
    return (node[0], *(tok for child in node[1:] for tok in _render(child)))


def words_to_target(words: Sequence[str]) -> Tokens:
    """The gold target of a phrase: its tree in prefix notation."""
    return _render(parse_words(words))


def parse_target(tokens: Sequence[str]) -> Node:
    """The tree of a prefix-notation target (``ArithError`` with a position if malformed).

    >>> parse_target("^ + x 1 2".split())
    ('^', ('+', ('var', 'x'), ('int', 1)), ('int', 2))
    """
    toks = tuple(tokens)
    if not toks:
        raise ArithError("empty target")
    if len(toks) > MAX_TOKENS:
        raise ArithError(f"target longer than {MAX_TOKENS} tokens")
    node, end = _target_at(toks, 0)
    if end != len(toks):
        raise ArithError(f"unexpected {toks[end]!r} at position {end + 1}: the expression ended before it")
    return node


def _target_at(toks: Tokens, i: int) -> tuple[Node, int]:
    if i >= len(toks):
        raise ArithError("the target ends where an operand was expected")
    tok = toks[i]
    if tok in BINARY:
        left, mid = _target_at(toks, i + 1)
        right, end = _target_at(toks, mid)
        if tok == "^" and not (right[0] == "int" and right[1] <= MAX_EXPONENT):
            raise ArithError(f"the exponent of '^' at position {i + 1} must be an integer from 0 to {MAX_EXPONENT}")
        return (tok, left, right), end
    if tok == "neg":
        arg, end = _target_at(toks, i + 1)
        return ("neg", arg), end
    if _INT.fullmatch(tok):
        return ("int", int(tok)), i + 1
    if _NAME.fullmatch(tok) and tok != "neg":
        return ("var", tok), i + 1
    raise ArithError(f"unexpected token {tok!r} at position {i + 1}: expected + - * ^ neg, an integer or a name")


def degree(node: Node) -> int:
    """An upper bound on the polynomial degree of ``node``."""
    kind = node[0]
    if kind == "int":
        return 0
    if kind == "var":
        return 1
    if kind == "neg":
        return degree(node[1])
    if kind == "*":
        return degree(node[1]) + degree(node[2])
    if kind == "^":
        return degree(node[1]) * int(node[2][1])
    return max(degree(node[1]), degree(node[2]))


def to_sympy(tokens: Sequence[str]) -> sympy.Expr:
    """The sympy expression of a prefix-notation target."""
    return _build(parse_target(tokens))


def _build(node: Node) -> sympy.Expr:
    import sympy  # imported when first needed: it takes a second, and listing tasks needs none of it

    kind = node[0]
    if kind == "int":
        return sympy.Integer(node[1])
    if kind == "var":
        return sympy.Symbol(node[1])
    if kind == "neg":
        return sympy.Mul(sympy.Integer(-1), _build(node[1]))
    left, right = _build(node[1]), _build(node[2])
    if kind == "+":
        return sympy.Add(left, right)
    if kind == "-":
        return sympy.Add(left, sympy.Mul(sympy.Integer(-1), right))
    if kind == "*":
        return sympy.Mul(left, right)
    return sympy.Pow(left, right)


def target_to_sympy(tokens: Sequence[str]) -> sympy.Expr:
    """Like :func:`to_sympy`, refusing (``ArithError``) a degree above :data:`MAX_DEGREE`."""
    node = parse_target(tokens)
    if degree(node) > MAX_DEGREE:
        raise ArithError(f"degree above {MAX_DEGREE}: refused rather than expanded")
    return _build(node)


def words_to_sympy(words: Sequence[str]) -> sympy.Expr:
    return _build(parse_words(words))


def equivalent(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Whether two polynomials are equal (expanding their difference decides it exactly)."""
    import sympy

    return bool(sympy.expand(a - b) == 0)
