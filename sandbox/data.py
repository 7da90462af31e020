"""The shared data model: examples, tasks and the kind of generalization a test set probes.

Every learner and every report reads tasks only through these values. They are
immutable so that a split can be hashed, cached and compared, and so that no
learner can change the data it is evaluated on.

>>> ex = Example.of("walk twice", "WALK WALK", id="train-0")
>>> ex.source, ex.target
(('walk', 'twice'), ('WALK', 'WALK'))
>>> ex.line()
'IN: walk twice OUT: WALK WALK'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

Tokens = tuple[str, ...]

# The longest input, in words, that the sandbox accepts from a file or the
# command line. The longest input of any built-in task has 85 words; past this
# limit a file is refused with a clear error rather than handed to a learner
# whose parsing cost grows steeply with input length.
MAX_INPUT_TOKENS = 256


class Generalization(str, Enum):
    """What the test set of a task probes (how far it lies from training)."""

    IID = "iid"  # test drawn from the training distribution
    LENGTH = "length"  # longer outputs than any seen in training
    PRIMITIVE = "primitive"  # a word seen only alone in training, composed at test
    TEMPLATE = "template"  # a pattern held out of training
    COMPOUND = "compound"  # maximum compound divergence (MCD)
    SYSTEMATICITY = "systematicity"  # held-out combinations of known parts
    PRODUCTIVITY = "productivity"  # deeper or longer compositions than seen
    SUBSTITUTIVITY = "substitutivity"  # synonyms swapped for each other
    LOCALISM = "localism"  # meaning computed locally, not globally
    LEXICAL = "lexical"  # COGS: known structure, words in new roles
    STRUCTURAL = "structural"  # COGS: new structures
    FEWSHOT = "fewshot"  # a handful of study examples
    EXTRAPOLATION = "extrapolation"  # values beyond the training range
    MIXED = "mixed"  # several categories in one test set


@dataclass(frozen=True)
class Example:
    """One input/output pair.

    ``category`` names the generalization category of a test item when a task
    defines one per item (COGS's 21 categories, for instance); ``meta`` holds
    any other string attributes as sorted pairs, so that the value stays
    hashable.
    """

    source: Tokens
    target: Tokens
    id: str = ""
    category: str = ""
    meta: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        source: str | Sequence[str],
        target: str | Sequence[str],
        *,
        id: str = "",
        category: str = "",
        meta: Mapping[str, str] | None = None,
    ) -> Example:
        """Build an example from whitespace-separated strings or token sequences."""
        src = tuple(source.split()) if isinstance(source, str) else tuple(source)
        tgt = tuple(target.split()) if isinstance(target, str) else tuple(target)
        return cls(src, tgt, id, category, tuple(sorted((meta or {}).items())))

    def get(self, key: str, default: str = "") -> str:
        """Return the metadata value for ``key``."""
        return dict(self.meta).get(key, default)

    def line(self) -> str:
        """This example as a line of SCAN's ``IN: ... OUT: ...`` format."""
        return f"IN: {' '.join(self.source)} OUT: {' '.join(self.target)}"

    def pair(self) -> tuple[Tokens, Tokens]:
        return self.source, self.target


# A judge decides whether a predicted target is correct for an example. Most
# tasks use exact match; tasks whose answers have many correct spellings (sympy
# expressions, NACS commands) supply their own.
Judge = Callable[[Example, Tokens], bool]


def exact_match(example: Example, prediction: Tokens) -> bool:
    """The default judge: the prediction equals the gold target token by token."""
    return tuple(prediction) == example.target


@dataclass(frozen=True)
class Task:
    """A named, versioned train/test split.

    ``version`` is recorded in every result, so that a change to a generator
    or split rule can never be mistaken for a change in a learner.
    """

    name: str
    version: str
    train: tuple[Example, ...]
    test: tuple[Example, ...]
    generalization: Generalization
    description: str = ""
    source: str = ""  # citation of the benchmark the task reproduces
    dev: tuple[Example, ...] = ()
    judge: Judge = field(default=exact_match, compare=False, repr=False)
    # A second judge reported beside the official one, never instead of it: for tasks whose answers
    # are logical forms, equality up to conjunct order and variable renaming (sandbox.lf_judge).
    semantic_judge: Judge | None = field(default=None, compare=False, repr=False)
    # Reference figures from the literature (e.g. human accuracy), shown in reports.
    references: tuple[tuple[str, float], ...] = ()

    def is_correct(self, example: Example, prediction: Tokens | None) -> bool:
        """Whether ``prediction`` answers ``example`` correctly; an abstention never does."""
        return prediction is not None and self.judge(example, tuple(prediction))

    def is_equivalent(self, example: Example, prediction: Tokens | None) -> bool | None:
        """The semantic judge's verdict (``None`` for a task without one); an abstention is never right."""
        if self.semantic_judge is None:
            return None
        return prediction is not None and self.semantic_judge(example, tuple(prediction))

    def with_name(self, name: str) -> Task:
        return replace(self, name=name)

    @property
    def uses_exact_match(self) -> bool:
        return self.judge is exact_match


def make_examples(
    pairs: Iterable[tuple[Sequence[str], Sequence[str]]], prefix: str
) -> tuple[Example, ...]:
    """Number ``pairs`` as examples with ids ``prefix-0``, ``prefix-1``, ..."""
    return tuple(
        Example(tuple(s), tuple(t), id=f"{prefix}-{i}") for i, (s, t) in enumerate(pairs)
    )


def vocabulary(examples: Iterable[Example], side: str = "source") -> set[str]:
    """The set of tokens on one side (``source`` or ``target``) of ``examples``."""
    vocab: set[str] = set()
    for ex in examples:
        vocab.update(ex.source if side == "source" else ex.target)
    return vocab
