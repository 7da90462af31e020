"""Small hand-written tasks for the symbolic learner's tests (none of them SCAN's vocabulary)."""

from __future__ import annotations

from sandbox.data import Example

# A tiny SCAN-like language: primitives, a postfix repeater, a direction-like
# modifier that alternates (so it is a meaning that fills slots), a
# connective that reverses, and a word that means nothing on its own.
TINY = [
    ("ka", "K"), ("mo", "M"), ("pe", "P"),
    ("ka ri", "K K"), ("mo ri", "M M"),
    ("ka lu", "L K"), ("mo lu", "L M"), ("ka su", "S K"), ("pe su", "S P"),
    ("zo lu", "L"), ("zo su", "S"),
    ("ka ba mo", "M K"), ("mo ba pe", "P M"), ("pe ba ka", "K P"),
    ("ka ri ba mo", "M K K"), ("ka ba mo ri", "M M K"),
    ("ka lu ri", "L K L K"), ("zo lu ri", "L L"),
    ("ka lu ba pe", "P L K"),
]


def tiny_examples() -> list[Example]:
    return [Example.of(s, t, id=f"tiny-{i}") for i, (s, t) in enumerate(TINY)]


def rename(examples: list[Example], words: dict[str, str], tokens: dict[str, str]) -> list[Example]:
    """The same examples through a bijection of words and one of tokens."""
    return [Example(tuple(words.get(w, w) for w in ex.source),
                    tuple(tokens.get(t, t) for t in ex.target), ex.id) for ex in examples]
