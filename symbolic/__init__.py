"""The symbolic rule learner (registered as learner ``symbolic``).

It learns from examples alone and generalizes by relaxing the conditions of
its rules, one level at a time, up a hierarchy of categories; every answer
comes with a derivation that replays without the learner and cites the
training examples behind every step.

The pipeline (one module per stage; one counted work budget, ``max_work``,
for all of them, :mod:`symbolic.work`):

0. :mod:`symbolic.logical` (with :mod:`symbolic.lfsyntax`,
   :mod:`symbolic.lfgrammar`, :mod:`symbolic.lfparse`) — the conjunct
   reading, tried first where outputs name input words by position: the
   outputs' syntax, a tree per sentence, unit and phrase rules whose
   conjuncts mention their heads, least relaxed chart parsing. Then
   :mod:`symbolic.sequences` (with :mod:`symbolic.seqlex`,
   :mod:`symbolic.seqinduce`, :mod:`symbolic.programs`,
   :mod:`symbolic.seqparse`) — rules beyond concatenation, tried first and
   kept only where the data call for them: sequence words (ownership and the
   copy bias), slots that hold runs of them, templates that compute with the
   closed operations of :mod:`sandbox.seqops`, found by a size-ordered
   program search. Where the pairs are a function only from outputs to
   inputs, :mod:`symbolic.inverse` learns stages 1-4 in that direction and
   answers by reading the rules backwards (repeated slots).
1. :mod:`symbolic.lexicon` — word meanings: words seen alone, then
   cross-situational evidence with mutual exclusivity, ownership and the
   paradigm test; every other word is a function word.
   :mod:`symbolic.lexrevision` reads it again once stage 2 is done, where it forced
   memorizing (a word as its token repeated, or as a function word), kept
   only for a shorter description.
2. :mod:`symbolic.induction` (with :mod:`symbolic.proposals`,
   :mod:`symbolic.consistency`, :mod:`symbolic.revision`) — composition
   rules, short examples first: abstraction of examples over spans of known
   meaning, inference of parts a known rule implies, widening of slots; the
   proposal that explains most for what it adds, unless it contradicts a
   training example (:mod:`symbolic.choice`; what induction knows between
   changes is a :mod:`symbolic.state`); then revision of rules that spell out combinations of
   later ones. An example's proposals are reused until a change touches its
   words; ``max_proposals`` bounds the proposals and ``max_work`` every
   step (:mod:`symbolic.work`; what is left is memorized, and the rules and
   ``summary()`` say so).
3. :mod:`symbolic.categories` and :mod:`symbolic.hierarchy` — the fillers
   each slot has held, read off the training examples' cleanest derivations,
   and the four levels above them (seen, distributional, meaning type, any)
   as a networkx DAG.
4. :mod:`symbolic.parser` — the least relaxed derivation of an input by
   iterative deepening on the cap; abstention with a reason past
   ``max_relaxation``. :mod:`symbolic.recall` keeps the training pairs the
   rules answer otherwise, to be answered as given.
5. :mod:`symbolic.trace` and :mod:`symbolic.export` — derivations in the
   sandbox's format, an independent replay from the rules alone, and text,
   JSON and DOT exports.

The named inductive biases (each a documented choice, most a parameter of
:class:`SymbolicLearner`): the copy bias (a word owning the token spelled as
itself stands for itself), smallest program first, fewest constants (a known meaning is read as a
slot), mutual exclusivity (a preference: a rule may write a token a word
names only where nothing else fits), paradigm, one-to-one (a pattern has one
template), iconic concatenation (on ties), reading-order grouping (on ties),
and description length (support against what a proposal adds).
"""

from symbolic.learner import SymbolicLearner
from symbolic.rules import Rule, RuleKind
from symbolic.trace import replay

__all__ = ["Rule", "RuleKind", "SymbolicLearner", "replay"]
