"""Words, trees and rules for conjunct meanings (induction).

From the conjuncts of each training output (:mod:`symbolic.lfsyntax`):

1. **The lexicon.** A word's *lemma* is the token that every conjunct it
   anchors (names first) contains and that goes with the fewest other anchor
   words; a word is referred to *by itself* where its own spelling stands
   for it, else by the marker and its position; its *kind* is ``itself``,
   ``unary`` (it anchors a conjunct that mentions only it) or ``relational``.
   A word seen only alone takes its lemma and kind from the words whose
   meanings alone have the same shape (its *classmates*).
2. **A tree per sentence.** A conjunct links its anchor to every other word
   it mentions; each word hangs from the nearest word linking to it. A word
   no conjunct mentions is a *specifier* of the next word where, wherever it
   stands, the next word is mentioned and of one kind (it may change that
   word's own conjuncts); any other such word belongs to the lowest phrase
   whose words surround it, or else to a sentence rule that holds the top phrase.
3. **Rules.** Each word with its specifiers is a *unit* rule (the conjuncts
   that mention only it); each phrase is a rule whose pattern lists, in
   order, its head unit, its child phrases (slots) and its own words (fixed),
   and whose conjuncts are those that mention its head and its children's
   heads. A sentence that does not read as a tree this way is set aside
   (memorized by the caller).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sandbox.data import Example, Tokens
from sandbox.lforms import Conj, ConjItem, Head, Lemma, Ref
from symbolic.lfsyntax import Observed, Syntax

KINDS = ("itself", "unary", "relational")
UNIT, PHRASE, SENTENCE = "unit", "phrase", "sentence"


@dataclass(frozen=True)
class Word:
    """What the data say about one word."""

    lemma: Tokens
    by_itself: bool
    kind: str


@dataclass(frozen=True)
class Shape:
    """A rule's shape: its kind, pattern (fixed words and slot numbers), head slot and conjuncts."""

    kind: str
    pattern: tuple[str | int, ...]
    head: int
    conjuncts: tuple[Conj, ...]

    def template(self) -> tuple[Head | Conj, ...]:
        return (Head(self.head), *self.conjuncts)


@dataclass
class Filled:
    """What filled one slot of a rule in training: child rules (by shape), head words, kinds."""

    rules: Counter[Shape] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[Shape, str]] = field(default_factory=Counter)  # (child rule, head word)


@dataclass
class Grammar:
    """The rules found, what filled their slots, and the examples behind them."""

    words: dict[str, Word]
    classmates: dict[str, frozenset[str]]
    rules: dict[Shape, list[str]] = field(default_factory=dict)  # shape -> evidence ids
    slots: dict[tuple[Shape, int], Filled] = field(default_factory=dict)
    roots: Counter[Shape] = field(default_factory=Counter)
    parts: Counter[tuple[Conj, str]] = field(default_factory=Counter)
    left_out: list[Example] = field(default_factory=list)
    marker: Tokens = ()


def learn_words(graphs: Sequence[tuple[Example, list[Observed]]],
                alone: dict[str, Tokens]) -> tuple[dict[str, Word], dict[str, frozenset[str]]]:
    """The lexicon and, for words seen alone, their classmates (same shape alone)."""
    cand: dict[str, set[str]] = {}
    anchors_of: dict[str, set[str]] = defaultdict(set)
    itself: Counter[str] = Counter()
    unary: set[str] = set()
    mentioned: Counter[str] = Counter()
    for ex, conjuncts in graphs:
        for c in conjuncts:
            ms = c.mentions
            w = ex.source[ms[0]]
            cand[w] = set(c.outside) if w not in cand else cand[w] & set(c.outside)
            for tok in c.outside:
                anchors_of[tok].add(w)
            if set(ms) == {ms[0]}:
                unary.add(w)
            for p in ms:
                mentioned[ex.source[p]] += 1
                itself[ex.source[p]] += p in c.by_word
    words: dict[str, Word] = {}
    for w in mentioned:
        options = sorted(cand.get(w, ()), key=lambda t: (len(anchors_of[t]), t))
        by_itself = itself[w] * 2 > mentioned[w]
        kind = "itself" if by_itself else "unary" if w in unary else "relational"
        words[w] = Word((options[0],) if options else (), by_itself, kind)
    return _alone_words(words, alone)


