"""Grammar shapes the random-grammar laws do not draw, learned from sparse samples.

Each test trains on a seeded sample of a small synchronous grammar written
here (no task's vocabulary) and checks every held-out pair. Each failed
before the change its comment names.
"""

from __future__ import annotations

import random

from sandbox.data import Example, make_examples
from sandbox.grammar import Grammar, Production, Ref, enumerate_pairs
from symbolic import SymbolicLearner
from symbolic.rules import RuleKind, lexical_rule_id


def grammar(text: str) -> Grammar:
    """``LHS -> words and <NT> => tokens and $k`` per line."""
    prods = []
    for line in text.strip().splitlines():
        lhs, rest = line.split("->")
        src, tgt = rest.split("=>")
        source = tuple(Ref(w[1:-1]) if w.startswith("<") else w for w in src.split())
        target = tuple(int(w[1:]) if w.startswith("$") else w for w in tgt.split())
        prods.append(Production(lhs.strip(), source, target))
    return Grammar("S", tuple(prods))


Pairs = list[tuple[tuple[str, ...], tuple[str, ...]]]


def fit_sample(g: Grammar, depth: int, n_train: int, seed: int = 0) -> tuple[SymbolicLearner, Pairs, Pairs]:
    """The learner fitted on a seeded sample of the grammar's pairs; the sample; the rest."""
    pairs = list(enumerate_pairs(g, max_depth=depth))
    random.Random(seed).shuffle(pairs)
    learner = SymbolicLearner().fit(make_examples(pairs[:n_train], "train"))
    return learner, pairs[:n_train], pairs[n_train:]


def wrong(learner: SymbolicLearner, held_out: Pairs) -> list[str]:
    return [" ".join(s) for s, t in held_out if learner.explain(s).tokens != t]


def test_modifier_seen_only_inside_a_connective_phrase_gets_a_rule_of_its_own():
    # "X dup" is never a whole training input: it stands only first in "X dup also Y".
    # Induction first learns "<0> dup also <1>"; revision now sees that this rule holds
    # "<0> also <1>" with "<0> dup" in a slot, drops it and learns "<0> dup" (before:
    # "ka dup" alone had no derivation).
    g = grammar("""
        S -> <V> => $0
        S -> <V> dup => $0 $0
        S -> <S> also <V> => $0 $1
        V -> please <P> => $0
        V -> <P> => $0
        P -> ka => KA
        P -> mo => MO
        P -> ri => RI
    """)
    learner, train, held_out = fit_sample(g, depth=5, n_train=80)
    assert not any(s[-1] == "dup" for s, _ in train)
    assert wrong(learner, held_out) == []
    assert any(r.pattern == (0, "dup") for r in learner.rules_.values())


def test_two_word_primitive_never_given_alone_is_a_phrase_of_its_own():
    # "drehe links" means one token and never forms a whole input; the rules around it
    # ("<0> und <1>", "<0> zwei") imply its meaning, and it becomes a rule without slots
    # (before: ten memorized examples and a dozen rules spelling it out, 99.6% held out).
    g = grammar("""
        S -> <C> => $0
        S -> <C> und <C> => $0 $1
        S -> <C> nach <C> => $1 $0
        C -> <V> => $0
        C -> <V> zwei => $0 $0
        C -> <V> drei => $0 $0 $0
        V -> <D> => $0
        V -> <D> links => LT $0
        V -> <D> gegen links => LT LT $0
        V -> drehe links => LT
        D -> geh => G
        D -> lauf => L
        D -> schau => SC
    """)
    learner, train, held_out = fit_sample(g, depth=5, n_train=600)
    assert ("drehe", "links") not in [s for s, _ in train]
    assert wrong(learner, held_out) == []
    phrases = [r for r in learner.rules_.values() if r.kind is RuleKind.PHRASE]
    assert [(r.pattern, r.template) for r in phrases] == [(("drehe", "links"), ("LT",))]
    assert not any(r.kind is RuleKind.MEMORIZED for r in learner.rules_.values())


# Primitives that mean several tokens ("hop", "spin").
SEVERAL_TOKENS = """
    S -> <V> => $0
    S -> <V> and <V> => $0 $1
    V -> <P> twice => $0 $0
    V -> <P> => $0
    P -> hop => JUMP JUMP
    P -> go => GO
    P -> stop => STOP
    P -> spin => LEFT LEFT LEFT LEFT
"""


