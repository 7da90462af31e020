"""The induction chart: every meaning a phrase can take, each by its least relaxed derivation.

During induction a slot admits the fillers that training examples have put
there, and, one relaxation at a time, those of the same distributional
category or meaning type (levels 1 and 2 of :mod:`symbolic.hierarchy`). A
filler that would need level 3 (any constituent) is not admitted: induction
must *propose* it, with the support of the examples that need it. For each
(root rule, meaning) of a phrase the chart keeps the least relaxed
derivation, so that the fillers recorded from a training example come from
its cleanest reading. Analyses are memoized by phrase, not by position, so a
sub-phrase shared by thousands of examples is analysed once.

>>> from symbolic.rules import Rule, RuleKind
>>> lex = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e",), RuleKind.LEXICAL) for w in "ab"}
>>> rep = Rule("r1", (0, "rep"), (0, 0), ("e",), RuleKind.COMPOSITION)
>>> levels = {("r1", 0, "lex:a"): 0, ("r1", 0, "lex:b"): 2}
>>> chart = InductionChart(lex, [rep], lambda r, s, f: levels.get((r, s, f), 3))
>>> chart.derivable(("b", "rep"), ("B", "B"))
True
>>> chart.best(("b", "rep"), ("B", "B")).levels  # b fills the slot at level 2
(2,)
>>> chart.derivable(("a", "rep", "rep"), ("A",) * 4)  # a phrase would need level 3
False
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from symbolic.index import RuleIndex, vocabularies
from symbolic.rules import Rule, Tokens
from symbolic.work import BudgetSpent, Work

MAX_ANALYSES = 1024  # per phrase; bounds the work on long, ambiguous phrases (64 lost the
# right reading of long arithmetic phrases, whose binary operators read many ways, so
# induction memorized them)
MAX_CHART = 2_000_000  # analyses the chart holds at most (a few hundred bytes each): past it, induction stops
MAX_LEVEL = 2  # the most relaxed admission induction accepts without a proposal
COST = (0, 1, 1 << 20, 1 << 40)  # one slot at each level; sums compare as (n3, n2, n1)

_GENERATIONS = itertools.count()  # tells charts apart (never part of any result)

MAX_COUNT = 2  # enough to tell one derivation from several
MAX_ALTERNATIVES = 4

LevelFn = Callable[[str, int, str], int]  # (rule, slot, filler) -> relaxation level
Child = tuple[int, int, str, Tokens]  # (start, end, root rule, meaning), relative to the phrase


@dataclass(slots=True)
class Entry:
    """One (root, meaning) analysis of a phrase: its least relaxed derivation, and how many there are."""

    cost: int
    rule: str
    children: tuple[Child, ...]  # of the least relaxed derivation
    levels: tuple[int, ...]
    count: int = 1  # derivations giving this analysis, counted up to MAX_COUNT
    alternatives: list[tuple[Child, ...]] = field(default_factory=list)  # children of each, a few


Analyses = dict[tuple[str, Tokens], Entry]


class InductionChart:
    """Analyses of phrases under fixed rules and categories (rebuild it when they change)."""

    def __init__(self, lexicon: Mapping[str, Rule], rules: Iterable[Rule], level: LevelFn,
                 phrasal: Callable[[str, int], bool] = lambda r, s: True,
                 previous: InductionChart | None = None, work: Work | None = None,
                 max_size: int | None = None):
        self.lexicon = lexicon
        self.rules = [r for r in rules if len(r.pattern) > 1]
        self._level = level
        self._levels: dict[tuple[str, int, str], int] = {}
        # Every step that builds a cell is charged to ``work`` (a tiling tried, a combination
        # of its parts' readings); ``max_size`` bounds the analyses held (see ``frozen``).
        self.work = work
        self.max_size = max_size
        self.size = 0  # analyses held in the memo
        self.frozen = False  # answers from what it holds, computing nothing more
        # A slot that admits no phrase below level 3 spans exactly one word.
        self._phrasal = [[phrasal(r.id, s) for s in range(r.n_slots)] for r in self.rules]
        # Per rule position, the slot order when its template has slots only (its meaning
        # then concatenates theirs), else None.
        self._recipes = [tuple(int(x) for x in r.template) if r.template and not r.constants else None
                         for r in self.rules]
        fillers = [r.id for r in self.lexicon.values()] + [r.id for r in self.rules]
        if work is not None:
            work.charge(len(fillers) * sum(r.n_slots for r in self.rules))  # the table of admissions
        # What each slot admits without a proposal, with the level: position -> slot -> filler -> level.
        self._admits = [[{f: lvl for f in fillers if (lvl := self.level(r.id, s, f)) <= MAX_LEVEL}
                         for s in range(r.n_slots)] for r in self.rules]
        admitted = {r.id: [list(slot) for slot in self._admits[k]] for k, r in enumerate(self.rules)}
        words = vocabularies({r.id: frozenset(r.fixed_words) for r in self.lexicon.values()},
                             {r.id: frozenset(r.fixed_words) for r in self.rules}, admitted)
        self._index = RuleIndex([r.pattern for r in self.rules],
                                [[frozenset().union(*(words[f] for f in slot)) for slot in admitted[r.id]]
                                 for r in self.rules], self._phrasal)
        self._memo: dict[Tokens, Analyses] = {}
        # Whether some phrase had more analyses than MAX_ANALYSES (then a phrase's analyses
        # may miss readings); an inherited memo inherits it.
        self.truncated: bool = previous is not None and previous.truncated
        # What changed since ``previous``: the least word sets whose phrases may read
        # differently now (a phrase without all the words of one reads as before), or
        # None when that is unknown. Induction reuses an example's proposals by it.
        self.generation = next(_GENERATIONS)
        self.previous_generation = previous.generation if previous is not None else -1
        self.dirty: list[frozenset[str]] | None = None
        self._dirty_index: WordSets | None = None
        if previous is not None:
            self._memo, self.dirty = _inherited(previous, self)
            self.size = sum(map(len, self._memo.values()))

    def freeze(self) -> InductionChart:
        """Stop computing: a phrase not analysed yet reads as having no analysis (once the work
        budget is spent, what was derived within it is all that is known)."""
        self.frozen = True
        self.truncated = True
        return self

    def unchanged(self, words: frozenset[str] | set[str]) -> bool:
        """Whether every phrase made of ``words`` reads as it did in the previous chart."""
        if self.dirty is None:
            return False
        if self._dirty_index is None:
            self._dirty_index = WordSets(self.dirty)
        return not self._dirty_index.any_subset_of(words)

    def level(self, rule: str, slot: int, filler: str) -> int:
        key = (rule, slot, filler)
        found = self._levels.get(key)
        if found is None:
            found = self._levels[key] = self._level(rule, slot, filler)
        return found

    def analyses(self, phrase: Tokens) -> Analyses:
        """Every (root, meaning) analysis of ``phrase`` with its least relaxed derivation."""
        found = self._memo.get(phrase)
        if found is not None:
            return found
        result: Analyses = {}
        if len(phrase) == 1 and phrase[0] in self.lexicon:
            lex = self.lexicon[phrase[0]]
            result[(lex.id, lex.meaning)] = Entry(0, lex.id, (), (), 1, [()])
        if self.frozen:
            return result
        matches = self._index.matches(phrase, self.work)
        if self.work is not None:
            self.work.charge(1 + len(matches))
        for position, spans in matches:
            self._combine(position, phrase, spans, result)
            if len(result) >= MAX_ANALYSES:
                self.truncated = True
                break
        self._memo[phrase] = result
        self.size += len(result)
        if self.max_size is not None and self.size > self.max_size:
            raise BudgetSpent(f"chart size (over {self.max_size} analyses)", self.size, self.max_size)
        return result

    def _combine(self, position: int, phrase: Tokens, spans: tuple[tuple[int, int], ...],
                 result: Analyses) -> None:
        admits = self._admits[position]
        memo = self._memo
        options: list[list[tuple[int, Child, int, int]]] = []  # (cost, child, level, count)
        for slot, (a, b) in enumerate(spans):
            levels = admits[slot]
            part = phrase[a:b]
            found = memo.get(part)
            if found is None:
                found = self.analyses(part)
            opts = [(sub.cost + COST[lvl], (a, b, root, meaning), lvl, sub.count)
                    for (root, meaning), sub in found.items()
                    if (lvl := levels.get(root)) is not None]
            if not opts:
                return
            options.append(opts)
        rule_id, template = self.rules[position].id, self.rules[position].template
        recipe = self._recipes[position]
        if self.work is not None:  # every combination of the parts' readings is a step
            n = 1
            for o in options:
                n *= len(o)
            self.work.charge(n)
        combos = (tuple(o[0] for o in options),) if all(len(o) == 1 for o in options) \
            else itertools.product(*options)
        for combo in combos:
            out: list[str] = []
            if recipe is not None:  # a template of slots only: concatenate their meanings
                for k in recipe:
                    out += combo[k][1][3]
            else:
                for item in template:  # rule.instantiate, inlined: this loop is the chart's hot path
                    if isinstance(item, int):
                        out += combo[item][1][3]
                    else:
                        out.append(item)
            key = (rule_id, tuple(out))
            cost = 0
            count = 1
            for c in combo:
                cost += c[0]
                count *= c[3]
            children = tuple([c[1] for c in combo])
            prev = result.get(key)
            if prev is None:
                result[key] = Entry(cost, rule_id, children, tuple([c[2] for c in combo]), min(count, MAX_COUNT),
                                    [children])
                if len(result) >= MAX_ANALYSES:
                    return
                continue
            prev.count = min(MAX_COUNT, prev.count + count)
            if len(prev.alternatives) < MAX_ALTERNATIVES:
                prev.alternatives.append(children)
            # Equally relaxed: the grouping bias prefers the longer first slot.
            if cost < prev.cost or (cost == prev.cost and children and
                                    _first(children[0]) > _first(prev.children[0])):
                prev.cost, prev.children = cost, children
                prev.levels = tuple([c[2] for c in combo])

    def meanings(self, phrase: Tokens) -> dict[Tokens, frozenset[str]]:
        """The meanings ``phrase`` can take, each with the root rules that give it."""
        out: dict[Tokens, set[str]] = {}
        for root, meaning in self.analyses(phrase):
            out.setdefault(meaning, set()).add(root)
        return {m: frozenset(r) for m, r in out.items()}

    def derivable(self, source: Tokens, target: Tokens) -> bool:
        return self.best(source, target) is not None

    def best(self, source: Tokens, target: Tokens) -> Entry | None:
        """The least relaxed derivation of ``source`` that gives ``target``.

        On a tie, the grouping bias prefers the longer first slot, then the first root by id.
        """
        found = [(d.cost, -_first(d.children[0]) if d.children else 0, root, d)
                 for (root, m), d in self.analyses(source).items() if m == target]
        return min(found, key=lambda x: x[:3])[3] if found else None

    def count(self, source: Tokens, target: Tokens) -> int:
        """How many derivations of ``source`` give ``target`` (counted up to MAX_COUNT)."""
        return min(MAX_COUNT, sum(e.count for (_, m), e in self.analyses(source).items() if m == target))


def _inherited(old: InductionChart,
               new: InductionChart) -> tuple[dict[Tokens, Analyses], list[frozenset[str]] | None]:
    """The analyses of ``old`` that ``new`` would compute again, identical (a memo to start from),
    and the least sets of words whose phrases may read differently (None: any phrase may).

    A phrase's analyses depend only on the lexicon, on the rules that tile it
    or one of its sub-phrases, in their order, and on those rules' slot levels
    for the fillers at the roots of those sub-phrases (the vocabularies only
    prune tilings that give nothing). A rule tiles only phrases that contain
    all its fixed words, and a filler is a root only in phrases that contain
    its own; so a rule that is new, gone, or kept with another pattern or
    template changes only phrases with its fixed words; a kept rule's slot
    that starts or stops spanning several words, only phrases with the fixed
    words of both the rule and one of the phrase fillers the slot admits; and
    a changed level of a kept rule's slot for an old filler only phrases with
    the fixed words of both (a new filler is a root only where its new rule
    tiles). A change whose words are none may touch every phrase. (The word
    sets also tell induction which examples' proposals still hold; a slot of
    a rule without fixed words that starts or stops taking phrases changes
    proposals beyond them, and then no word sets are given.)
    """
    if new.lexicon is not old.lexicon and new.lexicon != old.lexicon:
        return {}, None
    before = {r.id: (k, r) for k, r in enumerate(old.rules)}
    kept_ids = {r.id for r in new.rules} & before.keys()
    words = {r.id: frozenset(r.fixed_words) for r in old.lexicon.values()}
    words.update((r.id, frozenset(r.fixed_words)) for r in old.rules if r.id in kept_ids)
    phrasal_words = {r.id: frozenset(r.fixed_words) for r in (*old.rules, *new.rules)}
    changed: set[frozenset[str]] = set()
    order: list[int] = []
    unanchored_spans = False  # a slot of a rule without fixed words starts or stops taking phrases
    for k, rule in enumerate(new.rules):
        found = before.pop(rule.id, None)
        fixed = frozenset(rule.fixed_words)
        if found is None or not _same_form(old, found[0], new, k):
            changed.add(fixed)
            continue
        order.append(found[0])
        for s, (spanned, spans) in enumerate(zip(old._phrasal[found[0]], new._phrasal[k], strict=True)):
            if spanned != spans:
                # The slot's multi-word spans come or go: phrases whose roots are the phrase
                # fillers it admits, each holding its root's fixed words.
                fillers = old._admits[found[0]][s].keys() | new._admits[k][s].keys()
                changed.update(fixed | phrasal_words[f] for f in fillers if f in phrasal_words)
                unanchored_spans |= not fixed
        for was, now in zip(old._admits[found[0]], new._admits[k], strict=True):
            # Levels above MAX_LEVEL all read as "not admitted": the admitted levels say it all.
            differ = {f for f, lvl in was.items() if now.get(f) != lvl} | (now.keys() - was.keys())
            changed.update(fixed | words[f] for f in differ if f in words)
    changed.update(frozenset(r.fixed_words) for _, r in before.values())
    if order != sorted(order) or frozenset() in changed:
        return {}, None
    if not changed:
        return dict(old._memo), []
    # Not charged: a read of each inherited analysis (each was charged when built, and the
    # chart's size is bounded by max_chart) and of each changed rule's words. Charging it
    # would change what the lexicon revision may spend (the first induction's steps), and
    # with it which revisions are kept.
    every = WordSets(changed)
    least = [w for w in changed if not any(v != w for v in every.subsets_of(w))]
    dirty = WordSets(least)
    memo = {phrase: found for phrase, found in old._memo.items() if not dirty.any_subset_of(frozenset(phrase))}
    # Such a slot changes what widening it costs for any example (see symbolic.proposals),
    # though not the analyses of the phrases kept: the memo holds, the word sets do not.
    return memo, (None if unanchored_spans else least)


FEW_SETS = 16  # up to this many word sets are compared one by one; more are filed by their words


class WordSets:
    """Non-empty word sets, found by the words of a query: which of them lie inside it.

    A few sets are compared with the query one by one. More are each filed
    under its least word: a set inside the query has its least word in the
    query, so only those files are read (instead of every set: with a rule
    per memorized example, thousands).

    >>> sets = WordSets([frozenset({"a", "b"}), frozenset({"c"})])
    >>> sorted(map(sorted, sets.subsets_of({"a", "b", "d"}))), sets.any_subset_of({"a", "d"})
    ([['a', 'b']], False)
    """

    def __init__(self, sets: Iterable[frozenset[str]]):
        self._few: list[frozenset[str]] | None = list(sets)
        self._files: dict[str, list[frozenset[str]]] = {}
        if len(self._few) > FEW_SETS:
            for w in self._few:
                self._files.setdefault(min(w), []).append(w)
            self._few = None

    def subsets_of(self, words: frozenset[str] | set[str]) -> Iterator[frozenset[str]]:
        if self._few is not None:
            yield from (w for w in self._few if w <= words)
            return
        for word in words:
            for w in self._files.get(word, ()):
                if w <= words:
                    yield w

    def any_subset_of(self, words: frozenset[str] | set[str]) -> bool:
        return next(self.subsets_of(words), None) is not None


def _same_form(old: InductionChart, k_old: int, new: InductionChart, k_new: int) -> bool:
    a, b = old.rules[k_old], new.rules[k_new]
    return (a.pattern, a.template) == (b.pattern, b.template)


def _first(child: tuple[int, int, str, Tokens]) -> int:
    return child[1] - child[0]
