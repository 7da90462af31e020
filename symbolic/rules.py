"""Rules: immutable values that map a source pattern to a target template.

A pattern mixes fixed words (``str``) with numbered slots (``int``); a
template mixes output tokens (``str``, the rule's *constants*) with slot
numbers, each standing for the meaning of the phrase in that slot. A rule
records the ids of the training examples that support it, so that every step
of every answer points back to the data.

>>> r = Rule("r1", (0, "rep"), (0, 0), ("t-3",), RuleKind.COMPOSITION, support=2)
>>> r.text()
'r1: <0> rep -> <0> <0>'
>>> r.instantiate([("A", "B")])
('A', 'B', 'A', 'B')
>>> r.fixed_words, r.constants, r.n_slots
(('rep',), (), 1)
>>> Rule.from_json(r.to_json()) == r
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sandbox.data import Tokens
from sandbox.seqops import Item as AnyItem
from sandbox.seqops import render_item

Item = str | int
# How many training examples a learned item cites (its evidence: what a trace points to).
WORD_EVIDENCE = 3  # a word's meaning, a sequence rule: the shortest examples that show it
RULE_EVIDENCE = 5  # a composition rule: the examples that proposed it
ADMISSION_EVIDENCE = 2  # a filler admitted into a slot


class RuleKind(str, Enum):
    """How a rule was learned."""

    LEXICAL = "lexical"  # one word and its meaning
    COMPOSITION = "composition"  # an abstraction of examples with slots
    PHRASE = "phrase"  # words that mean something only together, inferred from the rules that contain them
    MEMORIZED = "memorized"  # one whole example, kept when nothing more general fits


@dataclass(frozen=True)
class Rule:
    """One rule (see the module docstring).

    ``evidence`` holds a few supporting example ids (the shortest ones);
    ``support`` counts every example that proposed the rule during induction.
    ``notes`` names the inductive biases that chose this rule over an
    alternative reading of the same examples.
    """

    id: str
    pattern: tuple[Item, ...]
    template: tuple[Item, ...]
    evidence: tuple[str, ...]
    kind: RuleKind
    support: int = 1
    notes: tuple[str, ...] = ()

    @property
    def fixed_words(self) -> tuple[str, ...]:
        return tuple(x for x in self.pattern if isinstance(x, str))

    @property
    def constants(self) -> tuple[str, ...]:
        return tuple(x for x in self.template if isinstance(x, str))

    @property
    def n_slots(self) -> int:
        return sum(1 for x in self.pattern if isinstance(x, int))

    @property
    def meaning(self) -> Tokens:
        """The output of a rule without slots (a word's meaning, a memorized output)."""
        return tuple(x for x in self.template if isinstance(x, str))

    def instantiate(self, meanings: Sequence[Tokens]) -> Tokens:
        """The template with slot ``i`` replaced by ``meanings[i]``."""
        out: list[str] = []
        for item in self.template:
            if isinstance(item, int):
                out.extend(meanings[item])
            else:
                out.append(item)
        return tuple(out)

    def text(self) -> str:
        """One readable line: ``id: pattern -> template``."""
        return f"{self.id}: {render_items(self.pattern)} -> {render_items(self.template) or '(nothing)'}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "pattern": list(self.pattern),
            "template": list(self.template),
            "evidence": list(self.evidence),
            "support": self.support,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Rule:
        def items(seq: Sequence[Any]) -> tuple[Item, ...]:
            return tuple(x if isinstance(x, int) and not isinstance(x, bool) else str(x) for x in seq)

        return cls(
            id=str(obj["id"]),
            pattern=items(obj["pattern"]),
            template=items(obj["template"]),
            evidence=tuple(str(e) for e in obj.get("evidence", ())),
            kind=RuleKind(obj["kind"]),
            support=int(obj.get("support", 1)),
            notes=tuple(str(n) for n in obj.get("notes", ())),
        )


def render_items(items: Sequence[AnyItem]) -> str:
    """Words and tokens as they are, slots as ``<i>``, applied operations as ``op(<i>)``."""
    return " ".join(render_item(x) for x in items)


def lexical_rule_id(word: str) -> str:
    """The id of a word's lexical rule (readable in traces)."""
    return f"lex:{word}"
