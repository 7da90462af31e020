"""A learner-independent derivation format and its independent replayer.

A learner that explains its answers returns a :class:`Derivation`: a tree whose
nodes each state the rule applied (its source pattern and target template), the
input span it covers, the relaxation steps its slots needed, and the ids of the
training examples that support it. :func:`replay` rebuilds the output from the
tree and the input alone, checking every step against the input; it never calls
the learner. :func:`check_evidence` checks that every step points to real
training evidence. Together they define *traceability* for every learner.

Patterns and templates mix strings (words, output tokens) with integers (slot
numbers). For example, a rule ``X twice -> X X`` applied to ``walk twice``:

>>> leaf = Derivation("r1", ("walk",), ("WALK",), (0, 1), (), ("t-0",), output=("WALK",))
>>> root = Derivation("r2", (0, "twice"), (0, 0), (0, 2), (leaf,), ("t-1",),
...                   output=("WALK", "WALK"))
>>> replay(root, ("walk", "twice"))
('WALK', 'WALK')
>>> attribution(root)
((0,), (0,))

Templates may also apply operations to a slot's meaning, and a pattern may
match any one word that its template writes as itself (the closed vocabulary
of :mod:`sandbox.seqops`); the replayer applies them from the derivation
alone:

>>> from sandbox.seqops import ANY_WORD, THE_WORD, Apply
>>> a = Derivation("copy", (ANY_WORD,), (THE_WORD,), (1, 2), (), ("t-0",), output=("x",))
>>> b = Derivation("copy", (ANY_WORD,), (THE_WORD,), (2, 3), (), ("t-0",), output=("y",))
>>> run = Derivation("sequence", (0, 1), (0, 1), (1, 3), (a, b), ("t-0",), output=("x", "y"))
>>> rev = Derivation("r9", ("flip", 0), (Apply(("rev",), 0),), (0, 3), (run,), ("t-1",))
>>> replay(rev, ("flip", "x", "y"))
('y', 'x')
>>> attribution(rev)
((2,), (1,))
>>> Derivation.from_json(rev.to_json()) == rev
True

A pattern may name a slot more than once: the later occurrences match only
a copy of the words the first one matched (a many-to-one map read backwards:
an action repeated means a command "twice"):

>>> w = Derivation("lex:walk", ("WALK",), ("walk",), (0, 1), (), ("t-0",))
>>> twice = Derivation("r3", (0, 0), (0, "twice"), (0, 2), (w,), ("t-2",))
>>> replay(twice, ("WALK", "WALK"))
('walk', 'twice')
>>> replay(twice, ("WALK", "RUN"))
Traceback (most recent call last):
...
sandbox.derivation.ReplayError: rule r3: slot 0 repeated at position 1 does not hold the same words

A derivation's JSON names its format version (:data:`FORMAT_VERSION`); one of
an unknown version is refused with a :class:`ValueError` rather than misread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.data import Example, Tokens
from sandbox.lforms import Conj, Entry, Head, Meaning, Render, build_conjunct
from sandbox.seqops import AnyWord, Apply, Item, TheWord, item_from_json, item_to_json, render_item

# 1: words, tokens and slots; 2: adds applied operations and any-word items
# (sandbox.seqops); 3: adds meanings that are sets of conjuncts over word
# positions (sandbox.lforms). Older derivations read unchanged.
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)


class ReplayError(ValueError):
    """A derivation does not rebuild its stated output from its input."""


@dataclass(frozen=True)
class Relaxation:
    """One relaxed slot condition: which slot, to what level, by which category."""

    slot: int
    level: int
    from_category: str  # the slot's own category (the fillers seen there)
    to_category: str  # the more general category that admitted the filler
    evidence: tuple[str, ...] = ()  # training examples behind ``to_category``

    def to_json(self) -> dict[str, Any]:
        return {
            "slot": self.slot,
            "level": self.level,
            "from": self.from_category,
            "to": self.to_category,
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Relaxation:
        return cls(
            int(obj["slot"]),
            int(obj["level"]),
            str(obj["from"]),
            str(obj["to"]),
            tuple(str(e) for e in obj.get("evidence", ())),
        )


@dataclass(frozen=True)
class Derivation:
    """One node of a derivation tree (see the module docstring)."""

    rule: str
    pattern: tuple[Item, ...]
    template: tuple[Item, ...]
    span: tuple[int, int]
    children: tuple[Derivation, ...]
    evidence: tuple[str, ...]
    relaxations: tuple[Relaxation, ...] = ()
    output: Tokens = ()

    @property
    def level(self) -> int:
        """The highest relaxation level used anywhere in this subtree."""
        own = max((r.level for r in self.relaxations), default=0)
        return max([own, *(c.level for c in self.children)])

    def nodes(self) -> list[Derivation]:
        """All nodes, root first (pre-order)."""
        out = [self]
        for child in self.children:
            out.extend(child.nodes())
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "rule": self.rule,
            "pattern": [item_to_json(x) for x in self.pattern],
            "template": [item_to_json(x) for x in self.template],
            "span": list(self.span),
            "evidence": list(self.evidence),
            "relaxations": [r.to_json() for r in self.relaxations],
            "output": list(self.output),
            "children": [c.to_json() for c in self.children],
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Derivation:
        version = obj.get("format", 1)
        if version not in READABLE_VERSIONS:
            raise ValueError(f"derivation format {version!r} is not one this version reads "
                             f"({', '.join(map(str, READABLE_VERSIONS))})")

        def items(seq: Sequence[Any]) -> tuple[Item, ...]:
            return tuple(item_from_json(x) for x in seq)

        start, end = obj["span"]
        return cls(
            rule=str(obj["rule"]),
            pattern=items(obj["pattern"]),
            template=items(obj["template"]),
            span=(int(start), int(end)),
            children=tuple(cls.from_json(c) for c in obj.get("children", ())),
            evidence=tuple(str(e) for e in obj.get("evidence", ())),
            relaxations=tuple(Relaxation.from_json(r) for r in obj.get("relaxations", ())),
            output=tuple(str(t) for t in obj.get("output", ())),
        )


def replay(derivation: Derivation, source: Sequence[str]) -> Tokens:
    """Rebuild the output of ``derivation`` on ``source``, checking every step.

    Each node's pattern must match its span of the input: fixed words equal the
    input words at their positions and the children, in slot order, tile the
    positions between them. The output is the template with each slot number
    replaced by the replayed output of that child. Raises :class:`ReplayError`
    at the first step that does not hold, including a stated output that
    differs from the rebuilt one.
    """
    src = tuple(source)
    if derivation.span != (0, len(src)):
        raise ReplayError(f"root covers {derivation.span}, input has {len(src)} words")
    return _replay(derivation, src)


def replay_attributed(derivation: Derivation, source: Sequence[str]) -> tuple[Tokens, tuple[tuple[int, ...], ...]]:
    """:func:`replay` and :func:`attribution` at once.

    A render root is walked once: the input positions behind its tokens do not
    depend on the words, so the replay on ``source`` gives them too.
    """
    src = tuple(source)
    if derivation.span != (0, len(src)):
        raise ReplayError(f"root covers {derivation.span}, input has {len(src)} words")
    if any(isinstance(x, Render) for x in derivation.template):
        tokens, behind = _rendered(derivation, src)
        if derivation.output and derivation.output != tokens:
            raise ReplayError(f"rule {derivation.rule}: states {derivation.output}, rebuilds {tokens}")
        return tokens, behind
    return _replay(derivation, src), attribution(derivation)


def _replay(node: Derivation, src: Tokens) -> Tokens:
    # This walk looks like symbolic/trace.py's replay (and its trace builder) on purpose and must stay
    # a copy: traceability is defined by a replay that reads the derivation alone, so it may never
    # import or share code with the learner whose derivations it judges (see the module docstring).
    if any(isinstance(x, Render) for x in node.template):
        return _render(node, src)
    word = _match_pattern(node, src)
    result = _build_output(node, [_replay(child, src) for child in node.children], word)
    if node.output and node.output != result:
        raise ReplayError(f"rule {node.rule}: states {node.output}, rebuilds {result}")
    return result


def _match_pattern(node: Derivation, src: Tokens) -> str | None:
    """Check that ``node``'s pattern matches its span of ``src``; the word an any-word item matched."""
    start, end = node.span
    slots = [x for x in node.pattern if isinstance(x, int)]
    if sorted(set(slots)) != list(range(len(node.children))):
        raise ReplayError(f"rule {node.rule}: slots {slots} do not match {len(node.children)} children")
    pos = start
    word: str | None = None
    matched: set[int] = set()
    for item in node.pattern:
        if isinstance(item, int) and item in matched:
            # A slot named again matches only a copy of the words its first occurrence matched.
            a, b = node.children[item].span
            if src[pos:pos + b - a] != src[a:b] or pos + b - a > end:
                raise ReplayError(f"rule {node.rule}: slot {item} repeated at position {pos} "
                                  f"does not hold the same words")
            pos += b - a
        elif isinstance(item, int):
            matched.add(item)
            child = node.children[item]
            if child.span[0] != pos or child.span[1] <= pos:
                raise ReplayError(f"rule {node.rule}: slot {item} does not start at position {pos}")
            pos = child.span[1]
        elif isinstance(item, AnyWord):
            if pos >= end:
                raise ReplayError(f"rule {node.rule}: expected a word at position {pos}")
            word = src[pos]
            pos += 1
        elif isinstance(item, Apply | TheWord):
            raise ReplayError(f"rule {node.rule}: a pattern holds the template item {render_item(item)}")
        else:
            if pos >= end or src[pos] != item:
                raise ReplayError(f"rule {node.rule}: expected word {item!r} at position {pos}")
            pos += 1
    if pos != end:
        raise ReplayError(f"rule {node.rule}: pattern ends at {pos}, span ends at {end}")
    return word


