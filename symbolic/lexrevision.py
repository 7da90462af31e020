"""Lexicon revision: the lexicon reconsidered where reading it as it was forced memorizing.

A stage of its own between the lexicon (:mod:`symbolic.lexicon`) and the
categories: the lexicon is induced, the rules are induced with it
(:mod:`symbolic.induction`), and then a word read as a meaning by its
co-occurrences may prove to be an operator that writes its token as a
constant, or to mean its token several times: read as it was, the rules it
needs share one pattern with another word's (one-to-one) or write a named
token as a constant (mutual exclusivity), and the examples that show it are
memorized. Revision first reads every word that owns a token (never seen
alone) and stands in two or more of those poorly explained examples as its
token repeated as often as the data allow (see
:func:`symbolic.lexicon.induce_lexicon`); then the one that stands in the
most examples memorized or behind a rule that repeats another's pattern (one
is enough) as a function word. It keeps a reading only if fewer examples are
poorly explained with fewer rules in all (a shorter description: a primitive
read as a function word needs a rule per combination, and loses). It never
starts once the work budget is spent, gets no more work than the first
induction spent (in proposals and in ``work``'s steps), and tries at most
``MAX_REVISIONS`` words.

>>> from sandbox.data import Example
>>> pairs = [("blor", "B"), ("tepa", "T"), ("blor voss", "B B"), ("tepa voss", "T T")]
>>> params = Params(max_slots=3, iconic_order=True, similarity=0.5, mutual_exclusivity=True,
...                 paradigm=True, max_proposals=None, max_chart=None)
>>> lexicon, state, notes = revise_lexicon([Example.of(s, t) for s, t in pairs], params, Work(None))
>>> sorted(lexicon), notes
(['blor', 'tepa'], ())
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.data import Example
from symbolic.induction import ME_OVERRIDDEN, ONE_TO_ONE_OVERRIDDEN, induce_rules, overrides_a_bias
from symbolic.lexicon import SEEN_ALONE, induce_lexicon
from symbolic.rules import Rule, RuleKind
from symbolic.state import State
from symbolic.work import Work

MAX_REVISIONS = 2


@dataclass(frozen=True)
class Params:
    """The learner's parameters that the lexicon and induction read."""

    max_slots: int
    iconic_order: bool
    similarity: float
    mutual_exclusivity: bool
    paradigm: bool
    max_proposals: int | None
    max_chart: int | None


def revise_lexicon(train: Sequence[Example], params: Params,
                   work: Work) -> tuple[dict[str, Rule], State, tuple[str, ...]]:
    """The lexicon and the rules, with the lexicon revised where it forced memorizing (module docstring)."""
    demoted: frozenset[str] = frozenset()
    repeated: frozenset[str] = frozenset()
    lexicon = induce_lexicon(train, params.mutual_exclusivity, params.paradigm, work=work)
    state = _rules(train, params, lexicon, work)
    first = work.spent
    notes: list[str] = []
    tried: set[str] = set()
    tried_repeating = False
    while len(tried) < MAX_REVISIONS and not state.exhausted and not work.exhausted:
        poor = _poorly_explained(state, train)
        options: list[tuple[frozenset[str], frozenset[str]]] = []
        # Every suspect repeated at once (two words for repeated tokens each leave the
        # other's examples poorly explained); then the word in the most memorized
        # examples read as a function word.
        to_repeat = _suspects(lexicon, poor, frozenset())
        if to_repeat and not tried_repeating:
            tried_repeating = True
            options.append((demoted, repeated | set(to_repeat)))
        # A rule that repeats another's pattern is the sign of a word read as a meaning
        # where it anchors rules: one such example is enough to try (a named token as a
        # constant is common in sound grammars: "the square of" writes "2").
        to_demote = _suspects(lexicon, _poorly_explained(state, train, (ONE_TO_ONE_OVERRIDDEN,)),
                              frozenset(tried), least=1)
        if to_demote:
            tried.add(to_demote[0])
            options.append((demoted | {to_demote[0]}, repeated))
        if not options:
            break
        for new_demoted, new_repeated in options:
            # A shorter description should not take more work to find: the revised
            # induction gets the work the first one spent, and loses if it spends it all.
            work.enter(f"lexicon revision ({', '.join(sorted(new_demoted | new_repeated))})")
            part = work.part(first)
            new_lexicon = induce_lexicon(train, params.mutual_exclusivity, params.paradigm,
                                         new_demoted, new_repeated, work=part)
            # Unchanged: no suspect brings its token more than once, and there is nothing to induce.
            new_state = None if new_lexicon == lexicon else _rules(train, params, new_lexicon, part,
                                                                   state.proposals_made)
            work.absorb(part)
            if new_state is None:
                continue
            now = len(_poorly_explained(new_state, train))
            size = len(state.lexicon) + len(state.rules)
            new_size = len(new_state.lexicon) + len(new_state.rules)
            if now < len(poor) and new_size < size and not new_state.exhausted:
                changed = [w for w in sorted(lexicon) if new_lexicon.get(w) != lexicon[w]]
                readings = ", ".join(f"{w!r} means {' '.join(new_lexicon[w].meaning)}" if w in new_lexicon
                                     else f"{w!r} read as a function word, not as a meaning"
                                     for w in changed)
                notes.append(f"lexicon: {readings} ({len(poor)} examples memorized or "
                             f"behind rules that override a bias before, {now} after; "
                             f"{size} rules before, {new_size} after)")
                demoted, repeated = new_demoted, new_repeated
                lexicon, state = new_lexicon, new_state
                # Found within the revision's share; what follows (more revisions, the
                # categories, the recall check) spends the fit's budget, as the first state would.
                state.charge_to(work)
                break
    # Induction may have inferred the meaning of a word from the rules that contain it.
    return state.lexicon, state, tuple(notes)


def _rules(train: Sequence[Example], params: Params, lexicon: dict[str, Rule], work: Work,
           proposals: int | None = None) -> State:
    budget = params.max_proposals
    if proposals is not None:
        budget = proposals if budget is None else min(proposals, budget)
    return induce_rules(train, lexicon, params.max_slots, params.iconic_order, params.similarity,
                        params.mutual_exclusivity, budget, work, params.max_chart)


def _suspects(lexicon: dict[str, Rule], examples: list[frozenset[str]], tried: frozenset[str],
              least: int = 2) -> list[str]:
    """Words read by co-occurrence (not seen alone) in ``least`` of these examples at least, the most first."""
    counts = {w: sum(w in ex for ex in examples) for w, r in lexicon.items()
              if SEEN_ALONE not in r.notes and w not in tried}
    return sorted((w for w, n in counts.items() if n >= least), key=lambda w: (-counts[w], w))


def _poorly_explained(state: State, examples: Sequence[Example],
                      biases: tuple[str, ...] = (ME_OVERRIDDEN, ONE_TO_ONE_OVERRIDDEN)) -> list[frozenset[str]]:
    """The words of each example induction memorized, or explained with a rule that overrides a bias."""
    out = [frozenset(r.fixed_words) for r in state.rules.values() if r.kind is RuleKind.MEMORIZED]
    for r in state.rules.values():
        if overrides_a_bias(r, biases):
            out += [frozenset(examples[i].source) for i in state.supporters.get(r.id, ())]
    return out
