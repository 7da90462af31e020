"""Fault injection: SIGKILL ``sandbox bench`` and neural training at seeded moments, check every resume.

    python -m benchmarks.faults [--kills 20] [--seed 0] [--work DIR]

(``make faults``.) Each part first runs its command once, uninterrupted, as
the reference and notes when each unit of work (a cell file, a saved epoch)
appeared. Then, ``--kills`` times, it starts the command afresh and SIGKILLs
it at a moment drawn from a seeded generator: a number k of finished units
(0 to all of them) and a fraction f; the kill lands f of the way through the
(k+1)-th unit's interval in the reference (for k = all: through the final
writes), after k units were seen finished. So kills spread over start-up,
every unit and the final writes rather than bunching where a run spends most
of its wall time. It looks at what the killed run left, runs the same command
again to the end, and checks:

``sandbox bench`` (a tiny suite: memorize and symbolic on fewshot/colors and scan/addprim_turn_left)
    - lost: a cell file finished before the kill is missing or changed after
      the resume, or the resume says it found fewer finished cells than were there;
    - computed twice: a cell finished before the kill was written again by
      the resume, or the resume wrote more cells than were missing;
    - the final ``results.json`` is byte-identical to the reference; no
      temporary file, lock or corrupt cell is left.

neural training (``sandbox eval --learner gru ... --param state_path=state.pt``)
    - lost: the resume starts before the last epoch saved in the state file at
      the kill (or says nothing, though a state was saved);
    - computed twice: the resume trains again an epoch already saved (it
      announces the epoch it resumes after, which must be the saved one);
    - the final ``--json`` output equals the reference's, field for field
      except the two timing fields (``fit_seconds``, ``predict_seconds``).

``results.json`` records the git commit it ran from: commit nothing while
this runs. The kill moments use a clock (a fraction of an interval measured in the
reference), but which unit they fall in is fixed by the seed; what the checks
count does not depend on the machine's speed. Prints
the counts and exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
POLL = 0.02  # seconds between two looks at a running command
SUITE = """
name = "faults"
description = "memorize and the symbolic learner on few-shot colours and a SCAN split"
seeds = 1
[[group]]
learners = ["memorize", "symbolic"]
tasks = ["fewshot/colors", "scan/addprim_turn_left"]
[compare]
swaps = 20
bootstrap_resamples = 100
"""
TRAIN_ARGS = ["eval", "--learner", "gru", "--train", "../data/train.txt", "--test", "../data/test.txt",
              "--epochs", "8", "--seed", "0", "--device", "cpu", "--param", "hidden_size=16",
              "--param", "progress=false", "--param", "state_path=state.pt", "--json", "out.json"]


def sandbox(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_DATA"}
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.Popen([sys.executable, "-m", "sandbox", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(args: list[str], cwd: Path, units: Callable[[], int] = lambda: 0) -> tuple[int, str, list[float]]:
    """Run to the end; (exit code, stderr, [seconds at which units 1, 2, ... appeared] + [seconds at the end])."""
    start = time.perf_counter()
    child = sandbox(args, cwd)
    arrivals: list[float] = []
    while child.poll() is None:  # its output is a few lines: the pipes cannot fill up
        while units() > len(arrivals):
            arrivals.append(time.perf_counter() - start)
        time.sleep(POLL)
    _, err = child.communicate()
    return child.returncode, err, [*arrivals, time.perf_counter() - start]


def kill_at(args: list[str], cwd: Path, units: Callable[[], int], k: int, delay: float) -> bool:
    """Start the command, wait until ``k`` units are finished, then ``delay`` seconds, then SIGKILL it.

    ``False`` when the command ended first.
    """
    child = sandbox(args, cwd)
    while units() < k:
        if child.poll() is not None:
            child.communicate()
            return False
        time.sleep(POLL)
    try:
        child.communicate(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.communicate()
        return True


def moment(rng: random.Random, arrivals: list[float]) -> tuple[int, float]:
    """A seeded kill moment: k units finished, then a fraction of the next interval of the reference run."""
    k = rng.randrange(len(arrivals))  # arrivals ends with the end of the run: k = all units is the final writes
    begin = arrivals[k - 1] if k else 0.0
    return k, rng.random() * (arrivals[k] - begin)


def cells_in(out: Path) -> Callable[[], int]:
    return lambda: len(list((out / "cells").glob("*.json")))


def cell_files(out: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every finished cell file: name -> (bytes, mtime in ns, inode)."""
    found = {}
    for path in sorted((out / "cells").glob("*.json")):
        st = path.stat()
        found[path.name] = (path.read_bytes(), st.st_mtime_ns, st.st_ino)
    return found


