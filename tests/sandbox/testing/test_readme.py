"""The README's worked example of property-based testing runs as written."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO

SECTION = "## Property-based testing of learners"


def readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the section has one Python example"
    return blocks[0]


def test_readme_example_runs_as_written(tmp_path):
    test_file = tmp_path / "test_readme_example.py"
    test_file.write_text(readme_example(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-s", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    assert "expected:" in done.stdout  # the printed counterexample
