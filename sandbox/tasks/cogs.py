"""COGS (Kim & Linzen 2020), loaded from its official TSV files.

``cogs/gen`` tests on the 21 generalization categories (1,000 items each);
``cogs/test`` on the in-distribution test set. Both train on ``train.tsv`` and
keep ``dev.tsv`` as the development set. Each generalization item records its
category, and whether the category is *lexical* (a known structure with a word
in a new role) or *structural* (a new structure), as the paper groups them.
"""

from __future__ import annotations

from dataclasses import replace

from sandbox.data import Example, Generalization, Task
from sandbox.formats import read_cogs
from sandbox.lf_judge import LogicalFormSyntax, SemanticJudge
from sandbox.tasks.registry import TaskContext, register_task

VERSION = "1.0"
CITATION = "Kim & Linzen 2020, COGS: A compositional generalization challenge (EMNLP)"
FILES = {split: f"cogs/data/{split}.tsv" for split in ("train", "dev", "test", "gen")}
STRUCTURAL = frozenset({"obj_pp_to_subj_pp", "cp_recursion", "pp_recursion"})
# COGS's logical-form syntax, for the semantic judge reported beside the official exact match:
# a variable is ``x _ N``, conjuncts are joined by ``AND``, and a definite noun's conjunct in the
# prefix ends with ``;``. (The LAMBDA terms of the ``primitive`` training lines occur only in
# training, where nothing is judged; their bound variables would be read as constants.)
SYNTAX = LogicalFormSyntax(variable_marker=("x", "_"), conjunction="AND", terminator=";")
SEMANTIC_JUDGE = SemanticJudge(SYNTAX)


def kind_of(category: str) -> str:
    """``structural`` for the paper's three structural categories, else ``lexical``."""
    return "structural" if category in STRUCTURAL else "lexical"


def _with_kind(examples: tuple[Example, ...]) -> tuple[Example, ...]:
    return tuple(replace(ex, meta=(("kind", kind_of(ex.category)),)) for ex in examples)


def _build(name: str, test_split: str, kind: Generalization, ctx: TaskContext) -> Task:
    train = read_cogs(ctx.data_file(FILES["train"]), prefix="train")
    dev = read_cogs(ctx.data_file(FILES["dev"]), prefix="dev")
    test = read_cogs(ctx.data_file(FILES[test_split]), prefix=test_split)
    if test_split == "gen":
        test = _with_kind(test)
    return Task(name, VERSION, train, test, kind,
                f"train on train.tsv, test on {test_split}.tsv", CITATION, dev=dev, semantic_judge=SEMANTIC_JUDGE)


@register_task("cogs/gen", Generalization.MIXED, "21 generalization categories (needs --data-dir)",
               (FILES["train"], FILES["dev"], FILES["gen"]))
def _gen(ctx: TaskContext) -> Task:
    return _build("cogs/gen", "gen", Generalization.MIXED, ctx)


@register_task("cogs/test", Generalization.IID, "in-distribution test (needs --data-dir)",
               (FILES["train"], FILES["dev"], FILES["test"]))
def _test(ctx: TaskContext) -> Task:
    return _build("cogs/test", "test", Generalization.IID, ctx)
