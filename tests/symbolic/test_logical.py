"""The conjunct reading (symbolic.logical) on an invented language whose meanings name word positions.

The language is made up here (no task's words or symbols): sentences
``DET NOUN [sur DET NOUN]* VERB [DET NOUN ...] .`` and names, meanings that
are conjuncts ``$ noun [ v ~ 3 ]`` (definite, part ``|``), ``noun [ v ~ 3 ]``
and ``verb : ag [ v ~ 2 , v ~ 1 ]`` (part ``&``), ordered by part, then by the
positions they mention.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.data import Example
from sandbox.derivation import Derivation, check_evidence, replay
from symbolic import SymbolicLearner
from symbolic.lfsyntax import learn_syntax
from symbolic.logical import LogicalReading, read_logical_forms
from symbolic.work import Work

NOUNS = ("blick", "dax", "wug", "fep", "zorp", "tiv", "mork", "pim")
NAMES = ("Kiki", "Bobo", "Lulu")
TRANSITIVE = {"gorped": "gorp", "mibbed": "mib", "sotted": "sot"}
INTRANSITIVE = {"tummed": "tum", "lopped": "lop"}
DETS = {"ka": True, "lo": False}  # definite?


Conjuncts = list[tuple[str, tuple[int, ...], list[str]]]


def _np(rng: random.Random, words: list[str], depth: int, nouns: tuple[str, ...],
        names: bool = True) -> tuple[int, Conjuncts]:
    """Append a noun phrase to ``words``; its head position and conjuncts (part, positions, tokens)."""
    if names and rng.random() < 0.25:
        words.append(rng.choice(NAMES))
        return len(words) - 1, []
    det = rng.choice(sorted(DETS))
    words.append(det)
    words.append(rng.choice(nouns))
    head = len(words) - 1
    conj: Conjuncts = []
    if DETS[det]:
        conj.append(("|", (head,), ["$", words[head], "[", "v", "~", str(head), "]"]))
    else:
        conj.append(("&", (head,), [words[head], "[", "v", "~", str(head), "]"]))
    if depth > 0:
        words.append("sur")
        inner, more = _np(rng, words, depth - 1, nouns, names=False)
        conj.append(("&", (head, inner),
                     [words[head], ":", "loc", "[", "v", "~", str(head), ",", *_ref(words, inner), "]"]))
        conj += more
    return head, conj


def _ref(words: list[str], pos: int) -> list[str]:
    return [words[pos]] if words[pos] in NAMES else ["v", "~", str(pos)]


def sentence(rng: random.Random, depth: int = 1, subject_nouns: tuple[str, ...] = NOUNS,
             object_nouns: tuple[str, ...] = NOUNS) -> Example:
    words: list[str] = []
    subj, conj = _np(rng, words, rng.randint(0, depth), subject_nouns)
    transitive = rng.random() < 0.6
    verbs = TRANSITIVE if transitive else INTRANSITIVE
    verb = rng.choice(sorted(verbs))
    words.append(verb)
    v = len(words) - 1
    conj.append(("&", (v, subj), [verbs[verb], ":", "ag", "[", "v", "~", str(v), ",", *_ref(words, subj), "]"]))
    if transitive:
        obj, more = _np(rng, words, rng.randint(0, depth), object_nouns)
        conj.append(("&", (v, obj), [verbs[verb], ":", "pa", "[", "v", "~", str(v), ",", *_ref(words, obj), "]"]))
        conj += more
    words.append(".")
    ordered = sorted(conj, key=lambda c: (c[0] != "|", c[1]))
    out: list[str] = []
    for i, (part, _, toks) in enumerate(ordered):
        out += toks
        if i + 1 < len(ordered):
            out.append(part)
    return Example.of(" ".join(words), " ".join(out))


def corpus(seed: int, n: int, **kw: object) -> list[Example]:
    rng = random.Random(seed)
    seen: dict[tuple[str, ...], Example] = {}
    for _ in range(50 * n):  # bounded: a narrow vocabulary has fewer than n distinct sentences
        if len(seen) >= n:
            break
        ex = sentence(rng, **kw)  # type: ignore[arg-type]
        seen.setdefault(ex.source, ex)
    return [Example(ex.source, ex.target, f"t{i}") for i, ex in enumerate(seen.values())]


TRAIN = corpus(0, 400, depth=1)


def test_the_syntax_comes_from_the_outputs() -> None:
    syn = learn_syntax([(ex.source, ex.target) for ex in TRAIN])
    assert syn is not None
    assert (syn.marker, syn.open, syn.close) == (("v", "~"), "[", "]")


def test_fits_and_answers_deeper_recursion_than_training_with_replayable_derivations() -> None:
    learner = SymbolicLearner().fit(TRAIN)
    assert learner.summary()["rule_language"] == "conjuncts over word positions"
    deep = [ex for ex in corpus(1, 60, depth=4) if ex.source.count("sur") >= 3]
    assert deep
    train = {ex.id: ex for ex in TRAIN}
    for ex in deep:
        pred = learner.explain(ex.source)
        assert pred.tokens == ex.target, " ".join(ex.source)
        assert pred.derivation is not None
        assert replay(pred.derivation, ex.source) == ex.target
        assert check_evidence(pred.derivation, train) is None
        assert Derivation.from_json(pred.derivation.to_json()) == pred.derivation


def test_a_noun_seen_only_as_subject_is_answered_as_object_by_relaxation() -> None:
    only_subject = ("zorp",)
    train = [ex for ex in TRAIN if "zorp" not in ex.source] + \
        [ex for ex in corpus(2, 300, depth=0, object_nouns=tuple(n for n in NOUNS if n not in only_subject))
         if "zorp" in ex.source and ex.source.index("zorp") < 3][:20]
    train = [Example(ex.source, ex.target, f"s{i}") for i, ex in enumerate(train)]
    learner = SymbolicLearner().fit(train)
    probe = next(ex for ex in corpus(3, 30, depth=0, subject_nouns=("dax",), object_nouns=only_subject)
                 if ex.source[-2] == "zorp")
    pred = learner.explain(probe.source)
    assert pred.tokens == probe.target
    assert pred.relaxation_level >= 1


def test_the_relaxation_cap_makes_the_learner_abstain_with_a_reason() -> None:
    learner = SymbolicLearner(max_relaxation=0).fit(TRAIN)
    deep = next(ex for ex in corpus(4, 200, depth=5) if ex.source.count("sur") >= 4)
    pred = learner.explain(deep.source)
    if pred.tokens is None:
        assert "relaxation level" in pred.reason
    else:  # answered within the cap: it must then be right
        assert pred.tokens == deep.target


def test_an_unseen_noun_is_read_as_standing_for_itself() -> None:
    learner = SymbolicLearner().fit(TRAIN)
    src = ("ka", "grul", "tummed", ".")
    pred = learner.explain(src)
    assert pred.tokens == ("$", "grul", "[", "v", "~", "1", "]", "|", "tum", ":", "ag", "[", "v", "~", "2", ",",
                           "v", "~", "1", "]")
    assert pred.relaxation_level == 2


def test_unknown_function_words_abstain_rather_than_guess() -> None:
    learner = SymbolicLearner().fit(TRAIN)
    pred = learner.explain(("ka", "dax", "tummed", "zonk", "."))
    assert pred.tokens is None


def test_declines_where_outputs_name_no_positions() -> None:
    train = [Example.of("a b", "A B", id="t0"), Example.of("b a", "B A", id="t1")]
    found = read_logical_forms(train, Work(None), 0.95, 0.5)
    assert isinstance(found, str)


RENAME_WORDS = {w: f"w{i}" for i, w in enumerate(sorted({w for ex in TRAIN for w in ex.source}))}


@settings(max_examples=3, deadline=None)
@given(st.permutations(["$", "[", "]", "|", "&", ":", "v", "~", "ag", "pa", "loc"]))
def test_renaming_every_word_and_symbol_changes_nothing(symbols: list[str]) -> None:
    """Words renamed, output symbols permuted among themselves: the same answers, renamed."""
    base = ["$", "[", "]", "|", "&", ":", "v", "~", "ag", "pa", "loc"]
    sym = dict(zip(base, [f"s{base.index(s)}" for s in symbols], strict=False))
    lemmas = {lem: f"L{i}" for i, lem in enumerate(sorted({*TRANSITIVE.values(), *INTRANSITIVE.values()}))}

    def rename(ex: Example) -> Example:
        def tok(t: str) -> str:
            if t.isdigit():
                return t
            return sym.get(t) or lemmas.get(t) or RENAME_WORDS.get(t, t)
        return Example(tuple(RENAME_WORDS[w] for w in ex.source), tuple(tok(t) for t in ex.target), ex.id)

    train = [rename(ex) for ex in TRAIN]
    test = [rename(ex) for ex in corpus(5, 40, depth=3)]
    reading = read_logical_forms(train, Work(None), 0.95, 0.5)
    assert isinstance(reading, LogicalReading)
    original = read_logical_forms(TRAIN, Work(None), 0.95, 0.5)
    assert isinstance(original, LogicalReading)
    for ex, orig in zip(test, corpus(5, 40, depth=3), strict=False):
        assert original.explain(orig.source, 3).tokens == orig.target
        assert reading.explain(ex.source, 3).tokens == ex.target


@pytest.mark.parametrize("seed", [0, 1])
def test_every_training_sentence_is_answered_as_given(seed: int) -> None:
    train = corpus(10 + seed, 200, depth=1)
    learner = SymbolicLearner().fit(train)
    for ex in train:
        assert learner.explain(ex.source).tokens == ex.target


def test_the_conjunct_reading_is_bounded_by_max_work_and_reports_what_it_spent() -> None:
    full = SymbolicLearner().fit(TRAIN)
    spent = full.summary()["work_steps"]
    assert 0 < spent <= full.summary()["max_work"]
    # A budget below what the reading needs: it stops, says why, and the learner goes on.
    short = SymbolicLearner(max_work=spent // 2).fit(TRAIN)
    assert "work budget spent" in short.logical_reason_
    assert short.summary()["rule_language"] != "conjuncts over word positions"
