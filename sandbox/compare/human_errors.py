"""The error classes people make on few-shot instruction learning (Lake, Linzen & Baroni 2019; Lake & Baroni 2023).

Lake & Baroni (2023, Nature 623, "Human-like systematic generalization
through a meta-learning neural network") classify people's errors on the
few-shot instruction task: 24.4% of people's errors are *one-to-one
translations*, and 23.3% of their errors on the function word glossed
"after" (it reorders its arguments) are *iconic concatenations*; MLC's
figures are 56.3% and 13.8%. People also follow *mutual exclusivity* (a new
word names a new thing). These classes need only the task's primitive words,
read off the training data, so they apply to any task with a one-to-one
reading (SCAN's ``jump -> JUMP`` as much as ``dax -> RED``).

Definitions (each wrong *answered* test item is tested for every class; the
classes may overlap; abstentions are not errors here, since people always answer):

- a **primitive word** is a training input of one word whose output is one
  token (``dax -> RED``); its output is its *primitive output*;
- **one-to-one translation**: the answer has exactly one token per input word,
  and each primitive word's position holds that word's primitive output;
- **reordered item**: the gold output's primitive outputs first appear in an
  order different from their primitive words' order in the input (a function
  word such as ``kiki``/"after" reorders); **iconic concatenation** (counted
  among errors on reordered items): the answer has the gold's tokens with
  their counts, and its primitive outputs first appear in input order;
- **mutual-exclusivity violation**: two different primitive words of the
  input whose primitive outputs differ are given one output: the answer holds
  fewer distinct primitive outputs of the input's primitive words than the
  input has such words.

>>> prims = {"dax": "RED", "lug": "BLUE"}
>>> error_flags(("dax", "kiki", "lug"), ("BLUE", "RED"), ("RED", "BLUE"), prims)
{'one_to_one': False, 'reordered': True, 'iconic': True, 'me_violation': False}
>>> error_flags(("dax", "fep"), ("RED", "RED", "RED"), ("RED", "BLUE"), prims)["one_to_one"]
True
>>> error_flags(("dax", "blicket", "lug"), ("RED", "BLUE", "RED"), ("RED", "RED", "RED"), prims)["me_violation"]
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sandbox.data import Example, Tokens

CLASSES = {
    "one_to_one": "one-to-one translation: exactly one output token per input word, each primitive word "
                  "giving its own primitive output, in input order",
    "iconic": "iconic concatenation (share of errors on reordered items): the gold's tokens, but with the "
              "primitive outputs in the order of their words in the input",
    "me_violation": "mutual-exclusivity violation: two different primitive words of the input given one output",
}
# Published shares of errors (Lake & Baroni 2023, Nature 623): people and MLC on the few-shot instruction task.
REFERENCES: dict[str, list[tuple[str, dict[str, float | None]]]] = {
    "fewshot/colors": [
        ("people (Lake & Baroni 2023)", {"one_to_one": 0.244, "iconic": 0.233, "me_violation": None}),
        ("MLC (Lake & Baroni 2023)", {"one_to_one": 0.563, "iconic": 0.138, "me_violation": None}),
    ],
}


def primitive_words(train: Sequence[Example]) -> dict[str, str]:
    """Single-word training inputs with a one-token output, mapped to it (words with two such outputs dropped).

    >>> primitive_words([Example.of("dax", "RED"), Example.of("dax fep", "RED RED RED")])
    {'dax': 'RED'}
    """
    seen: dict[str, set[str]] = {}
    for ex in train:
        if len(ex.source) == 1 and len(ex.target) == 1:
            seen.setdefault(ex.source[0], set()).add(ex.target[0])
    return {w: next(iter(outs)) for w, outs in sorted(seen.items()) if len(outs) == 1}


def _first_order(tokens: Sequence[str], wanted: set[str]) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t in wanted))


def error_flags(source: Tokens, gold: Tokens, answer: Tokens, prims: dict[str, str]) -> dict[str, bool]:
    """Which classes (see the module docstring) the wrong ``answer`` to ``source`` falls in."""
    in_words = [w for w in source if w in prims]
    outputs = {prims[w] for w in in_words}
    input_order = list(dict.fromkeys(prims[w] for w in in_words))
    one_to_one = len(answer) == len(source) and bool(in_words) and all(
        a == prims[w] for w, a in zip(source, answer, strict=True) if w in prims)
    reordered = _first_order(gold, outputs) != input_order
    iconic = reordered and Counter(answer) == Counter(gold) and _first_order(answer, outputs) == input_order
    distinct_words = {w for w in in_words}
    me = len(outputs) == len(distinct_words) >= 2 and len(set(answer) & outputs) < len(distinct_words)
    return {"one_to_one": one_to_one, "reordered": reordered, "iconic": iconic, "me_violation": me}


def human_error_counts(train: Sequence[Example], test: Sequence[Example],
                       answers: Sequence[Tokens | None], correct: Sequence[bool]) -> dict[str, int] | None:
    """Counts of each class among the wrong answers (``None`` when the task has fewer than two primitive words)."""
    prims = primitive_words(train)
    if len(prims) < 2:
        return None
    counts = {"errors": 0, "one_to_one": 0, "reordered_errors": 0, "iconic": 0, "me_violation": 0}
    for ex, answer, ok in zip(test, answers, correct, strict=True):
        if ok or answer is None:
            continue
        flags = error_flags(ex.source, ex.target, answer, prims)
        counts["errors"] += 1
        counts["reordered_errors"] += flags["reordered"]
        for name in ("one_to_one", "iconic", "me_violation"):
            counts[name] += flags[name]
    return counts


def shares(counts: dict[str, Any]) -> dict[str, float | None]:
    """Each class as a share of its denominator: errors, or errors on reordered items for ``iconic``."""
    errors, reordered = counts["errors"], counts["reordered_errors"]
    return {"one_to_one": counts["one_to_one"] / errors if errors else None,
            "iconic": counts["iconic"] / reordered if reordered else None,
            "me_violation": counts["me_violation"] / errors if errors else None}
