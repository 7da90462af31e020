"""Write ``report.md`` and ``report.html`` next to ``results.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.compare.report_html import render_html
from sandbox.compare.report_md import render_markdown
from sandbox.formats import atomic_write_text


def write_reports(out_dir: str | Path, results: dict[str, Any]) -> list[Path]:
    """Write ``report.md`` and ``report.html`` for ``results`` under ``out_dir``; return their paths."""
    out = Path(out_dir)
    md, page = out / "report.md", out / "report.html"
    atomic_write_text(md, render_markdown(results))
    atomic_write_text(page, render_html(results))
    return [md, page]
