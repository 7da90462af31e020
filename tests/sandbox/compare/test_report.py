"""Reports: the figures in report.md, report.html and results.json agree; HTML escapes task data;
``sandbox report`` re-renders; headless Chromium renders the page with its plots."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sandbox.cli.main import main
from sandbox.compare import (
    CompareConfig,
    merge_cells,
    plan_cells,
    read_results,
    render_html,
    render_markdown,
    write_reports,
    write_results,
)
from sandbox.compare.plots import distance_series, task_plots, two_sides_plot
from sandbox.compare.runner import run_cell
from sandbox.data import Example
from tests.sandbox.compare.support import register_fakes, tiny_task

register_fakes()
FAST = CompareConfig(heldout_fraction=0.2, bootstrap_resamples=200, swaps=20)
LEARNERS = ["fake-sym", "fake-liar", "fake-neural", "fake-decoding", "memorize"]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    tasks = {t.name: t for t in (tiny_task("toy/prim", references=[("human", 0.807)]),
                                 tiny_task("toy/other", description="another toy"))}
    cells = plan_cells(list(tasks), LEARNERS, [0, 1], seeded={"fake-sym": False, "fake-liar": False,
                                                               "memorize": False})
    records = [run_cell(c, tasks[c.task], FAST) for c in cells]
    results = merge_cells(records, tasks, FAST)
    write_results(out, results)
    write_reports(out, results)
    return out


class Tables(HTMLParser):
    """Every <table> of a page as a list of rows of cell texts; also counts tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def md_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            if not re.fullmatch(r"\|(---\|)+", line):
                cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
                current.append([c.strip().replace("\\|", "|").replace("\\\\", "\\") for c in cells])
        else:
            current = None
    return tables


def parse_pct_ci(text: str) -> tuple[float, float, float]:
    m = re.fullmatch(r"([\d.]+)% \[([\d.]+), ([\d.]+)\]", text)
    assert m, text
    return float(m[1]), float(m[2]), float(m[3])


def test_markdown_html_and_json_agree(out_dir: Path):
    results = read_results(out_dir)
    md = md_tables((out_dir / "report.md").read_text())
    page = Tables()
    page.feed((out_dir / "report.html").read_text())
    assert md == page.tables  # the same tables, cell for cell, in the same order
    summary = md[0]
    assert summary[0] == ["task", *LEARNERS, "reference figures"]
    assert [row[-1] for row in summary[1:]] == ["human: 80.7%", "—"]
    by_task = {row[0]: row[1:] for row in summary[1:]}
    assert list(by_task) == ["toy/prim", "toy/other"]
    for row in results["summary"]:
        cells = [r for r in results["cells"] if r["task"] == row["task"] and r["learner"] == row["learner"]]
        # results.json itself: the summary mean is the mean of the cells' outcomes.
        recomputed = sum(c["test"]["outcomes"].count("1") / len(c["test"]["outcomes"]) for c in cells) / len(cells)
        assert row["exact_match"]["mean"] == pytest.approx(recomputed, abs=1e-6)
        # the report's summary cell shows that mean and its interval, rounded to 0.1 points.
        text = by_task[row["task"]][LEARNERS.index(row["learner"])]
        ood = re.match(r"OOD (.*) · trace (.*)", text)
        assert ood, text
        mean, low, high = parse_pct_ci(ood[1])
        assert mean == round(100 * row["exact_match"]["mean"], 1)
        assert (low, high) == tuple(round(100 * x, 1) for x in row["exact_match"]["ci"])
        trace = row["traceability"]
        assert ood[2] == ("n/a" if trace is None else f"{100 * trace['mean']:.1f}%")
    # Per-task accuracy table: attribution fidelity and held/assessable counts match results.json.
    accuracy = md[1]
    header = accuracy[0]
    for line in accuracy[1:]:
        row = next(r for r in results["summary"] if r["task"] == "toy/prim" and r["learner"] == line[0])
        cell = line[header.index("attribution fidelity")]
        if row["attribution_fidelity"] is None:
            assert cell == "n/a"
        else:
            assert cell.startswith(f"{100 * row['attribution_fidelity']['mean']:.1f}%")
            assert cell.endswith(f"({row['attribution']['n_held']}/{row['attribution']['n_assessable']})")


def test_the_report_shows_every_side(out_dir: Path):
    md = (out_dir / "report.md").read_text()
    for title in ("Symbolic side: relaxation level per answer", "Neural side: distance to the training set",
                  "Neural side: share inside the convex hull", "Error taxonomy", "Example answers side by side",
                  "Accuracy by generalization category", "Accuracy by kind of generalization"):
        assert title in md
    assert "Reference figures from the literature: human: 80.7%." in md
    assert md.count("Reference figures from the literature") == 1  # only the task that has them
    assert "[a]  lex:a: a -> A" in md or "lex:" in md  # a derivation rendered by render_tree
    results = read_results(out_dir)
    liar = next(r for r in results["summary"] if r["learner"] == "fake-liar" and r["task"] == "toy/prim")
    honest = next(r for r in results["summary"] if r["learner"] == "fake-sym" and r["task"] == "toy/prim")
    assert honest["attribution_fidelity"]["mean"] == 1.0 > liar["attribution_fidelity"]["mean"]
    page = (out_dir / "report.html").read_text()
    # Six figures per task (both sides present), and the suite figure on the front page.
    assert page.count('src="data:image/png;base64,') == 2 * len(task_plots(results, "toy/prim")) + 1 == 13
    assert "human: 80.7%" in page


