"""The report's tables, built once from ``results.json`` and rendered by both Markdown and HTML.

Both renderers print exactly these strings, so the figures in ``report.md``
and ``report.html`` cannot disagree with each other, and each is formatted
from one number of ``results.json`` by :func:`pct`.

>>> pct(0.8071), pct(None)
('80.7%', 'n/a')
>>> with_ci({"mean": 0.5, "std": None, "ci": [0.45, 0.55]})
'50.0% [45.0, 55.0]'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.compare.human_errors import CLASSES as HUMAN_CLASSES
from sandbox.compare.human_errors import REFERENCES as HUMAN_REFERENCES
from sandbox.compare.metrics import ERROR_CLASSES


@dataclass(frozen=True)
class Table:
    """A titled table of strings; ``note`` is a sentence printed under it."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    anchor: str = field(default="", compare=False)


SEMANTIC_NOTE = ("semantic: the task's semantic judge (equal to the gold up to the order of conjuncts and a "
                 "consistent renaming of variables, after ReCOGS, Wu et al. 2023), beside the official exact match, "
                 "which stays the headline.")


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def with_ci(stat: dict[str, Any] | None) -> str:
    """``mean [low, high]`` in percent, or ``n/a``."""
    if not stat:
        return "n/a"
    low, high = stat["ci"]
    return f"{pct(stat['mean'])} [{100 * low:.1f}, {100 * high:.1f}]"


def with_std(stat: dict[str, Any] | None) -> str:
    """``mean ± std`` in percent (just the mean with one seed), or ``n/a``."""
    if not stat:
        return "n/a"
    if stat.get("std") is None:
        return pct(stat["mean"])
    return f"{pct(stat['mean'])} ± {100 * stat['std']:.1f}"


def mean_pct(stat: dict[str, Any] | None) -> str:
    """The mean of a ``{"mean", "std"}`` statistic in percent, or ``n/a``."""
    return "n/a" if not stat else pct(stat["mean"])


def share(counts: dict[str, int] | None, key: str = "correct") -> str:
    """``correct / n`` as a percent with the count, or an em dash for an empty group (or a missing count)."""
    if not counts or not counts.get("n") or key not in counts:
        return "—"
    return f"{pct(counts[key] / counts['n'])} ({counts['n']})"


def rows_for(results: dict[str, Any], task: str) -> list[dict[str, Any]]:
    return [row for row in results["summary"] if row["task"] == task]


def summary_table(results: dict[str, Any]) -> Table:
    """Rows tasks, columns learners; each cell: OOD accuracy with its CI, and traceability."""
    learners = results["learners"]
    by_key = {(r["task"], r["learner"]): r for r in results["summary"]}
    with_refs = any(results["tasks"][t]["references"] for t in results["task_names"])
    rows = []
    for task in results["task_names"]:
        cells = [task]
        for learner in learners:
            row = by_key.get((task, learner))
            semantic = "" if row is None or "semantic_match" not in row else \
                f" · semantic {with_ci(row['semantic_match'])}"
            cells.append("—" if row is None else
                         f"OOD {with_ci(row['exact_match'])}{semantic} · trace {mean_pct(row['traceability'])}")
        if with_refs:
            cells.append(references_line(results, task) or "—")
        rows.append(cells)
    header = ["task", *learners, *(["reference figures"] if with_refs else [])]
    return Table("Summary", header, rows,
                 "OOD: exact match on the test split, mean over seeds with a 95% bootstrap interval; "
                 + (SEMANTIC_NOTE + " " if any("semantic_match" in r for r in results["summary"]) else "")
                 + "trace: traceability (answers whose derivation replays and cites training evidence).",
                 anchor="summary")


def has_semantic(results: dict[str, Any], task: str) -> bool:
    """Whether the task's rows carry the semantic judge's figures (a task with a semantic judge)."""
    return any("semantic_match" in row for row in rows_for(results, task))


