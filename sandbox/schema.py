"""The JSON records the sandbox writes, as machine-readable schemas with one version.

Three records share one version number and their common parts:

- ``sandbox.eval/1`` (:data:`EVAL`): what ``sandbox eval --json`` writes, one
  learner on one task (:func:`sandbox.evaluation.evaluate`);
- ``sandbox.compare.cell/1`` (:data:`CELL`): one (task, learner, seed) cell of
  the comparator (:func:`sandbox.compare.runner.run_cell`);
- ``sandbox.compare.results/1`` (:data:`RESULTS`): the comparator's
  ``results.json``, every cell and a summary row per (task, learner)
  (:mod:`sandbox.compare.results` documents each field in prose).

The eval record and the cell share :data:`DEFS` ``run`` (the learner, its
``get_params()``, the task and its version, the number of test items) and the
rates in ``[0, 1]``. The schemas are JSON Schema (draft 2020-12) restricted to
the keywords :func:`validate` implements, so that a program in any language can
check a file with an off-the-shelf validator, and the sandbox checks it without
a dependency. Every record names its schema in its ``schema`` field; a reader
refuses another name or version. Fields beyond those listed are allowed
(``additionalProperties`` is left open), so that a new optional field does not
need a new version; a removed or retyped field does.

>>> print(validate({"schema": EVAL_SCHEMA, "learner": "memorize"}, EVAL))
(top): missing field 'params'
>>> print(validate({"n": [1, -1]}, {"properties": {"n": {"items": {"type": "integer", "minimum": 0}}}}))
n[1]: -1 is below the minimum 0
>>> print(validate({"a": None}, {"properties": {"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}))
None
"""

from __future__ import annotations

import json
import re
from typing import Any

SCHEMA_VERSION = 1
EVAL_SCHEMA = f"sandbox.eval/{SCHEMA_VERSION}"
CELL_SCHEMA = f"sandbox.compare.cell/{SCHEMA_VERSION}"
RESULTS_SCHEMA = f"sandbox.compare.results/{SCHEMA_VERSION}"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


STRING: Schema = {"type": "string"}
COUNT: Schema = {"type": "integer", "minimum": 0}
NUMBER: Schema = {"type": "number"}
COUNTS: Schema = {"type": "object", "additionalProperties": COUNT}

DEFS: dict[str, Schema] = {
    "rate": {"type": "number", "minimum": 0, "maximum": 1},
    # One learner fitted on one task: the part every record of a run shares.
    "run": _object({"learner": STRING, "params": {"type": "object"}, "task": STRING, "task_version": STRING,
                    "n_test": COUNT}),
    "mean_std": _object({"mean": NUMBER, "std": _nullable(NUMBER)}, {"ci": {"type": "array", "items": NUMBER}}),
    "split": _object({"n": COUNT, "exact_match": _ref("rate"), "coverage": _ref("rate"),
                      "accuracy_answered": _nullable(_ref("rate")), "traceability": _nullable(_ref("rate")),
                      "outcomes": {"type": "string", "pattern": "^[01-]*$"}},
                     {"exact_match_ci": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2},
                      "by_length": {"type": "object"}, "by_category": {"type": "object"},
                      "errors": COUNTS}),
    "item": _object({"id": STRING, "input": STRING, "prediction": _nullable(STRING), "gold": STRING,
                     "correct": {"type": "boolean"}, "category": _nullable(STRING),
                     "relaxation_level": _nullable(COUNT), "reason": _nullable(STRING),
                     "traceable": {"type": "boolean"}, "trace": _nullable({"type": "object"}),
                     "attribution": _nullable({"type": "array", "items": {"type": "array", "items": COUNT}})}),
}

EVAL: Schema = {
    "$id": EVAL_SCHEMA,
    "$defs": DEFS,
    "allOf": [_ref("run"), _object({
        "schema": {"const": EVAL_SCHEMA}, "n_train": COUNT,
        "exact_match": _ref("rate"), "coverage": _ref("rate"), "accuracy_answered": _ref("rate"),
        "traceability": _ref("rate"), "relaxation_histogram": COUNTS,
        "items": {"type": "array", "items": _ref("item")},
        "fit_seconds": NUMBER, "predict_seconds": NUMBER, "learned": _nullable({"type": "object"}),
    })],
}

CELL: Schema = {
    "$id": CELL_SCHEMA,
    "$defs": DEFS,
    "allOf": [_ref("run"), _object({
        "schema": {"const": CELL_SCHEMA}, "key": STRING, "cell": {"type": "object"}, "config": {"type": "object"},
        "seed": {"type": "integer"}, "seeded": {"type": "boolean"}, "n_fit": COUNT, "n_heldout": COUNT,
        "test": _ref("split"), "heldout": _nullable(_ref("split")), "generalization_gap": _nullable(NUMBER),
        "relaxation": _object({"has_levels": {"type": "boolean"}, "levels": {"type": "object"}}),
        "attribution": {"type": "object"}, "geometry": _nullable({"type": "object"}),
        "routing": _nullable({"type": "object"}), "human_errors": _nullable({"type": "object"}),
        "showcase": {"type": "array"},
    })],
}

