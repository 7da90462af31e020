"""One writer per output directory: a lock file that names its holder.

``sandbox bench`` and ``sandbox compare`` take ``OUT/.lock`` before they run a
cell. The file is created with ``O_CREAT | O_EXCL`` (so of two processes that
try at once, exactly one gets it) and holds the holder's pid, host, the start
time of the process (its start tick from ``/proc`` where there is one, so that
a pid reused by another process is not mistaken for the holder) and the
command. A second process on the same ``OUT`` either refuses at once (exit 2,
naming the holder) or, with ``--wait N``, looks again up to N times, one
second apart, and refuses after the last look: a counted number of polls, so
a waiting run always ends.

A lock whose holder is dead (same host, no such pid, or the pid now belongs to
a process that started later) is stale: it is reported and taken over. A lock
from another host cannot be checked from here and is treated as live.

>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> with OutLock(out) as lock:
...     holder(lock.path)["pid"] == os.getpid()
True
>>> (Path(out) / LOCK_NAME).exists()
False
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from sandbox.errors import OutputError, UsageError
from sandbox.formats import output_parent

LOCK_NAME = ".lock"
POLL_SECONDS = 1.0  # between two looks at a held lock; the number of looks is what bounds the wait
MAX_TAKEOVERS = 8  # stale locks replaced in one acquisition before giving up (a race, not a loop)


def process_start(pid: int) -> str | None:
    """The start tick of ``pid`` (field 22 of ``/proc/PID/stat``), or ``None`` where it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces; fields after it are plain.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


def holder(path: Path) -> dict[str, Any] | None:
    """What a lock file says of its holder, or ``None`` when it is gone or unreadable (being written)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_stale(info: dict[str, Any]) -> bool:
    """Whether the process that wrote ``info`` is gone (only decidable on the same host)."""
    if info.get("host") != socket.gethostname():
        return False
    pid = info.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, owned by someone else
    started = info.get("process_start")
    now = process_start(pid)
    return started is not None and now is not None and started != now


def describe(info: dict[str, Any] | None) -> str:
    if info is None:
        return "another process (its lock file is being written)"
    return (f"process {info.get('pid')} on {info.get('host')} (started {info.get('started')}: "
            f"{info.get('command', '?')})")


class OutLock:
    """The lock on an output directory, held from ``acquire`` to ``release`` (or the ``with`` block)."""

    def __init__(self, out: str | Path, wait_polls: int = 0, poll_seconds: float = POLL_SECONDS):
        self.out = Path(out)
        self.path = self.out / LOCK_NAME
        self.wait_polls = wait_polls
        self.poll_seconds = poll_seconds
        self._mine: str | None = None

    def acquire(self) -> OutLock:
        if self.wait_polls < 0:
            raise UsageError("--wait must be zero or more")
        output_parent(self.out, "--out")
        try:
            self.out.mkdir(exist_ok=True)
        except OSError as err:
            raise OutputError(f"--out {self.out}: cannot create the directory: {err.strerror}") from None
        mine = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                           "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "process_start": process_start(os.getpid()), "command": " ".join(sys.argv)}) + "\n"
        looks, takeovers = 0, 0
        while True:
            if self._create(mine):
                self._mine = mine
                return self
            info = holder(self.path)
            if info is not None and is_stale(info) and takeovers < MAX_TAKEOVERS:
                takeovers += 1
                self._take_over(info)
                continue
            if looks >= self.wait_polls:
                waited = f" after waiting {looks} poll(s)" if looks else ""
                raise UsageError(f"--out {self.out} is in use by {describe(info)}{waited}; "
                                 f"wait for it, use another --out, or give --wait N to wait N seconds "
                                 f"(a stale lock is {self.path}, removable once that process is gone)")
            looks += 1
            if looks == 1:
                print(f"sandbox: {self.out} is in use by {describe(info)}; waiting (up to {self.wait_polls} polls)",
                      file=sys.stderr, flush=True)
            time.sleep(self.poll_seconds)

    def _create(self, text: str) -> bool:
        """Create the lock file holding ``text``; ``False`` when it already exists."""
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        except OSError as err:
            raise OutputError(f"--out {self.out}: cannot write there: {err.strerror}") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as err:
            self.path.unlink(missing_ok=True)
            raise OutputError(f"--out {self.out}: cannot write there: {err.strerror}") from None
        return True

    def _take_over(self, stale: dict[str, Any]) -> None:
        """Move a stale lock aside, unless another process replaced it meanwhile (then put that one back)."""
        aside = self.path.with_name(f"{LOCK_NAME}.stale.{os.getpid()}")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return  # another process took it over first; try again
        if holder(aside) == stale:
            print(f"sandbox: warning: {self.path}: the lock of {describe(stale)} is stale (that process is gone); "
                  "taking it over", file=sys.stderr, flush=True)
            aside.unlink(missing_ok=True)
            return
        # We moved a fresh lock of a process that took the stale one over just before us: give it back.
        try:
            os.link(aside, self.path)
        except OSError as err:
            if err.errno != errno.EEXIST:
                raise
        aside.unlink(missing_ok=True)

    def release(self) -> None:
        """Remove the lock file, if it is still ours."""
        if self._mine is None:
            return
        try:
            if self.path.read_text(encoding="utf-8") == self._mine:
                self.path.unlink()
        except OSError:
            pass  # gone already, or the directory became unreadable: nothing of ours to remove
        self._mine = None

    def __enter__(self) -> OutLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
