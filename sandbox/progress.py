"""Progress a person can see: a learner's stages and the work it spent, on a bar on stderr.

A learner that counts its work asks :func:`reporter` at the start of a fit
(or a predict) and, if it gets one, tells it each stage it enters and the
steps it has spent against its budget. The caller decides whether anything
shows, with :func:`showing` around the fit: the CLI turns it on where stderr
is a terminal and ``--quiet`` is not given. A learner never draws anything
itself, and what it computes never depends on whether a bar shows.

>>> heard = []
>>> with reporting(lambda stage, spent, limit: heard.append((stage, spent, limit))):
...     tell = reporter()
...     tell("lexicon", 0, 100)
>>> heard, reporter() is None
([('lexicon', 0, 100)], True)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

Reporter = Callable[[str, int, int | None], None]  # (stage, steps spent, the budget or None)

_CURRENT: ContextVar[Reporter | None] = ContextVar("sandbox_progress_reporter", default=None)


def reporter() -> Reporter | None:
    """The reporter the caller set up (:func:`showing`, :func:`reporting`), or None: show nothing."""
    return _CURRENT.get()


@contextmanager
def reporting(report: Reporter | None) -> Iterator[None]:
    """Within the block, learners tell ``report`` their stages and work."""
    token = _CURRENT.set(report)
    try:
        yield
    finally:
        _CURRENT.reset(token)


@contextmanager
def showing(enabled: bool | None = None, file: TextIO | None = None) -> Iterator[None]:
    """Within the block, learners' stages and work show on a progress bar on ``file`` (stderr).

    ``enabled`` None shows it only where ``file`` is a terminal; False never.
    """
    out = sys.stderr if file is None else file
    if not (out.isatty() if enabled is None else enabled):
        with reporting(None):
            yield
        return
    from tqdm import tqdm

    bar: Any = None

    def report(stage: str, spent: int, limit: int | None) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=limit, unit="step", unit_scale=True, leave=False, file=out, dynamic_ncols=True)
        elif spent < bar.n or limit != bar.total:
            bar.reset(total=limit)  # a new budget (the next fit, or a predict)
        bar.update(spent - bar.n)
        if stage[:60] != bar.desc:  # a new stage shows at once; steps within one, as tqdm paces them
            bar.set_description(stage[:60], refresh=True)

    try:
        with reporting(report):
            yield
    finally:
        if bar is not None:
            bar.close()