def test_encoder_and_decoder_spaces_side_by_side(out_dir: Path):
    """Distances and hull shares per learner and space; the two-sides figure bins the same test items."""
    results = read_results(out_dir)
    md = md_tables((out_dir / "report.md").read_text())
    distance = next(t for t in md if t[0][:3] == ["learner", "space", "dim"])  # the first task's
    spaces = [(row[0], row[1]) for row in distance[1:]]
    assert spaces == [("fake-neural", "encoder"), ("fake-decoding", "encoder"),
                      ("fake-decoding", "decoder, 1st step")]
    decoding = next(r for r in results["summary"] if r["learner"] == "fake-decoding" and r["task"] == "toy/prim")
    assert distance[3][3] == f"{decoding['decoder_geometry']['test_median_distance']:.2f}"
    hull = next(t for t in md if t[0][:2] == ["learner", "space"] and t[0][2].startswith("k="))
    assert [(row[0], row[1]) for row in hull[1:]] == spaces
    series = distance_series(results, "toy/prim")
    assert [(label, style) for label, _, style, _ in series] == [
        ("fake-neural", "o-"), ("fake-decoding", "o-"), ("fake-decoding (decoder, 1st step)", "s--")]
    assert series[1][1] == series[2][1] != series[0][1]  # one colour per learner
    n_test = 2 * len(tiny_task().test)  # two seeds
    assert all(sum(d["n"] for d in deciles) == n_test for *_, deciles in series)
    symbolic = next(r for r in results["summary"] if r["learner"] == "fake-sym" and r["task"] == "toy/prim")
    assert sum(c["n"] for c in symbolic["relaxation"]["levels"].values()) == len(tiny_task().test)  # one seed
    assert two_sides_plot(results, "toy/prim") is not None


def test_the_front_page_links_every_task(out_dir: Path):
    page = (out_dir / "report.html").read_text()
    results = read_results(out_dir)
    front = page[: page.index('<section id="task-0">')]
    assert "<h2>Contents</h2>" in front and "The suite at a glance" in front
    for i, task in enumerate(results["task_names"]):
        assert f'<a href="#task-{i}">{task}</a>' in front
        assert f'<section id="task-{i}">' in page
    assert '<a href="#summary-section">' in front and 'id="summary-section"' in front


def test_report_command_re_renders_the_same_files(out_dir: Path, tmp_path: Path, capsys):
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(out_dir / "results.json", copy / "results.json")
    assert main(["report", str(copy)]) == 0
    for name in ("report.md", "report.html"):
        assert (copy / name).read_text() == (out_dir / name).read_text()
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "results.json" in capsys.readouterr().err


def test_every_task_string_is_escaped_in_html():
    evil = "<script>alert(1)</script>"
    base = tiny_task(f"toy/{evil}", description=f"desc {evil} & <b>bold</b>", references=[(evil, 0.5)])
    task = replace(
        base,
        train=(*base.train, Example.of(["<script>"], ["S"], id="train-evil")),
        test=tuple(replace(ex, source=("<script>", *ex.source[1:]), category=evil) for ex in base.test),
    )
    cells = plan_cells([task.name], ["fake-sym", "fake-neural"], [0])
    results = merge_cells([run_cell(c, task, FAST) for c in cells], {task.name: task}, FAST)
    page = render_html(results)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page and "<b>bold" not in page
    parser = Tables()
    parser.feed(page)
    tags = {tag for tag, _ in parser.tags}
    assert "script" not in tags and "b" in tags  # the page's own markup is there, the task's is not
    assert evil in render_markdown(results)  # Markdown keeps the text; only HTML needs escaping


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_headless_chromium_renders_the_page_with_its_plots(out_dir: Path, tmp_path: Path):
    browser = _chromium()
    assert browser is not None
    page = (out_dir / "report.html").resolve().as_uri()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = Tables()
    parsed.feed(dom.stdout)
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) == 10 and all((a.get("src") or "").startswith("data:image/png;base64,") for a in images)
    assert parsed.tables and parsed.tables[0][0][0] == "task"
    shot = tmp_path / "shot.png"
    done = subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,2400", page],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[:2] == (2400, 1200)
    # Plots are drawn in colour; text and table borders alone are grey. Some pixel must be clearly coloured.
    rgb = pixels[..., :3]
    assert (rgb.max(axis=2) - rgb.min(axis=2) > 0.3).any()