def bench_faults(work: Path, kills: int, rng: random.Random, counts: Counter[str]) -> None:
    suite = work / "faults.toml"
    suite.write_text(SUITE)
    args = ["bench", "--suite", str(suite), "--no-progress", "--out"]
    code, err, arrivals = finish([*args, str(work / "bench-ref")], REPO, cells_in(work / "bench-ref"))
    if code != 0:
        raise SystemExit(f"the reference bench run failed:\n{err}")
    reference = (work / "bench-ref" / "results.json").read_bytes()
    n_cells = len(cell_files(work / "bench-ref"))
    print(f"bench: reference run {arrivals[-1]:.1f} s, {n_cells} cells, finished at "
          f"{', '.join(f'{a:.1f}' for a in arrivals[:-1])} s", flush=True)
    trial = 0
    while counts["bench kills"] < kills and trial < 3 * kills:
        out = work / f"bench-{trial}"
        k, delay = moment(rng, arrivals)
        trial += 1
        if not kill_at([*args, str(out)], REPO, cells_in(out), k, delay):
            counts["bench runs that ended before their moment"] += 1
            continue
        counts["bench kills"] += 1
        before = cell_files(out)
        counts[f"bench kills with {'no' if not before else 'all' if len(before) == n_cells else 'some'} "
               "cells finished"] += 1
        counts["bench kills that left a lock"] += (out / ".lock").exists()
        counts["bench kills that left a temporary file"] += bool(list(out.rglob(".*.tmp")))
        code, err, _ = finish([*args, str(out)], REPO)
        counts["bench tracebacks"] += "Traceback" in err
        if code != 0:
            counts["bench failed resumes"] += 1
            print(f"  kill {trial} ({k} cells + {delay:.2f} s): the resume failed:\n{err}", flush=True)
            continue
        after = cell_files(out)
        said = re.search(r"resuming: (\d+) of (\d+) cells already finished", err)
        found = int(said.group(1)) if said else 0
        lost = [n for n, v in before.items() if n not in after or after[n][0] != v[0]] + ([] if found >= len(
            before) else ["(the resume found fewer finished cells than were there)"])
        again = [n for n, v in before.items() if n in after and after[n][1:] != v[1:]]
        written = [n for n in after if n not in before or after[n][1:] != before[n][1:]]
        counts["bench cells lost"] += len(lost)
        counts["bench cells computed twice"] += len(again) + max(0, len(written) - (n_cells - len(before)))
        counts["bench cells finished before a kill, kept"] += len(before) - len(lost)
        same = (out / "results.json").read_bytes() == reference
        if not same:  # say where, for whoever reads the log
            ours, theirs = json.loads((out / "results.json").read_text()), json.loads(reference)
            print(f"  results.json differs in: {sorted(k for k in ours if ours[k] != theirs.get(k))}", flush=True)
        counts["bench results.json identical"] += same
        counts["bench results.json different"] += not same
        left = [p.name for p in out.rglob("*") if p.name.endswith((".tmp", ".corrupt")) or p.name == ".lock"]
        counts["bench files left after the resume"] += len(left)
        print(f"  kill {counts['bench kills']:2} ({k} cells + {delay:5.2f} s): {len(before)} of {n_cells} finished; "
              f"resume: {len(written)} computed, lost {len(lost)}, twice {len(again)}, "
              f"results.json {'identical' if same else 'DIFFERENT'}", flush=True)


def training_data(work: Path) -> None:
    """A small SCAN task in files: 160 training and 40 test commands of scan/simple (fixed slices)."""
    from sandbox.formats import write_examples
    from sandbox.tasks.registry import load_task

    task = load_task("scan/simple")
    (work / "data").mkdir()
    write_examples(work / "data" / "train.txt", task.train[:160])
    write_examples(work / "data" / "test.txt", task.test[:40])


def saved_progress(state: Path) -> dict[str, Any]:
    """The progress saved in a training-state file (empty when there is none, or it cannot be read)."""
    from neural.checkpoint import CheckpointError, load_checkpoint

    if not state.exists():
        return {}
    try:
        meta, _ = load_checkpoint(state)
    except CheckpointError:
        return {}
    return dict(meta["progress"])


def saved_epoch(state: Path) -> int:
    return int(saved_progress(state).get("epoch", 0))


