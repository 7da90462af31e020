"""Recall: training pairs the learned rules answer otherwise, kept to be answered as given.

Induction keeps a rule when *some* derivation of each training example
gives its output; the preferred one may not (two rules for one pattern
where the data forced one-to-one aside, say). Such an input is answered
from memory, at level 0, exactly as given: a learner reproduces its
training pairs whatever its cap. The rules never use these as parts of
other inputs, so no other answer changes.

An input with one derivation in the induction chart, and no other meaning
there, needs no parse: the parser's level-0 fillers are the chart's recorded
ones, so its level-0 derivations are among the chart's, and that one is
level 0 (unless some phrase had more readings than the chart keeps).

The checks spend ``work``; once a budget is spent, the pairs not checked are
answered as given too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sandbox.data import Example, Tokens
from symbolic.chart import InductionChart
from symbolic.parser import Parser, Tie
from symbolic.rules import Rule, RuleKind
from symbolic.state import State
from symbolic.work import BudgetSpent, Work

RECALLED = "recalled: the rules give this training input another answer (or several), so it is answered as given"


def recall(train: Sequence[Example], rules: Mapping[str, Rule], state: State, parser: Parser, work: Work,
           max_input_words: int) -> dict[Tokens, Rule]:
    """A memorized rule for each training input the rules do not answer with its output alone."""
    out: dict[Tokens, Rule] = {}
    n = sum(1 for r in rules.values() if r.kind is RuleKind.MEMORIZED)
    for ex in train:
        if ex.source in out or len(ex.source) > max_input_words:
            continue
        why = RECALLED
        if state.spent_at is None:
            try:
                if _answers(state.chart, parser, ex, work):
                    continue
            except BudgetSpent as spent:
                state.spend_out(spent)
        if state.spent_at is not None:
            why = f"recalled unchecked: the work budget ran out at stage {state.spent_at}; answered as given"
        n += 1
        out[ex.source] = Rule(f"m{n}", ex.source, ex.target, (ex.id,), RuleKind.MEMORIZED, notes=(why,))
    return out


def _answers(chart: InductionChart, parser: Parser, ex: Example, work: Work) -> bool:
    """Whether the rules answer this training pair's input with its output alone (module docstring)."""
    if not chart.truncated and chart.count(ex.source, ex.target) == 1 \
            and all(m == ex.target for _, m in chart.analyses(ex.source)):
        return True
    found = parser.least_cap(ex.source, 0, 3, work)
    return found is not None and found[1].tie == Tie.NONE and found[1].meaning == ex.target
