"""sandbox.frozen: the fast constructor builds exactly what the dataclass's own does."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.derivation import Derivation, Relaxation
from sandbox.frozen import frozen_value
from sandbox.protocol import Prediction

words = st.tuples(st.text(min_size=1, max_size=3)).map(tuple)


@given(tokens=st.lists(st.text(min_size=1, max_size=4), max_size=4).map(tuple), level=st.integers(0, 3),
       reason=st.text(max_size=10))
def test_a_prediction_built_fast_equals_the_constructors(tokens, level, reason):
    leaf = Derivation("lex:a", ("a",), tokens, (0, 1), (), ("e1",), (), tokens)
    node = Derivation("r1", (0,), (0,), (0, 1), (leaf,), ("e2",), (Relaxation(0, level, "seen(r1/0)", "any", ("e3",)),),
                      tokens)
    fast = frozen_value(Derivation, rule="r1", pattern=(0,), template=(0,), span=(0, 1), children=(leaf,),
                        evidence=("e2",), relaxations=node.relaxations, output=tokens)
    assert fast == node and hash(fast) == hash(node)
    attribution = tuple((0,) for _ in tokens)
    pred = frozen_value(Prediction, tokens=tokens, reason=reason, relaxation_level=level, derivation=fast,
                        attribution=attribution)
    assert pred == Prediction(tokens, reason, level, node, attribution)
    with pytest.raises(AttributeError):
        pred.tokens = ()  # type: ignore[misc]  # still frozen


def test_classes_it_cannot_build_faithfully_are_refused():
    @dataclass(frozen=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            if self.x < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError, match="__post_init__"):
        frozen_value(Checked, x=-1)
    with pytest.raises(TypeError, match="fields"):
        frozen_value(Relaxation, slot=0)