def test_primitive_for_two_tokens_never_given_alone_is_inferred_from_the_rules_around_it():
    # Cross-situational evidence names one token per word; "hop" means two. Read as a
    # function word, its meaning is what "<0> and <1>" leaves to it (before: "hop" alone
    # and "hop and hop" had no derivation, and "hop twice" was a phrase of its own).
    g = grammar(SEVERAL_TOKENS)
    learner, train, held_out = fit_sample(g, depth=4, n_train=30)
    assert ("hop",) not in [s for s, _ in train]
    assert wrong(learner, held_out) == []
    assert learner.rules_[lexical_rule_id("hop")].template == ("JUMP", "JUMP")


def test_training_pairs_are_reproduced_where_the_rules_prefer_another_reading():
    # The three-word examples group to the right, against the reading-order bias. One
    # is memorized; the rule derives the other that way too, so induction counts it as
    # derived, but the preferred reading differs. Every training input is now answered
    # as given, at cap 0 and under either grouping setting.
    pairs = [("a", "A"), ("b", "B"), ("a op b", "A B B"), ("b op a", "B A A"),
             ("a op b op a", "A B A A B A A"), ("b op a op b", "B B B A A B B")]
    train = [Example.of(s, t, id=f"e{i}") for i, (s, t) in enumerate(pairs)]
    for grouping in ("reading-order", "none"):
        learner = SymbolicLearner(grouping=grouping, max_relaxation=0).fit(train)
        assert [learner.explain(tuple(s.split())).tokens for s, _ in pairs] == [tuple(t.split()) for _, t in pairs]
        recalled = [r for r in learner.rules_.values() if any(n.startswith("recalled") for n in r.notes)]
        assert recalled and {r.fixed_words for r in recalled} <= {tuple(s.split()) for s, _ in pairs}


def test_words_for_repeated_tokens_are_revised_to_mean_them_repeatedly():
    # Co-occurrence reads "spin" as LEFT and "hop" as JUMP; the rules that reading needs
    # break one-to-one and memorize examples. Revision reads each as its token as often
    # as the outputs hold it in common measure (before: 10.5% of held-out pairs right).
    g = grammar(SEVERAL_TOKENS)
    learner, train, held_out = fit_sample(g, depth=4, n_train=15, seed=2)
    assert not {("hop",), ("spin",)} & {s for s, _ in train}
    assert wrong(learner, held_out) == []
    assert learner.rules_[lexical_rule_id("spin")].template == ("LEFT",) * 4
    assert learner.rules_[lexical_rule_id("hop")].template == ("JUMP",) * 2
    assert learner.revisions_


def test_examples_that_fit_every_template_do_not_choose_one_alone():
    # The only examples of "after" on bare words are "stop after stop" and "go after go":
    # both templates fit them, and the iconic bias once chose "<0> after <1> -> <0> <1>"
    # from them alone; the examples that show the reverse order (with two-word
    # primitives and "twice" in the slots) then got rules of their own. Induction now
    # waits for examples that decide (before: "go after stop" -> GO STOP).
    pairs = [
        "put down and pick up -> PUT PICK", "put down twice after pick up -> PICK PUT PUT",
        "stop twice after go -> GO STOP STOP", "stop after put down twice -> PUT PUT STOP",
        "stop after stop -> STOP STOP", "stop twice and put down -> STOP STOP PUT",
        "pick up twice and stop twice -> PICK PICK STOP STOP", "put down after pick up twice -> PICK PICK PUT",
        "go and put down twice -> GO PUT PUT", "go and go -> GO GO", "go after put down twice -> PUT PUT GO",
        "stop twice and put down twice -> STOP STOP PUT PUT",
        "stop twice after put down twice -> PUT PUT STOP STOP", "put down twice and go -> PUT PUT GO",
        "pick up twice after put down twice -> PUT PUT PICK PICK", "put down and stop twice -> PUT STOP STOP",
        "go and put down -> GO PUT", "pick up twice and go -> PICK PICK GO", "stop and go twice -> STOP GO GO",
        "go twice and stop -> GO GO STOP", "put down after put down -> PUT PUT", "go and go twice -> GO GO GO",
        "stop and stop twice -> STOP STOP STOP", "put down after stop -> STOP PUT", "go after go -> GO GO",
    ]
    train = [Example.of(*p.split(" -> "), id=f"e{i}") for i, p in enumerate(pairs)]
    learner = SymbolicLearner().fit(train)
    for source, target in [("go after stop", "STOP GO"), ("stop after go", "GO STOP"),
                           ("pick up after go twice", "GO GO PICK"), ("stop twice after pick up", "PICK STOP STOP")]:
        assert learner.explain(tuple(source.split())).tokens == tuple(target.split()), source
    assert not [r for r in learner.rules_.values() if r.kind is RuleKind.MEMORIZED]
