"""The oracle's derivations for sequence languages: rules whose templates apply sequence operations.

:class:`~sandbox.testing.oracle.OracleLearner` given a
:class:`~sandbox.testing.seqlang.SequenceLanguage` reads each input with the
language and writes a derivation of format 2 (:mod:`sandbox.derivation`):

- a letter is ``<word> -> <word>`` (``ANY_WORD -> THE_WORD``) when the
  language's letters stand for themselves, else ``word -> TOKEN``;
- a run is ``<0> <1> -> <0> <1>`` (a letter, then the rest of the run);
- a call is ``f <0> , <1> -> <1> rev(<0>)``: the function's own template,
  with :class:`~sandbox.seqops.Apply` items the replayer applies;
- a repeater is ``<0> twice -> <0> <0>``;
- in an inverse language, a repeated phrase is ``<0> <1> -> <0> twice``, one
  slot per copy and the template citing the first (the derivation format has
  no repeated slot in a pattern; each copy replays to the same command).

Each step cites the training examples whose derivations use the same rule;
a slot filled with what training never showed there (a held-out letter or
call) is a relaxation to level 1, so ``max_relaxation=0`` abstains there.

>>> from sandbox.derivation import replay
>>> from sandbox.testing.seqlang import example_language
>>> from sandbox.testing.seqtasks import SequenceSplit, make_sequence_task
>>> case = make_sequence_task(example_language(), SequenceSplit("systematicity", "nesting", "fep", "wif"))
>>> uses, shown = sequence_evidence(case.grammar, case.task.train)
>>> pred = explain_sequence(case.grammar, uses, shown, ("fep", "wif", "dax", "ko", "lug", "zup"), 3)
>>> pred.tokens, pred.relaxation_level
(('zup', 'dax', 'lug'), 1)
>>> replay(pred.derivation, ("fep", "wif", "dax", "ko", "lug", "zup"))
('zup', 'dax', 'lug')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sandbox.data import Example, Tokens
from sandbox.derivation import Derivation, Relaxation, attribution
from sandbox.protocol import Prediction
from sandbox.seqops import ANY_WORD, THE_WORD, Item
from sandbox.testing.seqlang import Expr, Phrase, Run, SequenceLanguage
from sandbox.testing.seqtasks import Requirement, shows, slot_shows

Cite = Callable[[str], tuple[str, ...]]
RUN_RULE = "run: <0> <1> -> <0> <1>"


class _Builder:
    """Builds one derivation, citing evidence through ``cite`` and marking unseen slot fillers."""

    def __init__(self, lang: SequenceLanguage, cite: Cite, shown: set[Requirement] | None) -> None:
        self.lang, self.cite, self.shown = lang, cite, shown

    def node(self, rule: str, pattern: tuple[Item, ...], template: tuple[Item, ...], span: tuple[int, int],
             children: tuple[Derivation, ...], output: Tokens, unseen: bool | Sequence[bool] = ()) -> Derivation:
        """A step; slot ``i`` relaxed to level 1 where ``unseen[i]`` (training never showed its filler)."""
        evidence = self.cite(rule)
        flags = [unseen] if isinstance(unseen, bool) else list(unseen)
        relax = tuple(Relaxation(i, 1, "what training showed in this slot", "any expression", evidence)
                      for i, flag in enumerate(flags) if flag and self.shown is not None)
        return Derivation(rule, pattern, template, span, children, evidence, relax, output)

    def letter(self, word: str, out: str, start: int) -> Derivation:
        if self.lang.identity:
            return self.node("letter: <word> -> <word>", (ANY_WORD,), (THE_WORD,), (start, start + 1), (), (out,))
        return self.node(f"letter: {word} -> {out}", (word,), (out,), (start, start + 1), (), (out,))

    def run(self, words: Sequence[str], outs: Sequence[str], start: int) -> Derivation:
        head = self.letter(words[0], outs[0], start)
        if len(words) == 1:
            return head
        rest = self.run(words[1:], outs[1:], start + 1)
        return self.node(RUN_RULE, (0, 1), (0, 1), (start, rest.span[1]), (head, rest), tuple(outs))

    def expr(self, e: Expr, start: int) -> Derivation:
        lang = self.lang
        if isinstance(e, Run):
            table = dict(lang.letters)
            return self.run(e.words, [table[w] for w in e.words], start)
        f = lang.functions[e.function]
        children: list[Derivation] = []
        pos = start + 1
        for i, arg in enumerate(e.args):
            children.append(self.expr(arg, pos))
            pos = children[-1].span[1] + (1 if i + 1 < f.arity else 0)
        unseen = [self._unseen(slot_shows(lang, e.function, i, arg)) for i, arg in enumerate(e.args)]
        return self.node(f"function: {f}", f.pattern(), f.template, (start, children[-1].span[1]),
                         tuple(children), lang.expr_meaning(e), unseen)

    def phrase(self, p: Phrase) -> Derivation:
        lang = self.lang
        if lang.inverse:
            return self._inverse(p)
        inner = self.expr(p.expr, 0)
        if p.repeater < 0:
            return inner
        r = lang.repeaters[p.repeater]
        return self.node(f"repeater: {r}", (0, r.word), (0,) * r.count, (0, inner.span[1] + 1), (inner,),
                         lang.meaning(p), self._unseen(shows(lang, p), "repeats"))

    def _inverse(self, p: Phrase) -> Derivation:
        lang = self.lang
        assert isinstance(p.expr, Run)
        words = p.expr.words
        tokens = lang.expr_meaning(p.expr)
        if p.repeater < 0:
            return self.run(tokens, words, 0)
        r = lang.repeaters[p.repeater]
        copies = tuple(self.run(tokens, words, k * len(words)) for k in range(r.count))
        return self.node(f"repetition: {' '.join(['<0>'] * r.count)} -> <0> {r.word}", tuple(range(r.count)),
                         (0, r.word), (0, copies[-1].span[1]), copies, lang.source(p),
                         self._unseen(shows(lang, p), "repeats"))

    def _unseen(self, reqs: Iterable[Requirement], kind: str = "") -> bool:
        """Whether training never showed one of ``reqs`` (of ``kind``; run lengths never count)."""
        shown = self.shown or set()
        return any(r not in shown for r in reqs if r[0] != "length" and (not kind or r[0] == kind))


def _read(lang: SequenceLanguage, source: Sequence[str]) -> Phrase | None:
    return lang.read(source) if lang.inverse else lang.parse(source)


def sequence_evidence(lang: SequenceLanguage, examples: Sequence[Example]
                      ) -> tuple[dict[str, list[str]], set[Requirement]]:
    """Which training examples use each rule, and what training shows (:func:`~sandbox.testing.seqtasks.shows`)."""
    uses: dict[str, list[str]] = {}
    shown: set[Requirement] = set()
    for i, ex in enumerate(examples):
        p = _read(lang, ex.source)
        if p is None or lang.example(p).target != ex.target:
            continue
        shown |= shows(lang, p)
        for node in _Builder(lang, lambda rule: (), None).phrase(p).nodes():
            uses.setdefault(node.rule, []).append(ex.id or f"#{i}")
    return uses, shown


def explain_sequence(lang: SequenceLanguage, uses: dict[str, list[str]], shown: set[Requirement],
                     source: Tokens, max_relaxation: int) -> Prediction:
    """The oracle's answer to ``source``: the language's reading, its derivation and relaxation level."""
    p = _read(lang, source)
    if p is None:
        return Prediction.abstain("not a sentence of the language")
    derivation = _Builder(lang, lambda rule: tuple(uses.get(rule, ())[:1]), shown).phrase(p)
    if any(not node.evidence for node in derivation.nodes()):
        return Prediction.abstain("uses a rule never seen in training")
    level = derivation.level
    if level > max_relaxation:
        return Prediction.abstain(f"would need relaxation level {level}", level)
    return Prediction(lang.example(p).target, relaxation_level=level, derivation=derivation,
                      attribution=attribution(derivation))
