"""Property-based testing of learners: random grammars, their tasks, compositional laws.

Strategies (hypothesis):

- :func:`grammars` — random unambiguous synchronous grammars
  (:mod:`sandbox.testing.grammars`);
- :func:`tasks` — :class:`~sandbox.data.Task` values made from them, under a
  split (``iid``, ``primitive``, ``template``, ``length``);
  :func:`generated_tasks` gives the grammar and split along with the task;
- :func:`splits` — the splits over one grammar.

>>> from hypothesis import given, settings
>>> @settings(max_examples=3, database=None, derandomize=True)
... @given(grammars())
... def check(g):
...     assert not g.problems()
>>> check()
"""

from sandbox.testing.grammars import describe, example_grammar, grammars, operators, primitives
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
    "SPLITS",
    "GeneratedTask",
    "Split",
    "SplitError",
    "Tree",
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
