"""A test-only learner for the COGS report tests (no test functions here): ``cogs-oracle``.

It is handed the gold forms of the test items it will see (never fitted on
them: it exists to exercise the judges and the reports, not to learn), and
answers item ``i`` of a given category by turn: the gold form itself, the gold
with its first two body conjuncts swapped (right in meaning, not in form), or
the gold with its first role changed (wrong in both); an unknown input is
abstained. So its exact and semantic figures are known in advance.

Run as a script, it registers the learner and runs ``sandbox`` with the
remaining arguments: ``python -m tests.sandbox.compare.cogs_fakes GOLD.tsv compare ...``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sandbox.data import Example, Tokens
from sandbox.protocol import ParamsMixin, Prediction

GOLD: dict[Tokens, Tokens] = {}
TURNS = ("gold", "swapped", "wrong_role")


def turn(index: int) -> str:
    return TURNS[index % len(TURNS)]


def answer(gold: Tokens, how: str) -> Tokens:
    if how == "swapped":
        *prefix, body = " ".join(gold).split(" ; ")
        conjuncts = body.split(" AND ")
        if len(conjuncts) >= 2:
            conjuncts[0], conjuncts[1] = conjuncts[1], conjuncts[0]
        return tuple(" ".join([*(f"{p} ;" for p in prefix), " AND ".join(conjuncts)]).split())
    if how == "wrong_role":
        roles = [i for i, t in enumerate(gold) if t in ("agent", "theme")]
        if roles:
            i = roles[0]
            return (*gold[:i], "theme" if gold[i] == "agent" else "agent", *gold[i + 1:])
        return (*gold, "AND", "nonsense", "(", "x", "_", "0", ")")
    return gold


class CogsOracle(ParamsMixin):
    """See the module docstring."""

    def __init__(self) -> None:
        pass

    def fit(self, examples: Sequence[Example]) -> CogsOracle:
        self.order_ = {source: i for i, source in enumerate(GOLD)}
        return self

    def predict(self, sources: Sequence[Tokens]) -> list[Prediction]:
        return [self.explain(tuple(s)) for s in sources]

    def explain(self, source: Tokens) -> Prediction:
        if source not in GOLD:
            return Prediction.abstain("not a test input")
        return Prediction(answer(GOLD[source], turn(self.order_[source])))


def main(argv: list[str]) -> int:
    from sandbox.cli.main import main as sandbox_main
    from sandbox.formats import read_cogs
    from sandbox.registry import register_learner

    gold_file, *rest = argv
    for ex in read_cogs(gold_file, prefix="gold"):
        GOLD.setdefault(ex.source, ex.target)
    register_learner("cogs-oracle")(CogsOracle)
    return sandbox_main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
