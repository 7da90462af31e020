"""Every SCAN split: disjoint, defined by its rule, deterministic, and equal to the official files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.formats import format_examples, read_scan
from sandbox.tasks.registry import load_task, task_names
from sandbox.tasks.scan import contains, simple_split
from sandbox.tasks.scan_grammar import PRIMITIVES, all_commands, interpret

RULE_SPLITS = [n for n in task_names("scan") if not n.startswith("scan/mcd")]

OFFICIAL = {
    "scan/simple": "simple_split/tasks_{}_simple.txt",
    "scan/length": "length_split/tasks_{}_length.txt",
    "scan/addprim_jump": "add_prim_split/tasks_{}_addprim_jump.txt",
    "scan/addprim_turn_left": "add_prim_split/tasks_{}_addprim_turn_left.txt",
    "scan/template_around_right": "template_split/tasks_{}_template_around_right.txt",
    "scan/template_jump_around_right": "template_split/tasks_{}_template_jump_around_right.txt",
    "scan/template_opposite_right": "template_split/tasks_{}_template_opposite_right.txt",
    "scan/template_right": "template_split/tasks_{}_template_right.txt",
    # The official filler files for 0 and 3 fillers, and every filler test file,
    # are links to template files (stored as text holding the link's target).
    "scan/filler_num0": "template_split/tasks_train_template_around_right.txt|"
                        "template_split/tasks_test_template_jump_around_right.txt",
    "scan/filler_num1": "filler_split/tasks_train_filler_num1.txt|"
                        "template_split/tasks_test_template_jump_around_right.txt",
    "scan/filler_num2": "filler_split/tasks_train_filler_num2.txt|"
                        "template_split/tasks_test_template_jump_around_right.txt",
    "scan/filler_num3": "template_split/tasks_train_template_jump_around_right.txt|"
                        "template_split/tasks_test_template_jump_around_right.txt",
}
REPEATED = {"scan/addprim_jump": ("jump",), "scan/addprim_turn_left": ("turn", "left")}


def official_paths(name: str, root: Path) -> tuple[Path, Path]:
    spec = OFFICIAL[name]
    if "|" in spec:
        train, test = spec.split("|")
        return root / "scan" / train, root / "scan" / test
    return root / "scan" / spec.format("train"), root / "scan" / spec.format("test")


@pytest.mark.parametrize("name", RULE_SPLITS)
def test_train_and_test_are_disjoint(name):
    task = load_task(name)
    train = {ex.source for ex in task.train}
    assert not train & {ex.source for ex in task.test}
    assert len(task.test) > 0 and len(task.train) > 0


@pytest.mark.parametrize("name", RULE_SPLITS)
def test_every_item_carries_its_meaning(name):
    task = load_task(name)
    for ex in (*task.train[:500], *task.test[:500]):
        assert ex.target == interpret(ex.source)


def test_defining_properties_hold_for_every_item():
    length = load_task("scan/length")
    assert all(len(ex.target) <= 22 for ex in length.train)
    assert all(len(ex.target) > 22 for ex in length.test)

    for name, alone in REPEATED.items():
        task = load_task(name)
        phrase = " ".join(alone)
        assert all(contains(ex.source, phrase) and ex.source != alone for ex in task.test)
        composed = [ex for ex in task.train if contains(ex.source, phrase)]
        assert {ex.source for ex in composed} == {alone}

    for template in ("around right", "opposite right", "right"):
        task = load_task(f"scan/template_{template.replace(' ', '_')}")
        assert all(any(contains(ex.source, f"{u} {template}") for u in PRIMITIVES) for ex in task.test)
        for ex in task.train:
            assert not any(contains(ex.source, f"{u} {template}") for u in (*PRIMITIVES, "turn"))

    for n, allowed in enumerate([(), ("look",), ("look", "walk"), ("look", "walk", "run")]):
        task = load_task(f"scan/filler_num{n}")
        assert all(contains(ex.source, "jump around right") for ex in task.test)
        for ex in task.train:
            fillers = {u for u in (*PRIMITIVES, "turn") if contains(ex.source, f"{u} around right")}
            assert fillers <= set(allowed)
        seen = {u for ex in task.train for u in allowed if contains(ex.source, f"{u} around right")}
        assert seen == set(allowed)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_simple_split_is_seeded(seed):
    train, test = simple_split(seed)
    assert (train, test) == simple_split(seed)
    assert (len(train), len(test)) == (16_728, 4_182)
    assert sorted(train + test) == sorted(all_commands())


def _lines(path: Path) -> Counter[str]:
    return Counter(line.strip() for line in path.read_text().splitlines() if line.strip())


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_equals_the_official_files_as_multisets(name, datasets: Path):
    task = load_task(name)
    train_path, test_path = official_paths(name, datasets)
    mine = [Counter(format_examples(split, "scan").splitlines()) for split in (task.train, task.test)]
    theirs = [_lines(train_path), _lines(test_path)]
    if name == "scan/simple":
        # A random split: only its sizes are official; together the halves are all of SCAN.
        assert [sum(c.values()) for c in mine] == [sum(c.values()) for c in theirs]
        assert mine[0] + mine[1] == theirs[0] + theirs[1]
    else:
        assert mine == theirs, f"{name} differs from {train_path.name} / {test_path.name}"


@pytest.mark.parametrize("k", [1, 2, 3])
def test_mcd_splits_load_from_their_files(k, datasets: Path):
    task = load_task(f"scan/mcd{k}", datasets)
    assert (len(task.train), len(task.test)) == (8_365, 1_045)
    assert all(ex.target == interpret(ex.source) for ex in task.train + task.test)
    official = read_scan(datasets / "scan_mcd" / "mcd_split" / f"tasks_test_mcd{k}.txt")
    assert [ex.pair() for ex in task.test] == [ex.pair() for ex in official]


def test_cogs_loads_with_categories(datasets: Path):
    gen = load_task("cogs/gen", datasets)
    assert (len(gen.train), len(gen.dev), len(gen.test)) == (24_155, 3_000, 21_000)
    categories = Counter(ex.category for ex in gen.test)
    assert len(categories) == 21 and set(categories.values()) == {1000}
    kinds = Counter(ex.get("kind") for ex in gen.test)
    assert kinds == {"lexical": 18_000, "structural": 3_000}
    assert len(load_task("cogs/test", datasets).test) == 3_000
