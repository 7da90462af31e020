"""``sandbox``: the command-line entry point.

Each command lives in its own module with a ``register(subparsers)`` function.
Errors that are the user's (bad usage, bad input, missing data) end with one
message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sandbox import __version__
from sandbox.errors import SandboxError


def build_parser() -> argparse.ArgumentParser:
    from sandbox.cli import bench_cmd, check_cmd, compare_cmd, demo_cmd, eval_cmd, tasks_cmd

    parser = argparse.ArgumentParser(
        prog="sandbox",
        description="Symbolic-versus-vector generalization sandbox: tasks, learners, comparisons.",
    )
    parser.add_argument("--version", action="version", version=f"sandbox {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (tasks_cmd, eval_cmd, compare_cmd, bench_cmd, check_cmd, demo_cmd):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.handler(args)
    except SandboxError as err:
        print(f"sandbox: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("sandbox: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
