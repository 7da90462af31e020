"""Parsing with sequence rules: the least relaxed reading of an input, and its derivation.

A constituent is either a *run* (consecutive sequence words, meaning the
concatenation of their tokens) or a rule applied to constituents that fill
its slots exactly. A slot admits any constituent: a sequence slot covers runs
of any length and nested calls alike (composition gives depth; see the
rules' notes for the lengths each was checked on). Relaxation applies to the
words of a run, one level per step up the word hierarchy:

- level 0: a sequence word (its token, from the lexicon);
- level 1: a word never seen in training, read as standing for itself (only
  where the copy bias read words so in training);
- level 2: a word seen in training but never as a sequence word nor as a
  fixed word of a rule, read as standing for itself (same condition).

A reading's level is the highest of its words'; the parser returns the least
relaxed reading within the cap, or says why there is none. Among equally
relaxed readings with different meanings, the one whose nestings (a rule's
phrase in a slot of another) training examples showed wins (precedence, read
off the data as the concatenative learner's categories read it); otherwise
they are a tie (the learner abstains). Work is counted in
steps (spans tried and cut points checked), bounded per input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.data import Tokens
from sandbox.derivation import Derivation, Relaxation
from sandbox.seqops import ANY_WORD, THE_WORD, item_to_json
from symbolic.programs import Program, run_program
from symbolic.rules import RuleKind, render_items
from symbolic.seqlex import SequenceLexicon

RUN_RULE = "sequence"  # the rule of the sequence category: a run means its words' tokens in order
COPY_RULE = "copy"  # a word read as standing for itself
WORD_CATEGORY = "sequence words"
LEVEL_NAMES = {1: "words never seen, read as themselves (copy bias)",
               2: "words seen but never as sequence words, read as themselves (copy bias)"}
MAX_PARSE_STEPS = 200_000
MAX_TIES = 2


@dataclass(frozen=True)
class SeqRule:
    """A rule whose slots hold sequences and whose template may compute on them."""

    id: str
    pattern: tuple[str | int, ...]
    template: Program
    evidence: tuple[str, ...]
    support: int = 1
    lengths: tuple[int, ...] = ()  # the longest meaning checked in each slot
    notes: tuple[str, ...] = ()

    @property
    def n_slots(self) -> int:
        return sum(1 for x in self.pattern if isinstance(x, int))

    @property
    def fixed_words(self) -> tuple[str, ...]:
        return tuple(x for x in self.pattern if isinstance(x, str))

    @property
    def kind(self) -> RuleKind:
        return RuleKind.COMPOSITION

    def text(self) -> str:
        """One readable line: ``id: pattern -> template``."""
        return f"{self.id}: {render_items(self.pattern)} -> {render_items(self.template) or '(nothing)'}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind.value, "pattern": [item_to_json(x) for x in self.pattern],
                "template": [item_to_json(x) for x in self.template], "evidence": list(self.evidence),
                "support": self.support, "lengths": list(self.lengths), "notes": list(self.notes)}


class BudgetSpent(Exception):
    """The parse used up its steps."""


@dataclass
class Reading:
    level: int
    meaning: Tokens
    span: tuple[int, int]
    rule: SeqRule | None = None  # None: a run of words
    children: tuple[Reading, ...] = ()
    word_levels: tuple[int, ...] = ()  # of a run
    ties: int = 1  # distinct meanings at this level for this span (capped at MAX_TIES)
    novel: int = 0  # nestings in this subtree that no training example showed (a rule's phrase in a slot)
    alt: Reading | None = None  # an equally ranked reading with another meaning
    grouped: bool = False  # in this subtree, the grouping bias chose between equally ranked meanings

    def nestings(self) -> Iterable[Nesting]:
        """(rule, slot, filler rule) for every slot in the subtree (``sequence`` for a run)."""
        if self.rule is not None:
            for k, child in enumerate(self.children):
                yield (self.rule.id, k, child.rule.id if child.rule is not None else RUN_RULE)
                yield from child.nestings()


Nesting = tuple[str, int, str]


@dataclass
class SeqParser:
    lexicon: SequenceLexicon
    rules: Sequence[SeqRule]
    seen_words: frozenset[str] = frozenset()
    nestings: frozenset[Nesting] = frozenset()  # seen in training; precedence among equal readings
    grouping: bool = False  # the reading-order grouping bias settles what precedence leaves tied
    max_steps: int = MAX_PARSE_STEPS
    _by_first: dict[str | None, list[SeqRule]] = field(default_factory=dict)
    _fixed: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._by_first = {}
        for r in self.rules:
            key = r.pattern[0] if isinstance(r.pattern[0], str) else None
            self._by_first.setdefault(key, []).append(r)
        self._fixed = frozenset(w for r in self.rules for w in r.fixed_words)
        self._levels: dict[str, int | None] = {}

    def word_level(self, word: str) -> int | None:
        """The level at which ``word`` reads as a run word (None: it never does)."""
        found = self._levels.get(word, -1)
        if found != -1:
            return found
        level = self._word_level(word)
        self._levels[word] = level
        return level

    def _word_level(self, word: str) -> int | None:
        if word in self.lexicon.meaning:
            return 0
        if not self.lexicon.copied or word in self._fixed:
            return None
        return 2 if word in self.seen_words else 1

    @property
    def fixed_words(self) -> frozenset[str]:
        return self._fixed

    def parse(self, source: Sequence[str], cap: int) -> Reading | None:
        """The least relaxed reading of the whole input within ``cap`` (raises BudgetSpent)."""
        return _Parse(self, tuple(source), cap).span(0, len(source))

    def constituents(self, source: Sequence[str]) -> _Parse:
        """A level-0 parse state whose ``span(i, j)`` reads any sub-phrase (for induction)."""
        return _Parse(self, tuple(source), 0)


class _Parse:
    def __init__(self, parser: SeqParser, src: Tokens, cap: int):
        self.p = parser
        self.src = src
        self.cap = cap
        self.memo: dict[tuple[int, int], Reading | None] = {}
        self.steps = 0
        self.levels = [parser.word_level(w) for w in src]

    def _step(self) -> None:
        self.steps += 1
        if self.steps > self.p.max_steps:
            raise BudgetSpent

    def span(self, i: int, j: int) -> Reading | None:
        key = (i, j)
        if key in self.memo:
            return self.memo[key]
        self._step()
        best: Reading | None = None
        levels = self.levels[i:j]
        if all(lv is not None and lv <= self.cap for lv in levels):
            lvs = tuple(lv for lv in levels if lv is not None)
            meaning = tuple(self.p.lexicon.meaning.get(w, w) for w in self.src[i:j])
            best = Reading(max(lvs), meaning, (i, j), None, (), lvs)
        rules = self.p._by_first.get(self.src[i], []) + self.p._by_first.get(None, [])
        for rule in rules:
            for children in self._match(rule.pattern, 0, i, j, ()):
                level = max((c.level for c in children), default=0)
                meaning = run_program(rule.template, [c.meaning for c in children])
                ties = max((c.ties for c in children), default=1)
                novel = sum(c.novel for c in children) + sum(
                    (rule.id, k, c.rule.id if c.rule is not None else RUN_RULE) not in self.p.nestings
                    for k, c in enumerate(children))
                reading = Reading(level, meaning, (i, j), rule, children, (), ties, novel,
                                  grouped=any(c.grouped for c in children))
                best = _better(best, reading, self.p.grouping)
        self.memo[key] = best
        return best

    def _match(self, pattern: tuple[str | int, ...], k: int, pos: int, end: int,
               acc: tuple[Reading, ...]) -> Iterable[tuple[Reading, ...]]:
        if k == len(pattern):
            if pos == end:
                yield acc
            return
        item = pattern[k]
        if isinstance(item, str):
            if pos < end and self.src[pos] == item:
                yield from self._match(pattern, k + 1, pos + 1, end, acc)
            return
        if k + 1 == len(pattern):
            cuts: Iterable[int] = (end,) if end > pos else ()
        else:
            nxt = pattern[k + 1]
            if isinstance(nxt, str):
                cuts = [q for q in range(pos + 1, end) if self.src[q] == nxt]
            else:
                cuts = range(pos + 1, end)
        for q in cuts:
            self._step()
            child = self.span(pos, q)
            if child is not None:
                yield from self._match(pattern, k + 1, q, end, (*acc, child))


def _better(old: Reading | None, new: Reading, grouping: bool = False) -> Reading:
    """The less relaxed reading; at one level, the one with fewer nestings training never showed
    (precedence from the data: ``f x g`` read as training read its like); then, with ``grouping``,
    the one whose first slot spans more words (the concatenative learner's reading-order bias:
    operators apply in the order they are read), noted on the reading; else a tie."""
    if old is None or (new.level, new.novel) < (old.level, old.novel):
        return new
    if (new.level, new.novel) == (old.level, old.novel) and new.meaning != old.meaning:
        first_old, first_new = _first_slot(old), _first_slot(new)
        if grouping and first_old and first_new and first_old != first_new:
            winner = new if first_new > first_old else old
            winner.grouped = True
            return winner
        old.ties = min(MAX_TIES, old.ties + new.ties)
        if old.alt is None:
            old.alt = new
    return old


def _first_slot(reading: Reading) -> int:
    """How many words a rule reading's first slot spans (0 for a run)."""
    if reading.rule is None or not reading.children:
        return 0
    a, b = reading.children[0].span
    return b - a


