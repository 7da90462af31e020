"""Revision by composition: a rule replaced by the admission it spells out leaves no record of itself."""

from __future__ import annotations

from sandbox.data import Example
from symbolic.revision import _replace_by_admission
from symbolic.rules import Rule, RuleKind
from symbolic.state import State

LEXICON = {w: Rule(f"lex:{w}", (w,), (w.upper(),), ("e",), RuleKind.LEXICAL) for w in "abc"}
JUXTAPOSE = Rule("r1", (0, 1), (1, 0), ("t0",), RuleKind.COMPOSITION)
POSTFIX = Rule("r2", (0, "zov"), (0,), ("t1",), RuleKind.COMPOSITION)
SPELLED_OUT = Rule("r3", (0, "zov", 1), (1, 0), ("t2",), RuleKind.COMPOSITION)  # r1 with r2 in slot 0


def test_a_rule_that_held_itself_leaves_the_outer_rule_in_its_place() -> None:
    examples = [Example(("a", "zov", "b"), ("B", "A"), "t2"),
                Example(("a", "zov", "b", "zov", "c"), ("C", "B", "A"), "t3")]
    evidence = {("r1", 0, "lex:a"): ("t0",), ("r1", 1, "lex:a"): ("t0",), ("r1", 1, "lex:b"): ("t0",),
                ("r1", 1, "lex:c"): ("t0",), ("r2", 0, "lex:a"): ("t1",), ("r2", 0, "lex:b"): ("t1",),
                ("r3", 0, "lex:a"): ("t2",), ("r3", 1, "lex:b"): ("t2",),
                ("r3", 0, "r3"): ("t3",), ("r3", 1, "lex:c"): ("t3",)}  # r3 inside its own first slot
    state = State(dict(LEXICON), {r.id: r for r in (JUXTAPOSE, POSTFIX, SPELLED_OUT)}, dict(evidence),
                  supporters={"r1": [0], "r2": [0], "r3": [0, 1]}, counter=3)

    def add_rules(s: State, todo: list[int]) -> list[int]:
        return todo  # nothing else may derive them: the admission alone must

    assert _replace_by_admission(state, SPELLED_OUT, examples, add_rules, lambda *args: True)
    assert sorted(state.rules) == ["r1", "r2"]
    assert not [k for k in state.evidence if "r3" in (k[0], k[2])]
    assert ("r2", 0, "r1") in state.evidence  # the phrase r3 held in its first slot is an r1 phrase now
    assert all(state.chart.derivable(*ex.pair()) for ex in examples)
