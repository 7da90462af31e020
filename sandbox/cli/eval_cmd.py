"""``sandbox eval`` and ``sandbox explain``: one learner, one task, through the protocol."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sandbox.cli.common import add_limits, add_task_source, learner_params_from_args, limited, task_from_args
from sandbox.data import MAX_INPUT_TOKENS
from sandbox.derivation import render_tree
from sandbox.errors import UsageError
from sandbox.evaluation import evaluate
from sandbox.formats import atomic_write_text, output_parent
from sandbox.progress import showing
from sandbox.registry import learner_names, learner_parameters, make_learner

# Options that map to a learner's constructor parameter of the same meaning.
LEARNER_OPTIONS = {"max_relaxation": "--max-relaxation", "epochs": "--epochs",
                   "seed": "--seed", "device": "--device"}


def add_learner_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learner", required=True, help=f"one of: {', '.join(learner_names())}")
    parser.add_argument("--max-relaxation", type=int, metavar="K",
                        help="symbolic: highest relaxation level allowed (0-3)")
    parser.add_argument("--epochs", type=int, metavar="N", help="neural: training epochs")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed of the learner")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), help="neural: device")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="any other constructor parameter of the learner (repeatable)")


def learner_from_args(args: argparse.Namespace) -> Any:
    params = learner_params_from_args(args, LEARNER_OPTIONS)
    if getattr(args, "quiet", False) and "progress" in learner_parameters(args.learner):
        params.setdefault("progress", False)
    return make_learner(args.learner, **params)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="fit a learner on a task and score its test set",
                       description="Fit a learner on the training split, predict the test split, "
                                   "print exact match, coverage, traceability and relaxation levels.")
    add_learner_options(p)
    add_task_source(p)
    add_limits(p)
    p.add_argument("--json", metavar="OUT", help="write the full result, one record per test item")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bars (the symbolic learner's stages and work, neural training); "
                        "they show only on a terminal")
    p.set_defaults(handler=cmd_eval)

    p = sub.add_parser("explain", help="print a learner's derivation for one input",
                       description="Fit a learner and print its derivation tree and relaxation steps "
                                   "for INPUT.")
    add_learner_options(p)
    add_task_source(p, need_test=False)
    add_limits(p, test=False)
    p.add_argument("input", help="the input, words separated by spaces (quote it)")
    p.set_defaults(handler=cmd_explain)


def cmd_eval(args: argparse.Namespace) -> int:
    json_out = None if args.json is None else output_parent(args.json, "--json")
    task = limited(task_from_args(args), args.train_limit, args.test_limit)
    if not task.test:
        raise UsageError(f"task {task.name} has no test examples")
    learner = learner_from_args(args)
    with showing(False if args.quiet else None):
        result = evaluate(learner, task, args.learner)
    print(summary(result))
    if json_out is not None:
        atomic_write_text(json_out, json.dumps(result, indent=1) + "\n")
        print(f"wrote {args.json}")
    return 0


def summary(result: dict[str, Any]) -> str:
    hist = result["relaxation_histogram"]
    levels = ", ".join(f"{k}: {v}" for k, v in hist.items()) or "n/a (no relaxation levels)"
    return "\n".join([
        f"learner {result['learner']} on {result['task']} (version {result['task_version']}): "
        f"{result['n_train']} train, {result['n_test']} test",
        f"  exact match   {result['exact_match']:.2%}",
        *([f"  semantic      {result['semantic_match']:.2%} (equal up to conjunct order and variable renaming)"]
          if "semantic_match" in result else []),
        f"  coverage      {result['coverage']:.2%}",
        f"  traceability  {result['traceability']:.2%}",
        f"  relaxation    {levels}",
        f"  time          fit {result['fit_seconds']:.2f} s, predict {result['predict_seconds']:.2f} s",
        *_learned_lines(result.get("learned")),
    ])


def _learned_lines(learned: Any) -> list[str]:
    if not isinstance(learned, dict):
        return []
    kinds = learned.get("by_kind", {})
    lines = [f"  learned       {learned.get('rules', '?')} rules"
             + (f" ({', '.join(f'{k} {v}' for k, v in kinds.items())})" if kinds else "")]
    if "proposals" in learned:
        lines.append(f"  work          {learned['proposals']} proposals (max_proposals {learned.get('max_proposals')})")
    if "work_steps" in learned:
        spent_at = learned.get("budget_spent_at")
        lines.append(f"  work          {learned['work_steps']:,} steps (max_work {learned.get('max_work')})"
                     + (f"; the budget ran out at stage {spent_at}" if spent_at else ""))
        stages = learned.get("work_by_stage") or {}
        if len(stages) > 1:
            lines.append("  by stage      " + "; ".join(f"{k}: {v:,}" for k, v in stages.items()))
    for revision in learned.get("lexicon_revisions", ()):
        lines.append(f"  revised       {revision}")
    if learned.get("budget_exhausted"):
        spent_at = str(learned.get("budget_spent_at") or "")
        knob = "max_chart" if spent_at.startswith("chart size") else "max_work" if spent_at else "max_proposals"
        lines.append("  NOTE          the work budget ran out: examples not yet derived were memorized "
                     f"(raise it: --param {knob}=N, or none for no budget)")
    return lines


def cmd_explain(args: argparse.Namespace) -> int:
    task = limited(task_from_args(args, need_test=False), args.train_limit, None)
    source = tuple(args.input.split())
    if not source:
        raise UsageError("INPUT is empty")
    if len(source) > MAX_INPUT_TOKENS:
        raise UsageError(f"INPUT has {len(source)} words; inputs over {MAX_INPUT_TOKENS} words are refused")
    learner = learner_from_args(args)
    learner.fit(task.train)
    pred = learner.explain(source)
    if pred.tokens is None:
        print(f"abstained: {pred.reason}")
        return 0
    print(f"input:  {' '.join(source)}")
    print(f"output: {' '.join(pred.tokens)}")
    if pred.relaxation_level is not None:
        print(f"relaxation level: {pred.relaxation_level}")
    if pred.derivation is None:
        print("no derivation: this learner gives no explanation beyond its answer")
    else:
        print("derivation:")
        print(render_tree(pred.derivation, source))
    return 0
