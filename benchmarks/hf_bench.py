"""Benchmark of ``hf-seq2seq`` with ``config=tiny`` against the project's own Transformer.

Run ``python -m benchmarks.hf_bench --help`` (needs the ``hf`` extra). On
``scan/simple`` (built from the grammar: no data files, no checkpoint, no
network) both learners train on the same first ``--examples`` training
examples with the same batch size, epochs and seed, interleaved in the same
run (alternating which goes first), and the script prints:

- the tiny T5's mean training loss per epoch (it must fall) and its
  validation accuracy, for every repetition;
- the parameter counts of both models (the tiny T5 has the ``transformer``
  learner's shape: 2+2 layers, width 128, 4 heads, feed-forward 256);
- seconds per epoch of the training pass alone (best over repetitions) and
  their ratio, hf-seq2seq / transformer (target <= 1.5), with the raw figures;
- exact-match accuracy of both on the first ``--test-examples`` test inputs.

The budget is counted, never timed: examples x epochs x repetitions. Every
figure is printed with the device and thread count it was measured with.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Sequence
from typing import Any

import torch

from neural import TransformerLearner
from neural.hf import HFSeq2SeqLearner
from neural.hf_checkpoint import require_hf
from sandbox.data import Example
from sandbox.errors import UsageError
from sandbox.tasks.registry import load_task


def accuracy(learner: Any, test: Sequence[Example]) -> float:
    preds = learner.predict([e.source for e in test])
    return sum(p.tokens == e.target for p, e in zip(preds, test, strict=True)) / max(len(test), 1)


def parameters(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.hf_bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--examples", type=int, default=2000, help="training examples of scan/simple")
    p.add_argument("--test-examples", type=int, default=300, help="test inputs scored")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--reps", type=int, default=2, help="repetitions of each learner, interleaved")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda"])
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's)")
    args = p.parse_args(argv)
    try:
        require_hf()
    except UsageError as err:
        print(f"hf_bench: nothing measured: {err}")
        return
    if args.threads:
        torch.set_num_threads(args.threads)
    task = load_task("scan/simple")
    train, test = list(task.train[: args.examples]), list(task.test[: args.test_examples])
    common = {"epochs": args.epochs, "batch_size": args.batch_size, "seed": 0, "device": args.device,
              "progress": False, "patience": args.epochs}  # fmt: skip
    makers = {"hf-seq2seq": lambda: HFSeq2SeqLearner(config="tiny", **common),
              "transformer": lambda: TransformerLearner(**common)}  # fmt: skip
    epoch_s: dict[str, list[float]] = {name: [] for name in makers}
    fitted: dict[str, Any] = {}
    sample = HFSeq2SeqLearner(config="tiny", **common)
    print(f"== hf-seq2seq (config=tiny) vs transformer on scan/simple: {len(train)} training examples "
          f"(10% held out for validation), {args.epochs} epochs of batch {args.batch_size}, {args.reps} reps; "
          f"device {sample.device if args.device != 'auto' else 'auto'} "
          f"({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads); "
          f"torch {torch.__version__} ==")  # fmt: skip
    for rep in range(args.reps):
        for name in list(makers) if rep % 2 == 0 else list(makers)[::-1]:
            start = time.perf_counter()
            learner = makers[name]().fit(train)
            total = time.perf_counter() - start
            hist = learner.train_result_.history
            epoch_s[name] += [e.train_seconds for e in hist]
            fitted[name] = learner
            losses = ", ".join(f"{e.loss:.3f}" for e in hist)
            vals = ", ".join("-" if e.val_accuracy is None else f"{e.val_accuracy:.3f}" for e in hist)
            print(f"rep {rep} {name:<12} loss per epoch [{losses}]  val acc [{vals}]  fit {total:.1f}s "
                  f"(device {learner.device_})")  # fmt: skip
            if name == "hf-seq2seq":
                falling = hist[-1].loss < hist[0].loss
                print(f"  loss {'falls' if falling else 'DOES NOT FALL'}: {hist[0].loss:.3f} -> {hist[-1].loss:.3f}")
    hf, tr = fitted["hf-seq2seq"], fitted["transformer"]
    print(f"parameters: hf-seq2seq {parameters(hf.net_):,}, transformer {parameters(tr.model_):,}")
    best = {name: min(times) for name, times in epoch_s.items()}
    ratio = best["hf-seq2seq"] / best["transformer"]
    print(f"seconds per epoch (training pass, best of {len(epoch_s['transformer'])}): "
          f"hf-seq2seq {best['hf-seq2seq']:.2f}s, transformer {best['transformer']:.2f}s -> "
          f"ratio {ratio:.2f} (target <= 1.5) {'MET' if ratio <= 1.5 else 'NOT MET'}")  # fmt: skip
    for name, times in epoch_s.items():
        print(f"  raw epoch seconds {name}: {[round(t, 2) for t in times]}")
    print(f"exact match on the first {len(test)} test inputs: hf-seq2seq {accuracy(hf, test):.3f}, "
          f"transformer {accuracy(tr, test):.3f} (after {args.epochs} epochs: a speed budget, not convergence)")


if __name__ == "__main__":
    main()