def derivation(reading: Reading, source: Sequence[str], parser: SeqParser,
               run_evidence: tuple[str, ...]) -> Derivation:
    """The reading as a derivation in the sandbox's format (replays without the learner)."""
    i, j = reading.span
    if reading.rule is None:
        leaves: list[Derivation] = []
        steps: list[Relaxation] = []
        lex = parser.lexicon
        for k, (w, lv) in enumerate(zip(source[i:j], reading.word_levels, strict=True)):
            if lv == 0 and w in lex.copied_words:
                # Read as itself by the copy bias: the generic copy rule, cited by the examples
                # that showed the word (one never copied has no example with its token).
                leaves.append(Derivation(COPY_RULE, (ANY_WORD,), (THE_WORD,), (i + k, i + k + 1), (),
                                         lex.evidence.get(w, ()), output=(w,)))
            elif lv == 0:
                leaves.append(Derivation(f"lex:{w}", (w,), (lex.meaning[w],), (i + k, i + k + 1), (),
                                         lex.evidence.get(w, ()), output=(lex.meaning[w],)))
            else:
                leaves.append(Derivation(COPY_RULE, (ANY_WORD,), (THE_WORD,), (i + k, i + k + 1), (),
                                         lex.copy_evidence, output=(w,)))
                steps.append(Relaxation(k, lv, WORD_CATEGORY, LEVEL_NAMES[lv], lex.copy_evidence))
        return Derivation(RUN_RULE, tuple(range(j - i)), tuple(range(j - i)), (i, j), tuple(leaves),
                          run_evidence, tuple(steps), reading.meaning)
    rule = reading.rule
    children = tuple(derivation(c, source, parser, run_evidence) for c in reading.children)
    return Derivation(rule.id, rule.pattern, rule.template, (i, j), children, rule.evidence,
                      output=reading.meaning)


def longer_than_checked(reading: Reading) -> list[str]:
    """Where a rule was applied to a longer meaning than any it was checked on (level 0)."""
    out: list[str] = []
    if reading.rule is not None:
        for slot, child in enumerate(reading.children):
            seen = reading.rule.lengths[slot] if slot < len(reading.rule.lengths) else 0
            if len(child.meaning) > seen:
                out.append(f"{reading.rule.id} slot <{slot}> holds {len(child.meaning)} tokens "
                           f"(checked on up to {seen})")
        for child in reading.children:
            out.extend(longer_than_checked(child))
    return out
