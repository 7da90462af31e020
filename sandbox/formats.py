"""Readers and writers for the formats the field uses.

- SCAN lines: ``IN: <words> OUT: <tokens>``
- COGS TSV: ``sentence <TAB> logical form <TAB> category``
- JSON Lines: one object per line with ``source`` and ``target`` (strings or
  token lists) and optional ``id`` and ``category``.

Readers raise :class:`~sandbox.errors.InputError` naming the file and line at
fault. Writers write to a temporary file and rename it into place, so that a
failure never leaves a partial file behind.

>>> parse_scan_line("IN: walk twice OUT: I_WALK I_WALK")
(('walk', 'twice'), ('I_WALK', 'I_WALK'))
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from sandbox.data import MAX_INPUT_TOKENS, Example, Tokens
from sandbox.errors import InputError, OutputError

FORMATS = ("scan", "cogs", "jsonl")
# Lines longer than this are refused rather than tokenized: no task in the
# field comes close, and a runaway line is a sign of a wrong or hostile file.
MAX_LINE_CHARS = 100_000


def guess_format(path: str | Path) -> str:
    """The format of ``path`` from its extension: ``.tsv`` COGS, ``.jsonl``/``.json`` JSONL, else SCAN."""
    suffix = Path(path).suffix.lower()
    if suffix == ".tsv":
        return "cogs"
    if suffix in (".jsonl", ".json"):
        return "jsonl"
    return "scan"


def _lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of the non-blank lines of a UTF-8 file."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", p)
    if p.is_dir():
        raise InputError("is a directory, not a file", p)
    data = p.read_bytes()
    if not data.strip():
        raise InputError("file is empty", p)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError(f"not valid UTF-8 (byte {err.start + 1} of the line)", p, number) from None
        if len(text) > MAX_LINE_CHARS:
            raise InputError(f"line longer than {MAX_LINE_CHARS} characters", p, number)
        text = text.rstrip("\r")
        if "\x00" in text:
            raise InputError("line contains a NUL byte (binary file?)", p, number)
        if text.strip():
            yield number, text


def parse_scan_line(text: str) -> tuple[Tokens, Tokens]:
    """Split one ``IN: ... OUT: ...`` line into source and target tokens."""
    stripped = text.strip()
    if not stripped.startswith("IN:"):
        raise ValueError("expected a line of the form 'IN: <input> OUT: <output>'")
    words = stripped[3:].split()
    if words.count("OUT:") != 1 or "IN:" in words:
        raise ValueError("expected exactly one 'IN:' and one 'OUT:' marker, separated by spaces")
    cut = words.index("OUT:")
    source, target = tuple(words[:cut]), tuple(words[cut + 1 :])
    if not source:
        raise ValueError("empty input after 'IN:'")
    return source, target


def _check_length(source: Tokens, path: str | Path, number: int) -> None:
    if len(source) > MAX_INPUT_TOKENS:
        message = f"input has {len(source)} words; inputs over {MAX_INPUT_TOKENS} words are refused"
        raise InputError(message, path, number)


def read_scan(path: str | Path, prefix: str = "") -> tuple[Example, ...]:
    """Read a SCAN-format file. Ids are ``<prefix>-<line number>``."""
    tag = prefix or Path(path).stem
    out = []
    for number, text in _lines(path):
        try:
            source, target = parse_scan_line(text)
        except ValueError as err:
            raise InputError(str(err), path, number) from None
        _check_length(source, path, number)
        out.append(Example(source, target, id=f"{tag}-{number}"))
    return tuple(out)


def read_cogs(path: str | Path, prefix: str = "") -> tuple[Example, ...]:
    """Read a COGS TSV file (sentence, logical form, category)."""
    tag = prefix or Path(path).stem
    out = []
    for number, text in _lines(path):
        cols = text.split("\t")
        if len(cols) != 3:
            raise InputError(
                f"expected 3 tab-separated columns (sentence, logical form, category), found {len(cols)}",
                path,
                number,
            )
        sentence, form, category = cols
        if not sentence.split():
            raise InputError("empty sentence in column 1", path, number)
        example = Example(tuple(sentence.split()), tuple(form.split()), id=f"{tag}-{number}", category=category.strip())
        _check_length(example.source, path, number)
        out.append(example)
    return tuple(out)


def read_jsonl(path: str | Path, prefix: str = "") -> tuple[Example, ...]:
    """Read JSON Lines with ``source`` and ``target`` (string or list of strings)."""
    tag = prefix or Path(path).stem
    out = []
    for number, text in _lines(path):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"invalid JSON: {err.msg} (column {err.colno})", path, number) from None
        except RecursionError:
            raise InputError("JSON nested too deeply", path, number) from None
        if not isinstance(obj, dict):
            raise InputError("expected a JSON object per line", path, number)
        try:
            source = _tokens(obj, "source")
            target = _tokens(obj, "target")
        except ValueError as err:
            raise InputError(str(err), path, number) from None
        if not source:
            raise InputError("empty 'source'", path, number)
        ex_id = str(obj.get("id", f"{tag}-{number}"))
        category = obj.get("category", "")
        if not isinstance(category, str):
            raise InputError("'category' must be a string", path, number)
        _check_length(source, path, number)
        out.append(Example(source, target, id=ex_id, category=category))
    ids = [ex.id for ex in out]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"duplicate id {dup!r}", path)
    return tuple(out)


def _tokens(obj: dict[str, object], key: str) -> Tokens:
    if key not in obj:
        raise ValueError(f"missing key {key!r}")
    value = obj[key]
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list) and all(isinstance(t, str) and t and not any(c.isspace() for c in t) for t in value):
        return tuple(value)
    raise ValueError(f"{key!r} must be a string or a list of non-empty tokens without spaces")


READERS = {"scan": read_scan, "cogs": read_cogs, "jsonl": read_jsonl}


def read_examples(path: str | Path, fmt: str | None = None, prefix: str = "") -> tuple[Example, ...]:
    """Read ``path`` in ``fmt`` (guessed from the extension when ``None``)."""
    return READERS[fmt or guess_format(path)](path, prefix)


def format_examples(examples: Iterable[Example], fmt: str) -> str:
    """The text of ``examples`` in ``fmt``."""
    if fmt == "scan":
        lines = [ex.line() for ex in examples]
    elif fmt == "cogs":
        lines = [f"{' '.join(ex.source)}\t{' '.join(ex.target)}\t{ex.category}" for ex in examples]
    elif fmt == "jsonl":
        lines = [
            json.dumps({"id": ex.id, "source": " ".join(ex.source), "target": " ".join(ex.target),
                        **({"category": ex.category} if ex.category else {})})
            for ex in examples
        ]
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return "".join(line + "\n" for line in lines)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A write that fails (full disk, read-only place, no permission) removes its
    temporary file, leaves any earlier ``path`` as it was and ends in one
    :class:`~sandbox.errors.OutputError` naming the place and the reason.
    """
    p = Path(path)
    tmp: str | None = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as err:
        raise OutputError(f"cannot write {p}: {err.strerror or err}; nothing was changed there") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            Path(tmp).unlink(missing_ok=True)


def output_parent(path: str | Path, flag: str) -> Path:
    """``path`` as a :class:`Path`, refused when its parent directory does not exist.

    Output options name a place to write, not a tree to build: a missing
    parent is most often a typing mistake, reported before any work.

    >>> output_parent("/no/such/dir/out.json", "--json")
    Traceback (most recent call last):
    ...
    sandbox.errors.OutputError: --json /no/such/dir/out.json: its parent directory /no/such/dir does not exist
    """
    p = Path(path)
    if not p.parent.is_dir():
        raise OutputError(f"{flag} {p}: its parent directory {p.parent} does not exist")
    return p


def write_examples(path: str | Path, examples: Iterable[Example], fmt: str = "scan") -> None:
    """Write ``examples`` to ``path`` in ``fmt``, atomically."""
    atomic_write_text(path, format_examples(examples, fmt))
