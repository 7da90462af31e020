"""The symbolic learner on grammar shapes the random-grammar laws do not draw.

The laws (``sandbox check``) draw operators of one or two adjacent words over
one-token primitives, with left recursion only. Users' grammars and unseen
test grammars have more: words that mean nothing, primitives of two words or
of several tokens, right and prefix recursion, circumfix and three-place
operators, discontiguous operator words, synonyms, brackets in the output, a
renamed SCAN. Each shape below is a user grammar (the TOML format of
``sandbox tasks generate``); every pair it derives within its depth is
enumerated, shuffled by seed, and the learner is trained on a sparse sample
and judged on up to 500 held-out pairs (exact match, coverage) and on its own
training pairs (reproduced).

Then Lake-style few-shot tasks: the 14 study and 10 query items of
``fewshot/colors`` (the same shapes and precedence) with renamed words and
tokens and random templates for the three functions.

    python -m benchmarks.grammar_shapes [--seeds 0-4] [--variants 60]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence

from sandbox.data import Example, Tokens, make_examples
from sandbox.grammar import enumerate_pairs
from sandbox.tasks.fewshot import QUERY, STUDY, split_last
from sandbox.tasks.grammar_toml import parse_grammar_text
from symbolic import SymbolicLearner

Rule = tuple[str, str, str]  # (lhs, source, target)

# Pieces several shapes share: a primitive copied or doubled, and three one-token primitives.
PRIMITIVE_DUP: list[Rule] = [("V", "<P> dup", "<P> <P>"), ("V", "<P>", "<P>")]
PRIMITIVE_TWICE: list[Rule] = [("V", "<P> twice", "<P> <P>"), ("V", "<P>", "<P>")]
KA_MO_RI = {"ka": "KA", "mo": "MO", "ri": "RI"}


def grammar_toml(max_depth: int, rules: Sequence[Rule], words: dict[str, dict[str, str]]) -> str:
    """A user grammar in the TOML format of ``sandbox tasks generate``, start symbol ``S``.

    >>> print(grammar_toml(2, [("S", "<P> dup", "<P> <P>")], {"P": {"ka": "KA"}}).strip())
    start = "S"
    max_depth = 2
    [[rule]]
    lhs = "S"
    source = "<P> dup"
    target = "<P> <P>"
    [words.P]
    ka = "KA"
    """
    lines = ["", 'start = "S"', f"max_depth = {max_depth}"]
    for lhs, source, target in rules:
        lines += ["[[rule]]", f'lhs = "{lhs}"', f'source = "{source}"', f'target = "{target}"']
    for category, entries in words.items():
        lines += [f"[words.{category}]"] + [f'{word} = "{tokens}"' for word, tokens in entries.items()]
    return "\n".join(lines) + "\n"


# name -> (grammar in TOML, training pairs at the full fraction)
SHAPES: dict[str, tuple[str, int]] = {
    "words meaning nothing": (grammar_toml(5, [
        ("S", "<V> dup", "<V> <V>"), ("S", "<S> also <V>", "<S> <V>"), ("S", "<V>", "<V>"),
        ("V", "please <P>", "<P>"), ("V", "<P>", "<P>"),
    ], {"P": KA_MO_RI}), 80),
    "two-word primitives": (grammar_toml(4, [
        ("S", "<V> and <V>", "{1} {2}"), ("S", "<V> after <V>", "{2} {1}"), ("S", "<V>", "<V>"),
        *PRIMITIVE_TWICE, ("P", "pick up", "PICK"), ("P", "put down", "PUT"),
    ], {"P": {"go": "GO", "stop": "STOP"}}), 50),
    "primitives for several tokens": (grammar_toml(4, [
        ("S", "<V> and <V>", "{1} {2}"), ("S", "<V>", "<V>"), *PRIMITIVE_TWICE,
    ], {"P": {"hop": "JUMP JUMP", "go": "GO", "stop": "STOP", "spin": "LEFT LEFT LEFT LEFT"}}), 30),
    "right recursion": (grammar_toml(6, [
        ("S", "<V> then <S>", "<S> <V>"), ("S", "<V>", "<V>"), *PRIMITIVE_DUP,
    ], {"P": KA_MO_RI}), 200),
    "prefix recursion": (grammar_toml(5, [
        ("S", "not <S>", "NEG <S>"), ("S", "twice <S>", "<S> <S>"), ("S", "<P>", "<P>"),
    ], {"P": KA_MO_RI}), 40),
    "circumfix and three places": (grammar_toml(4, [
        ("S", "if <V> then <V>", "{2} Q {1}"), ("S", "<V> from <V> to <V>", "{2} {1} {3}"), ("S", "<V>", "<V>"),
        *PRIMITIVE_DUP,
    ], {"P": {**KA_MO_RI, "zu": "ZU"}}), 150),
    "discontiguous operator": (grammar_toml(4, [
        ("S", "<V> around <P> twice", "<P> <V> <P> <V>"), ("S", "<V> around <P>", "<P> <V>"), ("S", "<V>", "<V>"),
        *PRIMITIVE_DUP,
    ], {"P": {**KA_MO_RI, "zu": "ZU"}}), 60),
    "synonyms and brackets": (grammar_toml(5, [
        ("S", "<S> then <V>", "<S> <V>"), ("S", "<S> next <V>", "<S> <V>"), ("S", "<V>", "<V>"),
        ("V", "group <V>", "( <V> )"), ("V", "<P> not", "! <P>"), ("V", "<P>", "<P>"),
    ], {"P": KA_MO_RI}), 150),
    "SCAN-like, renamed": (grammar_toml(5, [
        ("S", "<C> und <C>", "{1} {2}"), ("S", "<C> nach <C>", "{2} {1}"), ("S", "<C>", "<C>"),
        ("C", "<V> zwei", "<V> <V>"), ("C", "<V> drei", "<V> <V> <V>"), ("C", "<V>", "<V>"),
        ("V", "<D> links", "LT <D>"), ("V", "<D> gegen links", "LT LT <D>"),
        ("V", "<D> um links", "LT <D> LT <D> LT <D> LT <D>"), ("V", "drehe links", "LT"), ("V", "<D>", "<D>"),
    ], {"D": {"geh": "G", "lauf": "L", "spring": "SP", "schau": "SC"}}), 2000),
}

FRACTIONS = (0.5, 1.0)
MAX_HELD_OUT = 500

UNARY = [(0, 0, 0), (0, 0), (0, "C"), ("C", 0), (0, 0, "C")]
BINARY = [(0, 1), (1, 0), (0, 1, 0), (1, 0, 1), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 0), (0, "C", 1),
          (1, "C", 0)]
WORDS = ["tufa", "mib", "gor", "pel", "sna", "vek", "dro", "kal", "rum", "zib", "wug", "fop"]
TOKENS = ["A", "B", "C", "D", "E", "F", "G", "H"]


def score(learner: SymbolicLearner, pairs: Sequence[tuple[Tokens, Tokens]]) -> tuple[int, int]:
    """(exact, answered) over ``pairs``."""
    preds = learner.predict([s for s, _ in pairs])
    return (sum(p.tokens == t for p, (_, t) in zip(preds, pairs, strict=True)),
            sum(p.tokens is not None for p in preds))


def shapes(seeds: Sequence[int]) -> int:
    print(f"{'shape':30} {'seed':>4} {'train':>6} {'test':>5} {'exact':>8} {'cover':>8} "
          f"{'reproduced':>10} {'learn s':>8}  rules by kind")
    imperfect = 0
    for name, (text, n_full) in SHAPES.items():
        spec = parse_grammar_text(text, name)
        pairs = list(enumerate_pairs(spec.grammar, max_depth=spec.max_depth))
        for seed in seeds:
            for fraction in FRACTIONS:
                shuffled = list(pairs)
                random.Random(seed).shuffle(shuffled)
                n = min(max(8, int(n_full * fraction)), len(pairs) * 2 // 3)
                train, test = shuffled[:n], shuffled[n:n + MAX_HELD_OUT]
                start = time.process_time()
                learner = SymbolicLearner().fit(make_examples(train, "train"))
                cpu = time.process_time() - start
                exact, answered = score(learner, test)
                reproduced, _ = score(learner, train)
                imperfect += exact < len(test) or reproduced < len(train)
                kinds = learner.summary()["by_kind"]
                print(f"{name:30} {seed:4d} {n:6d} {len(test):5d} {exact / len(test):8.2%} "
                      f"{answered / len(test):8.2%} {reproduced:5d}/{len(train):<4d} {cpu:8.2f}  "
                      + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return imperfect


def fewshot_variant(seed: int) -> tuple[str, list[Example], list[Example]]:
    """Lake's study and query items with renamed words and tokens and random templates."""
    rng = random.Random(seed)
    unary = rng.choice(UNARY)
    first = rng.choice(BINARY)
    second = rng.choice([t for t in BINARY if t != first])
    words = rng.sample(WORDS, 7)
    colors = dict(zip(words[:4], rng.sample(TOKENS, 4), strict=True))
    tight, middle, loose = words[4:]  # fep, blicket, kiki: tightest to loosest
    rename = dict(zip(["dax", "lug", "wif", "zup", "fep", "blicket", "kiki"], words, strict=True))

    def fill(template: tuple[object, ...], parts: list[Tokens], constant: str) -> Tokens:
        out: list[str] = []
        for x in template:
            out.extend(parts[x] if isinstance(x, int) else (constant,))
        return tuple(out)

    def loosest(ws: Tokens) -> Tokens:
        parts = split_last(ws, loose)
        return middling(ws) if parts is None else fill(second, [loosest(parts[0]), middling(parts[1])], "KK")

    def middling(ws: Tokens) -> Tokens:
        parts = split_last(ws, middle)
        return tightest(ws) if parts is None else fill(first, [middling(parts[0]), tightest(parts[1])], "BB")

    def tightest(ws: Tokens) -> Tokens:
        if len(ws) >= 2 and ws[-1] == tight:
            return fill(unary, [tightest(ws[:-1])], "FF")
        return (colors[ws[0]],)

    def examples(items: Sequence[tuple[str, str]], prefix: str) -> list[Example]:
        out = []
        for i, (source, _) in enumerate(items):
            ws = tuple(rename[w] for w in source.split())
            out.append(Example(source=ws, target=loosest(ws), id=f"{prefix}-{i}"))
        return out

    return f"{unary} {first} {second}", examples(STUDY, "study"), examples(QUERY, "query")


def fewshot(variants: int) -> int:
    wrong = 0
    for seed in range(variants):
        templates, study, query = fewshot_variant(seed)
        learner = SymbolicLearner().fit(study)
        exact, answered = score(learner, [(e.source, e.target) for e in query])
        reproduced, _ = score(learner, [(e.source, e.target) for e in study])
        if exact < len(query) or reproduced < len(study):
            wrong += 1
            print(f"  variant {seed} (templates {templates}): {exact}/{len(query)} queries right, "
                  f"{answered} answered, {reproduced}/{len(study)} study items reproduced")
    print(f"few-shot variants (14 study, 10 queries, random templates): "
          f"{variants - wrong}/{variants} with every query right and every study item reproduced")
    return wrong


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-4", help="FIRST-LAST samples of each shape")
    parser.add_argument("--variants", type=int, default=60, help="few-shot variants")
    args = parser.parse_args(argv)
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    imperfect = shapes(seeds)
    print(f"\nshape samples not fully right: {imperfect} of {len(SHAPES) * len(seeds) * len(FRACTIONS)}\n")
    fewshot(args.variants)


if __name__ == "__main__":
    main()