def _alone_words(words: dict[str, Word], alone: dict[str, Tokens]) -> tuple[dict[str, Word], dict[str, frozenset[str]]]:
    """Words seen alone: a shape per meaning alone (its lemma, or the word, as a hole); unknown words join one."""
    shapes: dict[tuple[str | None, ...], set[str]] = defaultdict(set)
    for w, out in alone.items():
        if w in words:
            name = words[w].lemma[0] if words[w].lemma else w
            if out.count(name) == 1:
                shapes[tuple(None if t == name else t for t in out)].add(w)
    classmates: dict[str, frozenset[str]] = {}
    for members in shapes.values():
        for w in members:
            classmates[w] = frozenset(members - {w})
    for w, out in sorted(alone.items()):
        if w in words:
            continue
        for shape, members in sorted(shapes.items(), key=lambda kv: sorted(kv[1])):
            if len(shape) == len(out) and all(a is None or a == b for a, b in zip(shape, out, strict=False)):
                hole = out[shape.index(None)]
                kinds = Counter(words[m].kind for m in members)
                kind = kinds.most_common(1)[0][0]
                lemma = () if kind == "itself" else (hole,)
                words[w] = Word(lemma, kind == "itself", kind)
                classmates[w] = frozenset(members)
                break
    return words, classmates


class _Tree:
    """One sentence as a tree of units (see the module docstring)."""

    def __init__(self, ex: Example, conjuncts: list[Observed], specifiers: frozenset[str]):
        src = ex.source
        self.ex, self.conjuncts = ex, conjuncts
        content = sorted({p for c in conjuncts for p in c.mentions})
        govs: dict[int, set[int]] = defaultdict(set)
        for c in conjuncts:
            for p in c.mentions[1:]:
                if p != c.mentions[0]:
                    govs[p].add(c.mentions[0])
        self.parent = {p: min(govs[p], key=lambda g: (abs(g - p), g)) for p in content if govs[p]}
        roots = [p for p in content if p not in self.parent]
        self.ok = len(roots) == 1 and self._acyclic(content)
        if not self.ok:
            return
        self.root = roots[0]
        self.children: dict[int, list[int]] = defaultdict(list)
        for p, g in sorted(self.parent.items()):
            self.children[g].append(p)
        cset = set(content)
        self.unit: dict[int, list[int]] = {p: [p] for p in content}
        loose = []
        for i, w in enumerate(src):
            if i in cset:
                continue
            nxt = i + 1
            while nxt < len(src) and nxt not in cset and src[nxt] in specifiers:
                nxt += 1
            if w in specifiers and nxt in cset:
                self.unit[nxt].insert(-1, i)
            else:
                loose.append(i)
        self.depth = {p: self._depth(p) for p in content}
        self.span = {p: self._span(p) for p in content}
        self.attached: dict[int, list[int]] = defaultdict(list)
        self.outside: list[int] = []
        for i in loose:
            inside = [p for p in content if self.span[p][0] < i < self.span[p][1]]
            if inside:
                self.attached[max(inside, key=self.depth.__getitem__)].append(i)
            else:
                self.outside.append(i)
        self.ok = all(self._contiguous(p) for p in content) and self._edges_fit()

    def _acyclic(self, content: list[int]) -> bool:
        for p in content:
            seen = set()
            while p in self.parent:
                if p in seen:
                    return False
                seen.add(p)
                p = self.parent[p]
        return True

    def _depth(self, p: int) -> int:
        d = 0
        while p in self.parent:
            p, d = self.parent[p], d + 1
        return d

    def _span(self, p: int) -> tuple[int, int]:
        ps = list(self.unit[p]) + [q for c in self.children[p] for q in self._span(c)]
        return min(ps), max(ps)

    def positions(self, p: int) -> list[int]:
        out = list(self.unit[p]) + self.attached[p]
        for c in self.children[p]:
            out += self.positions(c)
        return sorted(out)

    def _contiguous(self, p: int) -> bool:
        ps = self.positions(p)
        return ps == list(range(ps[0], ps[-1] + 1))

    def owner(self, c: Observed) -> int | None:
        """The word whose unit (one mention) or phrase (its head and its children's heads) adds ``c``."""
        ms = set(c.mentions)
        if len(ms) == 1:
            return c.mentions[0]
        for p in sorted(self.unit, key=self.depth.__getitem__, reverse=True):
            if ms <= {p, *self.children[p]}:
                return p
        return None

    def _edges_fit(self) -> bool:
        return all(self.owner(c) is not None for c in self.conjuncts)


