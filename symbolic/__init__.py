"""The symbolic rule learner (registered as learner ``symbolic``).

It induces a lexicon and composition rules from examples, builds a category
hierarchy for every slot of every rule, and answers by the least relaxed
derivation, with a trace that replays without the learner.
"""

from symbolic.learner import SymbolicLearner
from symbolic.rules import FillerKind, Rule, RuleKind
from symbolic.trace import replay

__all__ = ["FillerKind", "Rule", "RuleKind", "SymbolicLearner", "replay"]
