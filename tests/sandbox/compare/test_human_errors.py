"""Error classes people make: hand-written examples of each class, and counting over a task."""

from __future__ import annotations

from sandbox.compare.human_errors import error_flags, human_error_counts, primitive_words, shares
from sandbox.data import Example
from sandbox.tasks.registry import load_task

PRIMS = {"dax": "RED", "lug": "BLUE", "wif": "GREEN", "zup": "YELLOW"}


def flags(source: str, gold: str, answer: str) -> dict[str, bool]:
    return error_flags(tuple(source.split()), tuple(gold.split()), tuple(answer.split()), PRIMS)


def test_one_to_one_translation():
    assert flags("zup fep", "YELLOW YELLOW YELLOW", "YELLOW GREEN")["one_to_one"]  # fep read as one more colour
    assert flags("zup blicket lug", "YELLOW BLUE YELLOW", "YELLOW RED BLUE")["one_to_one"]
    assert not flags("zup blicket lug", "YELLOW BLUE YELLOW", "YELLOW BLUE")["one_to_one"]  # too short
    assert not flags("zup blicket lug", "YELLOW BLUE YELLOW", "BLUE RED YELLOW")["one_to_one"]  # out of order


def test_iconic_concatenation_on_reordering_items():
    got = flags("zup kiki dax", "RED YELLOW", "YELLOW RED")
    assert got["reordered"] and got["iconic"] and not got["me_violation"]
    got = flags("wif kiki zup fep", "YELLOW YELLOW YELLOW GREEN", "GREEN YELLOW YELLOW YELLOW")
    assert got["reordered"] and got["iconic"]
    # Not reordered: blicket keeps its words' order, so an error there is never iconic.
    got = flags("zup blicket lug", "YELLOW BLUE YELLOW", "YELLOW YELLOW BLUE")
    assert not got["reordered"] and not got["iconic"]
    # Reordered, but a wrong count of tokens: not an iconic concatenation.
    assert not flags("zup kiki dax", "RED YELLOW", "YELLOW RED RED")["iconic"]


def test_mutual_exclusivity_violation():
    assert flags("dax blicket zup", "RED YELLOW RED", "RED RED RED")["me_violation"]  # zup given dax's colour
    assert flags("wif kiki zup", "YELLOW GREEN", "GREEN GREEN")["me_violation"]
    assert not flags("dax blicket zup", "RED YELLOW RED", "YELLOW RED YELLOW")["me_violation"]
    assert not flags("zup fep", "YELLOW YELLOW YELLOW", "YELLOW YELLOW")["me_violation"]  # one word only


def test_primitive_words_and_counts_on_the_fewshot_task():
    task = load_task("fewshot/colors")
    assert primitive_words(task.train) == PRIMS
    answers = []
    for ex in task.test:  # answer every query iconically: each word's colour (repeated by fep) in input order
        answers.append(tuple(PRIMS[w] for w in ex.source if w in PRIMS))
    correct = [a == ex.target for a, ex in zip(answers, task.test, strict=True)]
    counts = human_error_counts(task.train, task.test, answers, correct)
    assert counts["errors"] == sum(not c for c in correct) > 0
    assert counts["reordered_errors"] >= 1
    assert 0 <= counts["iconic"] <= counts["reordered_errors"]
    got = shares(counts)
    assert got["one_to_one"] is not None and 0 <= got["one_to_one"] <= 1


def test_tasks_without_primitives_and_abstentions():
    train = [Example.of("a b", "X Y")]
    assert human_error_counts(train, [Example.of("a", "X")], [("Y",)], [False]) is None
    task = load_task("fewshot/colors")
    none = human_error_counts(task.train, task.test, [None] * len(task.test), [False] * len(task.test))
    assert none["errors"] == 0 and shares(none)["one_to_one"] is None  # abstentions are not errors here
