"""The fuzzing harness: run one hostile input, classify its outcome, count outcomes by kind.

Every input ends in one of four outcomes:

- ``result``: the code under test returned (the input was acceptable, or
  was handled: a corrupted cell recomputed, an abstention with a reason);
- ``exit 2``: it raised one of the errors the CLI turns into exit code 2
  and a one-line message (:class:`~sandbox.errors.SandboxError`), or the
  documented error of a parser that its callers turn into one;
- ``traceback``: anything else escaped, which the CLI would show as a
  traceback; the test fails;
- ``hang``: the input did not finish within ``HANG_SECONDS``; the test fails.
  The watchdog is a clock, but it bounds nothing the product does: it only
  turns a hang into a failure instead of a stuck test run.

``make fuzz`` runs the fuzz tests under the hypothesis profile ``fuzz``
(thousands of inputs, derandomized so a run is repeatable) and prints
:data:`TALLY` at the end of the session; the CI profile runs the same tests
with a few dozen inputs each.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st

HANG_SECONDS = 60
OUTCOMES = ("result", "exit 2", "traceback", "hang")
TALLY: dict[str, Counter[str]] = {}
T = TypeVar("T")


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang(f"no answer within {HANG_SECONDS} s")


def attempt(kind: str, run: Callable[[], T], clean: tuple[type[BaseException], ...],
            check: Callable[[BaseException], None] | None = None) -> T | None:
    """Run ``run()`` as one input of ``kind``; count and return its result, or ``None`` after a clean error.

    ``check`` looks at a clean error (for instance: does it name the file?).
    Anything that is not clean is counted and raised again, so the test fails.
    """
    counts = TALLY.setdefault(kind, Counter())
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        value = run()
    except Hang:
        counts["hang"] += 1
        raise
    except clean as err:
        signal.alarm(0)
        counts["exit 2"] += 1
        if check is not None:
            check(err)
        return None
    except BaseException:
        counts["traceback"] += 1
        raise
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    counts["result"] += 1
    return value


def quick_in_ci(n: int, fuzz: int | None = None) -> Callable[[T], T]:
    """At most ``n`` inputs under the CI profile (and ``fuzz`` under ``fuzz``), for the kinds that cost most."""
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    if profile == "ci":
        return settings(max_examples=n)  # type: ignore[return-value]
    if profile == "fuzz" and fuzz is not None:
        return settings(max_examples=fuzz)  # type: ignore[return-value]
    return lambda test: test


def report() -> list[str]:
    """The tally as table lines: inputs and outcomes by kind, and the totals."""
    if not TALLY:
        return []
    width = max(len(k) for k in TALLY) + 2
    lines = [f"{'kind':{width}}{'inputs':>8}" + "".join(f"{o:>11}" for o in OUTCOMES)]
    total: Counter[str] = Counter()
    for kind in sorted(TALLY):
        counts = TALLY[kind]
        total.update(counts)
        lines.append(f"{kind:{width}}{sum(counts.values()):>8}" + "".join(f"{counts[o]:>11}" for o in OUTCOMES))
    lines.append(f"{'all':{width}}{sum(total.values()):>8}" + "".join(f"{total[o]:>11}" for o in OUTCOMES))
    return lines


# -- strategies: damaged copies of a valid input -------------------------------------

JUNK = st.binary(min_size=1, max_size=64) | st.sampled_from([
    b"\x00", b"\xff\xfe", b"\t", b"\n", b"\r\n", b'"', b"{", b"}", b"[", b"]", b"IN:", b"OUT:", b"\\",
    b"\xe2\x80\xae", b"\xef\xbb\xbf", b"=", b"[[", b"'''", b"\x1b[31m", b"<script>", b"nan", b"1e999",
])


@st.composite
def damaged(draw: st.DrawFn, valid: bytes) -> bytes:
    """``valid`` damaged by one to four edits: cut, flip, insert, delete, repeat, or all random."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["cut", "flip", "insert", "delete", "repeat", "random"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "cut":
            del data[at:]
        elif how == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "insert":
            data[at:at] = draw(JUNK)
        elif how == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif how == "repeat":
            data[at:at] = bytes(data[at:at + draw(st.integers(1, 200))]) * draw(st.integers(2, 50))
        else:
            data = bytearray(draw(st.binary(max_size=300)))
    return bytes(data)


ODD_VALUES = st.sampled_from([None, True, -1, 0, 2**63, 1e308, float("nan"), "", "x" * 5000, "<b>&amp;", [], {},
                              [[[[[]]]]], {"a": {"b": None}}, ["", None, 3]])


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree, as a path of keys and indices."""
    found = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(obj, list):
        for i, value in enumerate(obj[:20]):  # a few items of long lists are enough
            found.extend(_paths(value, (*prefix, i)))
    return found


@st.composite
def forged(draw: st.DrawFn, valid: Any) -> Any:
    """A deep copy of the JSON tree ``valid`` with one to three values replaced by odd ones or removed."""
    import copy

    tree = copy.deepcopy(valid)
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in _paths(tree) if p]
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent = tree
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(ODD_VALUES)
    return tree
