"""Template items for meanings that are sets of conjuncts over word positions.

Some tasks write a sentence's meaning as a list of *conjuncts*, each a small
term whose arguments name words of the input by their position (a logical
form with co-indexed variables). Concatenating slot meanings cannot write
them: the same word contributes a term that mentions where it stands, and the
terms come out in an order of their own. This module is the closed vocabulary
a derivation uses for them (derivation format 3), applied by the replayer in
:mod:`sandbox.derivation` without the learner:

- a leaf (one input word) states the word's :class:`Entry`: its *lemma* (the
  tokens that name it in conjuncts) and how it is *referred to*: by a marker
  followed by its position, or by the word itself;
- an inner node names its :class:`Head` (the child whose head word is the
  node's head) and its own conjuncts (:class:`Conj`), whose items are output
  tokens, the lemma of a child's head (:class:`Lemma`) and the reference to a
  child's head (:class:`Ref`); a node's conjuncts are its own and all of its
  children's;
- the root applies a :class:`Render`: conjuncts grouped by *part* in a stated
  order, within a part ordered by the positions they mention, each followed
  by its part's separator except the last.

Nothing here names a task's symbols: markers, separators and parts are data.

>>> word = Entry(("see",), ("v",))
>>> word.refer(("we", "saw"), 1), word.refer(("we", "saw"), 1) == ("v", "1")
(('v', '1'), True)
>>> Entry((), None).refer(("we", "saw"), 0)
('we',)
>>> c = Conj("and", (Lemma(1), "(", Ref(1), ",", Ref(0), ")"))
>>> c.render()
'[and: lemma<1> ( ref<1> , ref<0> )]'
>>> Conj.from_json(c.to_json()) == c
True
>>> law = Render(("def", "and"), (";", "&"))
>>> law.render_conjuncts([("and", (1, 0), ("see", "(", "v", "1", ")")), ("def", (0,), ("*", "we", "(", "v", "0", ")"))])
('*', 'we', '(', 'v', '0', ')', ';', 'see', '(', 'v', '1', ')')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.data import Tokens

# One conjunct as built: its part, the positions it mentions (in order), its tokens.
Built = tuple[str, tuple[int, ...], Tokens]


@dataclass(frozen=True)
class Lemma:
    """The lemma tokens of the head word of child ``slot``."""

    slot: int

    def render(self) -> str:
        return f"lemma<{self.slot}>"

    def to_json(self) -> dict[str, Any]:
        return {"lemma": self.slot}


@dataclass(frozen=True)
class Ref:
    """The reference to the head word of child ``slot`` (its marker and position, or the word)."""

    slot: int

    def render(self) -> str:
        return f"ref<{self.slot}>"

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.slot}


ConjItem = str | Lemma | Ref


@dataclass(frozen=True)
class Conj:
    """One conjunct a rule adds: its part and its items."""

    part: str
    items: tuple[ConjItem, ...]

    def render(self) -> str:
        body = " ".join(x if isinstance(x, str) else x.render() for x in self.items)
        return f"[{self.part}: {body}]"

    def to_json(self) -> dict[str, Any]:
        return {"conj": self.part, "items": [x if isinstance(x, str) else x.to_json() for x in self.items]}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Conj:
        return cls(str(obj["conj"]), tuple(_conj_item(x) for x in obj["items"]))


@dataclass(frozen=True)
class Head:
    """This node's head word is the head word of child ``slot``."""

    slot: int

    def render(self) -> str:
        return f"head<{self.slot}>"

    def to_json(self) -> dict[str, Any]:
        return {"head": self.slot}


@dataclass(frozen=True)
class Entry:
    """A leaf's word: its lemma, and its marker (``None``: the word refers to itself)."""

    lemma: Tokens
    marker: Tokens | None

    def refer(self, source: Sequence[str], position: int) -> Tokens:
        if self.marker is None:
            return (source[position],)
        return (*self.marker, str(position))

    def render(self) -> str:
        refer = "itself" if self.marker is None else " ".join(self.marker) + " <position>"
        return f"entry(lemma {' '.join(self.lemma) or '(none)'}; referred to as {refer})"

    def to_json(self) -> dict[str, Any]:
        return {"entry": list(self.lemma), "marker": None if self.marker is None else list(self.marker)}


