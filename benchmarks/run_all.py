"""Every speed and scale benchmark in one go (``make bench``), each printing its own figures.

1. ``benchmarks.symbolic_bench``: symbolic learn/predict time per SCAN split,
   its ratio to the hand-written interpreter, control by relaxation cap, and
   cost growth with training size (and vocabulary, through renamed tasks);
2. ``benchmarks.neural_bench --sections speed``: neural epoch time and its
   ratio to the minimal plain-PyTorch loop, examples/s, decoding speed
   (incremental against full-prefix recompute), peak memory, device;
3. ``benchmarks.quick_suite``: the whole quick suite's wall time;
4. ``benchmarks.law_sweep --seeds 0-9``: how many seeds of large random
   grammars each compositional law holds on for the symbolic learner
   (``--seeds 0-39`` for the figure in ``benchmarks/results``);
5. ``benchmarks.grammar_shapes``: the symbolic learner on grammar shapes the
   laws do not draw, and on few-shot tasks with random templates;
6. ``benchmarks.sequence_bench``: the symbolic learner's rules beyond
   concatenation on PCFG SET and NACS (accuracy, consistency, sample
   efficiency, time, traceability);
7. ``benchmarks.hf_bench``: the ``hf-seq2seq`` learner's tiny T5 against the
   ``transformer`` learner on scan/simple (loss per epoch, seconds per epoch
   and their ratio); it says so and measures nothing without the ``hf`` extra.

The neural accuracy grid (3 seeds, every split, trained to convergence) takes
hours on a CPU; run ``python -m benchmarks.neural_bench --sections accuracy``
on its own, on a GPU where you have one.
"""

from __future__ import annotations

import subprocess
import sys

STEPS = [
    ["benchmarks.symbolic_bench"],
    ["benchmarks.neural_bench", "--sections", "speed", "--seeds", "0"],
    ["benchmarks.quick_suite"],
    ["benchmarks.law_sweep", "--seeds", "0-9"],
    ["benchmarks.grammar_shapes"],
    ["benchmarks.sequence_bench"],
    ["benchmarks.hf_bench"],
]


def main() -> int:
    failed = 0
    for step in STEPS:
        print(f"\n=== python -m {' '.join(step)}", flush=True)
        failed += subprocess.call([sys.executable, "-m", *step]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
