"""Benchmark of exact convex-hull membership at full scale (:mod:`sandbox.compare.hull_search`).

Every test point and every held-out point of a task, against every training
vector, in the full space and for every ``k``; prints the time per stage, the
share inside per ``k`` for each split, the number of undecided answers, and
the time to re-verify every certificate.

The vectors are a neural learner's encoder vectors (the comparator's own
held-out slice and distinct training inputs), trained for ``--epochs`` epochs;
``--vectors FILE`` caches them (``.npz``), so the hull timing can be rerun
without retraining. Run::

    python -m benchmarks.hull_bench --task scan/addprim_jump --learner gru --epochs 1 \\
        --vectors /tmp/gru_e1.npz
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from sandbox.compare.config import CompareConfig
from sandbox.compare.hull import verify
from sandbox.compare.hull_search import hull_membership


def encoder_vectors(task_name: str, learner_name: str, epochs: int, seed: int) -> dict[str, np.ndarray]:
    """Train ``learner_name`` on the comparator's fit set and encode distinct train, test and held-out inputs."""
    from sandbox.compare.runner import heldout_split
    from sandbox.registry import make_learner
    from sandbox.tasks.registry import load_task

    task = load_task(task_name)
    config = CompareConfig()
    fit, held = heldout_split(task.train, config.heldout_fraction, config.heldout_max, config.heldout_seed)
    learner = make_learner(learner_name, epochs=epochs, seed=seed, device="cpu", progress=False)
    start = time.perf_counter()
    learner.fit(fit)
    print(f"trained {learner_name} for {epochs} epoch(s) on {len(fit)} examples in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    encode = learner.encode  # type: ignore[attr-defined]
    return {
        "train": np.asarray(encode(list(dict.fromkeys(ex.source for ex in fit)))),
        "test": np.asarray(encode([ex.source for ex in task.test])),
        "heldout": np.asarray(encode(list(dict.fromkeys(ex.source for ex in held)))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="scan/addprim_jump")
    parser.add_argument("--learner", default="gru")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vectors", type=Path, help="cache of the encoder vectors (.npz; read if present)")
    parser.add_argument("--no-verify", action="store_true", help="skip re-verifying the certificates")
    args = parser.parse_args(argv)

    if args.vectors and args.vectors.is_file():
        with np.load(args.vectors, allow_pickle=False) as f:
            vectors = {k: f[k] for k in ("train", "test", "heldout")}
        print(f"vectors from {args.vectors}")
    else:
        vectors = encoder_vectors(args.task, args.learner, args.epochs, args.seed)
        if args.vectors:
            np.savez_compressed(args.vectors, **vectors)
    X = vectors["train"].astype(np.float64)
    print(f"{args.task} / {args.learner} ({args.epochs} epoch(s), seed {args.seed}): {len(X)} training vectors, "
          f"{len(vectors['test'])} test, {len(vectors['heldout'])} held-out points, dimension {X.shape[1]}; "
          f"cores {os.cpu_count()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}", flush=True)
    start = time.perf_counter()

    def stage(message: str) -> None:
        print(f"  {time.perf_counter() - start:7.1f} s  {message}", flush=True)

    certs = hull_membership(X, {"test": vectors["test"], "heldout": vectors["heldout"]}, progress=stage)
    total = time.perf_counter() - start
    print(f"hull membership, every point vs every training vector, every k: {total:.1f} s")
    for split in ("test", "heldout"):
        counts = certs.counts(split)
        cells = "  ".join(f"k={k}: {100 * c['inside'] / max(1, c['n']):.1f}% in"
                          + (f" ({c['undecided']} undecided)" if c["undecided"] else "") for k, c in counts.items())
        print(f"{split:8} (n={next(iter(counts.values()))['n']}): {cells}")
    print(f"certificates: {len(certs.to_npz()) / 1e6:.1f} MB compressed (with the vectors)")
    if not args.no_verify:
        start = time.perf_counter()
        problems = verify(certs)
        print(f"re-verified every certificate at every claimed level in {time.perf_counter() - start:.1f} s: "
              f"{len(problems)} failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
