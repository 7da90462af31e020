"""User grammars: a small TOML format for a synchronous grammar, read into :class:`sandbox.grammar.Grammar`.

A grammar file names a start symbol and lists rules; each rule rewrites a
nonterminal into a source side (words and ``<NONTERMINAL>`` references) and a
target template (output tokens and the meanings of the references, as
``{1}``, ``{2}``, ... by position or ``<NAME>`` when the name occurs once)::

    name = "mini"
    start = "S"
    max_depth = 4              # optional, default 6

    [[rule]]
    lhs = "S"
    source = "<V> twice"
    target = "<V> <V>"
    weight = 0.5               # optional, default 1

    [words.V]                  # shorthand: one rule V -> word, meaning its tokens
    walk = "WALK"
    look = "LOOK"

Every mistake is reported with the file and line at fault: TOML syntax errors
with the parser's line, and mistakes of meaning (an undefined nonterminal, a
slot ``{3}`` with two references, a negative weight) with the line of the
offending key, found in the text.

>>> spec = parse_grammar_text('start = "S"\\n[words.S]\\nwalk = "WALK"\\n', "g.toml")
>>> [str(p) for p in spec.grammar.productions]
['S -> walk => WALK']
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.data import Example, Generalization, Task, Tokens
from sandbox.errors import InputError
from sandbox.grammar import Grammar, Production, Ref, SourceSymbol, TargetSymbol, sample_pair

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TOP_KEYS = ("name", "start", "max_depth", "rule", "words")
RULE_KEYS = ("lhs", "source", "target", "weight")
DEFAULT_MAX_DEPTH = 6
MAX_DEPTH_LIMIT = 30
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REF = re.compile(r"<([^<>]*)>")
_SLOT = re.compile(r"\{(\d+)\}")


@dataclass(frozen=True)
class GrammarSpec:
    grammar: Grammar
    max_depth: int
    path: str
    digest: str  # sha256 of the file's bytes, the version of tasks made from it


class _Lines:
    """Finds the line of a key in the TOML text (tomllib reports lines only for syntax errors)."""

    def __init__(self, text: str, path: str):
        self.lines = text.splitlines()
        self.path = path

    def _header(self, pattern: str, occurrence: int = 0) -> int | None:
        found = [i for i, line in enumerate(self.lines) if re.match(pattern, line)]
        return found[occurrence] if occurrence < len(found) else None

    def _key_in_block(self, start: int, key: str) -> int | None:
        key_re = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
        for i in range(start + 1, len(self.lines)):
            if re.match(r"^\s*\[", self.lines[i]):
                return None
            if key_re.match(self.lines[i]):
                return i
        return None

    def top(self, key: str) -> int | None:
        found = self._key_in_block(-1, key)
        return None if found is None else found + 1

    def rule(self, index: int, key: str | None = None) -> int | None:
        header = self._header(r"^\s*\[\[\s*rule\s*\]\]", index)
        if header is None:
            return self.top("rule")
        found = self._key_in_block(header, key) if key else None
        return (found if found is not None else header) + 1

    def word(self, nonterminal: str, word: str | None = None) -> int | None:
        header = self._header(rf"""^\s*\[\s*words\s*\.\s*["']?{re.escape(nonterminal)}["']?\s*\]""")
        if header is None:
            return self.top("words")
        found = self._key_in_block(header, word) if word else None
        return (found if found is not None else header) + 1

    def error(self, message: str, line: int | None) -> InputError:
        return InputError(message, self.path, line)


def load_grammar(path: str | Path) -> GrammarSpec:
    """Read and check a grammar file (``InputError`` naming the file and line on any mistake)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file" if not p.exists() else "is a directory, not a file", p)
    data = p.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"not valid UTF-8 (byte {err.start + 1})", p) from None
    return parse_grammar_text(text, str(p), hashlib.sha256(data).hexdigest()[:16])


def parse_grammar_text(text: str, path: str = "<grammar>", digest: str = "") -> GrammarSpec:
    """The grammar in ``text`` (``path`` only names the source in error messages)."""
    lines = _Lines(text, path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        msg = str(err)
        match = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(match.group(1)) if match else None
        if match:
            msg = f"{msg[: match.start()].strip()} (column {match.group(2)})"
        raise lines.error(f"TOML syntax error: {msg}", line) from None
    for key in doc:
        if key not in TOP_KEYS:
            raise lines.error(f"unknown key {key!r}; expected one of {', '.join(TOP_KEYS)}", lines.top(key))
    start = _name(doc.get("start"), "start", lines, lines.top("start"), required=True)
    name = doc.get("name", Path(path).stem)
    if not isinstance(name, str):
        raise lines.error("'name' must be a string", lines.top("name"))
    max_depth = doc.get("max_depth", DEFAULT_MAX_DEPTH)
    if not isinstance(max_depth, int) or isinstance(max_depth, bool) or not 1 <= max_depth <= MAX_DEPTH_LIMIT:
        raise lines.error(f"'max_depth' must be an integer from 1 to {MAX_DEPTH_LIMIT}", lines.top("max_depth"))
    productions: list[tuple[Production, int | None]] = []
    rules = doc.get("rule", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise lines.error("'rule' must be an array of tables: write each rule under [[rule]]", lines.top("rule"))
    for i, rule in enumerate(rules):
        productions.append((_rule(rule, i, lines), lines.rule(i, "source")))
    words = doc.get("words", {})
    if not isinstance(words, dict):
        raise lines.error("'words' must be a table of tables, e.g. [words.V]", lines.top("words"))
    for nt, entries in words.items():
        _name(nt, "a nonterminal under [words]", lines, lines.word(nt), required=True)
        if not isinstance(entries, dict):
            raise lines.error(f"[words.{nt}] must be a table of word = \"output tokens\"", lines.word(nt))
        for word, output in entries.items():
            line = lines.word(nt, word)
            if len(word.split()) != 1 or _REF.search(word) or word != word.strip():
                raise lines.error(f"[words.{nt}]: {word!r} must be a single word without spaces or <...>", line)
            if not isinstance(output, str):
                raise lines.error(f"[words.{nt}]: the output of {word!r} must be a string of tokens", line)
            productions.append((Production(nt, (word,), tuple(output.split())), line))
    if not productions:
        raise lines.error("the grammar has no rules: add [[rule]] tables or [words.X] tables", 1)
    grammar = Grammar(start, tuple(p for p, _ in productions), name=name)
    _check(grammar, productions, lines)
    if grammar.min_depth[start] > max_depth:
        raise lines.error(f"the shortest phrase of {start!r} needs depth {grammar.min_depth[start]}, "
                          f"above max_depth = {max_depth}", lines.top("max_depth") or lines.top("start"))
    return GrammarSpec(grammar, max_depth, path, digest)


def _name(value: Any, what: str, lines: _Lines, line: int | None, required: bool) -> str:
    if value is None and required:
        raise lines.error(f"missing {what!r}" if what == "start" else f"missing {what}", line or 1)
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise lines.error(f"{what} must be a name of letters, digits and _ (not starting with a digit), "
                          f"not {value!r}", line)
    return value


def _rule(rule: Mapping[str, Any], i: int, lines: _Lines) -> Production:
    where = f"rule {i + 1}"
    for key in rule:
        if key not in RULE_KEYS:
            raise lines.error(f"{where}: unknown key {key!r}; expected {', '.join(RULE_KEYS)}", lines.rule(i, key))
    for key in ("lhs", "source", "target"):
        if key not in rule:
            raise lines.error(f"{where}: missing {key!r}", lines.rule(i))
        if not isinstance(rule[key], str):
            raise lines.error(f"{where}: {key!r} must be a string", lines.rule(i, key))
    lhs = _name(rule["lhs"], f"{where}: 'lhs'", lines, lines.rule(i, "lhs"), required=True)
    source: list[SourceSymbol] = []
    for tok in rule["source"].split():
        ref = _REF.fullmatch(tok)
        if ref:
            source.append(Ref(_name(ref.group(1), f"{where}: the reference {tok}", lines,
                                    lines.rule(i, "source"), required=True)))
        elif "<" in tok or ">" in tok:
            raise lines.error(f"{where}: {tok!r} is neither a word nor a reference <NAME>", lines.rule(i, "source"))
        else:
            source.append(tok)
    if not source:
        raise lines.error(f"{where}: empty 'source'", lines.rule(i, "source"))
    refs = [s.nonterminal for s in source if isinstance(s, Ref)]
    target: list[TargetSymbol] = []
    for tok in rule["target"].split():
        if slot := _SLOT.fullmatch(tok):
            k = int(slot.group(1))
            if not 1 <= k <= len(refs):
                raise lines.error(f"{where}: target slot {tok} but the source has {len(refs)} reference(s)",
                                  lines.rule(i, "target"))
            target.append(k - 1)
        elif ref := _REF.fullmatch(tok):
            n = refs.count(ref.group(1))
            if n != 1:
                detail = "is not in the source" if n == 0 else f"occurs {n} times in the source; use {{1}}, {{2}}, ..."
                raise lines.error(f"{where}: target {tok} {detail}", lines.rule(i, "target"))
            target.append(refs.index(ref.group(1)))
        elif any(c in tok for c in "<>{}"):
            raise lines.error(f"{where}: {tok!r} is neither an output token, a slot {{k}} nor <NAME>",
                              lines.rule(i, "target"))
        else:
            target.append(tok)
    weight = rule.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0 or weight == float("inf"):
        raise lines.error(f"{where}: 'weight' must be a positive number, not {weight!r}", lines.rule(i, "weight"))
    return Production(lhs, tuple(source), tuple(target), float(weight))


def _check(grammar: Grammar, productions: list[tuple[Production, int | None]], lines: _Lines) -> None:
    if grammar.start not in grammar.by_lhs:
        raise lines.error(f"start symbol {grammar.start!r} has no rule", lines.top("start"))
    for p, line in productions:
        for r in p.refs:
            if r.nonterminal not in grammar.by_lhs:
                raise lines.error(f"{p.lhs}: undefined nonterminal <{r.nonterminal}> (no rule has lhs "
                                  f"{r.nonterminal!r})", line)
    stuck = sorted({p.lhs for p, _ in productions} - set(grammar.min_depth))
    if stuck:
        # Point at a rule that refers to its own nonterminal, the usual root of the trouble.
        line = next((ln for p, ln in productions if p.lhs in stuck and Ref(p.lhs) in p.refs),
                    next(ln for p, ln in productions if p.lhs in stuck))
        raise lines.error(f"{', '.join(stuck)} derive{'s' if len(stuck) == 1 else ''} no finite phrase: "
                          "every rule refers, directly or through others, to a nonterminal without one", line)
    problems = grammar.problems()
    if problems:  # pragma: no cover - everything above should catch it first
        raise lines.error(problems[0], None)


def to_toml(grammar: Grammar, max_depth: int = DEFAULT_MAX_DEPTH) -> str:
    """The text of ``grammar`` in this format (every production as a ``[[rule]]``).

    >>> g = Grammar("S", (Production("S", (Ref("V"), "twice"), (0, 0)), Production("V", ("walk",), ("WALK",))))
    >>> parse_grammar_text(to_toml(g)).grammar.productions == g.productions
    True
    """
    def q(text: str) -> str:  # a TOML basic string (JSON's escapes are TOML's)
        return json.dumps(text, ensure_ascii=False)

    out = [f"name = {q(grammar.name)}", f"start = {q(grammar.start)}", f"max_depth = {max_depth}"]
    for p in grammar.productions:
        source = " ".join(f"<{s.nonterminal}>" if isinstance(s, Ref) else s for s in p.source)
        target = " ".join(f"{{{t + 1}}}" if isinstance(t, int) else t for t in p.target)
        out += ["", "[[rule]]", f"lhs = {q(p.lhs)}", f"source = {q(source)}", f"target = {q(target)}",
                f"weight = {p.weight!r}"]
    return "\n".join(out) + "\n"


def generate_examples(spec: GrammarSpec, n: int, seed: int) -> tuple[Example, ...]:
    """Up to ``n`` distinct examples drawn by weight (fewer when the grammar has fewer phrases).

    Raises ``InputError`` if one phrase comes out with two meanings.
    """
    rng = random.Random(seed)
    seen: dict[Tokens, Tokens] = {}
    misses = 0
    while len(seen) < n and misses < 20 * n + 1000:
        src, tgt = sample_pair(spec.grammar, rng, spec.max_depth)
        if src in seen:
            if seen[src] != tgt:
                raise InputError(f"ambiguous grammar: '{' '.join(src)}' derives two meanings, "
                                 f"'{' '.join(seen[src])}' and '{' '.join(tgt)}'", spec.path)
            misses += 1
            continue
        seen[src] = tgt
    return tuple(Example(s, t, id=f"g-{i}") for i, (s, t) in enumerate(seen.items()))


def grammar_task(spec: GrammarSpec, examples: tuple[Example, ...]) -> Task:
    """A task holding every generated example as training data (split it with :mod:`sandbox.splits`)."""
    return Task(f"grammar:{spec.grammar.name}", f"sha256:{spec.digest}", examples, (), Generalization.MIXED,
                f"generated from the user grammar {spec.path}", f"user grammar {spec.path}")
