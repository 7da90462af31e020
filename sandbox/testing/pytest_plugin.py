"""The pytest plugin of ``sandbox.testing`` (entry point ``sandbox_testing``, loaded automatically).

It gives a user's test file one fixture, ``assert_law``, which judges a law
on a learner and fails the test with hypothesis's minimal counterexample::

    def test_my_learner_is_systematic(assert_law):
        assert_law(MyLearner(), "systematicity")

and two options that scale every such check from the command line:
``--law-examples N`` (random tasks per law, default 20) and ``--law-seed S``.
The same function is importable as :func:`sandbox.testing.assert_law` for
use without the plugin. Imports stay inside the fixture, so that the plugin
costs nothing to test runs that do not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sandbox-laws", "compositional laws (sandbox.testing)")
    group.addoption("--law-examples", type=int, default=None, metavar="N",
                    help="random tasks per law for the assert_law fixture (default: 20, or the call's own)")
    group.addoption("--law-seed", type=int, default=None, metavar="S",
                    help="seed of the random tasks for the assert_law fixture (default: 0)")


@pytest.fixture()
def assert_law(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``assert_law(learner, law="systematicity", **options)``: fail the test unless the law holds."""
    from sandbox.testing.runner import assert_law as run

    examples = request.config.getoption("--law-examples")
    seed = request.config.getoption("--law-seed")

    def check(learner: Any, law: str = "systematicity", **options: Any) -> Any:
        if examples is not None:
            options["examples"] = examples
        if seed is not None:
            options["seed"] = seed
        return run(learner, law, **options)

    return check
