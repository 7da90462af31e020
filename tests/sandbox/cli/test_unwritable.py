"""Unwritable places: a missing parent, a read-only or a full output directory.

Each ends with exit code 2 and one message, leaves no half-written file and
loses nothing written before. Tests run as root in CI, where ``chmod`` stops
no write; a read-only place is therefore simulated where the kernel would
refuse (``EROFS`` from every file creation under the directory), and a full
disk by writes that stop half way with ``ENOSPC``. A real ``chmod`` test runs
where the user is not root.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from sandbox.cli.main import main
from tests.conftest import run_cli

COMPARE = ["compare", "--task", "scan/addprim_turn_left", "--task", "scan/simple", "--learners", "memorize",
           "--bootstrap", "20", "--hull-lp-rounds", "0"]


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture()
def finished(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An output directory holding a finished run (swaps 5)."""
    out = tmp_path / "out"
    assert main([*COMPARE, "--swaps", "5", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def one_error(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.startswith("sandbox: error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_missing_parent_is_refused_before_any_work(tmp_path: Path):
    for args in (["compare", "--task", "scan/simple", "--learners", "memorize", "--out"],
                 ["eval", "--learner", "memorize", "--task", "scan/simple", "--json"]):
        target = tmp_path / "no" / "such" / "place"
        res = run_cli(*args, str(target))
        assert res.returncode == 2
        assert "parent directory" in one_error(res.stderr) and str(target.parent) in res.stderr
        assert not (tmp_path / "no").exists() and res.stdout == ""


def fd_path(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


def written(path: str) -> str:
    """The file a write lands in: a temporary ``.NAME.XXXX.tmp`` is renamed to ``NAME``."""
    p = Path(path)
    if p.name.startswith(".") and p.name.endswith(".tmp"):
        return str(p.with_name(p.name[1:p.name.rindex(".", 0, len(p.name) - 4)]))
    return path


class HalfThenFull:
    """A file whose write puts half the text down, then fails as a full disk does."""

    def __init__(self, fh: Any):
        self.fh = fh

    def write(self, text: str) -> int:
        self.fh.write(text[: len(text) // 2])
        self.fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)

    def __enter__(self) -> HalfThenFull:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to tell which file a write goes to")
@pytest.mark.parametrize("fail_at", [0, 1, 3, 4, 5])
def test_full_disk_at_any_write_leaves_the_earlier_run_whole(finished: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str], fail_at: int):
    """Writes under OUT: 0 the lock, 1-2 the cells, 3 results.json, 4 timings.json, 5 report.md."""
    before = snapshot(finished)
    real = os.fdopen
    seen: list[str] = []

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        fh = real(fd, *args, **kwargs)
        if not fd_path(fd).startswith(str(finished)):
            return fh
        seen.append(written(fd_path(fd)))
        return HalfThenFull(fh) if len(seen) - 1 == fail_at else fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    code = main([*COMPARE, "--swaps", "6", "--out", str(finished)])  # new settings: every cell is recomputed
    monkeypatch.undo()
    assert code == 2
    assert "No space left on device" in one_error(capsys.readouterr().err)
    after = snapshot(finished)
    assert not [name for name in after if name.endswith(".tmp") or name == ".lock"], after.keys()
    # Whatever was replaced was replaced whole; what was not replaced is as before.
    for name, data in after.items():
        if name.endswith(".json"):
            json.loads(data)
        if data != before.get(name):
            assert str(finished / name) in seen[:fail_at], f"{name} changed but was not written before the failure"
    assert set(before) <= set(after)
    assert main([*COMPARE, "--swaps", "6", "--out", str(finished)]) == 0, "a rerun with space finishes"


def test_read_only_directory_is_refused_and_untouched(finished: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]):
    before = snapshot(finished)
    real_open = os.open

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(str(finished)) and flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    code = main([*COMPARE, "--swaps", "6", "--out", str(finished)])
    monkeypatch.undo()
    assert code == 2
    assert "Read-only file system" in one_error(capsys.readouterr().err)
    assert snapshot(finished) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="as root, chmod does not stop writes")
def test_chmod_read_only_directory_is_refused(finished: Path):
    before = snapshot(finished)
    mode = finished.stat().st_mode
    finished.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        res = run_cli(*COMPARE, "--swaps", "6", "--out", str(finished))
    finally:
        finished.chmod(mode)
    assert res.returncode == 2 and "Permission denied" in one_error(res.stderr)
    assert snapshot(finished) == before


def test_eval_json_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]):
    target = tmp_path / "r.json"
    target.write_text('{"earlier": true}\n')
    real = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        fh = real(fd, *args, **kwargs)
        return HalfThenFull(fh) if fd_path(fd).startswith(str(tmp_path)) else fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    code = main(["eval", "--learner", "memorize", "--task", "scan/addprim_turn_left", "--json", str(target)])
    monkeypatch.undo()
    assert code == 2 and str(target) in one_error(capsys.readouterr().err)
    assert target.read_text() == '{"earlier": true}\n' and [p.name for p in tmp_path.iterdir()] == ["r.json"]
