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

from typing import NamedTuple

from sandbox.data import Tokens
from sandbox.derivation import Derivation, Relaxation
from sandbox.lforms import Entry
from sandbox.seqops import ANY_WORD
from symbolic.lfgrammar import PHRASE, SENTENCE, UNIT, Grammar

MAX_ITEMS = 200_000  # analyses per input (a 60-word sentence of the recursion categories: about 2e4)


class Node(NamedTuple):
    """One analysis: a rule over a span (``rule`` -1: one word), its children and slot levels.

    A named tuple, not a frozen dataclass: a parse builds tens of thousands, and these are cheap to make.
    """

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
        # Indexes for the reach masks: every slot item of a phrase rule, fixed items by word,
        # units by length (a unit covers one word per item).
        self._slot_items = [(r, k, int(x)) for r in self.phrases for k, x in enumerate(self.patterns[r])
                            if not isinstance(x, str)]
        self._fixed_at: dict[str, list[tuple[int, int]]] = {}
        for r in self.phrases:
            for k, x in enumerate(self.patterns[r]):
                if isinstance(x, str):
                    self._fixed_at.setdefault(x, []).append((r, k))
        self._units_from: dict[str, dict[int, tuple[int, ...]]] = {}  # see _units_at
        self._taken: dict[tuple[int, str], tuple[tuple[int, ...], tuple[tuple[int, int], ...]]] = {}
        self._near_words: dict[str, frozenset[str]] = {}

    # -- slot conditions ----------------------------------------------------------------------
    def _word_level(self, w: str, key: tuple[int, int], seen: frozenset[str] | None = None) -> int:
        seen = self.words_in[key] if seen is None else seen
        if w in seen:
            return 0
        kind = self.word_kind.get(w)
        mates = self.g.classmates.get(w, frozenset())
        if any(m in seen for m in mates) or not self._near(w).isdisjoint(seen):
            return 1
        if kind is None and w not in self.vocabulary and self.copy_kind is not None:
            # A word never seen, read as standing for itself (the copy bias): its leaf costs level 2
            # once; each slot it fills asks only that its kind was seen there.
            return 1 if self.copy_kind in self.kinds_in[key] else 3
        return 2 if kind in self.kinds_in[key] else 3

    def _near(self, w: str) -> frozenset[str]:
        """Words of ``w``'s kind filling at least ``similarity`` of the smaller of their two sets of
        slots (none for a word that filled no slot or has no kind); found once per word."""
        found = self._near_words.get(w)
        if found is None:
            kind, mine = self.word_kind.get(w), self.filled_by.get(w, set())
            found = frozenset(v for v, k in self.word_kind.items() if k == kind
                              and _overlap(mine, self.filled_by.get(v, set())) >= self.similarity) \
                if mine and kind is not None else frozenset()
            self._near_words[w] = found
        return found

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
        """The least relaxed analysis of the whole input by a rule seen at the top, or ``None``.

        Starts are taken right to left and, from each, ends left to right, so that
        every cell a rule may use is complete when the rule is tried. Beside the
        chart, bit masks say where each phrase rule can end (:meth:`_reach_from`),
        so the costed search is run only where a rule completes and never follows
        a split that cannot.
        """
        n = len(src)
        chart: dict[tuple[int, int], dict[int, Node]] = {}
        self._spent = 0
        self._memo: dict[tuple[int, int, int, int], Tail | None] = {}
        self._ends: list[list[int]] = [[] for _ in range(n + 1)]  # per start, the ends of filled cells (ascending)
        self._acc: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}  # per cell, the slot items taking it
        # _reach[rule][k][p]: bit e set where items k.. of the phrase rule can cover p..e
        done = [1 << p for p in range(n + 1)]  # past the last item: only where it is (never written)
        self._reach = {r: [[0] * (n + 1) for _ in self.patterns[r]] + [done] for r in self.phrases}
        leaves = [Node(-1, (i, i + 1), i, (), (), (0, 0, 0) if w in self.vocabulary else (2, 2, 2))
                  for i, w in enumerate(src)]
        for i in range(n - 1, -1, -1):
            # Per phrase rule, bit j set where it can cover i..j, grown as the cells from i fill (only
            # past the end being tried); per end, the phrase rules to try there; the ends to try, as bits
            # (the ends of units of a length that may start here, and of those rules).
            ends_at: dict[int, int] = {}
            rules_at: dict[int, list[int]] = {}
            units = self._units_at(src[i])
            todo = 0
            for length in units:
                todo |= 1 << (i + length)
            for rule, k in self._fixed_at.get(src[i], ()):
                if k == 0:
                    todo |= self._grow(ends_at, rules_at, rule, self._reach[rule][1][i + 1] >> (i + 1) << (i + 1))
            todo &= (2 << n) - 1
            while todo:
                low = todo & -todo
                todo ^= low
                j = low.bit_length() - 1
                cell: dict[int, Node] = {}
                for rule in units.get(j - i, ()):
                    self._put(cell, rule, i, j, self._unit(rule, i, src, leaves))
                rules = rules_at.pop(j, None)
                if rules:
                    if len(rules) > 1:
                        rules.sort()  # in rule order: the first found wins ties
                    for rule in rules:
                        self._put(cell, rule, i, j, self._best(rule, 0, i, j, src, chart))
                if cell:
                    chart[(i, j)] = cell
                    self._ends[i].append(j)
                    firsts, self._acc[(i, j)] = self._taken_by(cell, src)
                    for rule in firsts:
                        more = self._reach[rule][1][j] >> (j + 1) << (j + 1)
                        if more & ~ends_at.get(rule, 0):
                            todo |= self._grow(ends_at, rules_at, rule, more)
            self._reach_from(i, src)
        top = [a for r, a in chart.get((0, n), {}).items() if r in self.roots]
        return min(top, key=lambda a: a.cost) if top else None

    def _units_at(self, first: str) -> dict[int, tuple[int, ...]]:
        """The units that may start with ``first``, by length (a word per item), each in rule order."""
        found = self._units_from.get(first)
        if found is None:
            found = {}
            for r in self.units:
                pat = self.patterns[r]
                if not isinstance(pat[0], str) or pat[0] == first:
                    found[len(pat)] = (*found.get(len(pat), ()), r)
            self._units_from[first] = found
        return found

    @staticmethod
    def _grow(ends_at: dict[int, int], rules_at: dict[int, list[int]], rule: int, more: int) -> int:
        """Add the ends in ``more`` to the rule's; the new ones, as bits."""
        old = ends_at.get(rule, 0)
        new = more & ~old
        if new:
            ends_at[rule] = old | new
            bits = new
            while bits:
                low = bits & -bits
                bits ^= low
                rules_at.setdefault(low.bit_length() - 1, []).append(rule)
        return new

    def _reach_from(self, i: int, src: Tokens) -> None:
        """Where items ``1..`` of each phrase rule can end from ``i`` (every cell from ``i`` is complete)."""
        reach = self._reach
        for rule, k in self._fixed_at.get(src[i], ()):
            if k:
                reach[rule][k][i] = reach[rule][k + 1][i + 1]
        for e in self._ends[i]:
            for rule, k in self._acc[(i, e)]:
                reach[rule][k][i] |= reach[rule][k + 1][e]

    def _taken_by(self, cell: dict[int, Node], src: Tokens) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
        """The slot items that take some constituent of the cell below level 3: the phrase rules whose
        first item does, and the other (rule, position in its pattern) pairs. Memoized per constituent
        (its rule and head word) across inputs."""
        found = [self._taken_one(child, src) for child in cell.values()]
        if len(found) == 1:
            return found[0]
        return (tuple(sorted({r for f in found for r in f[0]})),
                tuple(sorted({pair for f in found for pair in f[1]})))

    def _taken_one(self, child: Node, src: Tokens) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
        memo = (child.rule, src[child.head])
        found = self._taken.get(memo)
        if found is None:
            pairs = [(r, k) for r, k, slot in self._slot_items if self.level(r, slot, child, src) < 3]
            found = self._taken[memo] = (tuple(r for r, k in pairs if k == 0), tuple((r, k) for r, k in pairs if k))
        return found

    def _put(self, cell: dict[int, Node], rule: int, i: int, j: int, found: Tail | None) -> None:
        if found is not None:
            cost, children, levels = found
            cell[rule] = Node(rule, (i, j), children[self.heads[rule]].head, children, levels, cost)

    def _unit(self, rule: int, i: int, src: Tokens, leaves: list[Node]) -> Tail | None:
        """A unit's one analysis from ``i`` (a word per item; the caller matched the length), if its
        fixed words stand there."""
        self._spent += 1
        if self._spent > self.max_items:
            raise Budget
        out: Tail = ((0, 0, 0), (), ())
        pat = self.patterns[rule]
        for k in range(len(pat) - 1, -1, -1):
            item, leaf = pat[k], leaves[i + k]
            if isinstance(item, str):
                if src[i + k] != item:
                    return None
            else:
                out = _join(self.level(rule, int(item), leaf, src), True, leaf, out)
        return out

    def _best(self, rule: int, k: int, pos: int, end: int, src: Tokens,
              chart: dict[tuple[int, int], dict[int, Node]]) -> Tail | None:
        """The least costly way for items ``k..`` of phrase ``rule`` to cover ``pos..end`` (memoized per input)."""
        memo = (rule, k, pos, end)
        found = self._memo.get(memo, _UNKNOWN)
        if found is not _UNKNOWN:
            return found  # type: ignore[return-value]
        self._spent += 1
        if self._spent > self.max_items:
            raise Budget
        pat = self.patterns[rule]
        out: Tail | None = None
        if k == len(pat):
            out = ((0, 0, 0), (), ()) if pos == end else None
        elif isinstance(pat[k], str):
            if pos < end and src[pos] == pat[k]:
                out = self._best(rule, k + 1, pos + 1, end, src, chart)
        else:
            slot, head = int(pat[k]), pat[k] == self.heads[rule]
            after, level = self._reach[rule][k + 1], self.level
            limit = end - (len(pat) - k - 1)  # the items after this one need a word each at least
            # The last slot must end where the rule does: one cell to look at, not every end.
            for e in ((end,) if k + 1 == len(pat) else self._ends[pos]):  # where a constituent ends
                if e > limit:
                    break
                if not after[e] >> end & 1:
                    continue  # the items after this slot cannot end where the rule must
                cell = chart.get((pos, e))
                if cell is None:
                    continue
                tail = None  # found at the first constituent the slot takes (a kind never seen there is not tried)
                for child in cell.values():
                    lvl = level(rule, slot, child, src)
                    if lvl < 3:
                        if tail is None:
                            tail = self._best(rule, k + 1, e, end, src, chart)
                            if tail is None:
                                break
                        joined = _join(lvl, head, child, tail)
                        if out is None or joined[0] < out[0]:
                            out = joined
        self._memo[memo] = out
        return out


_UNKNOWN = object()  # not yet in the memo (None there means: no analysis)

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
