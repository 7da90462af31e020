"""Attribution fidelity: word kinds from training, seeded swaps, and faithful versus lying learners."""

from __future__ import annotations

from sandbox.compare.attribution import Swap, attribution_fidelity, sample_swaps, swap_held, word_kinds
from sandbox.data import Example
from tests.sandbox.compare.support import FakeNeural, Liar, WordByWord, tiny_task


def test_primitive_kind_comes_from_single_word_inputs_with_single_token_outputs():
    train = [Example.of("walk", "WALK"), Example.of("run", "RUN"), Example.of("turn left", "LEFT"),
             Example.of("look", "TURN LOOK"), Example.of("walk twice", "WALK WALK")]
    assert word_kinds(train) == {"run": "primitive", "walk": "primitive"}


def test_minimal_pairs_define_kinds_when_there_are_no_primitives():
    train = [Example.of("the cat sleeps", "cat sleep"), Example.of("the dog sleeps", "dog sleep"),
             Example.of("a dog runs", "dog run"), Example.of("a bird runs", "bird run x"),
             Example.of("the cow eats", "cow eat")]
    kinds = word_kinds(train)
    assert kinds["cat"] == kinds["dog"] == "class:cat"
    assert "bird" not in kinds  # its minimal pair with "dog" has an output of another length
    assert "cow" not in kinds and "the" not in kinds


def test_swaps_are_seeded_and_stay_within_a_kind():
    task = tiny_task()
    kinds = word_kinds(task.train)
    assert set(kinds) == {"a", "b", "c", "d", "e"}
    sources = [ex.source for ex in task.test]
    swaps = sample_swaps(sources, kinds, 8, seed=3)
    assert swaps == sample_swaps(sources, kinds, 8, seed=3)
    assert swaps != sample_swaps(sources, kinds, 8, seed=4)
    assert len(swaps) == 8 and len({s.source for s in swaps}) == 8
    for s in swaps:
        assert s.replacement != s.source[s.position] and kinds[s.replacement] == kinds[s.source[s.position]]
    assert len(sample_swaps(sources, kinds, 1000, seed=0)) == len(set(sources))


def test_swap_held():
    assert swap_held(("A", "B"), ("C", "B"), ((0,), (1,)), 0)
    assert not swap_held(("A", "B"), ("C", "B"), ((1,), (0,)), 0)
    assert not swap_held(("A", "B"), ("C", "D"), ((0,), (1,)), 0)  # changed where not attributed
    assert not swap_held(("A", "B"), ("A", "B", "C"), ((0,), (1,)), 0)  # length changed
    assert swap_held(("A", "B"), ("A", "B"), ((1,), (1,)), 0)  # nothing attributed, nothing changed


def _fidelity(learner, task, n=50):
    learner.fit(task.train)
    swaps = sample_swaps([ex.source for ex in task.test], word_kinds(task.train), n, seed=0)
    originals = {ex.source: p for ex, p in zip(task.test, learner.predict([e.source for e in task.test]),
                                               strict=True)}
    return swaps, attribution_fidelity(learner.predict, originals, swaps)


def test_a_faithful_learner_holds_every_swap():
    swaps, result = _fidelity(WordByWord(), tiny_task())
    assert result["n_swaps"] == len(swaps) == result["n_assessable"] == result["n_held"]
    assert result["fidelity"] == 1.0
    assert result["examples"] and all(e["held"] for e in result["examples"])


def test_a_learner_with_reversed_attributions_fails_exactly_where_reversal_moves_the_word():
    swaps, result = _fidelity(Liar(), tiny_task())
    # Reversal keeps the attribution right only at the middle word of an odd-length input.
    expected = sum(len(s.source) % 2 == 1 and s.position == len(s.source) // 2 for s in swaps)
    assert result["n_assessable"] == len(swaps)
    assert result["n_held"] == expected < len(swaps)
    assert result["fidelity"] == round(expected / len(swaps), 6)


def test_abstentions_and_missing_attributions_are_not_assessable():
    class NoAttribution(FakeNeural):
        def explain(self, source):
            pred = super().explain(source)
            return type(pred)(pred.tokens)

    _, result = _fidelity(NoAttribution(), tiny_task())
    assert result["fidelity"] is None and result["n_without_attribution"] == result["n_swaps"] > 0
    originals = {("a", "b"): WordByWord().fit(tiny_task().train).explain(("a", "b"))}
    abstaining = attribution_fidelity(lambda srcs: [type(originals[("a", "b")])(None)] * len(srcs), originals,
                                      [Swap(("a", "b"), 0, "c")])
    assert abstaining["n_abstained"] == 1 and abstaining["fidelity"] is None
