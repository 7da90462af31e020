"""Random sequence-function languages: sound, unambiguous, covering tasks; the oracle holds every law on them."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from sandbox.cli.check_cmd import SEQUENCE_SIZES
from sandbox.data import Example
from sandbox.derivation import Derivation, check_evidence, replay
from sandbox.grammar import Grammar, Production, Ref
from sandbox.protocol import Prediction
from sandbox.seqops import Apply
from sandbox.testing import (
    LAWS,
    OracleLearner,
    PerTask,
    SequenceLanguage,
    SequenceSplit,
    check_law,
    example_language,
    generated_sequence_tasks,
    make_sequence_task,
    parse,
    sequence_languages,
)
from sandbox.testing.runner import Verdict
from sandbox.testing.seqlang import Call, Phrase, Run, is_root
from sandbox.testing.seqtasks import coverage_problems
from tests.conftest import run_cli

FAST = settings(max_examples=15, database=None, derandomize=True, deadline=None,
                suppress_health_check=list(HealthCheck))
N = 6  # tasks per law


def command_grammar(lang: SequenceLanguage) -> Grammar:
    """The language's commands as a plain context-free grammar, to count their parses independently."""
    prods = [Production("S", (Ref("E"),), ()), Production("E", (Ref("R"),), ()),
             Production("R", (Ref("L"),), ()), Production("R", (Ref("L"), Ref("R")), ())]
    prods += [Production("S", (Ref("E"), r.word), ()) for r in lang.repeaters]
    prods += [Production("E", (f.word, Ref("E")) if f.arity == 1 else (f.word, Ref("E"), f.separator, Ref("E")), ())
              for f in lang.functions]
    prods += [Production("L", (w,), ()) for w, _ in lang.letters]
    return Grammar("S", tuple(prods))


@FAST
@given(sequence_languages())
def test_random_languages_are_unambiguous(lang):
    assert not lang.problems()
    assert all(len(f.template) >= f.arity for f in lang.functions)


@FAST
@given(generated_sequence_tasks())
def test_tasks_are_sound_unambiguous_and_covering(case):
    lang, split, task = case.grammar, case.split, case.task
    cfg = command_grammar(lang)
    assert not coverage_problems(case)
    assert not {ex.source for ex in task.train} & {ex.source for ex in task.test}
    for ex in task.train + task.test:
        command = ex.target if lang.inverse else ex.source
        assert len(parse(cfg, command)) == 1, ex.line()  # one reading, by an independent parser
        phrase = lang.read(ex.source) if lang.inverse else lang.parse(ex.source)
        assert phrase is not None and lang.example(phrase) == replace(ex, id="")
        assert task.is_correct(ex, ex.target) and not task.is_correct(ex, ex.target[:-1])
        if lang.inverse:
            assert is_root(phrase.expr.words)  # the gold command is the canonical one
    assert not any(split.holds_out(lang, lang.read(ex.source) if lang.inverse else lang.parse(ex.source))
                   for ex in task.train)
    if split.kind != "iid":
        assert all(split.holds_out(lang, lang.read(ex.source) if lang.inverse else lang.parse(ex.source))
                   for ex in task.test)


def test_the_example_language_reads_one_way_and_refuses_the_rest():
    lang = example_language()
    p = lang.parse(("wif", "fep", "dax", "lug", "ko", "zup"))
    assert p == Phrase(Call(1, (Call(0, (Run(("dax", "lug")),)), Run(("zup",)))))
    assert lang.meaning(p) == ("zup", "dax", "lug")  # <1> rev(rest(<0>) first(<0>)): zup rev(lug dax)
    for bad in ("fep", "wif dax", "dax twice twice", "twice dax", "wif dax zup", "ko dax", "fep dax ko zup"):
        assert lang.parse(bad.split()) is None, bad


def test_inverse_answers_are_judged_by_their_meaning():
    inv = example_language(inverse=True)
    case = make_sequence_task(inv, SequenceSplit("iid"))
    ex = Example(("dax", "lug", "dax", "lug"), ("dax", "lug", "twice"))
    assert case.task.is_correct(ex, ("dax", "lug", "twice"))
    assert case.task.is_correct(ex, ("dax", "lug", "dax", "lug"))  # another command, same meaning
    assert not case.task.is_correct(ex, ("dax", "twice"))
    assert not case.task.is_correct(ex, ("twice",))


