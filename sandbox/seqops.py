"""The closed vocabulary of sequence operations a derivation may apply.

This module is the contract between a learner whose templates compute on
sequences and the sandbox's independent replayer (:mod:`sandbox.derivation`):
both sides read the operations from here, so a derivation replays without the
learner. Nothing here knows any task: an operation takes a sequence of tokens
(a slot's meaning) and returns a sequence.

The operations, each total (defined on the empty sequence too):

>>> s = ("a", "b", "c", "d")
>>> OPS["first"](s), OPS["last"](s)
(('a',), ('d',))
>>> OPS["rest"](s), OPS["init"](s)
(('b', 'c', 'd'), ('a', 'b', 'c'))
>>> OPS["rev"](s)
('d', 'c', 'b', 'a')
>>> OPS["first"](()), OPS["rest"](("a",))
((), ())

Two new kinds of item extend patterns and templates:

- :class:`Apply` (a template item): operations applied to a slot's meaning,
  written outermost first, as they read: ``rest(init(<0>))`` is the slot's
  meaning without its first and last tokens.

  >>> middle = Apply(("rest", "init"), 0)
  >>> middle.render(), middle.apply(s)
  ('rest(init(<0>))', ('b', 'c'))
  >>> Apply.from_json(middle.to_json()) == middle
  True

- :data:`ANY_WORD` (a pattern item) matches any one input word, and
  :data:`THE_WORD` (a template item) writes that word as an output token: a
  rule ``ANY_WORD -> THE_WORD`` reads a word as standing for itself.

  >>> render_item(ANY_WORD), render_item(THE_WORD)
  ('<word>', '<word>')

Items travel in JSON as plain strings and integers (words, tokens, slots) or
as one-key objects (``{"apply": [...], "slot": 0}``, ``{"any_word": 0}``,
``{"the_word": 0}``); :func:`item_from_json` refuses anything else with a
:class:`ValueError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sandbox.lforms import LFItem, lf_item_from_json

T = TypeVar("T")

# Each operation is written for any sequence, so that the replayer can apply it
# to output tokens and the attribution to the input positions behind them.
OPS: dict[str, Callable[[Sequence[Any]], tuple[Any, ...]]] = {
    "first": lambda s: tuple(s[:1]),
    "last": lambda s: tuple(s[-1:]),
    "rest": lambda s: tuple(s[1:]),
    "init": lambda s: tuple(s[:-1]),
    "rev": lambda s: tuple(s[::-1]),
}
DOCS = {
    "first": "the first token (nothing if empty)",
    "last": "the last token (nothing if empty)",
    "rest": "all but the first token",
    "init": "all but the last token",
    "rev": "the tokens in reverse order",
}


def apply_ops(ops: Sequence[str], seq: Sequence[T]) -> tuple[T, ...]:
    """Apply ``ops`` (outermost first) to ``seq``.

    >>> apply_ops(("first", "rev"), ("a", "b", "c"))
    ('c',)
    """
    out: tuple[T, ...] = tuple(seq)
    for op in reversed(ops):
        fn = OPS.get(op)
        if fn is None:
            raise ValueError(f"unknown sequence operation {op!r} (known: {', '.join(OPS)})")
        out = fn(out)
    return out


@dataclass(frozen=True)
class Apply:
    """A template item: ``ops`` (outermost first) applied to the meaning of slot ``slot``."""

    ops: tuple[str, ...]
    slot: int

    def apply(self, meaning: Sequence[T]) -> tuple[T, ...]:
        return apply_ops(self.ops, meaning)

    def render(self) -> str:
        text = f"<{self.slot}>"
        for op in reversed(self.ops):
            text = f"{op}({text})"
        return text

    @property
    def size(self) -> int:
        """How many operations it applies (the search orders programs by size)."""
        return len(self.ops)

    def to_json(self) -> dict[str, Any]:
        return {"apply": list(self.ops), "slot": self.slot}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Apply:
        ops = tuple(str(o) for o in obj["apply"])
        unknown = [o for o in ops if o not in OPS]
        if unknown:
            raise ValueError(f"unknown sequence operation {unknown[0]!r} (known: {', '.join(OPS)})")
        slot = obj["slot"]
        if not isinstance(slot, int) or isinstance(slot, bool) or slot < 0:
            raise ValueError(f"an applied operation names slot {slot!r}, not a slot number")
        return cls(ops, slot)


@dataclass(frozen=True)
class AnyWord:
    """A pattern item that matches any one input word."""

    def to_json(self) -> dict[str, Any]:
        return {"any_word": 0}


@dataclass(frozen=True)
class TheWord:
    """A template item: the input word that the pattern's :data:`ANY_WORD` matched."""

    def to_json(self) -> dict[str, Any]:
        return {"the_word": 0}


ANY_WORD = AnyWord()
THE_WORD = TheWord()

Item = str | int | Apply | AnyWord | TheWord | LFItem


def render_item(item: Item) -> str:
    """One item as people read it: words and tokens as they are, ``<i>`` for slot ``i``."""
    if isinstance(item, int):
        return f"<{item}>"
    if isinstance(item, Apply):
        return item.render()
    if isinstance(item, AnyWord | TheWord):
        return "<word>"
    if isinstance(item, str):
        return item
    return item.render()


def item_to_json(item: Item) -> Any:
    return item if isinstance(item, str | int) else item.to_json()


def item_from_json(obj: Any) -> Item:
    """An item from its JSON form (see the module docstring)."""
    if isinstance(obj, bool):
        raise ValueError(f"not a pattern or template item: {obj!r}")
    if isinstance(obj, str | int):
        return obj
    if isinstance(obj, Mapping):
        if "apply" in obj:
            return Apply.from_json(obj)
        if set(obj) == {"any_word"}:
            return ANY_WORD
        if set(obj) == {"the_word"}:
            return THE_WORD
        lf = lf_item_from_json(obj)
        if lf is not None:
            return lf
    raise ValueError(f"not a pattern or template item: {obj!r}")