def accuracy_table(results: dict[str, Any], task: str) -> Table:
    semantic = has_semantic(results, task)
    header = ["learner", "seeds", "test exact match [95% CI]", "± std over seeds",
              *(["semantic match [95% CI]"] if semantic else []), "held-out exact match [95% CI]",
              "gap (held-out − test)", "token accuracy", "coverage", "traceability", "attribution fidelity"]
    rows = []
    for row in rows_for(results, task):
        attr = row["attribution"]
        fidelity = row["attribution_fidelity"]
        gap = row["generalization_gap"]
        rows.append([
            row["learner"],
            ", ".join(str(s) for s in row["seeds"]),
            with_ci(row["exact_match"]),
            "n/a" if row["exact_match"]["std"] is None else f"{100 * row['exact_match']['std']:.1f}",
            *([with_ci(row.get("semantic_match"))] if semantic else []),
            with_ci(row["heldout_exact_match"]),
            "n/a" if gap is None else f"{100 * gap['mean']:+.1f} pts",
            with_std(row["token_accuracy"]),
            with_std(row["coverage"]),
            with_std(row["traceability"]),
            "n/a" if fidelity is None else f"{with_std(fidelity)} ({attr['n_held']}/{attr['n_assessable']})",
        ])
    return Table("Accuracy, traceability and attribution fidelity", header, rows,
                 (SEMANTIC_NOTE + " " if semantic else "")
                 + "Attribution fidelity counts swaps held / assessable, summed over seeds; "
                 f"{swap_sentence(results, task)}")


def swap_sentence(results: dict[str, Any], task: str) -> str:
    rows = rows_for(results, task)
    if not rows:
        return ""
    attr = rows[0]["attribution"]
    kinds = attr.get("kinds") or {}
    described = "; ".join(f"{k}: {', '.join(words)}" for k, words in kinds.items()) or "none found"
    per_cell = attr["n_swaps"] // max(1, len(rows[0]["seeds"]))
    return (f"{per_cell} swaps per cell (seed {results['config']['swap_seed']}), "
            f"same-kind words from training ({described}).")


def relaxation_table(results: dict[str, Any], task: str) -> Table | None:
    rows_in = [r for r in rows_for(results, task) if r["relaxation"]["has_levels"]]
    if not rows_in:
        return None
    levels = sorted({k for r in rows_in for k in r["relaxation"]["levels"] if k != "abstained"}, key=int)
    header = ["learner", *[f"level {k}" for k in levels], "abstained"]
    rows = []
    for row in rows_in:
        got = row["relaxation"]["levels"]
        cells = [row["learner"]]
        for k in levels:
            counts = got.get(k)
            cells.append("0" if not counts else f"{counts['n']} ({pct(counts['correct'] / counts['n'])} right)")
        cells.append(str(got.get("abstained", {}).get("n", 0)))
        rows.append(cells)
    return Table("Symbolic side: relaxation level per answer", header, rows,
                 "Answers per relaxation level, summed over seeds, with the accuracy at each level.")


SPACES = (("geometry", "encoder"), ("decoder_geometry", "decoder, 1st step"))


def vector_spaces(results: dict[str, Any], task: str) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    """``(row, space label, pooled geometry)`` for every learner of ``task`` and every space it was analysed in.

    The encoder's space is the mean of the encoder states; the decoder's is
    its state when it chooses the first output token (see the learners'
    ``first_output_state``). Records written before the decoder analysis
    have no ``decoder_geometry`` and show the encoder only.
    """
    return [(row, label, row[field]) for row in rows_for(results, task) for field, label in SPACES
            if row.get(field)]


def distance_table(results: dict[str, Any], task: str) -> Table | None:
    spaces = vector_spaces(results, task)
    if not spaces:
        return None
    header = ["learner", "space", "dim", "median distance (test)", "median distance (held-out)",
              *[f"decile {d}" for d in range(1, 11)]]
    rows = []
    for row, label, geo in spaces:
        deciles = {d["decile"]: d for d in geo["deciles"]}
        held = geo["heldout_median_distance"]
        rows.append([row["learner"], label, str(geo["dim"]), f"{geo['test_median_distance']:.2f}",
                     "n/a" if held is None else f"{held:.2f}",
                     *[share(deciles.get(d)) for d in range(1, 11)]])
    return Table("Neural side: distance to the training set", header, rows,
                 "Distance of each input's vector to the nearest training vector, in units of the "
                 "median nearest-neighbour distance within training; deciles of the test distances with the "
                 "accuracy (and number of items) in each. Encoder: the mean of the encoder states; decoder, "
                 "1st step: the decoder's state when it chooses the first output token (the vector its output "
                 "layer reads then).")


