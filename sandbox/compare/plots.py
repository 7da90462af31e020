"""The report's figures, drawn with matplotlib (Agg backend) from ``results.json`` as base64 PNGs.

Each function returns ``None`` when no learner has the data it plots. Labels
come from task data and learner names; mathtext is switched off so that a
``$`` in them is drawn as it is.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from sandbox.compare.tables import routing_rows, rows_for, vector_spaces

_STYLE: dict[str, Any] = {"text.parse_math": False, "font.size": 9, "axes.spines.top": False,
                          "axes.spines.right": False, "figure.dpi": 80}


def _png(draw: Callable[[Figure], None], size: tuple[float, float] = (6.0, 3.2)) -> str:
    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        fig = plt.figure(figsize=size)
        try:
            draw(fig)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png", metadata={"Software": None})
        finally:
            plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


BAR_WIDTH = 0.38  # two series of bars side by side per learner


def _side_by_side(rows: list[dict[str, Any]], series: tuple[tuple[str, str], ...]) -> Iterator[
        tuple[int, str, float, Any]]:
    """(series index, series label, bar position, the row's value) for each series and learner."""
    for j, (key, label) in enumerate(series):
        for i, row in enumerate(rows):
            yield j, label, i + (j - 0.5) * BAR_WIDTH, row[key]


def _per_learner_axis(ax: Any, rows: list[dict[str, Any]], ylabel: str, title: str) -> None:
    ax.set_xticks(range(len(rows)), [r["learner"] for r in rows])
    ax.set_ylim(0, 105)
    ax.set_ylabel(ylabel)
    ax.set_title(title)


def accuracy_plot(results: dict[str, Any], task: str) -> str | None:
    """Exact match per split (held-out training slice, test) per learner, with 95% CIs."""
    rows = rows_for(results, task)
    if not rows:
        return None

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        bars: dict[int, tuple[str, list[float], list[float], list[list[float]]]] = {}
        for j, label, x, stat in _side_by_side(rows, (("heldout_exact_match", "held-out train"),
                                                      ("exact_match", "test (OOD)"))):
            _, xs, means, errs = bars.setdefault(j, (label, [], [], [[], []]))
            if not stat:
                continue
            xs.append(x)
            means.append(100 * stat["mean"])
            errs[0].append(max(0.0, 100 * (stat["mean"] - stat["ci"][0])))
            errs[1].append(max(0.0, 100 * (stat["ci"][1] - stat["mean"])))
        for label, xs, means, errs in bars.values():
            ax.bar(xs, means, BAR_WIDTH, yerr=errs, capsize=3, label=label)
        for label, value in results["tasks"][task]["references"]:
            ax.axhline(100 * value, color="grey", linestyle=":", linewidth=1)
            ax.annotate(f"{label} {100 * value:.1f}%", (len(rows) - 0.5, 100 * value), fontsize=7,
                        ha="right", va="bottom", color="grey")
        _per_learner_axis(ax, rows, "exact match (%)", "Accuracy per split (95% bootstrap CI)")
        ax.legend(loc="upper right", fontsize=7)

    return _png(draw)


def traceability_plot(results: dict[str, Any], task: str) -> str | None:
    """Traceability and attribution fidelity per learner (n/a drawn as an empty bar with a label)."""
    rows = rows_for(results, task)
    if not rows:
        return None

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        labelled: set[int] = set()  # label each series' first bar drawn, which need not be the first row's
        for j, label, x, stat in _side_by_side(rows, (("traceability", "traceability"),
                                                      ("attribution_fidelity", "attribution fidelity"))):
            if stat is None:
                ax.text(x, 2, "n/a", ha="center", fontsize=7)
                continue
            ax.bar(x, 100 * stat["mean"], BAR_WIDTH, color=f"C{j + 2}", label=None if j in labelled else label)
            labelled.add(j)
        _per_learner_axis(ax, rows, "%", "Traceability and attribution fidelity")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper right", fontsize=7)

    return _png(draw)


def relaxation_plot(results: dict[str, Any], task: str) -> str | None:
    """Symbolic side: answers per relaxation level and the accuracy at each level."""
    rows = [r for r in rows_for(results, task) if r["relaxation"]["has_levels"]]
    if not rows:
        return None

    def draw(fig: Figure) -> None:
        hist, acc = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
        keys = sorted({k for r in rows for k in r["relaxation"]["levels"] if k != "abstained"}, key=int)
        keys.append("abstained")
        width = 0.8 / len(rows)
        for i, row in enumerate(rows):
            levels = row["relaxation"]["levels"]
            xs = [j + (i - (len(rows) - 1) / 2) * width for j in range(len(keys))]
            hist.bar(xs, [levels.get(k, {}).get("n", 0) for k in keys], width, label=row["learner"])
            answered = [(j, levels[k]) for j, k in enumerate(keys[:-1]) if levels.get(k, {}).get("n")]
            acc.plot([j for j, _ in answered], [100 * c["correct"] / c["n"] for _, c in answered], "o-",
                     label=row["learner"])
        hist.set_xticks(range(len(keys)), keys)
        hist.set_title("Answers per relaxation level")
        acc.set_xticks(range(len(keys) - 1), keys[:-1])
        acc.set_ylim(0, 105)
        acc.set_ylabel("exact match (%)")
        acc.set_title("Accuracy per level")
        hist.legend(fontsize=7)

    return _png(draw)


def distance_series(results: dict[str, Any], task: str) -> list[tuple[str, str, str, list[dict[str, Any]]]]:
    """``(label, colour, line style, non-empty deciles)`` per learner and vector space, as the figures draw them.

    One colour per learner, so that its encoder (solid) and decoder (dashed)
    series read as a pair; every series bins the same test items.
    """
    spaces = vector_spaces(results, task)
    colours = {name: f"C{i}" for i, name in enumerate(dict.fromkeys(row["learner"] for row, _, _ in spaces))}
    return [(row["learner"] if space == "encoder" else f"{row['learner']} ({space})", colours[row["learner"]],
             "o-" if space == "encoder" else "s--", [d for d in geo["deciles"] if d["n"]])
            for row, space, geo in spaces]


def distance_plot(results: dict[str, Any], task: str) -> str | None:
    """Neural side: accuracy per decile of the normalized distance to the training set, per vector space."""
    series = distance_series(results, task)
    if not series:
        return None

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        for label, colour, style, deciles in series:
            xs = [(d["low"] + d["high"]) / 2 for d in deciles]
            ax.plot(xs, [100 * d["correct"] / d["n"] for d in deciles], style, color=colour, label=label)
        ax.set_xlabel("distance to nearest training vector / median NN distance in training (decile midpoints)")
        ax.set_ylabel("exact match (%)")
        ax.set_ylim(0, 105)
        ax.set_title("Accuracy against distance to the training set")
        ax.legend(fontsize=7)

    return _png(draw)


def hull_plot(results: dict[str, Any], task: str) -> str | None:
    """Neural side: share of points inside the convex hull against the number of principal components k."""
    spaces = vector_spaces(results, task)
    if not spaces:
        return None
    series = distance_series(results, task)  # the same labels and colours

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        for (_, space, geo), (label, colour, _, _) in zip(spaces, series, strict=True):
            for split, style in (("test", "o-"), ("heldout", "s--")):
                counts = geo["hull"].get(split)
                if not counts:
                    continue
                ks = sorted(counts, key=int)
                ax.plot([int(k) for k in ks], [100 * counts[k]["inside"] / max(1, counts[k]["n"]) for k in ks],
                        style, color=colour, alpha=1.0 if space == "encoder" else 0.55, label=f"{label} {split}")
        ax.set_xscale("log", base=2)
        # Plain tick labels: the log axis would otherwise write them in mathtext, which is switched off here.
        ks_all = sorted({int(k) for _, _, geo in spaces for split in geo["hull"].values() for k in split})
        ax.set_xticks(ks_all, [str(k) for k in ks_all])
        ax.minorticks_off()
        ax.set_xlabel("k (top principal components; last point: full space)")
        ax.set_ylabel("inside hull (%)")
        ax.set_ylim(-5, 105)
        ax.set_title("Share inside the convex hull of the training vectors")
        ax.legend(fontsize=7)

    return _png(draw)


def two_sides_plot(results: dict[str, Any], task: str) -> str | None:
    """One figure, the same test items: accuracy against embedding distance (neural, encoder and decoder spaces)
    and against relaxation level (symbolic)."""
    neural = distance_series(results, task)
    symbolic = [r for r in rows_for(results, task) if r["relaxation"]["has_levels"]]
    if not neural or not symbolic:
        return None

    def draw(fig: Figure) -> None:
        left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2, sharey=None)
        for label, colour, style, deciles in neural:
            left.plot([d["decile"] for d in deciles], [100 * d["correct"] / d["n"] for d in deciles], style,
                      color=colour, label=label)
        left.set_xlabel("decile of distance to the training set")
        left.set_ylabel("exact match (%)")
        left.set_ylim(-5, 105)
        left.set_title("Vectors: accuracy by distance")
        left.legend(fontsize=7)
        for row in symbolic:
            levels = [(int(k), c) for k, c in row["relaxation"]["levels"].items() if k != "abstained" and c["n"]]
            levels.sort(key=lambda kc: kc[0])
            right.plot([k for k, _ in levels], [100 * c["correct"] / c["n"] for _, c in levels], "s-",
                       label=row["learner"])
            for k, c in levels:
                right.annotate(str(c["n"]), (k, 100 * c["correct"] / c["n"]), fontsize=6,
                               textcoords="offset points", xytext=(0, 4))
        right.set_xlabel("relaxation level (answers annotated)")
        right.set_ylim(-5, 105)
        right.set_title("Symbols: accuracy by relaxation level")
        right.legend(fontsize=7)

    return _png(draw, size=(8.0, 3.2))


