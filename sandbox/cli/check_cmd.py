"""``sandbox check``: judge a learner's compositional laws on random grammars.

Prints a table of the laws held and broken and, for each broken law, the
minimal counterexample hypothesis shrank it to. Exit code 0 when no law
broke, 1 when one did (as a test runner), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sandbox.cli.common import learner_params_from_args
from sandbox.errors import UsageError
from sandbox.formats import atomic_write_text
from sandbox.registry import learner_names, learner_parameters

# A small, fast training budget for neural learners (any learner with
# ``epochs``): enough to fit a few dozen training examples, small enough that
# the whole command ends in minutes on a laptop CPU. Only the keys a learner
# accepts are used; --epochs, --device and --param override them.
FAST_NEURAL: dict[str, Any] = {
    "epochs": 30, "batch_size": 16, "lr": 0.01, "val_fraction": 0.0, "dropout": 0.0,
    "hidden_size": 32, "d_model": 32, "ff_size": 64, "num_heads": 2, "num_layers": 1,
    "device": "cpu", "progress": False,
}
NEURAL_EXAMPLES = 8
NEURAL_BUDGET = 60.0
# Task sizes: ``small`` (the default for neural learners) starts hypothesis on
# grammars of at most three primitives and one operator per level, with at most
# four training examples beyond the coverage set, so that every fit is quick
# and shrinking gets far within the budget; ``large`` allows three precedence
# levels, where scope and precedence are hardest to induce.
SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "small": {"max_extra": 4, "grammar_options": {"max_primitives": 3, "max_operators": 1}},
    "large": {"grammar_options": {"max_levels": 3}},
}
# The same sizes for --grammars sequence (bounds of sandbox.testing.sequence_languages):
# small has at most three letters and two functions and runs of at most three
# letters in training; large up to six letters, four functions, templates of
# four terms and training runs of five letters.
SEQUENCE_SIZES: dict[str, dict[str, Any]] = {
    "default": {},
    "small": {"max_extra": 4, "grammar_options": {"max_letters": 3, "max_functions": 2, "train_run": 3}},
    "large": {"grammar_options": {"max_letters": 6, "max_functions": 4, "max_terms": 4, "train_run": 5}},
}
GRAMMARS = {
    "operators": "random grammars of primitives and operators with concatenative templates (the default)",
    "sequence": "random sequence-function languages: letter words, prefix functions whose templates apply "
                "sequence operations (first, last, rest, init, rev) to runs of letters and nest, repeaters "
                "(<0> twice), and their inverses (meaning to command, judged by interpreting the answer)",
}


def register(sub: argparse._SubParsersAction) -> None:
    from sandbox.testing.laws import LAWS

    laws = "; ".join(f"{name}: {law.summary}" for name, law in LAWS.items())
    p = sub.add_parser(
        "check", help="judge a learner's compositional laws on random grammars",
        description="Run compositional laws (property-based tests on random synchronous grammars) "
                    "against a learner. Prints which laws held and, for each broken law, the minimal "
                    f"counterexample. Laws: {laws}. Exit code 1 when a law broke.",
    )
    p.add_argument("--learner", required=True, help=f"one of: {', '.join(learner_names())}")
    p.add_argument("--laws", nargs="+", choices=list(LAWS), metavar="LAW",
                   help=f"laws to run (default: all): {', '.join(LAWS)}")
    p.add_argument("--examples", type=int, metavar="N",
                   help=f"random tasks per law (default: 20; {NEURAL_EXAMPLES} for neural learners)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the random tasks (default: 0)")
    p.add_argument("--budget", type=float, metavar="SECONDS",
                   help=f"time spent fitting per law before it stops (default: none; "
                        f"{NEURAL_BUDGET:g} for neural learners)")
    p.add_argument("--grammars", choices=list(GRAMMARS), default="operators",
                   help="family of random tasks: " + "; ".join(f"{k}: {v}" for k, v in GRAMMARS.items()))
    p.add_argument("--size", choices=list(SIZES),
                   help="size of the random tasks (default: small for neural learners, else default)")
    p.add_argument("--epochs", type=int, metavar="N", help="neural: training epochs (default: a fast budget)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), help="neural: device (default: cpu)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="any constructor parameter of the learner (repeatable)")
    p.add_argument("--json", metavar="OUT", help="write every verdict and counterexample as JSON")
    p.set_defaults(handler=cmd_check)


def learner_params(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """The learner's constructor parameters, and whether it got the fast neural budget."""
    accepted = set(learner_parameters(args.learner))
    neural = "epochs" in accepted
    fast = {k: v for k, v in FAST_NEURAL.items() if k in accepted} if neural else {}
    return {**fast, **learner_params_from_args(args, {"epochs": "--epochs", "device": "--device"})}, neural


def cmd_check(args: argparse.Namespace) -> int:
    from sandbox.testing.laws import LAWS
    from sandbox.testing.runner import check_law

    params, neural = learner_params(args)
    examples = args.examples if args.examples is not None else (NEURAL_EXAMPLES if neural else 20)
    budget = args.budget if args.budget is not None else (NEURAL_BUDGET if neural else None)
    if examples < 1:
        raise UsageError("--examples must be at least 1")
    size = args.size or ("small" if neural else "default")
    laws = args.laws or list(LAWS)
    shown = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
    print(f"sandbox check: learner {args.learner}" + (f" ({shown})" if shown else "")
          + f", {examples} {size} random {args.grammars} tasks per law, seed {args.seed}"
          + (f", budget {budget:g} s per law" if budget else ""))
    results = []
    for name in laws:
        bar = _progress(name, examples)
        try:
            result = check_law(args.learner, name, examples=examples, seed=args.seed, params=params,
                               budget=budget, progress=bar.update_to, family=args.grammars,
                               **(SEQUENCE_SIZES if args.grammars == "sequence" else SIZES)[size])
        finally:
            bar.close()
        results.append(result)
    print()
    print(render_table(results))
    for result in results:
        if result.counterexample is not None:
            print()
            print(f"{result.law} broken; minimal counterexample:")
            print(result.counterexample.render())
    if args.json:
        record = {"learner": args.learner, "params": {k: _jsonable(v) for k, v in params.items()},
                  "examples": examples, "size": size, "grammars": args.grammars, "seed": args.seed,
                  "budget": budget,
                  "laws": [r.to_json() for r in results]}
        atomic_write_text(Path(args.json), json.dumps(record, indent=1) + "\n")
        print(f"\nwrote {args.json}")
    return 1 if any(r.broken for r in results) else 0


def render_table(results: list[Any]) -> str:
    rows = [("law", "verdict", "tasks", "seconds", "note")]
    for r in results:
        verdict = r.verdict.value.upper() if r.broken else r.verdict.value
        rows.append((r.law, verdict, str(r.examples), f"{r.seconds:.1f}", r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join([row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                   row[3].rjust(widths[3]), row[4]]).rstrip()
        for row in rows
    )


class _Bar:
    def __init__(self, name: str, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=name, unit="task", file=sys.stderr, leave=False,
                        disable=not sys.stderr.isatty())

    def update_to(self, n: int) -> None:
        self.bar.update(n - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def _progress(name: str, total: int) -> _Bar:
    return _Bar(name, total)


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
