"""Frozen dataclass values built fast, for the learners' hot paths.

A frozen dataclass's ``__init__`` sets each field through
``object.__setattr__``; on a learner's answer path (a derivation node per
rule applied, a prediction per input) that is a third of the cost of a short
answer. :func:`frozen_value` builds the same value by filling the instance's
``__dict__`` at once. It is only for dataclasses without ``__post_init__``
(it would be skipped) and without slots; fields left out take their plain
defaults (a ``default_factory`` field must be given). A class is checked on
its first use, and every call checks that it ends with every field once:

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Point:
...     x: int
...     y: int
...     label: str = ""
>>> frozen_value(Point, x=1, y=2) == Point(1, 2)
True
>>> frozen_value(Point, x=1)
Traceback (most recent call last):
...
TypeError: frozen_value(Point): fields ['label', 'x', 'y'] expected, ['label', 'x'] given
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")
_SIZES: dict[type, int] = {}  # class -> its number of fields, once checked


def frozen_value(cls: type[T], **fields: Any) -> T:
    """``cls(**fields)`` for a frozen dataclass without ``__post_init__``, built in one step."""
    value = object.__new__(cls)
    given = value.__dict__
    given.update(fields)
    if len(given) != _SIZES.get(cls):  # the fast path: every field given, of a class checked before
        _complete(cls, given)
    return value


def _complete(cls: type, given: dict[str, Any]) -> None:
    """Check the class (first use) and the fields; fill in the plain defaults of those left out."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"frozen_value({cls.__name__}): only for dataclasses without __post_init__ or slots")
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    if not given.keys() <= names:
        raise TypeError(f"frozen_value({cls.__name__}): unknown fields {sorted(given.keys() - names)}")
    for f in fields:
        if f.name not in given and f.default is not dataclasses.MISSING:
            given[f.name] = f.default
    if len(given) != len(names):
        raise TypeError(f"frozen_value({cls.__name__}): fields {sorted(names)} expected, {sorted(given)} given")
    _SIZES[cls] = len(names)
