"""User grammars in TOML: the example grammar, round trips, clear errors naming the line, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.errors import InputError
from sandbox.grammar import Grammar, Production, Ref, enumerate_pairs
from sandbox.tasks.grammar_toml import generate_examples, load_grammar, parse_grammar_text, to_toml
from tests.conftest import REPO, run_cli

EXAMPLE = REPO / "examples" / "grammars" / "mini_scan.toml"


def test_example_grammar_generates_what_it_derives():
    spec = load_grammar(EXAMPLE)
    assert not spec.grammar.problems() and spec.max_depth == 5
    derivable = dict(enumerate_pairs(spec.grammar, spec.max_depth))
    examples = generate_examples(spec, 400, seed=1)
    assert len(examples) == 400 and len({e.source for e in examples}) == 400
    for ex in examples:
        assert derivable[ex.source] == ex.target
    after = next(e for e in examples if "after" in e.source)
    left, right = (" ".join(after.source)).split(" after ")
    assert after.target == derivable[tuple(right.split())] + derivable[tuple(left.split())]
    assert generate_examples(spec, 400, seed=1) == examples


def test_a_small_grammar_yields_all_its_phrases_and_no_more():
    spec = parse_grammar_text('start = "S"\n[words.S]\na = "A"\nb = "B"\n')
    assert sorted(e.source for e in generate_examples(spec, 10, seed=0)) == [("a",), ("b",)]


names = st.sampled_from(["S", "T", "U"])
words = st.sampled_from(["dax", "wif", "lug", "and", "twice"])
tokens = st.sampled_from(["RED", "BLUE", "X_1"])


@st.composite
def grammars(draw):
    """Random grammars in which every nonterminal has a word rule (so all are productive)."""
    prods = [Production(nt, (draw(words),), (draw(tokens),), draw(st.sampled_from([1.0, 0.5, 3.0])))
             for nt in ("S", "T", "U")]
    for _ in range(draw(st.integers(0, 4))):
        source = draw(st.lists(st.one_of(words, names.map(Ref)), min_size=1, max_size=4))
        n_refs = sum(isinstance(s, Ref) for s in source)
        target = draw(st.lists(st.one_of(tokens, st.integers(0, max(n_refs - 1, 0))) if n_refs else tokens,
                               max_size=4))
        prods.append(Production(draw(names), tuple(source), tuple(target)))
    return Grammar("S", tuple(prods), name="random")


@given(grammars(), st.integers(1, 8))
def test_toml_round_trip(grammar, depth):
    spec = parse_grammar_text(to_toml(grammar, depth))
    assert spec.grammar.productions == grammar.productions
    assert spec.grammar.start == grammar.start and spec.max_depth == depth


GOOD_RULE = '[[rule]]\nlhs = "S"\nsource = "<V> twice"\ntarget = "{1} {1}"\n'
WORDS = '[words.V]\nwalk = "WALK"\n'


@pytest.mark.parametrize("text, line, fragment", [
    ('start = "S"\n[[rule]]\nlhs = "S\n', 3, "TOML syntax error"),
    ('start = "S"\nstart = "T"\n', 2, "TOML syntax error"),
    ('start = "S"\ncolour = 1\n' + WORDS, 2, "unknown key 'colour'"),
    (GOOD_RULE + WORDS, 1, "missing 'start'"),
    ('start = "S S"\n' + GOOD_RULE + WORDS, 1, "start must be a name"),
    ('start = "S"\n' + GOOD_RULE + '\n[[rule]]\nlhs = "S"\nsource = "<W> <V>"\ntarget = "{1}"\n' + WORDS,
     9, "undefined nonterminal <W>"),
    ('start = "S"\n' + GOOD_RULE.replace("{1} {1}", "{1} {2}") + WORDS, 5, "slot {2} but the source has 1"),
    ('start = "S"\n' + GOOD_RULE.replace("<V> twice", "<V> <V>").replace("{1} {1}", "<V>") + WORDS,
     5, "occurs 2 times"),
    ('start = "S"\n' + GOOD_RULE.replace("{1} {1}", "<U>") + WORDS, 5, "<U> is not in the source"),
    ('start = "S"\n' + GOOD_RULE + "weight = -1\n" + WORDS, 6, "'weight' must be a positive number"),
    ('start = "S"\n' + GOOD_RULE + 'colour = "red"\n' + WORDS, 6, "unknown key 'colour'"),
    ('start = "S"\n' + GOOD_RULE.replace('target = "{1} {1}"\n', "") + WORDS, 2, "missing 'target'"),
    ('start = "S"\n' + GOOD_RULE.replace("<V> twice", "<V twice") + WORDS, 4, "neither a word nor a reference"),
    ('start = "S"\n' + GOOD_RULE + '[words.V]\nwalk = 3\n', 7, "must be a string of tokens"),
    ('start = "S"\n' + GOOD_RULE + '[words.V]\n"two words" = "X"\n', 7, "must be a single word"),
    ('start = "T"\n' + GOOD_RULE + WORDS, 1, "start symbol 'T' has no rule"),
    ('start = "S"\n' + GOOD_RULE + '[[rule]]\nlhs = "V"\nsource = "very <V>"\ntarget = "{1}"\n', 8,
     "S, V derive no finite phrase"),
    ('start = "S"\nmax_depth = 1\n' + GOOD_RULE + WORDS, 2, "needs depth 2, above max_depth = 1"),
    ('start = "S"\nrule = 3\n', 2, "'rule' must be an array of tables"),
    ('start = "S"\n', 1, "no rules"),
])
def test_malformed_grammars_name_the_line(text, line, fragment):
    with pytest.raises(InputError) as err:
        parse_grammar_text(text, "g.toml")
    assert err.value.line == line and fragment in err.value.detail, str(err.value)
    assert str(err.value).startswith(f"g.toml:{line}: ")


def test_an_ambiguous_grammar_is_reported():
    text = 'start = "S"\n[[rule]]\nlhs = "S"\nsource = "walk"\ntarget = "A"\n[words.S]\nwalk = "B"\n'
    with pytest.raises(InputError, match="ambiguous grammar: 'walk' derives two meanings"):
        generate_examples(parse_grammar_text(text, "g.toml"), 10, seed=0)


def test_cli_generate_end_to_end(tmp_path: Path):
    out = tmp_path / "mini"
    res = run_cli("tasks", "generate", str(EXAMPLE), "--out", str(out), "--n", "300", "--seed", "2",
                  "--split", "primitive", "--word", "jump")
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "split.json").read_text())
    assert summary["generated"] == 300 and summary["by"] == "primitive" and summary["train"] + summary["test"] == 300
    train = (out / "train.txt").read_text().splitlines()
    test = (out / "test.txt").read_text().splitlines()
    assert "IN: jump OUT: I_JUMP" in train
    assert all(" jump " not in f" {line.split(' OUT: ')[0][4:]} " for line in train if line != "IN: jump OUT: I_JUMP")
    assert all("jump" in line.split(" OUT: ")[0] for line in test)


def test_cli_generate_bad_grammar_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('start = "S"\n' + GOOD_RULE.replace("{1} {1}", "{3}") + WORDS)
    out = tmp_path / "out"
    res = run_cli("tasks", "generate", str(bad), "--out", str(out))
    assert res.returncode == 2 and f"{bad}:5: " in res.stderr and "slot {3}" in res.stderr
    assert "Traceback" not in res.stderr and not out.exists()
    res = run_cli("tasks", "generate", str(tmp_path / "missing.toml"), "--out", str(out))
    assert res.returncode == 2 and "no such file" in res.stderr and not out.exists()
    res = run_cli("tasks", "generate", str(EXAMPLE), "--out", str(out), "--split", "random", "--word", "x")
    assert res.returncode == 2 and "--word does not apply" in res.stderr and not out.exists()