def _build_output(node: Derivation, outputs: list[Tokens], word: str | None) -> Tokens:
    """``node``'s template with each slot replaced by its child's output (and the matched word written)."""
    built: list[str] = []
    for item in node.template:
        if isinstance(item, int | Apply):
            slot = item if isinstance(item, int) else item.slot
            if not 0 <= slot < len(outputs):
                raise ReplayError(f"rule {node.rule}: template names missing slot {slot}")
            built.extend(outputs[slot] if isinstance(item, int) else item.apply(outputs[slot]))
        elif isinstance(item, TheWord):
            if word is None:
                raise ReplayError(f"rule {node.rule}: template writes the matched word, pattern matches none")
            built.append(word)
        elif isinstance(item, str):
            built.append(item)
        else:
            raise ReplayError(f"rule {node.rule}: a template holds the item {render_item(item)} out of place")
    return tuple(built)


def _render(node: Derivation, src: Tokens) -> Tokens:
    """A root that renders its one child's conjuncts (format 3)."""
    result = _rendered(node, src)[0]
    if node.output and node.output != result:
        raise ReplayError(f"rule {node.rule}: states {node.output}, rebuilds {result}")
    return result


def _rendered(node: Derivation, src: Tokens) -> tuple[Tokens, tuple[tuple[int, ...], ...]]:
    """The rendered conjuncts of a render node, with the input positions behind each token."""
    if len(node.template) != 1 or node.pattern != (0,) or len(node.children) != 1:
        raise ReplayError(f"rule {node.rule}: a render step has one slot, one child and one render item")
    _match_pattern(node, src)
    law = node.template[0]
    assert isinstance(law, Render)
    meaning = _meaning(node.children[0], src)
    for part, _, _ in meaning.conjuncts:
        if part not in law.parts:
            raise ReplayError(f"rule {node.rule}: a conjunct of part {part!r}, which the render step does not order")
    tokens: list[str] = []
    behind: list[tuple[int, ...]] = []
    sep = dict(zip(law.parts, law.separators, strict=False))
    order = sorted(range(len(meaning.conjuncts)), key=lambda i: law.key(meaning.conjuncts[i]))
    for n, i in enumerate(order):
        part, _, toks = meaning.conjuncts[i]
        tokens.extend(toks)
        behind.extend(meaning.sources[i])
        if n + 1 < len(order):
            tokens.append(sep[part])
            behind.append(meaning.sources[i][-1] if meaning.sources[i] else ())
    return tuple(tokens), tuple(behind)


