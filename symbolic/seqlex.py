"""Sequence words: words that mean one token each, wherever they stand.

A sequence language (strings of symbols edited by function words) has many
rare symbol words, each meaning one token, and functions that often drop
their arguments from the output. Co-occurrence by majority fails there; what
holds is *ownership*: a word ``w`` may mean a token ``t`` when ``t`` stands in
the output of at least one example with ``w`` and every example whose output
holds ``t`` has ``w`` in its input. Where several words own a token:

- the **copy bias** (a stated preference, like mutual exclusivity): a word
  owning the token spelled as itself reads as standing for itself; it is
  recorded in the word's notes and in every trace that uses it;
- **mutual exclusivity**: a token read already as one word's meaning is not
  another's; repeated until nothing changes;
- where several words still own a token, the one whose inputs show it most
  often (a rare symbol word beside a frequent function word), if it is ahead.

A word that is the best owner of several tokens after that (it stands beside
them all, as a function word does in a small training set) is not a
sequence word. With
tokens spelled unlike their words, ownership and mutual exclusivity do the
work alone; a word that shares a token's spelling by accident but does not
own it gains nothing from the bias.

>>> from sandbox.data import Example
>>> pairs = [("flip a b", "b a"), ("dup a", "a a"), ("flip c b", "b c"), ("drop a , c", "c")]
>>> exs = [Example.of(s, t, id=f"t{i}") for i, (s, t) in enumerate(pairs)]
>>> lex = sequence_lexicon(exs)
>>> sorted(lex.meaning.items())
[('a', 'a'), ('b', 'b'), ('c', 'c')]
>>> lex.copied
True

Renamed tokens: ownership alone, once the data separate "b" from "flip":

>>> renamed = [Example.of(s, t.upper(), id=f"t{i}") for i, (s, t) in enumerate(pairs)]
>>> sorted(sequence_lexicon(renamed).meaning.items())
[('a', 'A'), ('c', 'C')]
>>> more = [*renamed, Example.of("dup b", "B B", id="t9")]
>>> sorted(sequence_lexicon(more).meaning.items())
[('a', 'A'), ('b', 'B'), ('c', 'C')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sandbox.data import Example
from symbolic.rules import WORD_EVIDENCE

COPY_BIAS = "copy bias: copied to the output at least once, and present wherever its token is"
OWNED = "ownership: present wherever its token is, and the only such word (mutual exclusivity)"


@dataclass(frozen=True)
class SequenceLexicon:
    """Each sequence word's token, the reason it was read so, and the examples behind it."""

    meaning: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def copied(self) -> bool:
        """Whether any word was read by the copy bias (then an unseen word may read as itself)."""
        return any(n == COPY_BIAS for n in self.notes.values())

    @cached_property
    def copied_words(self) -> frozenset[str]:
        """The words read as standing for themselves (by the copy bias, or promoted to it)."""
        return frozenset(w for w, t in self.meaning.items() if w == t and self.notes[w] != OWNED)

    @property
    def copy_evidence(self) -> tuple[str, ...]:
        """A few examples that showed words copied (the evidence for reading a new word as itself)."""
        ids: list[str] = []
        for w in sorted(self.meaning):
            if self.notes[w] == COPY_BIAS:
                ids.extend(i for i in self.evidence[w] if i not in ids)
            if len(ids) >= WORD_EVIDENCE:
                break
        return tuple(ids[:WORD_EVIDENCE])


    def with_words(self, words: dict[str, tuple[str, str, tuple[str, ...]]]) -> SequenceLexicon:
        """A copy with ``words`` added (word -> (token, note, evidence))."""
        meaning, notes, evidence = dict(self.meaning), dict(self.notes), dict(self.evidence)
        for w, (t, note, ids) in words.items():
            meaning[w], notes[w], evidence[w] = t, note, ids
        return SequenceLexicon(meaning, notes, evidence)


def sequence_lexicon(examples: Sequence[Example], copy_bias: bool = True) -> SequenceLexicon:
    """The sequence words of ``examples`` (see the module docstring)."""
    owners = _owners(examples)
    together: dict[tuple[str, str], int] = {}  # (owner, token) -> examples showing both
    alone: dict[str, int] = {}  # word -> examples with it in the input
    for ex in examples:
        out = set(ex.target)
        for w in set(ex.source):
            alone[w] = alone.get(w, 0) + 1
            for t in out:
                if w in owners.get(t, ()):
                    together[w, t] = together.get((w, t), 0) + 1
    meaning: dict[str, str] = {}
    notes: dict[str, str] = {}
    if copy_bias:
        for t, ws in owners.items():
            if t in ws:
                meaning[t], notes[t] = t, COPY_BIAS
    named = set(meaning.values())
    changed = True
    while changed:
        changed = False
        candidates: dict[str, set[str]] = {}
        for t, ws in owners.items():
            if t in named:
                continue
            free = sorted((w for w in ws if w not in meaning),
                          key=lambda w: (-together.get((w, t), 0) / alone[w], w))
            # Several owners: the one whose inputs show the token most often (a rare symbol
            # word beside a frequent function word), where that one is ahead.
            if len(free) == 1 or (len(free) > 1 and together.get((free[0], t), 0) / alone[free[0]]
                                  > together.get((free[1], t), 0) / alone[free[1]]):
                candidates.setdefault(free[0], set()).add(t)
        for w, ts in sorted(candidates.items()):
            if len(ts) == 1:
                (t,) = ts
                meaning[w], notes[w] = t, OWNED
                named.add(t)
                changed = True
    evidence: dict[str, tuple[str, ...]] = {}
    for ex in examples:
        for w in set(ex.source):
            token = meaning.get(w)
            if token is not None and token in ex.target and len(evidence.get(w, ())) < WORD_EVIDENCE:
                evidence[w] = (*evidence.get(w, ()), ex.id)
    return SequenceLexicon(meaning, notes, evidence)


def _owners(examples: Sequence[Example]) -> dict[str, set[str]]:
    """For each output token, the input words present in every example whose output holds it."""
    owners: dict[str, set[str]] = {}
    for ex in examples:
        words = set(ex.source)
        for t in set(ex.target):
            if t in owners:
                owners[t] &= words
            else:
                owners[t] = set(words)
    return owners
