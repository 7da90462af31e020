"""SCAN's official splits, each built from its defining rule.

Sources: Lake & Baroni 2018 (simple, length, add-primitive); Loula, Baroni &
Lake 2018 (template and filler splits); Keysers et al. 2020 (MCD1-3, produced
by an optimization run rather than a rule, so loaded from their files). Every
deterministic split equals the official file as a multiset of lines; the
tests check that against the files where they are available.

Two details of the official files are reproduced on purpose:

- the add-primitive train files repeat the bare primitive line (``jump``
  1,467 times, ``turn left`` 2,189 times) to balance it against the rest;
- the template and filler files leave out every command that contains the
  held-out template with ``turn`` in the filler position (for instance
  ``turn around right``): 1,209 commands sit in neither train nor test.

>>> from sandbox.tasks.registry import load_task
>>> t = load_task("scan/addprim_jump")
>>> len(t.train), len(t.test), sum(ex.source == ("jump",) for ex in t.train)
(14670, 7706, 1467)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.formats import read_scan
from sandbox.tasks.registry import TaskContext, register_task
from sandbox.tasks.scan_grammar import PRIMITIVES, all_commands, interpret

VERSION = "1.0"
CITATION = "Lake & Baroni 2018, Generalization without systematicity (ICML)"
LOULA = "Loula, Baroni & Lake 2018, Rearranging the familiar (BlackboxNLP)"
KEYSERS = "Keysers et al. 2020, Measuring compositional generalization (ICLR)"

SIMPLE_TRAIN_SIZE = 16_728  # 80% of 20,910, as in the official files
DEFAULT_SPLIT_SEED = 0
LENGTH_CUTOFF = 22  # training outputs have at most 22 actions
PRIMITIVE_COPIES = {"jump": 1467, "turn left": 2189}
FILLER_ORDER = ("look", "walk", "run")  # fillers added in turn by the filler splits

Predicate = Callable[[Tokens], bool]


def contains(command: Sequence[str], phrase: str) -> bool:
    """Whether ``phrase`` (space-separated words) occurs in ``command`` as whole words.

    >>> contains(("walk", "around", "right"), "around right"), contains(("walk",), "wal")
    (True, False)
    """
    words = phrase.split()
    n = len(words)
    return any(tuple(command[i : i + n]) == tuple(words) for i in range(len(command) - n + 1))


def _examples(commands: Iterable[Tokens], prefix: str) -> tuple[Example, ...]:
    return tuple(Example(c, interpret(c), id=f"{prefix}-{i}") for i, c in enumerate(commands))


def _task(
    name: str,
    train: Sequence[Tokens],
    test: Sequence[Tokens],
    kind: Generalization,
    description: str,
    source: str = CITATION,
) -> Task:
    return Task(
        name=name,
        version=VERSION,
        train=_examples(train, "train"),
        test=_examples(test, "test"),
        generalization=kind,
        description=description,
        source=source,
    )


def simple_split(seed: int) -> tuple[list[Tokens], list[Tokens]]:
    """A seeded 80/20 random split of all commands (16,728 / 4,182)."""
    commands = list(all_commands())
    random.Random(seed).shuffle(commands)
    return commands[:SIMPLE_TRAIN_SIZE], commands[SIMPLE_TRAIN_SIZE:]


def rule_split(
    is_test: Predicate, excluded: Predicate = lambda c: False
) -> tuple[list[Tokens], list[Tokens]]:
    """Train on every command that is neither test nor excluded, test on the test ones."""
    train: list[Tokens] = []
    test: list[Tokens] = []
    for command in all_commands():
        if excluded(command):
            continue
        (test if is_test(command) else train).append(command)
    return train, test


def length_split() -> tuple[list[Tokens], list[Tokens]]:
    return rule_split(lambda c: len(interpret(c)) > LENGTH_CUTOFF)


def addprim_split(primitive: str) -> tuple[list[Tokens], list[Tokens]]:
    """Hold out every composed use of ``primitive``; show it alone, repeated."""
    alone = tuple(primitive.split())
    train, test = rule_split(lambda c: contains(c, primitive) and c != alone)
    train = [c for c in train if c != alone] + [alone] * PRIMITIVE_COPIES[primitive]
    return train, test


def template_split(template: str, fillers: Sequence[str] = PRIMITIVES) -> tuple[list[Tokens], list[Tokens]]:
    """Test on commands that contain ``<filler> <template>``; drop those with ``turn <template>``."""
    return rule_split(
        lambda c: any(contains(c, f"{u} {template}") for u in fillers),
        excluded=lambda c: contains(c, f"turn {template}"),
    )


def filler_split(n_fillers: int) -> tuple[list[Tokens], list[Tokens]]:
    """``around right`` seen with the first ``n_fillers`` of look, walk, run; test on jump."""
    allowed = FILLER_ORDER[:n_fillers]
    held_out = [u for u in PRIMITIVES if u not in allowed]
    train, _ = template_split("around right", held_out)
    _, test = template_split("around right", ("jump",))
    return train, test


def _simple(ctx: TaskContext) -> Task:
    seed = ctx.int_option("split_seed", DEFAULT_SPLIT_SEED)
    train, test = simple_split(seed)
    return _task("scan/simple", train, test, Generalization.IID,
                 f"random 80/20 split of all 20,910 commands (split seed {seed})")


def _length(ctx: TaskContext) -> Task:
    train, test = length_split()
    return _task("scan/length", train, test, Generalization.LENGTH,
                 f"train on outputs of at most {LENGTH_CUTOFF} actions, test on longer ones")


register_task("scan/simple", Generalization.IID, "random 80/20 split")(_simple)
register_task("scan/length", Generalization.LENGTH, "train <= 22 actions, test longer")(_length)


def _register_addprim(primitive: str) -> None:
    key = primitive.replace(" ", "_")
    name = f"scan/addprim_{key}"

    def build(ctx: TaskContext) -> Task:
        train, test = addprim_split(primitive)
        return _task(name, train, test, Generalization.PRIMITIVE,
                     f"'{primitive}' seen only alone in training ({PRIMITIVE_COPIES[primitive]} copies), "
                     "tested in every composition")

    register_task(name, Generalization.PRIMITIVE, f"'{primitive}' only alone in training")(build)


def _register_template(template: str, fillers: Sequence[str]) -> None:
    key = "_".join(([] if fillers == PRIMITIVES else list(fillers)) + template.split())
    name = f"scan/template_{key}"
    shown = " | ".join(fillers) if fillers != PRIMITIVES else "a primitive"

    def build(ctx: TaskContext) -> Task:
        train, test = template_split(template, fillers)
        return _task(name, train, test, Generalization.TEMPLATE,
                     f"held-out template '{shown} {template}'; commands with 'turn {template}' "
                     "are in neither train nor test, as in the official files", LOULA)

    register_task(name, Generalization.TEMPLATE, f"'{shown} {template}' held out")(build)


def _register_filler(n: int) -> None:
    name = f"scan/filler_num{n}"

    def build(ctx: TaskContext) -> Task:
        train, test = filler_split(n)
        seen = ", ".join(FILLER_ORDER[:n]) or "no primitive"
        return _task(name, train, test, Generalization.TEMPLATE,
                     f"'X around right' seen with {seen}; test on 'jump around right'", LOULA)

    plural = "" if n == 1 else "s"
    register_task(name, Generalization.TEMPLATE, f"'around right' with {n} filler{plural}; test jump")(build)


for _prim in PRIMITIVE_COPIES:
    _register_addprim(_prim)
_register_template("around right", PRIMITIVES)
_register_template("around right", ("jump",))
_register_template("opposite right", PRIMITIVES)
_register_template("right", PRIMITIVES)
for _n in range(4):
    _register_filler(_n)


def _register_mcd(k: int) -> None:
    name = f"scan/mcd{k}"
    files = (f"scan_mcd/mcd_split/tasks_train_mcd{k}.txt", f"scan_mcd/mcd_split/tasks_test_mcd{k}.txt")

    def build(ctx: TaskContext) -> Task:
        train = read_scan(ctx.data_file(files[0]), prefix="train")
        test = read_scan(ctx.data_file(files[1]), prefix="test")
        return Task(name, VERSION, train, test, Generalization.COMPOUND,
                    f"maximum compound divergence split {k}, loaded from its files", KEYSERS)

    register_task(name, Generalization.COMPOUND, f"MCD split {k} (needs --data-dir)", files)(build)


for _k in (1, 2, 3):
    _register_mcd(_k)
