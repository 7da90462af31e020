"""How often the compositional laws hold for a learner, over many seeds of random grammars.

One ``sandbox check`` run judges each law on N random tasks from one seed and
stops at the first counterexample; this sweep repeats that over a range of
seeds and prints, per law, how many seeds held, with the seeds that broke;
``--show`` prints each minimal counterexample under its law. Grammars are by
default the ``large`` size of ``sandbox check``: up to three precedence levels.

A verdict is reproducible for the same command, but a seed is not always
judged on the same tasks by another program making the same ``check_law``
call (``sandbox check --seed S`` among them): hypothesis's search is seeded,
yet which tasks it reaches before the first failure has differed between
scripts. Read a broken seed's counterexample here, with ``--show``.

    python -m benchmarks.law_sweep --seeds 0-39 --laws productivity systematicity [--show]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from sandbox.cli.check_cmd import GRAMMARS, SEQUENCE_SIZES, SIZES
from sandbox.testing.runner import check_law


def seed_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learner", default="symbolic")
    parser.add_argument("--laws", nargs="+", default=["productivity", "systematicity", "reproduces",
                                                       "trace_replay"])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("0-39"), help="FIRST-LAST")
    parser.add_argument("--examples", type=int, default=100, help="random tasks per law and seed")
    parser.add_argument("--size", choices=sorted(SIZES), default="large", help="as in sandbox check")
    parser.add_argument("--grammars", choices=list(GRAMMARS), default="operators", help="as in sandbox check")
    parser.add_argument("--show", action="store_true", help="print each broken seed's minimal counterexample")
    args = parser.parse_args(argv)
    sizes = SEQUENCE_SIZES if args.grammars == "sequence" else SIZES
    print(f"learner {args.learner}, {args.examples} {args.size} random {args.grammars} tasks per law and seed, "
          f"seeds {args.seeds[0]}-{args.seeds[-1]}")
    print(f"{'law':22} {'held':>9}  {'seconds':>8}  broken at seeds")
    for law in args.laws:
        broken: list[int] = []
        shown: list[str] = []
        start = time.process_time()
        for seed in args.seeds:
            result = check_law(args.learner, law, examples=args.examples, seed=seed, family=args.grammars,
                               **sizes[args.size])
            if result.broken:
                broken.append(seed)
                shown.append(f"  seed {seed}: {result.render()}")
        held = f"{len(args.seeds) - len(broken)}/{len(args.seeds)}"
        print(f"{law:22} {held:>9}  {time.process_time() - start:8.1f}  "
              f"{', '.join(map(str, broken)) or '-'}", flush=True)
        if args.show and shown:
            print("\n".join(shown), flush=True)


if __name__ == "__main__":
    main()