def test_tasks_are_deterministic_per_seed():
    split = SequenceSplit("productivity", "length")
    first = make_sequence_task(example_language(), split, extra=5, seed=3)
    assert first.task == make_sequence_task(example_language(), split, extra=5, seed=3).task
    assert first.task != make_sequence_task(example_language(), split, extra=5, seed=4).task


def test_renamed_and_identity_letters_are_both_drawn():
    seen = set()

    @FAST
    @given(sequence_languages())
    def collect(lang):
        seen.add(lang.identity)

    collect()
    assert seen == {True, False}


ORACLE = PerTask(lambda case, **kw: OracleLearner(case.grammar, **kw), name="oracle", params=["max_relaxation"])


@pytest.mark.parametrize("law", list(LAWS))
def test_the_oracle_holds_every_law_on_sequence_languages(law):
    result = check_law(ORACLE, law, examples=N, family="sequence")
    assert result.verdict is Verdict.HELD, result.render()
    assert result.examples >= N


def test_oracle_derivations_apply_operations_and_replay():
    case = make_sequence_task(example_language(), SequenceSplit("iid"), extra=4)
    oracle = OracleLearner(case.grammar).fit(case.task.train)
    train = {ex.id: ex for ex in case.task.train}
    applied = 0
    for ex in case.task.test:
        pred = oracle.explain(ex.source)
        assert pred.tokens == ex.target and pred.derivation is not None
        assert replay(pred.derivation, ex.source) == ex.target
        assert check_evidence(pred.derivation, train) is None
        applied += any(isinstance(x, Apply) for node in pred.derivation.nodes() for x in node.template)
    assert applied > 0


def test_memorize_breaks_systematicity_and_productivity_on_sequence_languages():
    for law in ("systematicity", "productivity"):
        result = check_law("memorize", law, examples=N, family="sequence")
        assert result.broken, result.render()
        assert result.counterexample.actual is None and "letters:" in result.render()


def _without_operations(node: Derivation) -> Derivation:
    template = tuple(x.slot if isinstance(x, Apply) else x for x in node.template)
    return replace(node, template=template, children=tuple(_without_operations(c) for c in node.children))


class HidesOperations(OracleLearner):
    """Right answers, but derivations that leave out the operations they applied."""

    def explain(self, source):
        pred = super().explain(source)
        return pred if pred.derivation is None else replace(pred, derivation=_without_operations(pred.derivation))


class IgnoresOperations(OracleLearner):
    """Answers as if every template copied its slots unchanged."""

    def explain(self, source):
        pred = super().explain(source)
        lang = self.grammar
        if pred.tokens is None or lang.inverse:
            return pred
        plain = replace(lang, functions=tuple(
            replace(f, template=tuple(x.slot if isinstance(x, Apply) else x for x in f.template))
            for f in lang.functions))
        return Prediction(plain.meaning(plain.parse(source)))


@pytest.mark.parametrize(("cls", "law"), [(HidesOperations, "trace_replay"), (IgnoresOperations, "reproduces")])
def test_the_laws_catch_a_learner_that_gets_the_operations_wrong(cls, law):
    result = check_law(PerTask(lambda case, **kw: cls(case.grammar, **kw), name=cls.__name__), law,
                       examples=N, family="sequence")
    assert result.broken, result.render()
    assert "function:" in result.render()


def test_sandbox_check_selects_sequence_languages(tmp_path):
    out = tmp_path / "check.json"
    done = run_cli("check", "--learner", "memorize", "--grammars", "sequence", "--size", "small",
                   "--laws", "reproduces", "systematicity", "--examples", "3", "--json", str(out))
    assert done.returncode == 1, done.stderr
    assert "random sequence tasks" in done.stdout and "letters:" in done.stdout
    assert re.search(r"^systematicity +BROKEN", done.stdout, flags=re.M)
    record = json.loads(out.read_text())
    assert record["grammars"] == "sequence"
    ce = record["laws"][1]["counterexample"]
    assert ce["grammar"][0].startswith("letters:") and ce["split"].startswith("systematicity split")


SMALL = dict(SEQUENCE_SIZES["small"]["grammar_options"])
SMALL_RUN = SMALL.pop("train_run")


@FAST
@given(generated_sequence_tasks(max_extra=SEQUENCE_SIZES["small"]["max_extra"], language_options=SMALL,
                                train_run=SMALL_RUN))
def test_small_sequence_tasks_are_small(case):
    assert len(case.grammar.letters) <= 3 and len(case.grammar.functions) <= 2
    assert len(case.task.train) - case.n_coverage <= 4
    assert case.split.train_run == 3
