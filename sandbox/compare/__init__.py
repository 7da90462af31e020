"""The comparator: run learners side by side on the same tasks and report how each generalizes.

- :mod:`.config`: cells (task, learner, seed, params) and the comparator's settings;
- :mod:`.runner`: fit, predict and measure one cell (running many, resumably,
  is :mod:`sandbox.bench.run`'s job);
- :mod:`.metrics`, :mod:`.attribution`, :mod:`.geometry`: what is measured;
- :mod:`.results`: merge cells into ``results.json`` (its schema is documented there);
- :mod:`.tables`, :mod:`.plots`, :mod:`.report_md`, :mod:`.report_html`,
  :mod:`.reports`: the reports, rendered from ``results.json`` alone.

The comparator talks to learners only through the protocol and the registry.
Names are imported lazily (scipy and matplotlib take seconds to import, and
every CLI command loads this package's command module).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Cell": "config",
    "CompareConfig": "config",
    "plan_cells": "config",
    "run_cell": "runner",
    "merge_cells": "results",
    "read_results": "results",
    "without_timing": "results",
    "write_results": "results",
    "render_html": "report_html",
    "render_markdown": "report_md",
    "write_reports": "reports",
}

if TYPE_CHECKING:
    from sandbox.compare.config import Cell, CompareConfig, plan_cells
    from sandbox.compare.report_html import render_html
    from sandbox.compare.report_md import render_markdown
    from sandbox.compare.reports import write_reports
    from sandbox.compare.results import merge_cells, read_results, without_timing, write_results
    from sandbox.compare.runner import run_cell


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sandbox.compare' has no attribute {name!r}")
    return getattr(importlib.import_module(f"sandbox.compare.{_EXPORTS[name]}"), name)


__all__ = [
    "Cell",
    "CompareConfig",
    "merge_cells",
    "plan_cells",
    "read_results",
    "render_html",
    "render_markdown",
    "run_cell",
    "without_timing",
    "write_reports",
    "write_results",
]
