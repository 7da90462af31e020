"""SCAN generated from its grammar (Lake & Baroni 2018, supplementary Table/Fig. 6-7).

The phrase-structure grammar::

    C -> S and S | S after S | S
    S -> V twice | V thrice | V
    V -> D[1] opposite D[2] | D[1] around D[2] | D | U
    D -> U left | U right | turn left | turn right
    U -> walk | look | run | jump

where ``D[1]`` is the first word of a ``D`` (a ``U`` or ``turn``) and ``D[2]``
is a direction. :func:`interpret` is the paper's interpretation function,
written by hand; it is also the reference that the rule learner's speed is
measured against.

>>> interpret("jump around left twice".split())[:4]
('I_TURN_LEFT', 'I_JUMP', 'I_TURN_LEFT', 'I_JUMP')
>>> len(all_commands())
20910
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sandbox.data import Tokens

PRIMITIVES = ("walk", "look", "run", "jump")
DIRECTIONS = ("left", "right")
ACTION = {"walk": "I_WALK", "look": "I_LOOK", "run": "I_RUN", "jump": "I_JUMP"}
TURN = {"left": "I_TURN_LEFT", "right": "I_TURN_RIGHT"}
REPEATS = {"twice": 2, "thrice": 3}


def verb_phrases() -> list[Tokens]:
    """Every ``V``: 34 phrases, in the grammar's order."""
    out: list[Tokens] = []
    for first in (*PRIMITIVES, "turn"):
        for d in DIRECTIONS:
            out.append((first, "opposite", d))
            out.append((first, "around", d))
    for first in (*PRIMITIVES, "turn"):
        for d in DIRECTIONS:
            out.append((first, d))
    out.extend((u,) for u in PRIMITIVES)
    return out


def sentences() -> list[Tokens]:
    """Every ``S``: each ``V`` alone, twice and thrice (102 phrases)."""
    out: list[Tokens] = []
    for v in verb_phrases():
        out.extend([v, (*v, "twice"), (*v, "thrice")])
    return out


@lru_cache(maxsize=1)
def all_commands() -> tuple[Tokens, ...]:
    """All 20,910 SCAN commands: every ``S``, and every ``S and S`` and ``S after S``."""
    ss = sentences()
    out: list[Tokens] = list(ss)
    for conj in ("and", "after"):
        out.extend((*a, conj, *b) for a in ss for b in ss)
    return tuple(out)


def interpret(command: Sequence[str]) -> Tokens:
    """The meaning of a SCAN command: its action sequence.

    Raises ``ValueError`` for a string outside the grammar.
    """
    words = tuple(command)
    for conj in ("and", "after"):
        if conj in words:
            i = words.index(conj)
            left, right = _sentence(words[:i]), _sentence(words[i + 1 :])
            return left + right if conj == "and" else right + left
    return _sentence(words)


def _sentence(words: Tokens) -> Tokens:
    if words and words[-1] in REPEATS:
        return _verb(words[:-1]) * REPEATS[words[-1]]
    return _verb(words)


def _verb(words: Tokens) -> Tokens:
    if len(words) == 1 and words[0] in ACTION:
        return (ACTION[words[0]],)
    if len(words) == 2 and words[1] in TURN and words[0] in (*PRIMITIVES, "turn"):
        return _turned(words[0], words[1], 1)
    if len(words) == 3 and words[2] in TURN and words[0] in (*PRIMITIVES, "turn"):
        if words[1] == "opposite":
            return (TURN[words[2]], *_turned(words[0], words[2], 1))
        if words[1] == "around":
            return _turned(words[0], words[2], 1) * 4
    raise ValueError(f"not a SCAN command: {' '.join(words)!r}")


def _turned(first: str, direction: str, times: int) -> Tokens:
    act = () if first == "turn" else (ACTION[first],)
    return ((TURN[direction], *act)) * times
