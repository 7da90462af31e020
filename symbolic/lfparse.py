"""Chart parsing with the rules of :mod:`symbolic.lfgrammar`, least relaxed first.

Every span of the input gets, per rule, its least relaxed analysis. A slot's
condition is what filled it in training, relaxed level by level:

- a *head* slot (the word a rule is about, its unit): 0 the word was seen
  there; 1 a classmate was (same shape alone, or a word with which it shares
  at least ``similarity`` of the smaller of their two sets of slots); 2 a
  word of its kind was; 3 any;
  and at least 2 where the unit's rule was not seen there (its specifiers
  change what the word means, so a new form of the head is a bigger step
  than a new word);
- any other slot: 0 the filling rule and its head word were seen there;
  1 a phrase of its head's kind was (a word in a role it never had, or a
  phrase of a shape new to the slot); 2 a kind whose
  slots are, for at least ``similarity`` of the smaller set, slots of a kind
  seen there (words of another kind that mostly stand where these do); 3 none.

An analysis costs (highest level, sum of the levels of head slots, sum of
all levels): the least wins, so among equally relaxed readings the one that
keeps each rule's head words (a verb's frame, say) beats the one that keeps
the other slots' words; the first found on ties (rules in order of first
evidence, splits in reading order). The
search keeps, for each rule, position in its pattern and stretch of input,
the least costly way to finish (dynamic programming, so a sentence's parse
grows with the square of its length per rule, not with its readings).
Work is counted: ``max_items`` bounds the analyses one input may build.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from sandbox.derivation import Derivation, Relaxation
from sandbox.lforms import Entry
from sandbox.seqops import ANY_WORD
from symbolic.lfgrammar import PHRASE, SENTENCE, UNIT, Grammar

Tokens = tuple[str, ...]
MAX_ITEMS = 200_000  # analyses per input (a 60-word sentence of the recursion categories: about 2e4)


@dataclass(frozen=True)
class Node:
    """One analysis: a rule over a span (``rule`` -1: one word), its children and slot levels."""

    rule: int
    span: tuple[int, int]
    head: int
    children: tuple[Node, ...]
    levels: tuple[int, ...]
    cost: tuple[int, int, int]


class Budget(Exception):
    """The parse of one input spent ``max_items``."""


class LFParser:
    """Rules by number (shapes hash slowly), slot conditions as sets, levels cached."""

    def __init__(self, g: Grammar, similarity: float, vocabulary: frozenset[str], max_items: int = MAX_ITEMS):
        self.g, self.similarity, self.max_items = g, similarity, max_items
        self.vocabulary = vocabulary  # every word of the training inputs (mentioned or not)
        self.shapes = list(g.rules)
        number = {s: i for i, s in enumerate(self.shapes)}
        self.units = [i for i, s in enumerate(self.shapes) if s.kind == UNIT]
        self.phrases = [i for i, s in enumerate(self.shapes) if s.kind in (PHRASE, SENTENCE)]
        self.roots = frozenset(number[s] for s in g.roots)
        self.kind = [s.kind for s in self.shapes]
        self.heads = [s.head for s in self.shapes]
        self.patterns = [s.pattern for s in self.shapes]
        self.fixed = [frozenset(x for x in s.pattern if isinstance(x, str)) for s in self.shapes]
        self.rules_in: dict[tuple[int, int], frozenset[int]] = {}
        self.words_in: dict[tuple[int, int], frozenset[str]] = {}
        self.kinds_in: dict[tuple[int, int], frozenset[str]] = {}
        self.words_with: dict[tuple[int, int, int], frozenset[str]] = {}  # head words seen with a child rule
        self.filled_by: dict[str, set[tuple[int, int]]] = {}
        for (shape, slot), f in g.slots.items():
            key = (number[shape], slot)
            self.rules_in[key] = frozenset(number[r] for r in f.rules)
            self.words_in[key] = frozenset(f.words)
            self.kinds_in[key] = frozenset(f.kinds)
            with_rule: dict[int, set[str]] = {}
            for (child, w) in f.pairs:
                with_rule.setdefault(number[child], set()).add(w)
            for r, ws in with_rule.items():
                self.words_with[(key[0], key[1], r)] = frozenset(ws)
            if slot == shape.head or shape.kind == UNIT:
                for w in f.words:
                    self.filled_by.setdefault(w, set()).add(key)
        self.word_kind = {w: x.kind for w, x in g.words.items()}
        self.copy_kind = copy_kind(g)
        self._levels: dict[tuple[int, int, int, str], int] = {}
        self._kind_sim: dict[tuple[str, str], bool] = {}

    # -- slot conditions ----------------------------------------------------------------------
    def _word_level(self, w: str, key: tuple[int, int], seen: frozenset[str] | None = None) -> int:
        seen = self.words_in[key] if seen is None else seen
        if w in seen:
            return 0
        kind = self.word_kind.get(w)
        mates = self.g.classmates.get(w, frozenset())
        mine = self.filled_by.get(w, set())
        if any(m in seen for m in mates) or (mine and any(
                self.word_kind.get(v) == kind and _overlap(mine, self.filled_by.get(v, set())) >= self.similarity
                for v in seen)):
            return 1
        if kind is None and w not in self.vocabulary and self.copy_kind is not None:
            # A word never seen, read as standing for itself (the copy bias): its leaf costs level 2
            # once; each slot it fills asks only that its kind was seen there.
            return 1 if self.copy_kind in self.kinds_in[key] else 3
        return 2 if kind in self.kinds_in[key] else 3

    def level(self, rule: int, slot: int, child: Node, src: Tokens) -> int:
        w = src[child.head]
        memo = (rule, slot, child.rule, w)
        found = self._levels.get(memo)
        if found is not None:
            return found
        key = (rule, slot)
        if self.kind[rule] == UNIT:
            out = self._word_level(w, key)
        elif slot == self.heads[rule]:
            # The head's form and word together: a word seen there only in another form (its unit
            # without, or with other, specifiers) counts as a word new to that form.
            with_rule = self.words_with.get((rule, slot, child.rule))
            out = 2 if with_rule is None else 0
            out = max(out, self._word_level(w, key, with_rule))
        elif self._kind(w) in self.kinds_in[key]:
            out = 0 if child.rule in self.rules_in[key] and w in self.words_in[key] else 1
        elif any(self._kinds_near(self._kind(w), k) for k in self.kinds_in[key]):
            out = 2
        else:
            out = 3
        self._levels[memo] = out
        return out

    def _kind(self, w: str) -> str | None:
        return self.word_kind.get(w, self.copy_kind if w not in self.vocabulary else None)

    def _kinds_near(self, a: str | None, b: str) -> bool:
        if a is None:
            return False
        if (a, b) not in self._kind_sim:
            slots_a = {key for key, kinds in self.kinds_in.items() if a in kinds}
            slots_b = {key for key, kinds in self.kinds_in.items() if b in kinds}
            self._kind_sim[(a, b)] = _overlap(slots_a, slots_b) >= self.similarity
        return self._kind_sim[(a, b)]

    # -- the chart --------------------------------------------------------------------------
    def parse(self, src: Tokens) -> Node | None:
        """The least relaxed analysis of the whole input by a rule seen at the top, or ``None``."""
        n = len(src)
        chart: dict[tuple[int, int], dict[int, Node]] = {}
        self._spent = 0
        self._memo: dict[tuple[int, int, int, int], Tail | None] = {}
        self._at: dict[str, list[int]] = {}
        for p, w in enumerate(src):
            self._at.setdefault(w, []).append(p)
        self._ends: list[list[int]] = [[] for _ in range(n)]  # per start, the ends of filled cells (ascending)
        leaves = [Node(-1, (i, i + 1), i, (), (), (0, 0, 0) if w in self.vocabulary else (2, 2, 2))
                  for i, w in enumerate(src)]
        for length in range(1, n + 1):
            for i in range(n - length + 1):
                j = i + length
                cell: dict[int, Node] = {}
                for rule in self.units if length <= 4 else ():
                    self._fill(cell, rule, src, i, j, chart, leaves)
                for rule in self.phrases if length >= 2 else ():
                    self._fill(cell, rule, src, i, j, chart, leaves)
                if cell:
                    chart[(i, j)] = cell
                    self._ends[i].append(j)
        top = [a for r, a in chart.get((0, n), {}).items() if r in self.roots]
        return min(top, key=lambda a: a.cost) if top else None

    def _fill(self, cell: dict[int, Node], rule: int, src: Tokens, i: int, j: int,
              chart: dict[tuple[int, int], dict[int, Node]], leaves: list[Node]) -> None:
        pat = self.patterns[rule]
        if len(pat) > j - i or (isinstance(pat[0], str) and pat[0] != src[i]) \
                or (isinstance(pat[-1], str) and pat[-1] != src[j - 1]) \
                or any(not self._within(w, i, j) for w in self.fixed[rule]):
            return
        found = self._best(rule, 0, i, j, src, chart, leaves)
        if found is not None:
            cost, children, levels = found
            cell[rule] = Node(rule, (i, j), children[self.heads[rule]].head, children, levels, cost)

    def _within(self, word: str, i: int, j: int) -> bool:
        """Whether ``word`` stands somewhere in ``i..j`` of the input being parsed."""
        at = self._at.get(word)
        if not at:
            return False
        k = bisect_left(at, i)
        return k < len(at) and at[k] < j

    def _best(self, rule: int, k: int, pos: int, end: int, src: Tokens,
              chart: dict[tuple[int, int], dict[int, Node]], leaves: list[Node]) -> Tail | None:
        """The least costly way for items ``k..`` of ``rule`` to cover ``pos..end`` (memoized per input)."""
        memo = (rule, k, pos, end)
        if memo in self._memo:
            return self._memo[memo]
        self._spent += 1
        if self._spent > self.max_items:
            raise Budget
        pat = self.patterns[rule]
        out: Tail | None = None
        if k == len(pat):
            out = ((0, 0, 0), (), ()) if pos == end else None
        elif isinstance(pat[k], str):
            if pos < end and src[pos] == pat[k]:
                out = self._best(rule, k + 1, pos + 1, end, src, chart, leaves)
        elif self.kind[rule] == UNIT:
            tail = self._best(rule, k + 1, pos + 1, end, src, chart, leaves) if pos < end else None
            if tail is not None:
                out = _join(self.level(rule, int(pat[k]), leaves[pos], src), True, leaves[pos], tail)
        else:
            rest_min = len(pat) - k - 1
            nxt = pat[k + 1] if k + 1 < len(pat) else None
            for e in self._ends[pos]:  # only where some constituent starting here ends
                if e > end - rest_min:
                    break
                cell = chart[(pos, e)]
                if isinstance(nxt, str) and (e >= end or src[e] != nxt):
                    continue
                tail = self._best(rule, k + 1, e, end, src, chart, leaves)
                if tail is None:
                    continue
                for child in cell.values():
                    lvl = self.level(rule, int(pat[k]), child, src)
                    if lvl < 3:  # a constituent of a kind never seen in the slot is not tried
                        joined = _join(lvl, pat[k] == self.heads[rule], child, tail)
                        if out is None or joined[0] < out[0]:
                            out = joined
        self._memo[memo] = out
        return out


# The cost, children and slot levels of the items from some position on.
Tail = tuple[tuple[int, int, int], tuple[Node, ...], tuple[int, ...]]


def _join(level: int, head: bool, child: Node, tail: Tail) -> Tail:
    c, t = child.cost, tail[0]
    cost = (max(level, c[0], t[0]), level * head + c[1] + t[1], level + c[2] + t[2])
    return cost, (child, *tail[1]), (level, *tail[2])


def copy_kind(g: Grammar) -> str | None:
    """The kind most of whose words stand for themselves, with the most words (``None``: no such kind).

    A word never seen in training is read as a word of this kind whose lemma
    is its own spelling (the copy bias, relaxation level 2 at least); where no
    kind mostly copies, unknown words are not read at all.
    """
    copies: dict[str, list[bool]] = {}
    for w, word in g.words.items():
        copies.setdefault(word.kind, []).append(word.by_itself or word.lemma == (w,))
    mostly = [(len(v), k) for k, v in copies.items() if sum(v) * 2 > len(v)]
    return max(mostly)[1] if mostly else None


def _overlap(a: set[tuple[int, int]], b: set[tuple[int, int]]) -> float:
    """How much of the smaller set lies in the other (a rare word's few slots are all a common one's)."""
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


def copy_evidence(g: Grammar, word_evidence: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Training examples behind the copy bias: words of the copying kind whose lemma is their spelling."""
    kind = copy_kind(g)
    return tuple(e for v, x in g.words.items() if x.kind == kind and x.lemma == (v,)
                 for e in word_evidence.get(v, ())[:1])[:3]


