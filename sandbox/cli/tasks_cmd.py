"""``sandbox tasks``: list, show, describe, export, generate and re-split tasks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sandbox.cli.common import add_data_dir, add_task_options, parse_options
from sandbox.data import Task
from sandbox.errors import UsageError
from sandbox.formats import atomic_write_text, format_examples, read_examples
from sandbox.splits import KINDS, Split, make_split, pool, split_task
from sandbox.stats import render_statistics, task_statistics
from sandbox.tasks.registry import load_task, task_names, task_spec

EXTENSIONS = {"scan": "txt", "jsonl": "jsonl", "cogs": "tsv"}


def register(sub: argparse._SubParsersAction) -> None:
    tasks = sub.add_parser("tasks", help="list, show, describe and export tasks",
                           description="Work with the registered tasks.")
    tsub = tasks.add_subparsers(dest="tasks_command", metavar="SUBCOMMAND", required=True)

    p = tsub.add_parser("list", help="list every registered task")
    p.add_argument("--family", help="only this family (e.g. scan, cogs)")
    p.set_defaults(handler=cmd_list)

    p = tsub.add_parser("show", help="a task's description and a few examples")
    p.add_argument("task")
    p.add_argument("-n", type=int, default=5, help="examples to show from each split (default 5)")
    add_data_dir(p)
    add_task_options(p)
    p.set_defaults(handler=cmd_show)

    p = tsub.add_parser("stats", help="sizes, vocabularies and length distributions")
    p.add_argument("task")
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")
    add_data_dir(p)
    add_task_options(p)
    p.set_defaults(handler=cmd_stats)

    p = tsub.add_parser("export", help="write a task's train and test files")
    p.add_argument("task")
    add_output(p)
    add_data_dir(p)
    add_task_options(p)
    p.set_defaults(handler=cmd_export)

    p = tsub.add_parser("generate", help="generate a task from a grammar file (TOML) and split it",
                        description="Generate examples from a synchronous grammar in TOML (format: "
                                    "sandbox/tasks/grammar_toml.py, example: examples/grammars/) and split them.")
    p.add_argument("grammar", metavar="GRAMMAR.toml")
    p.add_argument("--n", type=int, default=1000, help="distinct examples to generate (default 1000)")
    add_split_options(p, default="random")
    add_output(p)
    p.set_defaults(handler=cmd_generate)

    p = tsub.add_parser("split", help="pool a task's examples and split them anew (random, length, "
                                      "primitive, template, mcd)",
                        description="Pool a task's train, dev and test examples and split them with one of "
                                    "the split builders of sandbox/splits.py; writes train/test files and "
                                    "split.json with the atom and compound divergence achieved.")
    p.add_argument("task", help="a registered task, or a file of examples (SCAN, COGS TSV or JSONL)")
    add_split_options(p, default=None)
    add_output(p)
    add_data_dir(p)
    add_task_options(p)
    p.set_defaults(handler=cmd_split)


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help="directory for train/test files")
    parser.add_argument("--format", choices=sorted(EXTENSIONS), default="scan",
                        help="scan (IN: ... OUT: ...), jsonl or cogs (TSV); default scan")


def add_split_options(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument("--split" if default else "--by", dest="by", choices=sorted(KINDS),
                        required=default is None, default=default,
                        help="how to split" + (f" (default {default})" if default else ""))
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--test-fraction", type=float, metavar="F",
                        help="share of inputs to test on (random, length, template: default 0.2; mcd: 0.1)")
    parser.add_argument("--train-fraction", type=float, metavar="F", help="mcd: share of inputs to train on (0.4)")
    parser.add_argument("--length-of", choices=("source", "target"), help="length: measure inputs or outputs "
                                                                          "(default target)")
    parser.add_argument("--word", help="primitive: the word seen only alone in training (default: seeded choice)")
    parser.add_argument("--pattern", help="template: words held out together, '*' for any word "
                                          "(default: a word pair chosen by coverage)")


def _load(args: argparse.Namespace) -> Task:
    return load_task(args.task, args.data_dir, parse_options(getattr(args, "option", [])))


def cmd_list(args: argparse.Namespace) -> int:
    names = task_names(args.family)
    if not names:
        raise UsageError(f"no task in family {args.family!r}")
    width = max(len(n) for n in names)
    for name in names:
        spec = task_spec(name)
        print(f"{name:<{width}}  {spec.generalization.value:<14} {spec.summary}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    task = _load(args)
    print(f"{task.name}  (version {task.version})")
    print(f"  generalization: {task.generalization.value}")
    print(f"  {task.description}")
    if task.source:
        print(f"  source: {task.source}")
    for label, value in task.references:
        print(f"  reference: {label} = {value:.1%}")
    print(f"  train: {len(task.train)} examples, test: {len(task.test)} examples")
    for split, examples in (("train", task.train), ("test", task.test)):
        print(f"\n{split} (first {min(args.n, len(examples))}):")
        for ex in examples[: args.n]:
            print(f"  {ex.line()}" + (f"   [{ex.category}]" if ex.category else ""))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    stats = task_statistics(_load(args))
    print(json.dumps(stats, indent=2) if args.json else render_statistics(stats))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _check_out(Path(args.out))
    task = _load(args)
    written = export_task(task, Path(args.out), args.format)
    for path in written:
        print(path)
    return 0


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a directory")


def export_task(task: Task, out: Path, fmt: str, extra: dict[str, str] | None = None) -> list[Path]:
    """Write train and test files of ``task`` (and ``extra`` files) under ``out``; nothing is written on error."""
    _check_out(out)
    ext = EXTENSIONS[fmt]
    texts = {out / f"{split}.{ext}": format_examples(examples, fmt)
             for split, examples in (("train", task.train), ("test", task.test))}
    texts.update({out / name: text for name, text in (extra or {}).items()})
    for path, text in texts.items():
        atomic_write_text(path, text)
    return list(texts)


def _split_params(args: argparse.Namespace) -> dict[str, Any]:
    given = {"seed": args.seed, "test_fraction": args.test_fraction, "train_fraction": args.train_fraction,
             "of": args.length_of, "word": args.word, "pattern": args.pattern}
    accepted = {"random": ("seed", "test_fraction"), "length": ("test_fraction", "of"),
                "primitive": ("word", "seed"), "template": ("pattern", "test_fraction"),
                "mcd": ("seed", "train_fraction", "test_fraction")}[args.by]
    flags = {"test_fraction": "--test-fraction", "train_fraction": "--train-fraction", "of": "--length-of",
             "word": "--word", "pattern": "--pattern"}
    for key, flag in flags.items():
        if given[key] is not None and key not in accepted:
            raise UsageError(f"{flag} does not apply to the {args.by} split")
    return {k: given[k] for k in accepted}


def _progress(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="mcd", unit="input", disable=None, leave=False)


def _write_split(task: Task, split: Split, args: argparse.Namespace, origin: dict[str, Any]) -> int:
    summary = {**origin, "task": task.name, "version": task.version, **split.summary()}
    written = export_task(task, Path(args.out), args.format, {"split.json": json.dumps(summary, indent=2) + "\n"})
    for path in written:
        print(path)
    print(f"{split.by} split: {len(split.train)} train, {len(split.test)} test; atom divergence "
          f"{split.atom_divergence:.4f}, compound divergence {split.compound_divergence:.4f}")
    return 0


def _split(examples: tuple[Any, ...], args: argparse.Namespace) -> Split:
    params = _split_params(args)
    if args.by != "mcd":
        return make_split(args.by, examples, **params)
    n_inputs = len({ex.source for ex in examples})
    with _progress(round(n_inputs * (params["train_fraction"] or 0.4))
                   + round(n_inputs * (params["test_fraction"] or 0.1))) as bar:
        return make_split("mcd", examples, progress=bar.update, **params)


def cmd_split(args: argparse.Namespace) -> int:
    _check_out(Path(args.out))
    if Path(args.task).is_file():
        examples = read_examples(args.task, None, prefix="ex")
        base = Task(f"file:{Path(args.task).name}", "file", examples, (), KINDS["random"], "", "")
    else:
        base = _load(args)
        examples = pool(base)
    split = _split(examples, args)
    return _write_split(split_task(base, split), split, args, {"source": args.task})


def cmd_generate(args: argparse.Namespace) -> int:
    from sandbox.tasks.grammar_toml import generate_examples, grammar_task, load_grammar

    _check_out(Path(args.out))
    if args.n < 2:
        raise UsageError("--n must be at least 2 (one train and one test example)")
    spec = load_grammar(args.grammar)
    examples = generate_examples(spec, args.n, args.seed)
    split = _split(examples, args)
    task = split_task(grammar_task(spec, examples), split)
    return _write_split(task, split, args, {"grammar": args.grammar, "generated": len(examples)})