def hull_table(results: dict[str, Any], task: str) -> Table | None:
    spaces = vector_spaces(results, task)
    if not spaces:
        return None
    ks = sorted({int(k) for _, _, geo in spaces for k in geo["hull"].get("test", {})})
    header = ["learner", "space", *[f"k={k}" for k in ks]]
    rows = []
    for row, label, geo in spaces:
        hull = geo["hull"]
        cells = [row["learner"], label]
        for k in ks:
            test = hull.get("test", {}).get(str(k))
            held = hull.get("heldout", {}).get(str(k))
            text = _hull_share(test)
            if held:
                text += f"; held-out {_hull_share(held)}"
            cells.append(text)
        rows.append(cells)
    dims = sorted({geo["dim"] for _, _, geo in spaces})
    first = spaces[0][2]
    tol = first.get("hull_inside_tol")
    return Table("Neural side: share inside the convex hull of the training vectors", header, rows,
                 f"Every test and held-out point against every training vector (no sampling), after projection "
                 f"onto the top-k principal components of the training vectors; k equal to the dimension "
                 f"({', '.join(map(str, dims))}) is the full space (Balestriero, Pesenti & LeCun 2021). Points "
                 f"(summed over seeds) in parentheses; {first['hull_train_used']} training vectors "
                 f"span the hull. Each answer carries a certificate, saved under certificates/ and re-checked "
                 f"against every training vector: inside, convex weights reproducing the point within "
                 f"{tol if tol is not None else 'n/a'} x its largest absolute coordinate; outside, a separating "
                 f"hyperplane. 'undecided' counts points neither certificate was found for within the budget.")


def _hull_share(counts: dict[str, int] | None) -> str:
    """Share inside with the number of points, and the undecided ones if any."""
    text = share(counts, "inside")
    if counts and counts.get("undecided"):
        text += f", {counts['undecided']} undecided"
    return text


def ratio(num: int, den: int) -> str:
    """``num / den`` as a percent with the denominator, or an em dash when it is zero."""
    return "—" if not den else f"{pct(num / den)} ({den})"


def routing_rows(row: dict[str, Any]) -> list[tuple[int, dict[str, int]]]:
    """A hybrid's routing counts per symbolic cap, in cap order."""
    return sorted(((int(c), v) for c, v in (row.get("routing") or {}).items()), key=lambda cv: cv[0])


def hybrid_table(results: dict[str, Any], task: str) -> Table | None:
    rows_in = [r for r in rows_for(results, task) if r.get("routing")]
    if not rows_in:
        return None
    rows = []
    for row in rows_in:
        for cap, c in routing_rows(row):
            rows.append([row["learner"], str(cap), ratio(c["symbolic"], c["n"]),
                         ratio(c["symbolic_correct"], c["symbolic"]), ratio(c["routed_correct"], c["routed"]),
                         ratio(c["correct"], c["n"])])
    return Table("Hybrid: symbolic where it answers within the cap, neural elsewhere",
                 ["learner", "symbolic cap", "symbolic coverage", "symbolic precision",
                  "neural accuracy on routed items", "combined accuracy"], rows,
                 "Test items, summed over seeds (number of items in parentheses). Symbolic coverage: share "
                 "answered by the symbolic learner within the relaxation cap; precision: its exact match on "
                 "those; routed items go to the neural learner (one fit, shared by every cap). Traceability "
                 "counts only symbolic answers (a neural answer has no derivation). After NQG-T5 "
                 "(Shaw et al. 2021).")


def human_errors_table(results: dict[str, Any], task: str) -> Table | None:
    rows_in = [r for r in rows_for(results, task) if r.get("human_errors")]
    if not rows_in:
        return None
    rows = []
    for row in rows_in:
        c = row["human_errors"]
        rows.append([row["learner"], str(c["errors"]), ratio(c["one_to_one"], c["errors"]),
                     ratio(c["iconic"], c["reordered_errors"]), ratio(c["me_violation"], c["errors"])])
    for label, ref in HUMAN_REFERENCES.get(task, []):
        rows.append([label, "—", *[pct(ref[k]) if ref[k] is not None else "not reported"
                                   for k in ("one_to_one", "iconic", "me_violation")]])
    return Table("Error classes people make (Lake & Baroni 2023)",
                 ["learner", "wrong answers", "one-to-one translation", "iconic concatenation (reordered items)",
                  "mutual-exclusivity violation"], rows,
                 "Shares of wrong answered test items (denominator in parentheses; summed over seeds; classes may "
                 "overlap). " + " ".join(f"{HUMAN_CLASSES[k][0].upper()}{HUMAN_CLASSES[k][1:]}." for k in HUMAN_CLASSES)
                 + " A primitive word is a one-word training input with a one-token output; a reordered item is "
                 "one whose gold output gives the primitive outputs in an order other than their words' input "
                 "order. Reference rows: published shares of errors on the few-shot instruction task (people's "
                 "and MLC's iconic shares are of errors on 'after'-type items).")