def hybrid_plot(results: dict[str, Any], task: str) -> str | None:
    """The hybrid's controllability: coverage, precision, routed and combined accuracy against the symbolic cap."""
    rows = [r for r in rows_for(results, task) if r.get("routing")]
    if not rows:
        return None

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot(1, 1, 1)
        series = (("symbolic coverage", lambda c: (c["symbolic"], c["n"]), "o-"),
                  ("symbolic precision", lambda c: (c["symbolic_correct"], c["symbolic"]), "s--"),
                  ("neural acc. on routed", lambda c: (c["routed_correct"], c["routed"]), "^:"),
                  ("combined accuracy", lambda c: (c["correct"], c["n"]), "D-"))
        for i, row in enumerate(rows):
            caps = routing_rows(row)
            for j, (label, part, style) in enumerate(series):
                pts = [(cap, part(c)) for cap, c in caps if part(c)[1]]
                ax.plot([cap for cap, _ in pts], [100 * a / b for _, (a, b) in pts], style, color=f"C{j}",
                        alpha=1.0 - 0.3 * i, label=label if len(rows) == 1 else f"{row['learner']}: {label}")
        caps_all = sorted({cap for row in rows for cap, _ in routing_rows(row)})
        ax.set_xticks(caps_all, [str(c) for c in caps_all])
        ax.set_xlabel("symbolic relaxation cap")
        ax.set_ylabel("%")
        ax.set_ylim(-5, 105)
        ax.set_title("Hybrid: what the cap buys")
        ax.legend(fontsize=7)

    return _png(draw)


