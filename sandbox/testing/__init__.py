"""Property-based testing of learners: random grammars, their tasks, compositional laws.

Strategies (hypothesis):

- :func:`grammars` — random unambiguous synchronous grammars
  (:mod:`sandbox.testing.grammars`);
- :func:`tasks` — :class:`~sandbox.data.Task` values made from them, under a
  split (``iid``, ``primitive``, ``template``, ``length``);
  :func:`generated_tasks` gives the grammar and split along with the task;
- :func:`splits` — the splits over one grammar;
- :func:`sequence_languages` — random unambiguous *sequence-function
  languages* (:mod:`sandbox.testing.seqlang`): letter words that stand for
  themselves or for renamed tokens, prefix functions of arity 1 or 2 (with a
  separator word) whose templates apply the operations of
  :mod:`sandbox.seqops` to runs of letters and nest (``f g a b , c``),
  repeaters (``<0> twice``), and *inverse* languages whose source repeats a
  phrase (``A B A B`` means ``a b twice``, judged by interpreting the answer);
- :func:`sequence_tasks` / :func:`generated_sequence_tasks` /
  :func:`sequence_splits` — their tasks under ``iid``, ``systematicity`` and
  ``productivity`` splits (:mod:`sandbox.testing.seqtasks`).

Laws (:mod:`sandbox.testing.laws`) and their runner:

- :func:`check_law` / :func:`check_laws` — judge ``reproduces``,
  ``systematicity``, ``productivity``, ``substitutivity``, ``trace_replay``
  or ``relaxation_monotone`` on a registered learner name or any object with
  ``fit``/``predict``; a broken law comes with hypothesis's shrunk minimal
  counterexample (grammar, training set size, input, expected and actual);
  ``family="sequence"`` judges them on random sequence languages;
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

The same for sequence languages, whose tasks the oracle answers with
derivations that apply sequence operations:

>>> @settings(max_examples=3, database=None, derandomize=True, deadline=None)
... @given(generated_sequence_tasks(kinds=["systematicity"], inverse=False))
... def check_sequences(case):
...     oracle = OracleLearner(case.grammar).fit(case.task.train)
...     assert [p.tokens for p in oracle.predict([ex.source for ex in case.task.test])] == [
...         ex.target for ex in case.task.test]
>>> check_sequences()
>>> check_law("memorize", "productivity", examples=3, family="sequence").broken
True
"""

from sandbox.testing.grammars import describe, example_grammar, grammars, operators, primitives
from sandbox.testing.laws import LAWS, Counterexample, Law, LearnerSpec, PerTask
from sandbox.testing.oracle import OracleLearner
from sandbox.testing.runner import FAMILIES, LawResult, Verdict, assert_law, check_law, check_laws
from sandbox.testing.seqlang import SequenceLanguage, example_language, sequence_languages
from sandbox.testing.seqtasks import (
    SEQUENCE_SPLITS,
    SequenceCase,
    SequenceSplit,
    generated_sequence_tasks,
    make_sequence_task,
    sequence_splits,
    sequence_tasks,
)
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
    "FAMILIES",
    "LAWS",
    "SEQUENCE_SPLITS",
    "SPLITS",
    "Counterexample",
    "GeneratedTask",
    "Law",
    "LawResult",
    "LearnerSpec",
    "OracleLearner",
    "PerTask",
    "SequenceCase",
    "SequenceLanguage",
    "SequenceSplit",
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
    "example_language",
    "generated_sequence_tasks",
    "generated_tasks",
    "grammars",
    "make_sequence_task",
    "make_task",
    "meaning",
    "operators",
    "parse",
    "primitives",
    "sequence_languages",
    "sequence_splits",
    "sequence_tasks",
    "splits",
    "tasks",
    "trees",
]
