"""``sandbox tasks``: list, show, describe and export tasks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sandbox.cli.common import add_data_dir
from sandbox.data import Task
from sandbox.errors import UsageError
from sandbox.formats import atomic_write_text, format_examples
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
    p.set_defaults(handler=cmd_show)

    p = tsub.add_parser("stats", help="sizes, vocabularies and length distributions")
    p.add_argument("task")
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")
    add_data_dir(p)
    p.set_defaults(handler=cmd_stats)

    p = tsub.add_parser("export", help="write a task's train and test files")
    p.add_argument("task")
    p.add_argument("--out", required=True, metavar="DIR", help="directory for train/test files")
    p.add_argument("--format", choices=sorted(EXTENSIONS), default="scan",
                   help="scan (IN: ... OUT: ...), jsonl or cogs (TSV); default scan")
    add_data_dir(p)
    p.set_defaults(handler=cmd_export)


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
    task = load_task(args.task, args.data_dir)
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
    stats = task_statistics(load_task(args.task, args.data_dir))
    print(json.dumps(stats, indent=2) if args.json else render_statistics(stats))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    task = load_task(args.task, args.data_dir)
    written = export_task(task, Path(args.out), args.format)
    for path in written:
        print(path)
    return 0


def export_task(task: Task, out: Path, fmt: str) -> list[Path]:
    """Write train and test files of ``task`` under ``out``; nothing is written on error."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a directory")
    ext = EXTENSIONS[fmt]
    texts = {out / f"{split}.{ext}": format_examples(examples, fmt)
             for split, examples in (("train", task.train), ("test", task.test))}
    for path, text in texts.items():
        atomic_write_text(path, text)
    return list(texts)