def errors_table(results: dict[str, Any], task: str) -> Table:
    rows_in = rows_for(results, task)
    # The taxonomy's own order (the order its classes are tried in), not the JSON file's.
    known = [c for c in ERROR_CLASSES if c in results["error_classes"]]
    ordered = known + sorted(c for c in results["error_classes"] if c not in known)
    classes = [c for c in ordered if any(r["errors"].get(c) for r in rows_in)]
    rows = [[r["learner"], *[str(r["errors"].get(c, 0)) for c in classes]] for r in rows_in]
    return Table("Error taxonomy (test items, summed over seeds)", ["learner", *classes], rows,
                 " ".join(f"{c}: {results['error_classes'][c]}." for c in classes))


def breakdown_table(results: dict[str, Any], task: str, key: str, title: str) -> Table | None:
    """Accuracy per value of ``key``; with a semantic judge, exact and semantic match side by side."""
    rows_in = rows_for(results, task)
    values = sorted({v for r in rows_in for v in r[key]}, key=_natural)
    if not values:
        return None
    if not has_semantic(results, task):
        rows = [[v, *[share(r[key].get(v)) for r in rows_in]] for v in values]
        return Table(title, [key.removeprefix("by_"), *[r["learner"] for r in rows_in]], rows,
                     "Exact match (number of items), summed over seeds.")
    header = [key.removeprefix("by_")]
    for r in rows_in:
        header += [f"{r['learner']} exact", f"{r['learner']} semantic"]
    rows = [[v, *[share(r[key].get(v), k) for r in rows_in for k in ("correct", "equivalent")]] for v in values]
    return Table(title, header, rows,
                 "Official exact match and semantic match (number of items), summed over seeds. "
                 + SEMANTIC_NOTE)


def _natural(value: str) -> tuple[int, int, str]:
    """Numbers in numeric order first, then other values alphabetically."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def references_line(results: dict[str, Any], task: str) -> str:
    refs = results["tasks"][task]["references"]
    return "; ".join(f"{label}: {pct(value)}" for label, value in refs)


def task_tables(results: dict[str, Any], task: str) -> list[Table]:
    """Every table of one task's section, in report order (absent ones skipped)."""
    tables = [
        accuracy_table(results, task),
        relaxation_table(results, task),
        distance_table(results, task),
        hull_table(results, task),
        hybrid_table(results, task),
        errors_table(results, task),
        human_errors_table(results, task),
        breakdown_table(results, task, "by_kind", "Accuracy by kind of generalization"),
        breakdown_table(results, task, "by_category", "Accuracy by generalization category"),
        breakdown_table(results, task, "by_length", "Accuracy by output length"),
    ]
    return [t for t in tables if t is not None]


def showcase(results: dict[str, Any], task: str) -> list[dict[str, Any]]:
    """The showcase inputs of a task, each with every learner's answer (first seed)."""
    rows = rows_for(results, task)
    if not rows:
        return []
    items = []
    for i, item in enumerate(rows[0]["showcase"]):
        answers = []
        for row in rows:
            if i < len(row["showcase"]):
                answers.append({"learner": row["learner"], **row["showcase"][i]})
        items.append({"input": item["input"], "gold": item["gold"], "answers": answers})
    return items


def attribution_text(answer: dict[str, Any]) -> str:
    """``TOKEN<-word`` for each output position with an attribution."""
    if answer.get("attribution") is None or answer.get("prediction") is None:
        return ""
    words = answer["input"].split()
    parts = []
    for token, sources in zip(answer["prediction"].split(), answer["attribution"], strict=False):
        names = " ".join(words[i] for i in sources if 0 <= i < len(words)) or "·"
        parts.append(f"{token}<-{names}")
    return "  ".join(parts)

