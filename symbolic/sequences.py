"""The sequence reading of a training set: sequence words, computing templates, least relaxed parses.

Stage 0 of the learner's pipeline (:mod:`symbolic`). Where the lexicon
finds *sequence words* (:mod:`symbolic.seqlex`), induction tries rules whose
slots hold runs of them and whose templates compute on their meanings
(:mod:`symbolic.seqinduce`). The reading is kept only where it explains the
training data, judged by three checks, each a count:

- some input holds two sequence words side by side (else slots hold one
  word each, and the concatenative rules with their categories read it);

- every input made of sequence words alone must mean their tokens in order
  (the law of the sequence category), in all but ``1 - coverage`` of those
  examples; a task whose words merely share a token's spelling (or map one
  to one, as primitives do) fails here at once and costs nothing more;
- the rules must derive at least ``coverage`` of the training examples; the
  rest are memorized, each saying so.

Otherwise the learner goes on to its concatenative rules.

>>> from sandbox.data import Example
>>> pairs = [("flip a b c", "c b a"), ("flip d e", "e d"), ("dup a b", "a b a b"), ("dup c", "c c"),
...          ("flip dup a c", "c a c a"), ("dup flip d b", "b d b d")]
>>> data = [Example.of(s, t, id=f"t{i}") for i, (s, t) in enumerate(pairs)]
>>> reading = read_sequences(data, Work(100_000), max_slots=3, coverage=0.98)
>>> [r.text() for r in reading.rules]
['s1: dup <0> -> <0> <0>', 's2: flip <0> -> rev(<0>)']
>>> pred = reading.explain(("flip", "dup", "a", "z"), 3)
>>> pred.tokens, pred.relaxation_level
(('z', 'a', 'z', 'a'), 1)
>>> reading.explain(("flip", "dup", "a", "z"), 0).reason
'would need relaxation level 1 (the cap is 0)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.data import Example, Tokens
from sandbox.derivation import Derivation, attribution
from sandbox.protocol import Prediction
from symbolic.programs import Work
from symbolic.rules import Rule, RuleKind
from symbolic.seqinduce import induce_sequence_rules
from symbolic.seqlex import SequenceLexicon, sequence_lexicon
from symbolic.seqparse import BudgetSpent, Reading, SeqParser, SeqRule, derivation, longer_than_checked


@dataclass
class SequenceReading:
    """What the sequence stage learned, and how it answers."""

    lexicon: SequenceLexicon
    rules: list[SeqRule]
    memorized: dict[Tokens, Rule]
    parser: SeqParser
    run_evidence: tuple[str, ...]
    notes: tuple[str, ...]

    def explain(self, source: Tokens, cap: int) -> Prediction:
        """The least relaxed answer within ``cap``, with its derivation, or an abstention."""
        recalled = self.memorized.get(source)
        if recalled is not None:
            node = Derivation(recalled.id, source, recalled.meaning, (0, len(source)), (), recalled.evidence,
                              output=recalled.meaning)
            return Prediction(recalled.meaning, "", 0, node, attribution(node))
        try:
            found = self.parser.parse(source, cap)
            if found is None:
                beyond = self.parser.parse(source, 3) if cap < 3 else None
                if beyond is None:
                    unknown = [w for w in source if self.parser.word_level(w) is None
                               and w not in self.parser.fixed_words]
                    if unknown:
                        return Prediction.abstain(f"unknown word {unknown[0]!r}")
                    return Prediction.abstain("no rule matches (no derivation at any relaxation level)")
                return Prediction.abstain(f"would need relaxation level {beyond.level} (the cap is {cap})",
                                          beyond.level)
        except BudgetSpent:
            return Prediction.abstain(f"parse budget spent ({self.parser.max_steps} steps)")
        if found.ties > 1:
            return Prediction.abstain(
                f"ambiguous: equally relaxed derivations (level {found.level}) give different outputs", found.level)
        return _prediction(found, source, self)

    def rule_map(self) -> dict[str, Rule | SeqRule]:
        out: dict[str, Rule | SeqRule] = {}
        for w, t in sorted(self.lexicon.meaning.items()):
            out[f"lex:{w}"] = Rule(f"lex:{w}", (w,), (t,), self.lexicon.evidence.get(w, ()), RuleKind.LEXICAL,
                                   notes=(self.lexicon.notes[w],))
        out.update({r.id: r for r in self.rules})
        out.update({r.id: r for r in self.memorized.values()})
        return out


def _prediction(found: Reading, source: Tokens, reading: SequenceReading) -> Prediction:
    node = derivation(found, source, reading.parser, reading.run_evidence)
    longer = longer_than_checked(found)
    notes = []
    if found.grouped:
        notes.append(GROUPED_NOTE)
    if longer:
        notes.append("applied to longer sequences than training showed, at level 0 (a sequence slot holds runs "
                     f"of any length): {'; '.join(longer[:3])}")
    note = "; ".join(notes)
    return Prediction(found.meaning, note, found.level, node, attribution(node))


SAMPLE = 2000  # examples of the first look
GROUPED_NOTE = "equally relaxed derivations differ; the reading-order grouping bias chose this one"


def _category_law(lexicon: SequenceLexicon, train: Sequence[Example], tolerance: float) -> str | None:
    """Why the sequence category does not fit (no runs, or runs that do not mean their words), or None."""
    meaning = lexicon.meaning
    if not meaning:
        return "no sequence words"
    others = {w for ex in train for w in ex.source if w not in meaning}
    if not lexicon.copied and len(meaning) < 2 * len(others):
        # Without words copied as themselves, a run category needs an open class: far more
        # symbol words than operator words (a few primitives and operators read otherwise).
        return (f"no word is copied and the {len(meaning)} one-token words are not twice the "
                f"{len(others)} others (no open class of symbols)")
    if not any(a in meaning and b in meaning for ex in train for a, b in zip(ex.source, ex.source[1:], strict=False)):
        return "no input holds two sequence words side by side (no run for a sequence slot to hold)"
    runs = {ex.source: ex.target for ex in train if all(w in meaning for w in ex.source)}
    broken = sum(1 for source, target in runs.items() if tuple(meaning[w] for w in source) != target)
    if broken > tolerance * len(runs):
        return f"{broken} of {len(runs)} inputs of sequence words alone do not mean their words' tokens"
    return None


def read_sequences(train: Sequence[Example], work: Work, max_slots: int, coverage: float,
                   copy_bias: bool = True, grouping: bool = True) -> SequenceReading | str:
    """The sequence reading of ``train``, or why there is none (see the module docstring).

    ``grouping``: answers settle ties that precedence leaves by the reading-order bias (the
    learner's ``grouping="reading-order"``), and say so; else they abstain.
    """
    # A first look at a sample: where its runs already contradict the category (the usual
    # case for a task of primitives), nothing more is computed.
    sample = train[:SAMPLE]
    if len(train) > SAMPLE:
        refused = _category_law(sequence_lexicon(sample, copy_bias), sample, 1 - coverage)
        if refused:
            return refused
    lexicon = sequence_lexicon(train, copy_bias)
    refused = _category_law(lexicon, train, 1 - coverage)
    if refused:
        return refused
    found = induce_sequence_rules(train, lexicon, work, max_slots, coverage)
    share = len(found.explained) / max(1, len(train))
    if found.exhausted:
        return f"work budget spent ({work.limit} steps) after explaining {share:.1%} of the training examples"
    if share < coverage:
        return f"the sequence rules explain {share:.1%} of the training examples (need {coverage:.0%})"
    memorized: dict[Tokens, Rule] = {}
    for k, ex in enumerate(train):
        if k not in found.explained and ex.source not in memorized:
            rid = f"m{len(memorized) + 1}"
            memorized[ex.source] = Rule(rid, ex.source, ex.target, (ex.id,), RuleKind.MEMORIZED, notes=(
                "memorized: the sequence rules do not derive this training example",))
    seen = frozenset(w for ex in train for w in ex.source)
    parser = SeqParser(found.lexicon, found.rules, seen, found.nestings, grouping=grouping)
    # The run rule's evidence: a rule's that holds runs in its slots, else the inputs made of
    # sequence words alone (each shows a run meaning its words' tokens; the category law read them).
    evidence = next((r.evidence for r in found.rules if r.n_slots), ()) or tuple(
        ex.id for ex in train if ex.source and all(w in found.lexicon.meaning for w in ex.source))[:3]
    notes = tuple(found.refits)
    return SequenceReading(found.lexicon, found.rules, memorized, parser, evidence, notes)
