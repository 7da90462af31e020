"""``report.md``: the comparison as Markdown, from ``results.json`` alone (tables from :mod:`.tables`).

>>> md_table(Table("T", ["a", "b"], [["1", "x|y"]]))
'| a | b |\\n|---|---|\\n| 1 | x\\\\|y |'
"""

from __future__ import annotations

from typing import Any

from sandbox.compare.tables import (
    Table,
    attribution_text,
    references_line,
    showcase,
    summary_table,
    task_tables,
)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def md_table(table: Table) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in table.header) + " |",
             "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def _indented(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def provenance(results: dict[str, Any]) -> str:
    env = results["environment"]
    packages = ", ".join(f"{k} {v}" for k, v in sorted(env["packages"].items()))
    config = results["config"]
    return (f"sandbox {env['sandbox_version']}, Python {env['python']}, {packages}; "
            f"git commit {env['git_commit'] or 'unknown'}. Held-out slice: {100 * config['heldout_fraction']:g}% "
            f"of the distinct training inputs (at most {config['heldout_max']}, seed {config['heldout_seed']}); "
            f"bootstrap: {config['bootstrap_resamples']} resamples (seed {config['bootstrap_seed']}).")


def render_markdown(results: dict[str, Any]) -> str:
    """The whole report: summary table first, then one section per task."""
    out = ["# Comparison report", "", provenance(results), "", "## Summary", "",
           md_table(summary_table(results)), "", summary_table(results).note, ""]
    for task in results["task_names"]:
        info = results["tasks"][task]
        out += [f"## Task {task}", "",
                f"Version {info['version']}, generalization: {info['generalization']}; "
                f"{info['n_train']} training and {info['n_test']} test examples. {info['description']}", ""]
        refs = references_line(results, task)
        if refs:
            out += [f"Reference figures from the literature: {refs}.", ""]
        for table in task_tables(results, task):
            out += [f"### {table.title}", "", md_table(table), ""]
            if table.note:
                out += [table.note, ""]
        items = showcase(results, task)
        if items:
            out += ["### Example answers side by side", ""]
        for item in items:
            out += [f"**Input:** `{item['input']}`  ", f"**Gold:** `{item['gold']}`", ""]
            for ans in item["answers"]:
                verdict = "abstained" if ans["prediction"] is None else ("right" if ans["correct"] else "wrong")
                if ans.get("equivalent") and not ans["correct"]:
                    verdict += ", equivalent in meaning"
                level = "" if ans["relaxation_level"] is None else f", relaxation level {ans['relaxation_level']}"
                answer = ans["prediction"] if ans["prediction"] is not None else ans["reason"] or ""
                out += [f"- {ans['learner']} ({verdict}{level}): `{answer}`"]
                attributed = attribution_text(ans)
                if ans["derivation"]:
                    out += ["", _indented(ans["derivation"]), ""]
                elif attributed:
                    out += [f"  - attribution: `{attributed}`"]
            out += [""]
    return "\n".join(out).rstrip() + "\n"