def _meaning(node: Derivation, src: Tokens) -> Meaning:
    """What a node below a render step means: its head word and all conjuncts in its subtree."""
    _match_pattern(node, src)
    entries = [x for x in node.template if isinstance(x, Entry)]
    if entries:
        if len(node.template) != 1 or node.children or node.span[1] - node.span[0] != 1:
            raise ReplayError(f"rule {node.rule}: a word's entry stands alone, on one word")
        head = node.span[0]
        return Meaning(head, entries[0].lemma, entries[0].refer(src, head), ())
    heads = [x.slot for x in node.template if isinstance(x, Head)]
    if len(heads) != 1 or not 0 <= heads[0] < len(node.children):
        raise ReplayError(f"rule {node.rule}: a node below a render step names one head among its children")
    children = [_meaning(c, src) for c in node.children]
    conjuncts = [c for child in children for c in child.conjuncts]
    sources = [s for child in children for s in child.sources]
    fixed = _fixed_positions(node) or tuple(range(*node.span))
    for item in node.template:
        if isinstance(item, Conj):
            try:
                built, behind = build_conjunct(item, children, fixed)
            except IndexError as err:
                raise ReplayError(f"rule {node.rule}: a conjunct names missing slot {err}") from None
            conjuncts.append(built)
            sources.append(behind)
        elif not isinstance(item, Head):
            raise ReplayError(f"rule {node.rule}: a template holds the item {render_item(item)} out of place")
    top = children[heads[0]]
    return Meaning(top.head, top.lemma, top.refer, tuple(conjuncts), tuple(sources))