class EpochsIn:
    """The epochs saved in a training-state file so far (read again only when the file changed)."""

    def __init__(self, state: Path):
        self.state, self.seen, self.epoch = state, (0, 0), 0

    def __call__(self) -> int:
        try:
            st = self.state.stat()
        except FileNotFoundError:
            return 0
        if (st.st_mtime_ns, st.st_ino) != self.seen:
            self.seen, self.epoch = (st.st_mtime_ns, st.st_ino), saved_epoch(self.state)
        return self.epoch


def saved_history(state: Path) -> list[dict[str, Any]]:
    return list(saved_progress(state).get("history", []))


def without_timing(path: Path) -> dict[str, Any]:
    from sandbox.evaluation import TIMING_FIELDS

    result = json.loads(path.read_text())
    return {k: v for k, v in result.items() if k not in TIMING_FIELDS}


def training_faults(work: Path, kills: int, rng: random.Random, counts: Counter[str]) -> None:
    training_data(work)
    ref = work / "train-ref"
    ref.mkdir()
    code, err, arrivals = finish(TRAIN_ARGS, ref, EpochsIn(ref / "state.pt"))
    if code != 0:
        raise SystemExit(f"the reference training run failed:\n{err}")
    reference = without_timing(ref / "out.json")
    epochs = saved_epoch(ref / "state.pt")
    reference_history = [e["epoch"] for e in saved_history(ref / "state.pt")]
    print(f"training: reference run {arrivals[-1]:.1f} s, {epochs} epochs, saved at "
          f"{', '.join(f'{a:.1f}' for a in arrivals[:-1])} s", flush=True)
    trial = 0
    while counts["training kills"] < kills and trial < 3 * kills:
        cwd = work / f"train-{trial}"
        cwd.mkdir()
        k, delay = moment(rng, arrivals)
        trial += 1
        if not kill_at(TRAIN_ARGS, cwd, EpochsIn(cwd / "state.pt"), k, delay):
            counts["training runs that ended before their moment"] += 1
            continue
        counts["training kills"] += 1
        saved = saved_epoch(cwd / "state.pt")
        counts[f"training kills with {'no' if saved == 0 else 'all' if saved == epochs else 'some'} "
               "epochs saved"] += 1
        code, err, _ = finish(TRAIN_ARGS, cwd)
        counts["training tracebacks"] += "Traceback" in err
        if code != 0:
            counts["training failed resumes"] += 1
            print(f"  kill {trial} ({k} epochs + {delay:.2f} s): the resume failed:\n{err}", flush=True)
            continue
        said = re.search(r"resuming training from \S+ after epoch (\d+) of", err)
        after = int(said.group(1)) if said else 0
        history = [e["epoch"] for e in saved_history(cwd / "state.pt")]
        counts["training epochs lost"] += max(0, saved - after)
        # Saved epochs that the resume trained again, and any epoch the final history holds twice.
        counts["training epochs computed twice"] += max(0, saved - after) + len(history) - len(set(history))
        counts["training histories unlike the reference"] += history != reference_history
        counts["training epochs saved before a kill, kept"] += min(saved, after)
        same = without_timing(cwd / "out.json") == reference
        counts["training results identical"] += same
        counts["training results different"] += not same
        print(f"  kill {counts['training kills']:2} ({k} epochs + {delay:5.2f} s): {saved} of {epochs} saved; "
              f"resumed after epoch {after}; results {'identical' if same else 'DIFFERENT'}", flush=True)


FAILURES = ("bench failed resumes", "bench tracebacks", "bench cells lost", "bench cells computed twice",
            "bench results.json different", "bench files left after the resume", "training failed resumes",
            "training tracebacks", "training epochs lost", "training epochs computed twice",
            "training histories unlike the reference", "training results different")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--kills", type=int, default=20, help="kills per part (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill moments (default 0)")
    parser.add_argument("--work", help="working directory (default: a temporary one, removed afterwards)")
    parser.add_argument("--parts", nargs="+", choices=("bench", "training"), default=["bench", "training"])
    args = parser.parse_args(argv)
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rng = random.Random(args.seed)
        if "bench" in args.parts:
            bench_faults(work, args.kills, rng, counts)
        if "training" in args.parts:
            training_faults(work, args.kills, rng, counts)
    print(f"\nfaults (seed {args.seed}):")
    for key in sorted(set(counts) | set(FAILURES)):
        if key.split()[0] in args.parts:
            print(f"  {key:48} {counts[key]}")
    failed = sum(counts[k] for k in FAILURES)
    print("every check passed" if not failed else f"FAILED: {failed} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
