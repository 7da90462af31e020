"""``report.html``: a self-contained page (inline CSS, plots as base64 PNGs, no script) from ``results.json``.

Every string that comes from task data, learner names or results passes
through :func:`html.escape` (the :func:`esc` helper); nothing is inserted raw
except the fixed markup of this module and base64 image data.

>>> esc("<script>alert(1)</script>")
'&lt;script&gt;alert(1)&lt;/script&gt;'
"""

from __future__ import annotations

import html
from typing import Any

from sandbox.compare.plots import suite_plot, task_plots
from sandbox.compare.report_md import provenance
from sandbox.compare.tables import (
    Table,
    attribution_text,
    references_line,
    showcase,
    summary_table,
    task_tables,
)

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
table { border-collapse: collapse; margin: 0.5em 0 0.3em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
p.note { font-size: 0.85em; color: #555; max-width: 75em; }
figure { display: inline-block; margin: 0.5em; }
figcaption { font-size: 0.85em; color: #444; }
.side { display: flex; flex-wrap: wrap; gap: 1em; margin-bottom: 1.5em; }
.answer { border: 1px solid #ddd; border-radius: 4px; padding: 0.5em 0.8em; min-width: 18em; }
.right { color: #176117; } .wrong { color: #9b1c1c; } .abstained { color: #666; }
pre { background: #f7f7f7; padding: 0.5em; font-size: 0.8em; overflow-x: auto; }
code { background: #f4f4f4; }
"""


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def html_table(table: Table) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in table.header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    anchor = f' id="{esc(table.anchor)}"' if table.anchor else ""
    parts = [f"<h3>{esc(table.title)}</h3>",
             f"<table{anchor}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"]
    if table.note:
        parts.append(f'<p class="note">{esc(table.note)}</p>')
    return "\n".join(parts)


def _answer(ans: dict[str, Any]) -> str:
    if ans["prediction"] is None:
        verdict, text = "abstained", ans["reason"] or ""
    else:
        verdict, text = ("right" if ans["correct"] else "wrong"), ans["prediction"]
    level = "" if ans["relaxation_level"] is None else f", relaxation level {esc(ans['relaxation_level'])}"
    if ans.get("equivalent") and not ans["correct"]:
        level += ", equivalent in meaning"
    parts = [f'<div class="answer"><b>{esc(ans["learner"])}</b> '
             f'<span class="{verdict}">({verdict}{level})</span><br><code>{esc(text)}</code>']
    if ans["derivation"]:
        parts.append(f"<pre>{esc(ans['derivation'])}</pre>")
    else:
        attributed = attribution_text(ans)
        if attributed:
            parts.append(f"<pre>attribution (output &lt;- input word):\n{esc(attributed)}</pre>")
    parts.append("</div>")
    return "".join(parts)


def _task_section(results: dict[str, Any], task: str, index: int) -> str:
    info = results["tasks"][task]
    parts = [f'<section id="task-{index}"><h2>Task {esc(task)}</h2>',
             f"<p>Version {esc(info['version'])}, generalization: {esc(info['generalization'])}; "
             f"{esc(info['n_train'])} training and {esc(info['n_test'])} test examples. "
             f"{esc(info['description'])}</p>"]
    refs = references_line(results, task)
    if refs:
        parts.append(f'<p class="references">Reference figures from the literature: {esc(refs)}.</p>')
    for caption, png in task_plots(results, task):
        parts.append(f'<figure><img alt="{esc(caption)}" src="data:image/png;base64,{png}">'
                     f"<figcaption>{esc(caption)}</figcaption></figure>")
    parts += [html_table(t) for t in task_tables(results, task)]
    items = showcase(results, task)
    if items:
        parts.append("<h3>Example answers side by side</h3>")
    for item in items:
        parts.append(f"<p><b>Input:</b> <code>{esc(item['input'])}</code><br>"
                     f"<b>Gold:</b> <code>{esc(item['gold'])}</code></p>")
        parts.append('<div class="side">' + "".join(_answer(a) for a in item["answers"]) + "</div>")
    parts.append("</section>")
    return "\n".join(parts)


def contents(results: dict[str, Any]) -> str:
    """A list linking the summary and every task's section."""
    items = ['<li><a href="#summary-section">Summary</a></li>']
    items += [f'<li><a href="#task-{i}">{esc(task)}</a></li>' for i, task in enumerate(results["task_names"])]
    return '<nav><h2>Contents</h2><ul class="contents">' + "".join(items) + "</ul></nav>"


def render_html(results: dict[str, Any]) -> str:
    """The whole report page: contents, the suite figure and summary table, then one section per task."""
    summary = summary_table(results)
    figure = suite_plot(results)
    caption = "The suite at a glance: OOD exact match per task and learner; ✓ where traceability is 100%"
    body = [
        "<h1>Comparison report</h1>",
        f'<p class="note">{esc(provenance(results))}</p>',
        contents(results),
        '<h2 id="summary-section">Summary</h2>',
        "" if figure is None else f'<figure><img alt="{esc(caption)}" src="data:image/png;base64,{figure}">'
                                  f"<figcaption>{esc(caption)}</figcaption></figure>",
        html_table(Table("Rows: tasks; columns: learners", summary.header, summary.rows, summary.note,
                         anchor="summary")),
    ]
    body += [_task_section(results, task, i) for i, task in enumerate(results["task_names"])]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Comparison report</title>"
            f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