@dataclass(frozen=True)
class Render:
    """Conjuncts by part (in ``parts`` order), by mentioned positions within one; separators between."""

    parts: Tokens
    separators: Tokens

    def render(self) -> str:
        return "render(" + ", ".join(f"{p} then {s!r}" for p, s in zip(self.parts, self.separators, strict=False)) + ")"

    def to_json(self) -> dict[str, Any]:
        return {"render": list(self.parts), "separators": list(self.separators)}

    def key(self, conjunct: Built) -> tuple[int, tuple[int, ...], Tokens]:
        """Where a conjunct goes: its part's rank, then the positions it mentions, then its tokens."""
        part = conjunct[0]
        return (self.parts.index(part) if part in self.parts else len(self.parts), conjunct[1], conjunct[2])

    def order(self, conjuncts: Sequence[Built]) -> list[Built]:
        return sorted(conjuncts, key=self.key)

    def render_conjuncts(self, conjuncts: Sequence[Built]) -> Tokens:
        sep = dict(zip(self.parts, self.separators, strict=False))
        out: list[str] = []
        ordered = self.order(conjuncts)
        for i, (part, _, tokens) in enumerate(ordered):
            out.extend(tokens)
            if i + 1 < len(ordered):
                out.append(sep[part])
        return tuple(out)


LFItem = Lemma | Ref | Conj | Head | Entry | Render


def _conj_item(obj: Any) -> ConjItem:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, Mapping) and set(obj) == {"lemma"}:
        return Lemma(int(obj["lemma"]))
    if isinstance(obj, Mapping) and set(obj) == {"ref"}:
        return Ref(int(obj["ref"]))
    raise ValueError(f"not a conjunct item: {obj!r}")


def lf_item_from_json(obj: Mapping[str, Any]) -> LFItem | None:
    """The item for a JSON object of this module's kinds, or ``None`` when it is none of them."""
    keys = set(obj)
    if keys == {"lemma"} or keys == {"ref"}:
        return _conj_item(obj)  # type: ignore[return-value]
    if keys == {"conj", "items"}:
        return Conj.from_json(obj)
    if keys == {"head"}:
        return Head(int(obj["head"]))
    if keys == {"entry", "marker"}:
        marker = obj["marker"]
        return Entry(tuple(str(t) for t in obj["entry"]), None if marker is None else tuple(str(t) for t in marker))
    if keys == {"render", "separators"}:
        parts, seps = tuple(str(p) for p in obj["render"]), tuple(str(s) for s in obj["separators"])
        if len(parts) != len(seps):
            raise ValueError("a render item needs one separator per part")
        return Render(parts, seps)
    return None


@dataclass(frozen=True)
class Meaning:
    """What a node of a conjunct derivation means: its head word and the conjuncts below it."""

    head: int
    lemma: Tokens
    refer: Tokens
    conjuncts: tuple[Built, ...]
    # For each conjunct, the input positions behind each of its tokens (attribution).
    sources: tuple[tuple[tuple[int, ...], ...], ...] = ()


def build_conjunct(conj: Conj, children: Sequence[Meaning],
                   fixed: tuple[int, ...]) -> tuple[Built, tuple[tuple[int, ...], ...]]:
    """``conj`` with its items filled from ``children`` (``fixed``: the positions behind its constants).

    Returns the conjunct and, per token, the input positions behind it. Raises
    ``IndexError`` (the slot) where an item names a missing child.
    """
    tokens: list[str] = []
    behind: list[tuple[int, ...]] = []
    positions: list[int] = []
    for item in conj.items:
        if isinstance(item, str):
            tokens.append(item)
            behind.append(fixed)
            continue
        if not 0 <= item.slot < len(children):
            raise IndexError(item.slot)
        child = children[item.slot]
        part = child.lemma if isinstance(item, Lemma) else child.refer
        if isinstance(item, Ref):
            positions.append(child.head)
        tokens.extend(part)
        behind.extend([(child.head,)] * len(part))
    return (conj.part, tuple(positions), tuple(tokens)), tuple(behind)
