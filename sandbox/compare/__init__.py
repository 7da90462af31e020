"""The comparator: run learners side by side on the same tasks and report how each generalizes.

- :mod:`.config`: cells (task, learner, seed, params) and the comparator's settings;
- :mod:`.runner`: fit, predict and measure one cell; run a list of cells,
  writing each finished one atomically (resumable);
- :mod:`.metrics`, :mod:`.attribution`, :mod:`.geometry`: what is measured;
- :mod:`.results`: merge cells into ``results.json`` (its schema is documented there);
- :mod:`.tables`, :mod:`.plots`, :mod:`.report_md`, :mod:`.report_html`: the
  reports, rendered from ``results.json`` alone.

The comparator talks to learners only through the protocol and the registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.compare.config import Cell, CompareConfig, plan_cells
from sandbox.compare.report_html import render_html
from sandbox.compare.report_md import render_markdown
from sandbox.compare.results import merge_cells, read_results, without_timing, write_results
from sandbox.compare.runner import run_cell, run_cells
from sandbox.formats import atomic_write_text


def write_reports(out_dir: str | Path, results: dict[str, Any]) -> list[Path]:
    """Write ``report.md`` and ``report.html`` for ``results`` under ``out_dir``; return their paths."""
    out = Path(out_dir)
    md, page = out / "report.md", out / "report.html"
    atomic_write_text(md, render_markdown(results))
    atomic_write_text(page, render_html(results))
    return [md, page]


__all__ = [
    "Cell",
    "CompareConfig",
    "merge_cells",
    "plan_cells",
    "read_results",
    "render_html",
    "render_markdown",
    "run_cell",
    "run_cells",
    "without_timing",
    "write_reports",
    "write_results",
]