def specifiers_of(graphs: Sequence[tuple[Example, list[Observed]]], words: dict[str, Word]) -> frozenset[str]:
    """Words never mentioned that always stand before a mentioned word of one kind."""
    before: dict[str, set[str]] = defaultdict(set)
    for ex, conjuncts in graphs:
        content = {p for c in conjuncts for p in c.mentions}
        for i, w in enumerate(ex.source):
            if i in content:
                before[w].add("(mentioned)")
            elif i + 1 in content:
                before[w].add(words[ex.source[i + 1]].kind)
            else:
                before[w].add("(other)")
    return frozenset(w for w, ks in before.items() if len(ks) == 1 and not ks & {"(mentioned)", "(other)"})


def conj_template(c: Observed, slot_of: dict[int, int], lemmas: dict[int, Tokens], anchor_first: bool = True) -> Conj:
    """``c`` as a conjunct template: references to slots, lemma tokens of mentioned words to slots."""
    items: list[ConjItem] = []
    lemma_slot: dict[str, int] = {}
    for p in c.mentions:
        if lemmas.get(p):
            lemma_slot.setdefault(lemmas[p][0], slot_of[p])
    for x in c.items:
        if isinstance(x, tuple):
            items.append(Ref(slot_of[x[0]]))
        elif x in lemma_slot and len(items) < len(c.outside):
            items.append(Lemma(lemma_slot[x]))
        else:
            items.append(x)
    return Conj("", tuple(items))


def induce(graphs: Sequence[tuple[Example, list[Observed]]], words: dict[str, Word],
           classmates: dict[str, frozenset[str]], syntax: Syntax, last_part: str) -> Grammar:
    """The rules of every training sentence that reads as a tree (see the module docstring)."""
    specifiers = specifiers_of(graphs, words)
    g = Grammar(words, classmates, marker=syntax.marker)
    for ex, conjuncts in graphs:
        tree = _Tree(ex, conjuncts, specifiers)
        if not tree.ok:
            g.left_out.append(ex)
            continue
        _add_tree(g, tree)
    return _settle_parts(g, last_part)


def _settle_parts(g: Grammar, last_part: str) -> Grammar:
    """Give every conjunct template the separator it is most often followed by (rebuilding the shapes).

    A template only ever seen last in its output takes ``last_part``: the part
    that comes last, the only one an output can end with.
    """
    best: dict[Conj, str] = {}
    for (conj, sep), _n in sorted(g.parts.items(), key=lambda kv: (-kv[1], kv[0][1])):
        best.setdefault(conj, sep)
    fallback = last_part
    memo: dict[Shape, Shape] = {}

    def settled(shape: Shape) -> Shape:
        if shape not in memo:
            conj = tuple(Conj(best.get(c, fallback), c.items) for c in shape.conjuncts)
            memo[shape] = Shape(shape.kind, shape.pattern, shape.head, conj)
        return memo[shape]

    out = Grammar(g.words, g.classmates, left_out=g.left_out, parts=g.parts, marker=g.marker)
    out.rules = {settled(s): ev for s, ev in g.rules.items()}
    for (shape, slot), f in g.slots.items():
        out.slots[(settled(shape), slot)] = Filled(Counter({settled(r): n for r, n in f.rules.items()}),
                                                   f.words, f.kinds,
                                                   Counter({(settled(r), w): n for (r, w), n in f.pairs.items()}))
    out.roots = Counter({settled(s): n for s, n in g.roots.items()})
    return out


