"""Readers and writers: round trips, and a clear error for every kind of bad input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.data import Example
from sandbox.errors import InputError
from sandbox.formats import format_examples, read_examples, write_examples

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ÄÖé", min_size=1, max_size=6)
EXAMPLES = st.lists(
    st.tuples(st.lists(WORD, min_size=1, max_size=5), st.lists(WORD.map(str.upper), max_size=5)),
    min_size=1, max_size=8,
)


@pytest.mark.parametrize("fmt,ext", [("scan", "txt"), ("jsonl", "jsonl"), ("cogs", "tsv")])
@given(pairs=EXAMPLES)
def test_round_trip(tmp_path_factory, fmt, ext, pairs):
    path = tmp_path_factory.mktemp("rt") / f"data.{ext}"
    examples = [Example(tuple(s), tuple(t), id=f"x-{i}") for i, (s, t) in enumerate(pairs)]
    write_examples(path, examples, fmt)
    back = read_examples(path)
    assert [ex.pair() for ex in back] == [ex.pair() for ex in examples]


BAD_FILES = [
    ("scan.txt", b"IN: walk OUT: I_WALK\nwalk I_WALK\n", 2, "IN:"),
    ("scan.txt", b"IN: walk OUT: I_WALK\nIN: OUT: I_WALK\n", 2, "empty input"),
    ("scan.txt", b"IN: a OUT: B OUT: C\n", 1, "OUT:"),
    ("scan.txt", b"IN: walk OUT: I_WALK\nIN: w\xffalk OUT: I_WALK\n", 2, "UTF-8"),
    ("scan.txt", b"", None, "empty"),
    ("scan.txt", b"\n  \n", None, "empty"),
    ("cogs.tsv", b"a dog ran .\tdog ( x _ 1 )\tin_distribution\nonly two\tcols\n", 2, "3 tab-separated"),
    ("data.jsonl", b'{"source": "a", "target": "B"}\n{"source": "a"\n', 2, "invalid JSON"),
    ("data.jsonl", b'{"source": "a", "target": "B"}\n[1, 2]\n', 2, "JSON object"),
    ("data.jsonl", b'{"source": "a", "target": 3}\n', 1, "target"),
    ("data.jsonl", b'{"target": "B"}\n', 1, "source"),
    ("bin.txt", b"IN: a OUT: \x00B\n", 1, "NUL"),
]


@pytest.mark.parametrize("name,content,line,needle", BAD_FILES)
def test_bad_files_name_the_file_and_line(tmp_path, name, content, line, needle):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_examples(path)
    assert info.value.path == str(path)
    assert info.value.line == line
    assert needle in str(info.value)
    assert str(path) in str(info.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_examples(tmp_path / "absent.txt")
    with pytest.raises(InputError, match="directory"):
        read_examples(tmp_path)


@pytest.mark.parametrize("fmt,ext", [("scan", "txt"), ("jsonl", "jsonl"), ("cogs", "tsv")])
def test_overlong_input_is_refused(tmp_path, fmt, ext):
    from sandbox.data import MAX_INPUT_TOKENS

    path = tmp_path / f"long.{ext}"
    ok = Example(("a",) * MAX_INPUT_TOKENS, ("B",))
    long = Example(("a",) * (MAX_INPUT_TOKENS + 1), ("B",))
    write_examples(path, [ok, long], fmt)
    with pytest.raises(InputError, match=f"over {MAX_INPUT_TOKENS} words") as info:
        read_examples(path)
    assert info.value.line == 2


def test_huge_line_is_refused(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("IN: " + "a " * 60_000 + "OUT: B\n")
    with pytest.raises(InputError, match="longer than"):
        read_examples(path)


@given(st.binary(max_size=300))
def test_random_bytes_give_examples_or_a_clear_error(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.txt"
    path.write_bytes(blob)
    for fmt in ("scan", "cogs", "jsonl"):
        try:
            examples = read_examples(path, fmt)
        except InputError as err:
            assert str(path) in str(err)
        else:
            assert all(ex.source for ex in examples)


def test_writer_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"

    class Boom(Exception):
        pass

    def explode(*_a, **_k):
        raise Boom

    monkeypatch.setattr("os.fsync", explode)
    with pytest.raises(Boom):
        write_examples(target, [Example.of("a", "B")])
    assert list(tmp_path.iterdir()) == []


def test_format_names_categories_in_cogs():
    text = format_examples([Example.of("a dog", "dog", category="c1")], "cogs")
    assert text == "a dog\tdog\tc1\n"
