"""Templates that compute: the shortest program that explains every instance.

A *program* is a template whose items are output tokens (constants), slot
numbers (the slot's meaning as it is) and :class:`sandbox.seqops.Apply` terms
(a chain of operations from the closed set of :mod:`sandbox.seqops` applied to
a slot's meaning). Given instances (the meanings of a pattern's slots and the
output they gave), :func:`find_program` returns the smallest program that
rebuilds every output, searching by size (terms plus operations) with
iterative deepening, smallest first, and pruning every partial program that
does not match the start of every output. The work is a count of term checks,
bounded by the caller's :class:`Work`; the search never looks at what the
tokens are, only at where they stand.

>>> inst = [((("a", "b", "c"),), ("b", "c", "a")), ((("d", "e"),), ("e", "d"))]
>>> render(find_program(inst, 1, Work(10_000)))
'rest(<0>) first(<0>)'
>>> inst = [((("a", "b"), ("c",)), ("c",)), ((("d",), ("e", "f")), ("e", "f"))]
>>> render(find_program(inst, 2, Work(10_000)))
'<1>'
>>> inst = [((("a", "b", "c"),), ("c", "b", "a")), ((("a", "b", "c", "d"),), ("d", "b", "c", "a"))]
>>> render(find_program(inst, 1, Work(10_000)))
'last(<0>) init(rest(<0>)) first(<0>)'

Constants come last (the fewest-constants bias: a token a slot explains is
read as the slot's): only where no program without constants fits.

>>> inst = [((("a",),), ("a", "X")), ((("b", "c"),), ("b", "c", "X"))]
>>> render(find_program(inst, 1, Work(10_000)))
'<0> X'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product

from sandbox.data import Tokens
from sandbox.seqops import OPS, Apply, render_item
from symbolic.work import Work

Term = str | int | Apply  # a constant, a slot's meaning, or operations on it
Program = tuple[Term, ...]
Instance = tuple[tuple[Tokens, ...], Tokens]  # (slot meanings, output)
MAX_CHAIN = 2  # operations composed in one term
MAX_SIZE = 14  # terms plus operations in one program
PROBE_LENGTHS = range(8)  # the operations act on positions only: equal on these, equal everywhere


@dataclass(frozen=True)
class _Term:
    item: Term
    size: int


def term_value(term: Term, meanings: Sequence[Tokens]) -> Tokens:
    if isinstance(term, int):
        return meanings[term]
    if isinstance(term, Apply):
        return term.apply(meanings[term.slot])
    return (term,)


def run_program(program: Sequence[Term], meanings: Sequence[Tokens]) -> Tokens:
    """The output of ``program`` on the slot meanings ``meanings``."""
    out: list[str] = []
    for term in program:
        out.extend(term_value(term, meanings))
    return tuple(out)


def render(program: Sequence[Term] | None) -> str:
    return "(none)" if program is None else " ".join(render_item(t) for t in program) or "(nothing)"


@cache
def chains() -> tuple[tuple[str, ...], ...]:
    """Every distinct operation chain of up to MAX_CHAIN operations, the shortest of each behaviour first."""
    seen: dict[tuple[tuple[int, ...], ...], tuple[str, ...]] = {}
    for n in range(MAX_CHAIN + 1):
        for ops in product(sorted(OPS), repeat=n):
            probe = tuple(Apply(ops, 0).apply(tuple(range(k))) for k in PROBE_LENGTHS)
            if probe not in seen and any(probe):
                seen[probe] = ops
    return tuple(seen.values())


def _terms(n_slots: int, constants: Sequence[str]) -> list[_Term]:
    out = [_Term(s if not ops else Apply(ops, s), 1 + len(ops)) for ops in chains() for s in range(n_slots)]
    out += [_Term(c, 1) for c in constants]
    return sorted(out, key=lambda t: t.size)  # stable: bare slots first, then by slot


def find_program(instances: Sequence[Instance], n_slots: int, work: Work,
                 max_size: int = MAX_SIZE, owned: frozenset[str] = frozenset()) -> Program | None:
    """The smallest program that rebuilds every instance's output, or None.

    Constants are tried only for tokens that stand in every output, and only
    where no program without constants fits; never for a token in ``owned``
    (one a word of the input owns: it comes from that word, not from a rule).
    Among programs of one size, the first in term order wins: bare slots before
    operations, lower slots first (the iconic order). ``None`` when no
    program of up to ``max_size`` fits or ``work`` runs out.
    """
    if not instances:
        return None
    shared = set(instances[0][1]) - owned
    for _, out in instances[1:]:
        shared &= set(out)
    for constants in ([], sorted(shared)) if shared else ([],):
        found = _smallest(instances, _terms(n_slots, constants), work, max_size)
        if found is not None or work.exhausted:
            return found
    return None


def _smallest(instances: Sequence[Instance], terms: list[_Term], work: Work, max_size: int) -> Program | None:
    values = [[term_value(t.item, m) for m, _ in instances] for t in terms]
    outputs = [out for _, out in instances]
    longest = max(len(o) for o in outputs)
    for size in range(1, max_size + 1):
        found = _search(terms, values, outputs, [0] * len(outputs), size, work, longest)
        if found is not None:
            return tuple(terms[i].item for i in found)
        if work.exhausted:
            return None
    return None


def _search(terms: list[_Term], values: list[list[Tokens]], outputs: list[Tokens], offsets: list[int],
            size: int, work: Work, longest: int) -> list[int] | None:
    if all(o == len(out) for o, out in zip(offsets, outputs, strict=True)):
        return [] if size == 0 else None
    for i, term in enumerate(terms):
        if term.size > size:
            break
        if not work.spend():
            return None
        vals = values[i]
        nxt: list[int] = []
        progress = False
        for val, off, out in zip(vals, offsets, outputs, strict=True):
            end = off + len(val)
            if end > len(out) or out[off:end] != val:
                break
            progress |= bool(val)
            nxt.append(end)
        else:
            if not progress:
                continue  # a term that writes nothing anywhere only costs size
            rest = _search(terms, values, outputs, nxt, size - term.size, work, longest)
            if rest is not None:
                return [i, *rest]
    return None