def check_evidence(derivation: Derivation, train: Mapping[str, Example]) -> str | None:
    """Return why a step lacks training evidence, or ``None`` when every step has it.

    A rule's evidence must name at least one training example, every named
    example must exist, and each must show the rule's fixed words (in order) in
    its input and the rule's constant output tokens in its output. Every
    relaxation step must name the training examples behind its category.
    """
    for node in derivation.nodes():
        if not node.evidence:
            return f"rule {node.rule} names no training example"
        words = [x for x in node.pattern if isinstance(x, str)]
        constants = {x for x in node.template if isinstance(x, str)}
        for ex_id in node.evidence:
            ex = train.get(ex_id)
            if ex is None:
                return f"rule {node.rule} cites {ex_id!r}, which is not a training example"
            if not _is_subsequence(words, ex.source):
                return f"rule {node.rule}: evidence {ex_id} lacks the words {words}"
            if not constants <= set(ex.target):
                return f"rule {node.rule}: evidence {ex_id} lacks the tokens {sorted(constants)}"
        for step in node.relaxations:
            if not step.evidence or any(e not in train for e in step.evidence):
                return f"rule {node.rule}: relaxation of slot {step.slot} lacks training evidence"
    return None


def _is_subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    it = iter(haystack)
    return all(any(w == h for h in it) for w in needle)


def attribution(derivation: Derivation) -> tuple[tuple[int, ...], ...]:
    """For each output position, the input positions that produced it.

    A constant token of a rule is produced by that rule's fixed words (by its
    whole span when the rule has none); a token copied from a slot is produced
    by whatever produced it inside that slot.
    """
    if any(isinstance(x, Render) for x in derivation.template):
        return _rendered(derivation, _placeholder(derivation))[1]
    start = derivation.span[0]
    fixed = _fixed_positions(derivation) or tuple(range(start, derivation.span[1]))
    child_attr = [attribution(c) for c in derivation.children]
    out: list[tuple[int, ...]] = []
    for item in derivation.template:
        if isinstance(item, int):
            out.extend(child_attr[item])
        elif isinstance(item, Apply):
            # The operations select and reorder tokens, so applied to the
            # positions behind each token they give the positions behind the result.
            out.extend(item.apply(child_attr[item.slot]))
        elif isinstance(item, TheWord):
            out.append(_wild_positions(derivation))
        else:
            out.append(fixed)
    return tuple(out)


def _placeholder(node: Derivation) -> Tokens:
    """An input of the root's length with the pattern's fixed words in place (attribution reads positions only)."""
    words = ["?"] * node.span[1]
    for n in node.nodes():
        for item, pos in _positions(n):
            if isinstance(item, str):
                words[pos] = item
    return tuple(words)


def _wild_positions(node: Derivation) -> tuple[int, ...]:
    return tuple(pos for item, pos in _positions(node) if isinstance(item, AnyWord))[:1]


def _positions(node: Derivation) -> list[tuple[Item, int]]:
    """Each pattern item with the input position where it starts (a repeated slot: its copy's)."""
    out: list[tuple[Item, int]] = []
    pos = node.span[0]
    seen: set[int] = set()
    for item in node.pattern:
        out.append((item, pos))
        if isinstance(item, int):
            a, b = node.children[item].span
            pos = pos + b - a if item in seen else b
            seen.add(item)
        else:
            pos += 1
    return out


def _fixed_positions(node: Derivation) -> tuple[int, ...]:
    return tuple(pos for item, pos in _positions(node) if isinstance(item, str))


def render_tree(derivation: Derivation, source: Sequence[str]) -> str:
    """The derivation as an indented tree, one node per line."""
    lines: list[str] = []

    def walk(node: Derivation, depth: int) -> None:
        words = " ".join(source[node.span[0] : node.span[1]])
        pattern = " ".join(render_item(x) for x in node.pattern)
        template = " ".join(render_item(x) for x in node.template)
        lines.append(f"{'  ' * depth}[{words}]  {node.rule}: {pattern} -> {template}")
        for step in node.relaxations:
            lines.append(
                f"{'  ' * depth}  relaxed slot <{step.slot}> to level {step.level}: "
                f"{step.from_category} -> {step.to_category}"
            )
        for item in node.template:
            if isinstance(item, Apply) and item.slot < len(node.children):
                meaning = node.children[item.slot].output
                lines.append(f"{'  ' * depth}  applied {item.render()} to {' '.join(meaning) or '(nothing)'}: "
                             f"{' '.join(item.apply(meaning)) or '(nothing)'}")
        for item in node.template:
            if isinstance(item, Render):
                lines.append(f"{'  ' * depth}  ordered the conjuncts by part ({', '.join(item.parts)}), "
                             f"then by the positions they mention")
        for child in node.children:
            walk(child, depth + 1)

    walk(derivation, 0)
    return "\n".join(lines)
