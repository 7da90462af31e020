"""Few-shot instruction learning with pseudowords (Lake, Linzen & Baroni 2019, "Human few-shot
learning of compositional instructions", CogSci; Lake & Baroni 2023, "Human-like systematic
generalization through a meta-learning neural network", Nature 623).

Four primitives name colors (dax RED, lug BLUE, wif GREEN, zup YELLOW) and
three functions combine them:

- ``x fep`` = ``x x x``                (binds tightest)
- ``x blicket y`` = ``x y x``
- ``x kiki y`` = ``[[y]] [[x]]``       (binds loosest)

``fewshot/colors`` trains on the 14 study instructions and tests on the 10
query instructions of the published task (Fig. 2 of Lake et al. 2019, the
few-shot learning task of Lake & Baroni 2023). Every gold answer is the
value of :func:`interpret`, the rules above; the tests check that each
published answer agrees with it. Reports show the published human accuracy
(80.7%) and MLC's (82.4%) on this task beside ours.

>>> interpret("zup blicket wif kiki dax fep".split())
('RED', 'RED', 'RED', 'YELLOW', 'GREEN', 'YELLOW')
"""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.tasks.registry import TaskContext, register_task

VERSION = "1.0"
CITATION = ("Lake, Linzen & Baroni 2019, Human few-shot learning of compositional instructions (CogSci); "
            "Lake & Baroni 2023, Human-like systematic generalization through a meta-learning "
            "neural network (Nature)")
COLORS = {"dax": "RED", "lug": "BLUE", "wif": "GREEN", "zup": "YELLOW"}
REFERENCES = (("human accuracy (Lake & Baroni 2023)", 0.807), ("MLC (Lake & Baroni 2023)", 0.824))

# The published items, with the published answers.
STUDY = (
    ("dax", "RED"),
    ("lug", "BLUE"),
    ("wif", "GREEN"),
    ("zup", "YELLOW"),
    ("lug fep", "BLUE BLUE BLUE"),
    ("dax fep", "RED RED RED"),
    ("lug blicket wif", "BLUE GREEN BLUE"),
    ("wif blicket dax", "GREEN RED GREEN"),
    ("lug kiki wif", "GREEN BLUE"),
    ("dax kiki lug", "BLUE RED"),
    ("lug fep kiki wif", "GREEN BLUE BLUE BLUE"),
    ("lug kiki wif fep", "GREEN GREEN GREEN BLUE"),
    ("wif kiki dax blicket lug", "RED BLUE RED GREEN"),
    ("wif blicket dax kiki lug", "BLUE GREEN RED GREEN"),
)
QUERY = (
    ("zup fep", "YELLOW YELLOW YELLOW"),
    ("zup blicket lug", "YELLOW BLUE YELLOW"),
    ("dax blicket zup", "RED YELLOW RED"),
    ("zup kiki dax", "RED YELLOW"),
    ("wif kiki zup", "YELLOW GREEN"),
    ("zup fep kiki lug", "BLUE YELLOW YELLOW YELLOW"),
    ("wif kiki zup fep", "YELLOW YELLOW YELLOW GREEN"),
    ("lug kiki wif blicket zup", "GREEN YELLOW GREEN BLUE"),
    ("zup blicket wif kiki dax fep", "RED RED RED YELLOW GREEN YELLOW"),
    ("zup blicket zup kiki zup fep", "YELLOW YELLOW YELLOW YELLOW YELLOW YELLOW"),
)


def interpret(words: Sequence[str]) -> Tokens:
    """The meaning of an instruction under the task's rules; ``ValueError`` if it has none.

    Precedence, loosest first: ``kiki``, then ``blicket``, then ``fep``.
    ``kiki`` and ``blicket`` group to the left when repeated.

    >>> interpret(["dax", "kiki", "lug"]), interpret(["lug", "fep"])
    (('BLUE', 'RED'), ('BLUE', 'BLUE', 'BLUE'))
    """
    return _kiki(tuple(words))


def split_last(words: Tokens, op: str) -> tuple[Tokens, Tokens] | None:
    """The words before and after the last ``op`` (so that a repeated operator groups to the left)."""
    if op not in words:
        return None
    i = len(words) - 1 - words[::-1].index(op)
    return words[:i], words[i + 1 :]


def _kiki(words: Tokens) -> Tokens:
    parts = split_last(words, "kiki")
    if parts is None:
        return _blicket(words)
    return _blicket(parts[1]) + _kiki(parts[0])


def _blicket(words: Tokens) -> Tokens:
    parts = split_last(words, "blicket")
    if parts is None:
        return _fep(words)
    x, y = _blicket(parts[0]), _fep(parts[1])
    return x + y + x


def _fep(words: Tokens) -> Tokens:
    if len(words) >= 2 and words[-1] == "fep":
        return _fep(words[:-1]) * 3
    if len(words) == 1 and words[0] in COLORS:
        return (COLORS[words[0]],)
    raise ValueError(f"not an instruction of the task: {' '.join(words) or '(empty)'!r}")


def _examples(items: Sequence[tuple[str, str]], prefix: str) -> tuple[Example, ...]:
    return tuple(Example.of(src, tgt, id=f"{prefix}-{i}") for i, (src, tgt) in enumerate(items))


@register_task("fewshot/colors", Generalization.FEWSHOT, "14 study / 10 query pseudoword instructions")
def build_colors(ctx: TaskContext) -> Task:
    """The published 14 study and 10 query items, with the human and MLC reference accuracies."""
    return Task(
        name="fewshot/colors",
        version=VERSION,
        train=_examples(STUDY, "study"),
        test=_examples(QUERY, "query"),
        generalization=Generalization.FEWSHOT,
        description="learn dax/lug/wif/zup (colors) and fep, blicket, kiki from 14 study "
                    "instructions; answer 10 queries",
        source=CITATION,
        references=REFERENCES,
    )
