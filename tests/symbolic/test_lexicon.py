"""The lexicon: words seen alone, cross-situational evidence, ownership, mutual exclusivity, paradigm."""

from __future__ import annotations

from sandbox.data import Example
from symbolic.lexicon import induce_lexicon
from tests.symbolic.grammars import tiny_examples


def ex(pairs):
    return [Example.of(s, t, id=f"e{i}") for i, (s, t) in enumerate(pairs)]


def test_words_seen_alone_and_cross_situational_words():
    lex = induce_lexicon(tiny_examples())
    assert {w: r.template for w, r in lex.items()} == {
        "ka": ("K",), "mo": ("M",), "pe": ("P",), "lu": ("L",), "su": ("S",)}
    # function words: a repeater, a connective, a word that means nothing alone
    assert not {"ri", "ba", "zo"} & set(lex)


def test_evidence_names_examples_with_the_word_and_its_token():
    data = tiny_examples()
    by_id = {e.id: e for e in data}
    for rule in induce_lexicon(data).values():
        assert rule.evidence
        for i in rule.evidence:
            assert set(rule.pattern) <= set(by_id[i].source)
            assert set(rule.template) <= set(by_id[i].target)


def test_a_modifier_seen_beside_one_word_does_not_steal_its_meaning():
    # "ar" only ever appears with "lu", so it co-occurs with L everywhere;
    # but L also appears without "ar", so "ar" does not own it.
    data = ex([("ka", "K"), ("mo", "M"), ("ka lu", "L K"), ("ka su", "S K"), ("ka ar lu", "L K L K"),
               ("mo ar lu", "L M L M")])
    lex = induce_lexicon(data)
    assert lex["lu"].template == ("L",)
    assert "ar" not in lex


def test_mutual_exclusivity_keeps_a_named_token_from_another_word():
    # "lu" and "xx" always come together, so both own L; the first named takes it.
    data = ex([("ka", "K"), ("mo", "M"), ("ka lu xx", "L K"), ("mo lu xx", "L M"), ("ka su", "S K")])
    assert "xx" not in induce_lexicon(data, paradigm=False)
    assert induce_lexicon(data, paradigm=False, mutual_exclusivity=False)["xx"].template == ("L",)


def test_paradigm_decides_between_meaning_and_operator():
    data = ex([("ka", "K"), ("mo", "M"), ("ka lu", "L K"), ("mo su", "S M"), ("ka su", "S K"),
               ("ka ne mo", "K N M"), ("mo ne ka", "M N K")])
    lex = induce_lexicon(data)
    assert "lu" in lex and "su" in lex  # they stand in for each other
    assert "ne" not in lex  # between two meaningful words: a connective with a constant
    assert "ne" in induce_lexicon(data, paradigm=False)


def test_lexicon_is_deterministic_under_reordering():
    data = tiny_examples()
    assert induce_lexicon(data).keys() == induce_lexicon(list(reversed(data))).keys()


def test_connectives_go_first_so_a_meaning_between_two_of_them_stays():
    # "ne" and "su" stand in for each other, always between two meanings: connectives.
    # "mo" (never seen alone) once stands between two "ne": a meaning all the same.
    data = ex([("ka", "K"), ("pe", "P"), ("ka ne mo", "N K M"), ("mo ne ka", "N M K"),
               ("ka su mo", "S K M"), ("pe su ka", "S P K"), ("ka ne mo ne pe", "N N K M P")])
    lex = induce_lexicon(data)
    assert lex["mo"].template == ("M",)
    assert not {"ne", "su"} & set(lex)


def test_a_word_shares_a_neighbourhood_instead_of_a_minimal_pair():
    # Swapping "lu" for "su" (and L for S) gives no example, but "su" stands where "lu" does.
    data = ex([("ka", "K"), ("mo", "M"), ("ka lu", "L K"), ("ka su", "K S")])
    assert {"lu", "su"} <= set(induce_lexicon(data))
