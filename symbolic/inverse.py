"""Many-to-one maps read backwards: learn the direction that is a function, answer by inverting it.

Where one input has several correct outputs (``Q Q`` is ``q rep`` and
``q plus q``) but every output has one input, the data are
a function only from outputs to inputs. The learner then learns its rules in
that direction, from outputs to inputs, and answers an input by *inverting*
them: each rule read backwards is a pattern over the input (its template,
where a slot named more than once matches only equal stretches: ``<0> <0>``)
and a template over the output (its pattern, ``<0> rep``). A search over the
input's spans, shortest answers first, proposes outputs; each is checked by
the forward rules, which must derive the input from it within the
relaxation cap, so that every answer is one the learned rules vouch for, at
the level they needed. The answer's derivation is the forward derivation
read backwards, node by node: it replays from the input alone (a repeated
slot checks that its two stretches are equal) and cites the same training
examples.

Why inversion rather than learning the backward direction directly: the
backward map is a relation (many outputs per input), so no set of rewrite
rules in that direction is both consistent with the data and small; the
forward grammar is (a handful of rules), and reading it backwards gives the
repeated-slot patterns for free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
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
MAX_COST = 6  # the most the slot levels of one output may add up to
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

    >>> ex = [Example.of(s, t) for s, t in [("Q Q", "q rep"), ("Q Q", "q plus q"), ("Q", "q")]]
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
        # A rule whose template is one slot alone reads a span as itself: applied once the others are done.
        self._unary = [r for r in rules if r.template == (0,)]
        self._rules = [r for r in rules if r.template != (0,)]
        self._cache: dict[tuple[Tokens, int], list[Candidate]] = {}
        self._levels: dict[tuple[str, int, str], int] = {}

    def explain(self, source: Tokens) -> Prediction:
        """An output the forward rules map to ``source``, with the forward derivation read backwards.

        The search deepens a cap on the slot levels its outputs may add up
        to, 0 first, so that a phrase that needs no relaxation is found
        without reading every stretch every way.
        """
        if len(self._cache) > MAX_CACHE:
            self._cache.clear()  # outputs depend on a span's tokens only, so dropping them changes nothing
        search = _Search(self._rules, self._unary, source, self._level, self._cache)
        first: Prediction | None = None
        for cap in range(MAX_COST + 1):
            try:
                candidates = search.span(0, len(source), cap)
            except _Spent:
                return Prediction.abstain(f"search budget spent ({MAX_STEPS} steps)")
            found = self._check(source, candidates)
            if isinstance(found, Prediction) and found.tokens is not None:
                return found
            first = first or found
        if first is not None:
            return Prediction.abstain(f"the forward rules give no proposed output this input: {first.reason}",
                                      first.relaxation_level)
        return Prediction.abstain("no rule read backwards covers this input")

    def _level(self, rule: str, slot: int, filler: str) -> int:
        key = (rule, slot, filler)
        found = self._levels.get(key)
        if found is None:
            found = self._levels[key] = self.forward.hierarchy_.level(rule, slot, filler)
        return found

    def _check(self, source: Tokens, candidates: Sequence[Candidate]) -> Prediction | None:
        """The least relaxed candidate the forward rules map to ``source``; else the first refusal."""
        first: Prediction | None = None
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
                node = backwards(pred.derivation, 0)
            except (KeyError, ValueError):
                # A forward slot whose meaning the template drops has no place in the input.
                return Prediction(candidate, pred.reason, pred.relaxation_level, None, ())
            return Prediction(candidate, pred.reason, pred.relaxation_level, node, attribution(node))
        return first


class _Spent(Exception):
    pass


Candidate = tuple[tuple[int, int], Tokens, str]  # ((slot levels summed, length), output, root rule)
Bound = tuple[int, int, Candidate, int]  # a slot's span, its filler, and what the filler costs there


class _Search:
    """Outputs for each span of the input, from the rules read backwards.

    Each is ranked by the forward hierarchy: the levels its slots' fillers
    need, summed, then its length (the least relaxed and shortest first).
    """

    def __init__(self, rules: Sequence[Rule], unary: Sequence[Rule], src: Tokens,
                 level: Callable[[str, int, str], int], cache: dict[tuple[Tokens, int], list[Candidate]]):
        self.rules = rules
        self.unary = unary
        self.src = src
        self.level = level
        self.memo = cache  # keyed by a span's tokens: what a span can mean does not depend on where it is
        self.steps = 0

    def _step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Spent

    def span(self, i: int, j: int, cap: int) -> list[Candidate]:
        """The outputs of ``src[i:j]`` whose slot levels add up to ``cap`` at most."""
        key = (self.src[i:j], cap)
        found_before = self.memo.get(key)
        if found_before is not None:
            return found_before
        self._step()
        found: dict[Tokens, Candidate] = {}
        present = set(key[0])
        for rule in self.rules:
            if len(rule.template) > j - i or not present.issuperset(x for x in rule.template if isinstance(x, str)):
                continue
            for binding, spent in self._match(rule, 0, i, j, {}, cap):
                words = _fill(rule.pattern, binding)
                _keep(found, ((spent, len(words)), words, rule.id))
        for rule in self.unary:  # every template item is non-empty, so only these keep a span's length
            for cand in list(found.values()):
                cost = cand[0][0] + self.level(rule.id, 0, cand[2])
                if cost <= cap:
                    words = _fill(rule.pattern, {0: (i, j, cand, 0)})
                    _keep(found, ((cost, len(words)), words, rule.id))
        # The least costly output per root rule: a parent's slot levels depend on the filler's rule
        # (precedence: a phrase of one rule may stand in a slot where another's never has).
        per_rule: dict[str, Candidate] = {}
        for cand in sorted(found.values()):
            per_rule.setdefault(cand[2], cand)
        best = sorted(per_rule.values())[:MAX_CANDIDATES]
        self.memo[key] = best
        return best

    def _match(self, rule: Rule, k: int, pos: int, end: int, bound: dict[int, Bound],
               room: int) -> Iterator[tuple[dict[int, Bound], int]]:
        """Bindings of the template's slots to stretches of ``src[pos:end]``, with the cost left unspent."""
        template = rule.template
        if k == len(template):
            if pos == end:
                yield dict(bound), sum(b[3] for b in bound.values())
            return
        item = template[k]
        if isinstance(item, str):
            if pos < end and self.src[pos] == item:
                yield from self._match(rule, k + 1, pos + 1, end, bound, room)
            return
        if item in bound:
            a, b = bound[item][:2]
            n = b - a
            if pos + n <= end and self.src[pos:pos + n] == self.src[a:b]:
                yield from self._match(rule, k + 1, pos + n, end, bound, room)
            return
        for q in self._cuts(template, k, pos, end, bound):
            self._step()
            # The cost adds up slot by slot, so each slot takes its own least relaxed filler.
            best: tuple[int, Candidate] | None = None
            for c in self.span(pos, q, room):
                cost = self.level(rule.id, item, c[2]) + c[0][0]
                if cost <= room and (best is None or (cost, c[0][1], c[1]) < (best[0], best[1][0][1], best[1][1])):
                    best = (cost, c)
            if best is None:
                continue
            bound[item] = (pos, q, best[1], best[0])
            yield from self._match(rule, k + 1, q, end, bound, room - best[0])
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


def backwards(node: Derivation, start: int) -> Derivation:
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
    children = tuple(backwards(c, offsets[k]) for k, c in enumerate(node.children))
    words: list[str] = []
    for item in node.pattern:
        if isinstance(item, int):
            words.extend(children[item].output)
        elif isinstance(item, str):
            words.append(item)
        else:
            raise ValueError(f"rule {node.rule}: a forward pattern item {item!r} cannot be read backwards")
    for item in node.template:
        if not isinstance(item, str | int):
            raise ValueError(f"rule {node.rule}: a forward template item {item!r} cannot be read backwards")
    return Derivation(node.rule, node.template, node.pattern, (start, pos), children, node.evidence,
                      node.relaxations, tuple(words))
