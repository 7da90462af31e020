"""Property-based testing of learners: random grammars, their tasks, compositional laws.

Strategies (hypothesis):

- :func:`grammars` — random unambiguous synchronous grammars
  (:mod:`sandbox.testing.grammars`);
- :func:`tasks` — :class:`~sandbox.data.Task` values made from them, under a
  split (``iid``, ``primitive``, ``template``, ``length``);
  :func:`generated_tasks` gives the grammar and split along with the task;
- :func:`splits` — the splits over one grammar.

Laws (:mod:`sandbox.testing.laws`) and their runner:

- :func:`check_law` / :func:`check_laws` — judge ``reproduces``,
  ``systematicity``, ``productivity``, ``substitutivity``, ``trace_replay``
  or ``relaxation_monotone`` on a registered learner name or any object with
  ``fit``/``predict``; a broken law comes with hypothesis's shrunk minimal
  counterexample (grammar, training set size, input, expected and actual);
- :func:`assert_law` — the same, raising ``AssertionError`` unless it held
  (for a user's own test file; the pytest plugin adds fixtures on top);
- :class:`OracleLearner` — answers by parsing with the true grammar; every law
  holds for it.

>>> from hypothesis import given, settings
>>> @settings(max_examples=3, database=None, derandomize=True)
... @given(grammars())
... def check(g):
...     assert not g.problems()
>>> check()
"""

from sandbox.testing.grammars import describe, example_grammar, grammars, operators, primitives
from sandbox.testing.laws import LAWS, Counterexample, Law, LearnerSpec, PerTask
from sandbox.testing.oracle import OracleLearner
from sandbox.testing.runner import LawResult, Verdict, assert_law, check_law, check_laws
from sandbox.testing.tasks import (
    SPLITS,
    GeneratedTask,
    Split,
    SplitError,
    coverage_problems,
    generated_tasks,
    make_task,
    splits,
    tasks,
)
from sandbox.testing.trees import Tree, meaning, parse, trees

__all__ = [
    "LAWS",
    "SPLITS",
    "Counterexample",
    "GeneratedTask",
    "Law",
    "LawResult",
    "LearnerSpec",
    "OracleLearner",
    "PerTask",
    "Split",
    "SplitError",
    "Tree",
    "Verdict",
    "assert_law",
    "check_law",
    "check_laws",
    "coverage_problems",
    "describe",
    "example_grammar",
    "generated_tasks",
    "grammars",
    "make_task",
    "meaning",
    "operators",
    "parse",
    "primitives",
    "splits",
    "tasks",
    "trees",
]
