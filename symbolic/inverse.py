"""Many-to-one maps read backwards: learn the direction that is a function, answer by inverting it.

Where one input has several right outputs (``I_WALK I_WALK`` is ``walk
twice`` and ``walk and walk``) but every output has one input, the data are
a function only from outputs to inputs. The learner then learns its rules in
that direction, from outputs to inputs, and answers an input by *inverting*
them: each rule read backwards is a pattern over the input (its template,
where a slot named twice matches only two equal stretches: ``<0> <0>``) and a
template over the output (its pattern, ``<0> twice``). A search over the
input's spans, shortest answers first, proposes outputs; each is checked by
the forward rules, which must derive the input from it within the
relaxation cap, so that every answer is one the learned rules vouch for, at
the level they needed. The answer's derivation is the forward derivation
turned around, node by node: it replays from the input alone (a repeated
slot checks that its two stretches are equal) and cites the same training
examples.

Why inversion rather than learning the backward direction directly: the
backward map is a relation (many outputs per input), so no set of rewrite
rules in that direction is both consistent with the data and small; the
forward grammar is (SCAN's ten rules), and reading it backwards gives the
repeated-slot patterns for free.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sandbox.data import Example, Tokens
from sandbox.derivation import Derivation, attribution
from sandbox.protocol import Prediction
from symbolic.rules import Rule, RuleKind

MAX_CANDIDATES = 8  # outputs kept per input span (one per root rule), least relaxed and shortest first
MAX_TRIES = 12  # whole-input candidates checked by the forward rules
MAX_STEPS = 400_000  # span and cut checks per input
MAX_CACHE = 200_000  # spans' outputs kept between inputs
MIN_SHARE = 0.05  # inputs with several outputs that make the data a relation, not noise
MAX_BACKWARD = 0.01  # outputs with several inputs tolerated in the function direction


class Levels(Protocol):
    def level(self, rule: str, slot: int, filler: str) -> int: ...


class Forward(Protocol):
    @property
    def rules_(self) -> Mapping[str, object]: ...

    @property
    def hierarchy_(self) -> Levels: ...

    def explain(self, source: Tokens) -> Prediction: ...


def is_backward_function(examples: Sequence[Example]) -> bool:
    """Whether the pairs are a function from outputs to inputs but not from inputs to outputs.

    >>> ex = [Example.of(s, t) for s, t in [("A A", "a twice"), ("A A", "a and a"), ("A", "a")]]
    >>> is_backward_function(ex)
    True
    """
    outputs: dict[Tokens, set[Tokens]] = {}
    inputs: dict[Tokens, set[Tokens]] = {}
    for ex in examples:
        outputs.setdefault(ex.source, set()).add(ex.target)
        inputs.setdefault(ex.target, set()).add(ex.source)
    several = sum(len(v) > 1 for v in outputs.values())
    backward = sum(len(v) > 1 for v in inputs.values())
    return several >= MIN_SHARE * len(outputs) and backward <= MAX_BACKWARD * len(inputs)


def swapped(examples: Sequence[Example]) -> list[Example]:
    """The examples from output to input, ids kept (the forward rules cite them)."""
    return [Example(ex.target, ex.source, id=ex.id, meta=ex.meta) for ex in examples]


@dataclass
class InverseReading:
    forward: Forward

    def __post_init__(self) -> None:
        rules = [r for r in self.forward.rules_.values() if isinstance(r, Rule) and r.template
                 and r.kind is not RuleKind.MEMORIZED]
        rules.sort(key=lambda r: (len(r.template), r.id))
        # A rule whose template is one slot alone reads a span as itself: applied after the others.
        self._unary = [r for r in rules if r.template == (0,)]
        self._rules = [r for r in rules if r.template != (0,)]
        self._cache: dict[Tokens, list[Candidate]] = {}

    def explain(self, source: Tokens) -> Prediction:
        """An output the forward rules map to ``source``, with the turned-around derivation."""
        if len(self._cache) > MAX_CACHE:
            self._cache.clear()  # outputs depend on a span's tokens only, so dropping them changes nothing
        search = _Search(self._rules, self._unary, source, self.forward.hierarchy_, self._cache)
        first: Prediction | None = None
        try:
            candidates = search.span(0, len(source))
        except _Spent:
            return Prediction.abstain(f"search budget spent ({MAX_STEPS} steps)")
        best: tuple[int, int, Tokens, Prediction] | None = None
        for _, candidate, _ in candidates[:MAX_TRIES]:
            pred = self.forward.explain(candidate)
            if pred.tokens == source and pred.derivation is not None:
                # The least relaxed output first (the forward rules vouch for it most), then the shortest.
                key = (pred.relaxation_level or 0, len(candidate))
                if best is None or key < best[:2]:
                    best = (*key, candidate, pred)
                if pred.relaxation_level == 0:
                    break
            elif first is None and pred.tokens is None:
                first = pred
        if best is not None:
            _, _, candidate, pred = best
            assert pred.derivation is not None
            try:
                node = turn_around(pred.derivation, 0)
            except (KeyError, ValueError):
                # A forward slot whose meaning the template drops has no place in the input.
                return Prediction(candidate, pred.reason, pred.relaxation_level, None, ())
            return Prediction(candidate, pred.reason, pred.relaxation_level, node, attribution(node))
        if first is not None:
            return Prediction.abstain(f"the forward rules give no proposed output this input: {first.reason}",
                                      first.relaxation_level)
        return Prediction.abstain("no rule read backwards covers this input")


class _Spent(Exception):
    pass


Candidate = tuple[tuple[int, int], Tokens, str]  # ((slot levels summed, length), output, root rule)
Bound = tuple[int, int, Candidate]  # a slot's span and its filler


class _Search:
    """Outputs for each span of the input, from the rules read backwards.

    Each is ranked by the forward hierarchy: the levels its slots' fillers
    need, summed, then its length (the least relaxed and shortest first).
    """

    def __init__(self, rules: Sequence[Rule], unary: Sequence[Rule], src: Tokens, levels: Levels,
                 cache: dict[Tokens, list[Candidate]]):
        self.rules = rules
        self.unary = unary
        self.src = src
        self.levels = levels
        self.memo = cache  # keyed by a span's tokens: what a span can mean does not depend on where it is
        self.steps = 0

    def _step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Spent

    def span(self, i: int, j: int) -> list[Candidate]:
        key = self.src[i:j]
        found_before = self.memo.get(key)
        if found_before is not None:
            return found_before
        self._step()
        found: dict[Tokens, Candidate] = {}
        present = set(key)
        for rule in self.rules:
            if len(rule.template) > j - i or not present.issuperset(x for x in rule.template if isinstance(x, str)):
                continue
            for binding in self._match(rule, 0, i, j, {}):
                words = _fill(rule.pattern, binding)
                relaxed = sum(self.levels.level(rule.id, s, b[2][2]) + b[2][0][0] for s, b in binding.items())
                _keep(found, ((relaxed, len(words)), words, rule.id))
        for rule in self.unary:  # every template item is non-empty, so only these keep a span's length
            for cand in list(found.values()):
                words = _fill(rule.pattern, {0: (i, j, cand)})
                _keep(found, ((cand[0][0] + self.levels.level(rule.id, 0, cand[2]), len(words)), words, rule.id))
        # The least costly output per root rule: a parent's slot levels depend on the filler's rule
        # (precedence: a phrase of one rule may stand in a slot where another's never has).
        per_rule: dict[str, Candidate] = {}
        for cand in sorted(found.values()):
            per_rule.setdefault(cand[2], cand)
        best = sorted(per_rule.values())[:MAX_CANDIDATES]
        self.memo[key] = best
        return best

    def _match(self, rule: Rule, k: int, pos: int, end: int,
               bound: dict[int, Bound]) -> Iterator[dict[int, Bound]]:
        template = rule.template
        if k == len(template):
            if pos == end:
                yield dict(bound)
            return
        item = template[k]
        if isinstance(item, str):
            if pos < end and self.src[pos] == item:
                yield from self._match(rule, k + 1, pos + 1, end, bound)
            return
        if item in bound:
            a, b, _ = bound[item]
            n = b - a
            if pos + n <= end and self.src[pos:pos + n] == self.src[a:b]:
                yield from self._match(rule, k + 1, pos + n, end, bound)
            return
        for q in self._cuts(template, k, pos, end, bound):
            self._step()
            fillers = self.span(pos, q)
            if not fillers:
                continue
            # The cost adds up slot by slot, so each slot takes its own least relaxed filler.
            bound[item] = (pos, q, min(fillers, key=lambda c: (self.levels.level(rule.id, item, c[2]) + c[0][0],
                                                                  c[0][1], c[1])))
            yield from self._match(rule, k + 1, q, end, bound)
            del bound[item]

    def _cuts(self, template: tuple[str | int, ...], k: int, pos: int, end: int,
              bound: Mapping[int, Bound]) -> list[int]:
        """Where the slot at ``template[k]`` may end: by length arithmetic where it is the last unknown."""
        slot = template[k]
        rest = template[k + 1:]
        unknown = {x for x in rest if isinstance(x, int) and x not in bound and x != slot}
        if not unknown:
            fixed = sum(1 if isinstance(x, str) else bound[x][1] - bound[x][0] for x in rest if x != slot)
            count = 1 + sum(1 for x in rest if x == slot)
            room = end - pos - fixed
            if room <= 0 or room % count:
                return []
            return [pos + room // count]
        nxt = rest[0] if rest else None
        if isinstance(nxt, str):
            return [q for q in range(pos + 1, end) if self.src[q] == nxt]
        return list(range(pos + 1, end))


def _keep(found: dict[Tokens, Candidate], cand: Candidate) -> None:
    old = found.get(cand[1])
    if old is None or cand < old:
        found[cand[1]] = cand


def _fill(pattern: tuple[str | int, ...], binding: Mapping[int, Bound]) -> Tokens:
    out: list[str] = []
    for item in pattern:
        if isinstance(item, int):
            out.extend(binding[item][2][1])
        else:
            out.append(item)
    return tuple(out)


def turn_around(node: Derivation, start: int) -> Derivation:
    """The forward derivation ``node`` (output to input) as one from input to output.

    Its template becomes the pattern, its pattern the template; each node's
    span is where its output stands in the input, at its first occurrence.
    """
    offsets: dict[int, int] = {}
    pos = start
    for item in node.template:
        if isinstance(item, int):
            offsets.setdefault(item, pos)
            pos += len(node.children[item].output)
        else:
            pos += 1
    children = tuple(turn_around(c, offsets[k]) for k, c in enumerate(node.children))
    words: list[str] = []
    for item in node.pattern:
        if isinstance(item, int):
            words.extend(children[item].output)
        elif isinstance(item, str):
            words.append(item)
        else:
            raise ValueError(f"rule {node.rule}: a forward pattern item {item!r} does not turn around")
    for item in node.template:
        if not isinstance(item, str | int):
            raise ValueError(f"rule {node.rule}: a forward template item {item!r} does not turn around")
    return Derivation(node.rule, node.template, node.pattern, (start, pos), children, node.evidence,
                      node.relaxations, tuple(words))
