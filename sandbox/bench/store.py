"""Finished cells on disk: one JSON file per cell, written atomically, checksummed.

A cell file is written to a temporary name and renamed into place, so a run
killed at any moment (even by SIGKILL) leaves either the whole file or none.
Each file carries a SHA-256 checksum of its record; a truncated or altered file
fails the check, is reported, moved aside (``*.corrupt``) and recomputed, never
used. Timing fields live beside the record, outside the checksum and outside
``results.json``, so reruns compare equal byte for byte.

>>> import tempfile
>>> store = CellStore(tempfile.mkdtemp())
>>> from sandbox.compare.config import Cell
>>> cell = Cell("scan/simple", "memorize", 0)
>>> store.save(cell, {"exact_match": 0.0}, {"fit_seconds": 0.1})
>>> store.load(cell)
{'exact_match': 0.0}
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from sandbox.compare.config import Cell
from sandbox.formats import atomic_write_text


def checksum(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode("utf-8")).hexdigest()


class CellStore:
    """The ``cells/`` folder of a benchmark output directory."""

    def __init__(self, out: str | Path):
        self.dir = Path(out) / "cells"

    def path(self, cell: Cell) -> Path:
        return self.dir / f"{cell.key}.json"

    def save(self, cell: Cell, record: dict[str, Any], timing: dict[str, Any]) -> None:
        payload = {"cell": cell.to_json(), "checksum": checksum(record), "record": record, "timing": timing}
        atomic_write_text(self.path(cell), json.dumps(payload, sort_keys=True) + "\n")

    def load(self, cell: Cell, expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The finished record of ``cell``, or ``None`` when absent, corrupt or stale.

        A record is stale when one of the ``expect`` fields (for instance the
        task version or the comparator's settings) differs: it was made for
        something else and is recomputed.
        """
        payload = self._payload(cell)
        if payload is None:
            return None
        record: dict[str, Any] = payload["record"]
        if any(record.get(key) != value for key, value in (expect or {}).items()):
            return None
        return record

    def timing(self, cell: Cell) -> dict[str, Any]:
        payload = self._payload(cell)
        return {} if payload is None else dict(payload.get("timing", {}))

    def _payload(self, cell: Cell) -> dict[str, Any] | None:
        path = self.path(cell)
        if not path.exists():
            return None
        problem = None
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(payload, dict) or payload.get("cell") != cell.to_json():
                problem = "it belongs to another cell"
            elif payload.get("checksum") != checksum(payload.get("record", {})):
                problem = "its checksum does not match (truncated or altered)"
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            problem = "it is not valid JSON (truncated?)"
        if problem is None:
            return payload
        aside = path.with_suffix(".corrupt")
        path.replace(aside)
        print(f"sandbox: warning: {path}: {problem}; moved to {aside.name} and recomputing", file=sys.stderr)
        return None

    def clean_partial(self) -> int:
        """Remove temporary files left by a run killed while writing; return how many."""
        if not self.dir.is_dir():
            return 0
        partial = list(self.dir.glob(".*.tmp"))
        for path in partial:
            path.unlink(missing_ok=True)
        return len(partial)