_STAT = _nullable(_ref("mean_std"))
SUMMARY_ROW: Schema = _object({
    "task": STRING, "learner": STRING, "seeds": {"type": "array", "items": {"type": "integer"}},
    "exact_match": _ref("mean_std"), "heldout_exact_match": _STAT, "generalization_gap": _STAT,
    "token_accuracy": _STAT, "coverage": _STAT, "accuracy_answered": _STAT, "traceability": _STAT,
    "attribution_fidelity": _STAT, "attribution": {"type": "object"},
    "relaxation": _object({"has_levels": {"type": "boolean"}, "levels": {"type": "object"}}),
    "errors": COUNTS, "routing": _nullable({"type": "object"}), "human_errors": _nullable({"type": "object"}),
    "geometry": _nullable({"type": "object"}), "showcase": {"type": "array"},
})

RESULTS: Schema = {
    "$id": RESULTS_SCHEMA,
    "$defs": {**DEFS, "cell": {k: v for k, v in CELL.items() if k not in ("$id", "$defs")}, "summary": SUMMARY_ROW},
    **_object({
        "schema": {"const": RESULTS_SCHEMA}, "environment": {"type": "object"}, "config": {"type": "object"},
        "metrics": {"type": "object"}, "error_classes": {"type": "object"},
        "tasks": {"type": "object", "additionalProperties": _object({"version": STRING, "n_train": COUNT,
                                                                      "n_test": COUNT})},
        "task_names": {"type": "array", "items": STRING}, "learners": {"type": "array", "items": STRING},
        "summary": {"type": "array", "items": _ref("summary")},
        "cells": {"type": "array", "items": _ref("cell")},
    }, {"timing": {"type": "object"}, "checksum": STRING}),
}

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,), "null": (type(None),),
    "integer": (int,), "number": (int, float),
}


def validate(instance: Any, schema: Schema) -> str | None:
    """The first place where ``instance`` breaks ``schema`` (``path: what``), or ``None`` where it holds.

    Implements the keywords these schemas use: ``type``, ``const``, ``properties``, ``required``,
    ``additionalProperties``, ``items``, ``minItems``, ``maxItems``, ``minimum``, ``maximum``,
    ``pattern``, ``allOf``, ``anyOf`` and ``$ref`` to ``#/$defs/NAME``.
    """
    return _check(instance, schema, schema.get("$defs", {}), "")


def _check(value: Any, schema: Schema, defs: dict[str, Schema], path: str) -> str | None:
    where = path or "(top)"
    if "$ref" in schema:
        return _check(value, defs[schema["$ref"].removeprefix("#/$defs/")], defs, path)
    for part in schema.get("allOf", ()):
        if (problem := _check(value, part, defs, path)) is not None:
            return problem
    if "anyOf" in schema:
        problems = [_check(value, part, defs, path) for part in schema["anyOf"]]
        if None not in problems:
            return problems[0]  # the first branch's complaint (the value's own type, before null)
    if "const" in schema and value != schema["const"]:
        return f"{where}: {json.dumps(value)[:60]} is not {json.dumps(schema['const'])}"
    kind = schema.get("type")
    if kind is not None and (not isinstance(value, _TYPES[kind]) or (kind in ("integer", "number")
                                                                      and isinstance(value, bool))):
        return f"{where}: is {_kind(value)}, not {kind}"
    return _check_number(value, schema, where) or _check_container(value, schema, defs, path)


def _check_number(value: Any, schema: Schema, where: str) -> str | None:
    if "minimum" in schema and value < schema["minimum"]:
        return f"{where}: {value} is below the minimum {schema['minimum']}"
    if "maximum" in schema and value > schema["maximum"]:
        return f"{where}: {value} is above the maximum {schema['maximum']}"
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return f"{where}: {value[:60]!r} does not match {schema['pattern']}"
    return None


def _check_container(value: Any, schema: Schema, defs: dict[str, Schema], path: str) -> str | None:
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                return f"{path or '(top)'}: missing field {name!r}"
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            sub = schema.get("properties", {}).get(name, extra)
            if sub is not None and (problem := _check(item, sub, defs, f"{path}.{name}" if path else name)):
                return problem
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            return f"{path or '(top)'}: {len(value)} items, not {schema.get('minItems')}-{schema.get('maxItems')}"
        for i, item in enumerate(value):
            if "items" in schema and (problem := _check(item, schema["items"], defs, f"{path}[{i}]")):
                return problem
    return None


def _kind(value: Any) -> str:
    return next((name for name, types in _TYPES.items() if isinstance(value, types) and not
                 (name in ("integer", "number") and isinstance(value, bool))), type(value).__name__)
