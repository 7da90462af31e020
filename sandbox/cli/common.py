"""Options and helpers shared by several commands."""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from sandbox.data import Generalization, Task
from sandbox.errors import UsageError
from sandbox.formats import FORMATS, read_examples
from sandbox.registry import learner_parameters
from sandbox.tasks.registry import load_task


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="root of outside data files (SCAN MCD, COGS); default: $SANDBOX_DATA",
    )


def add_task_source(parser: argparse.ArgumentParser, *, need_test: bool = True) -> None:
    """``--task TASK`` or ``--train FILE [--test FILE]``, plus ``--format`` and ``--data-dir``."""
    parser.add_argument("--task", metavar="TASK", help="a registered task, e.g. scan/addprim_jump")
    parser.add_argument("--train", metavar="FILE", help="training file (SCAN lines, COGS TSV or JSONL)")
    parser.add_argument("--test", metavar="FILE", help="test file, same formats" if need_test else argparse.SUPPRESS)
    parser.add_argument("--format", choices=FORMATS, help="file format (default: from the extension)")
    add_task_options(parser)
    add_data_dir(parser)


def add_task_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a task option, e.g. size=paper for PCFG SET (repeatable)")


def parse_options(items: list[str]) -> dict[str, str]:
    """``["size=paper"]`` -> ``{"size": "paper"}``; a malformed item is a usage error."""
    options: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--option {item!r}: expected KEY=VALUE, e.g. size=paper")
        options[key.strip()] = value.strip()
    return options


def task_from_args(args: argparse.Namespace, *, need_test: bool = True) -> Task:
    """The task named by ``--task``, or built from ``--train``/``--test`` files."""
    if args.task and (args.train or getattr(args, "test", None)):
        raise UsageError("give either --task or --train/--test, not both")
    if args.task:
        return load_task(args.task, args.data_dir, parse_options(getattr(args, "option", [])))
    if not args.train:
        raise UsageError("give --task TASK or --train FILE" + (" --test FILE" if need_test else ""))
    test_file = getattr(args, "test", None)
    if need_test and not test_file:
        raise UsageError("--train FILE needs --test FILE")
    return task_from_files(args.train, test_file, args.format)


def task_from_files(train_file: str, test_file: str | None, fmt: str | None = None) -> Task:
    """A task built from user files; its version is a digest of their bytes."""
    train = read_examples(train_file, fmt, prefix="train")
    test = read_examples(test_file, fmt, prefix="test") if test_file else ()
    digest = hashlib.sha256()
    for f in (train_file, test_file):
        if f:
            digest.update(Path(f).read_bytes())
    return Task(
        name=f"file:{Path(train_file).name}" + (f"+{Path(test_file).name}" if test_file else ""),
        version=f"sha256:{digest.hexdigest()[:16]}",
        train=train,
        test=test,
        generalization=Generalization.MIXED,
        description=f"user files {train_file}" + (f" and {test_file}" if test_file else ""),
    )


def add_limits(parser: argparse.ArgumentParser, test: bool = True) -> None:
    """``--train-limit N`` and ``--test-limit N``: a quick look at a large task on a slice of it."""
    parser.add_argument("--train-limit", type=int, metavar="N",
                        help="train on the first N training examples only (file order; the task's version "
                             "records the slice, so results of a slice are never mistaken for the whole)")
    if test:
            parser.add_argument("--test-limit", type=int, metavar="N",
                            help="test on the first N test examples only (file order; recorded likewise)")


def limited(task: Task, train_limit: int | None, test_limit: int | None) -> Task:
    """``task`` cut to its first ``train_limit`` training and ``test_limit`` test examples (``None``: all).

    >>> from sandbox.data import Example
    >>> task = Task("t", "1.0", (Example.of("a", "A"),) * 5, (Example.of("b", "B"),) * 3, Generalization.IID)
    >>> cut = limited(task, 2, None)
    >>> len(cut.train), len(cut.test), cut.version
    (2, 3, '1.0+train:2')
    """
    for flag, value in (("--train-limit", train_limit), ("--test-limit", test_limit)):
        if value is not None and value < 1:
            raise UsageError(f"{flag} must be at least 1")
    cuts = [f"{side}:{n}" for side, n, full in (("train", train_limit, task.train), ("test", test_limit, task.test))
            if n is not None and n < len(full)]
    if not cuts:
        return task
    train = task.train[:train_limit] if train_limit is not None else task.train
    test = task.test[:test_limit] if test_limit is not None else task.test
    sliced = f"first {len(train)} of {len(task.train)} training and {len(test)} of {len(task.test)} test examples"
    return replace(task, train=train, test=test, version=f"{task.version}+{'+'.join(cuts)}",
                   description=f"{task.description} (a slice: {sliced})".strip())


def add_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", type=int, default=0, metavar="N",
                        help="when another run is writing --out, look again up to N times, one second apart, "
                             "before giving up (default 0: refuse at once)")


def parse_value(raw: str) -> Any:
    """``3`` -> 3, ``0.5`` -> 0.5, ``true``/``false`` -> bool, ``none`` -> None, else a string.

    >>> [parse_value(v) for v in ("3", "0.5", "True", "none", "cpu")]
    [3, 0.5, True, None, 'cpu']
    """
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    for convert in (int, float):
        try:
            return convert(raw)
        except ValueError:
            pass
    return raw


def learner_params_from_args(args: argparse.Namespace, options: dict[str, str]) -> dict[str, Any]:
    """The constructor parameters that ``args`` give ``args.learner``: its ``options`` (parameter -> flag)
    and every ``--param KEY=VALUE``.

    A flag or key the learner does not take is a usage error, never ignored, except ``--seed`` for a
    deterministic learner, which only earns a note.
    """
    accepted = set(learner_parameters(args.learner))
    params: dict[str, Any] = {}
    for key, flag in options.items():
        value = getattr(args, key, None)
        if value is None:
            continue
        if key == "seed" and key not in accepted:
            print(f"sandbox: note: learner {args.learner!r} is deterministic; --seed has no effect",
                  file=sys.stderr)
            continue
        if key not in accepted:
            raise UsageError(f"{flag} does not apply to learner {args.learner!r}")
        params[key] = value
    for item in args.param:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param expects KEY=VALUE, got {item!r}")
        params[key.replace("-", "_")] = parse_value(raw)
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise UsageError(f"learner {args.learner!r} takes no parameter {', '.join(map(repr, unknown))} "
                         f"(it takes: {', '.join(sorted(accepted)) or 'none'})")
    return params
