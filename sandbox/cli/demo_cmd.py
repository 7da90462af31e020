"""``sandbox demo``: the main job on the embedded default (what ``make demo`` runs)."""

from __future__ import annotations

import argparse

from sandbox.stats import render_statistics, task_statistics
from sandbox.tasks.registry import load_task, task_names, task_spec


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the main job on the embedded default data",
                       description="List the tasks and describe every SCAN split built from the grammar.")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    print("Registered tasks:")
    for name in task_names():
        print(f"  {name:34} {task_spec(name).summary}")
    for name in task_names("scan"):
        if task_spec(name).needs_files:
            continue  # needs outside data; the demo runs on the embedded default only
        print()
        print(render_statistics(task_statistics(load_task(name))))
    return 0