def derivation(node: Node, src: Tokens, parser: LFParser, word_evidence: dict[str, tuple[str, ...]],
               copied: tuple[str, ...]) -> Derivation:
    """The analysis in the sandbox's derivation format (format 3); rule ``i`` is named ``lf{i+1}``.

    ``copied``: the evidence of the copy bias (:func:`copy_evidence`), for words never seen.
    """
    g = parser.g
    if node.rule < 0:
        w = src[node.head]
        if w not in g.words:
            # Never seen: read as standing for itself; the evidence is the words that do.
            kind = parser.copy_kind or ""
            entry = Entry((w,), None if kind == "itself" else g.marker)
            return Derivation("copy", (ANY_WORD,), (entry,), node.span, (), copied,
                              (Relaxation(0, 2, "words seen in training", f"any word, read as a {kind} word "
                                          "that stands for itself (the copy bias)", copied),))
        word = g.words[w]
        entry = Entry(word.lemma, None if word.by_itself else g.marker)
        return Derivation(f"word:{w}", (w,), (entry,), node.span, (), word_evidence.get(w, ()))
    shape = parser.shapes[node.rule]
    name = f"lf{node.rule + 1}"
    children = tuple(derivation(c, src, parser, word_evidence, copied) for c in node.children)
    evidence = tuple(g.rules[shape])
    role = "word" if shape.kind == UNIT else "head" if shape.kind == PHRASE else "phrase"
    relax = tuple(Relaxation(k, lvl, f"fillers of {name} slot {k}",
                             _category(lvl, "phrase" if role == "head" and k != shape.head else role), evidence)
                  for k, lvl in enumerate(node.levels) if lvl > 0)
    return Derivation(name, shape.pattern, shape.template(), node.span, children, evidence, relax)


def _category(level: int, role: str) -> str:
    """What a slot accepted at ``level`` (``role``: a unit's word, a phrase's head, another phrase)."""
    return {
        "word": {1: "classmates of its words (the same shape alone, or most slots shared)",
                 2: "words of a kind seen there", 3: "any word"},
        "head": {1: "classmates of its head words", 2: "a new form of the head, or a word of a kind seen there",
                 3: "any head"},
        "phrase": {1: "a word in a role it never had, or a phrase of a new shape, of a kind seen there",
                   2: "a kind that mostly stands where the kinds seen there do", 3: "any constituent"},
    }[role][level]