def _add_tree(g: Grammar, t: _Tree) -> None:
    src = t.ex.source
    lemmas = {p: g.words[src[p]].lemma for p in t.unit}
    owned: dict[int, list[Observed]] = defaultdict(list)
    for c in t.conjuncts:
        owner = t.owner(c)
        assert owner is not None
        owned[owner].append(c)

    def unit(p: int) -> Shape:
        pattern: list[str | int] = [src[i] if i != p else 0 for i in t.unit[p]]
        conj = tuple(_part(g, conj_template(c, {p: 0}, lemmas), c) for c in owned[p] if set(c.mentions) == {p})
        shape = Shape(UNIT, tuple(pattern), 0, conj)
        _note(g, shape, t.ex.id)
        _fill(g, shape, 0, None, src[p], g.words[src[p]].kind)
        return shape

    def phrase(p: int) -> Shape:
        u = unit(p)
        if not t.children[p] and not t.attached[p]:
            return u
        items: list[tuple[int, str]] = [(t.unit[p][0], "unit")] + [(t.span[c][0], "child") for c in t.children[p]] \
            + [(i, "word") for i in t.attached[p]]
        pattern: list[str | int] = []
        slot_of: dict[int, int] = {}
        fillers: list[tuple[Shape, int]] = []
        for start, what in sorted(items):
            if what == "word":
                pattern.append(src[start])
                continue
            head = p if what == "unit" else next(c for c in t.children[p] if t.span[c][0] == start)
            slot_of[head] = len(fillers)
            pattern.append(len(fillers))
            fillers.append((u if head == p else phrase(head), head))
        conj = tuple(_part(g, conj_template(c, slot_of, lemmas), c) for c in owned[p] if len(set(c.mentions)) > 1)
        shape = Shape(PHRASE, tuple(pattern), slot_of[p], conj)
        _note(g, shape, t.ex.id)
        for slot, (child, head) in enumerate(fillers):
            _fill(g, shape, slot, child, src[head], g.words[src[head]].kind)
        return shape

    top = phrase(t.root)
    if t.outside:
        items2: list[str | int] = [src[i] for i in t.outside if i < t.span[t.root][0]] + [0] \
            + [src[i] for i in t.outside if i > t.span[t.root][1]]
        shape = Shape(SENTENCE, tuple(items2), 0, ())
        _note(g, shape, t.ex.id)
        _fill(g, shape, 0, top, src[t.root], g.words[src[t.root]].kind)
        top = shape
    g.roots[top] += 1


def _part(g: Grammar, conj: Conj, c: Observed) -> Conj:
    """The conjunct, its part still open (settled over all sentences later); counts the separator that follows it."""
    if c.separator is not None:
        g.parts[(conj, c.separator)] += 1
    return conj


def _note(g: Grammar, shape: Shape, ex_id: str) -> None:
    ev = g.rules.setdefault(shape, [])
    if len(ev) < 3:
        ev.append(ex_id)


def _fill(g: Grammar, shape: Shape, slot: int, child: Shape | None, word: str, kind: str) -> None:
    f = g.slots.setdefault((shape, slot), Filled())
    if child is not None:
        f.rules[child] += 1
        f.pairs[(child, word)] += 1
    f.words[word] += 1
    f.kinds[kind] += 1
