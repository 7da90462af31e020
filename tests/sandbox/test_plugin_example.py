"""The README's "Bring your own learner" section, run as written on the package in examples/.

The example package is installed with pip into a folder of its own (``--target``,
put on ``PYTHONPATH`` for the commands), not into the test's environment: the
entry point is found all the same, and the environment is left as it was.
``--no-deps --no-build-isolation`` keep the install offline (the sandbox,
its one dependency, is already installed; setuptools comes from the venv).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SECTION = "## Bring your own learner"
EXAMPLE = REPO / "examples" / "plugin_learner"


def section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split(SECTION, 1)[1].split("\n## ", 1)[0]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", section(), flags=re.S)


def test_the_readme_shows_the_example_as_it_is():
    (code,) = blocks("python")
    assert code == (EXAMPLE / "sandbox_word_by_word.py").read_text(encoding="utf-8")
    (entry_point,) = blocks("toml")
    assert entry_point.strip() in (EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("plugin")
    (commands,) = blocks("sh")
    first = shlex.split(commands.splitlines()[0])
    assert first[:2] == ["pip", "install"], "the section starts by installing the package"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(target), *first[2:]],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / "sandbox_word_by_word.py").is_file()
    return target


def test_the_readme_commands_run_on_the_installed_package(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_DATA"}
    env["PYTHONPATH"] = os.pathsep.join([str(installed), str(REPO)])
    (commands,) = blocks("sh")
    outputs = []
    for line in commands.splitlines()[1:]:
        argv = shlex.split(line.split("  #")[0])
        # `python` and `sandbox` are this environment's, as after the install.
        argv = [sys.executable, *argv[1:]] if argv[0] == "python" else [sys.executable, "-m", "sandbox", *argv[1:]]
        done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
        outputs.append(done.stdout)
    check, evaluated, compared = outputs
    assert check == ""  # check_learner found nothing to complain about
    assert "learner word-by-word on scan/simple" in evaluated
    assert re.search(r"fewshot/colors\s+word-by-word\s+OOD", compared)
    # Every scan/simple test input is unseen and holds a word with no one-word
    # example ("twice", "left"...), so this learner honestly abstains on it.
    assert re.search(r"coverage\s+[\d.]+%", evaluated) and "exact match" in evaluated
    results = json.loads((tmp_path / "word-by-word-report" / "results.json").read_text())
    learners = {cell["learner"] for cell in results["cells"]}
    assert learners == {"symbolic", "word-by-word"}, learners
