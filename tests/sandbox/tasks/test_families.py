"""The catalogue of task families: every family registers; a broken one is reported, not fatal."""

from __future__ import annotations

import sys

import pytest

from sandbox.errors import UsageError
from sandbox.tasks import registry
from sandbox.tasks.families import FAMILIES


def test_every_family_in_the_catalogue_registers_tasks():
    assert registry.broken_families() == {}
    assert all(module in sys.modules for module in FAMILIES)
    names = registry.task_names()
    assert all(any(n.startswith(prefix) for n in names) for prefix in ("scan/", "cogs/", "pcfg/", "nacs/", "arith/"))


def test_a_family_that_fails_to_import_is_reported_and_the_others_stay():
    before = registry.task_names()
    try:
        broken = registry.load_families(["sandbox.tasks.no_such_family"])
        assert "sandbox.tasks.no_such_family" in broken and "ModuleNotFoundError" in broken[
            "sandbox.tasks.no_such_family"]
        assert registry.task_names() == before
        with pytest.raises(UsageError, match=r"family sandbox\.tasks\.no_such_family failed to import"):
            registry.load_task("nosuch/task")
    finally:
        registry._BROKEN.pop("sandbox.tasks.no_such_family", None)
