"""Errors that the CLI turns into a one-line message and exit code 2.

Anything raised as a :class:`SandboxError` is the user's input or usage at
fault, never a bug: the CLI prints ``sandbox: error: <message>`` (naming the
file and line where there is one) without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class SandboxError(Exception):
    """Bad usage or bad input; the CLI exits with code 2."""

    exit_code = 2


class UsageError(SandboxError):
    """A command was called with options that do not fit together."""


class InputError(SandboxError):
    """A file (or a string given on the command line) is malformed."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        self.detail = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class DataMissingError(SandboxError):
    """A task needs an outside data file that is not there."""


class OutputError(SandboxError):
    """An output place cannot be written: missing parent, read-only, full disk."""
