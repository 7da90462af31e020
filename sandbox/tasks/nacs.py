"""NACS (Bastings, Baroni, Weston, Cho & Kiela 2018, "Jump to better conclusions: SCAN both left
and right", BlackboxNLP): SCAN with input and output swapped, actions to commands.

Each NACS task is the SCAN split of the same name with every example
reversed; the partition into train and test is SCAN's (built by
:mod:`sandbox.tasks.scan`). Many commands share one action sequence
(``walk twice`` and ``walk and walk``), so the gold command is one of several
right answers: an answer is correct when it is a SCAN command whose meaning
is the input (:func:`judge`).

>>> from sandbox.tasks.registry import load_task
>>> t = load_task("nacs/length")
>>> ex = t.test[0]
>>> t.is_correct(ex, ex.target), t.is_correct(ex, ("walk",))
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.tasks import scan
from sandbox.tasks.registry import TaskContext, register_task
from sandbox.tasks.scan_grammar import interpret

VERSION = "1.0"
CITATION = ("Bastings, Baroni, Weston, Cho & Kiela 2018, Jump to better conclusions: SCAN both left "
            "and right (BlackboxNLP)")


def judge(example: Example, prediction: Tokens) -> bool:
    """Correct when ``prediction`` is a SCAN command whose action sequence is the input."""
    try:
        return interpret(prediction) == example.source
    except ValueError:
        return False


def reverse(commands: Sequence[Tokens], prefix: str) -> tuple[Example, ...]:
    """Examples from action sequences to the commands that produce them."""
    return tuple(Example(interpret(c), tuple(c), id=f"{prefix}-{i}") for i, c in enumerate(commands))


Split = Callable[[TaskContext], tuple[list[Tokens], list[Tokens]]]


def _register(name: str, kind: Generalization, summary: str, split: Split, description: str) -> None:
    def build(ctx: TaskContext) -> Task:
        train, test = split(ctx)
        return Task(name, VERSION, reverse(train, "train"), reverse(test, "test"), kind,
                    f"SCAN reversed (actions to commands): {description}", CITATION, judge=judge)

    register_task(name, kind, summary)(build)


def _simple(ctx: TaskContext) -> tuple[list[Tokens], list[Tokens]]:
    return scan.simple_split(ctx.int_option("split_seed", scan.DEFAULT_SPLIT_SEED))


_register("nacs/simple", Generalization.IID, "SCAN simple, reversed", _simple,
          "the seeded 80/20 random split of scan/simple")
_register("nacs/length", Generalization.LENGTH, "SCAN length, reversed", lambda ctx: scan.length_split(),
          f"train on action sequences of at most {scan.LENGTH_CUTOFF} actions, test on longer ones")


def _addprim(primitive: str) -> Split:
    return lambda ctx: scan.addprim_split(primitive)


for _prim in scan.PRIMITIVE_COPIES:
    _register(f"nacs/addprim_{_prim.replace(' ', '_')}", Generalization.PRIMITIVE, f"SCAN addprim {_prim}, reversed",
              _addprim(_prim), f"the actions of '{_prim}' seen only alone in training; test on every composition")
_register("nacs/template_around_right", Generalization.TEMPLATE, "SCAN template around right, reversed",
          lambda ctx: scan.template_split("around right"),
          "commands with '<primitive> around right' held out, as in scan/template_around_right")