def suite_plot(results: dict[str, Any]) -> str | None:
    """The whole suite at a glance: rows tasks, columns learners, colour OOD accuracy, a mark at 100% traceability."""
    tasks, learners = results["task_names"], results["learners"]
    if not tasks or not learners:
        return None
    by_key = {(r["task"], r["learner"]): r for r in results["summary"]}

    def draw(fig: Figure) -> None:
        import numpy as np

        ax = fig.add_subplot(1, 1, 1)
        grid = np.full((len(tasks), len(learners)), np.nan)
        for i, task in enumerate(tasks):
            for j, learner in enumerate(learners):
                row = by_key.get((task, learner))
                if row is None:
                    continue
                grid[i, j] = 100 * row["exact_match"]["mean"]
                trace = row["traceability"]
                mark = " ✓" if trace is not None and trace["mean"] >= 1.0 else ""
                ax.text(j, i, f"{grid[i, j]:.0f}%{mark}", ha="center", va="center", fontsize=8,
                        color="white" if grid[i, j] < 50 else "black")
        image = ax.imshow(np.ma.masked_invalid(grid), cmap="viridis", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(len(learners)), learners, rotation=30, ha="right")
        ax.set_yticks(range(len(tasks)), tasks)
        ax.set_title("OOD exact match (colour); ✓ traceability 100%")
        fig.colorbar(image, ax=ax, label="OOD exact match (%)")

    return _png(draw, size=(2.0 + 1.1 * len(learners), 1.2 + 0.45 * len(tasks)))


def task_plots(results: dict[str, Any], task: str) -> list[tuple[str, str]]:
    """(caption, base64 PNG) of every figure of one task that has data."""
    makers = (
        ("Accuracy per split per learner, with 95% confidence intervals", accuracy_plot),
        ("Traceability and attribution fidelity", traceability_plot),
        ("Symbolic side: relaxation level histogram and accuracy per level", relaxation_plot),
        ("Neural side: accuracy against distance to the training set", distance_plot),
        ("Neural side: share inside the convex hull against k", hull_plot),
        ("Both sides on the same test items: accuracy against distance (neural: encoder solid, decoder at the "
         "first output step dashed) and against relaxation level (symbolic)",
         two_sides_plot),
        ("Hybrid: coverage, precision and accuracy against the symbolic cap", hybrid_plot),
    )
    out = []
    for caption, make in makers:
        png = make(results, task)
        if png is not None:
            out.append((caption, png))
    return out
