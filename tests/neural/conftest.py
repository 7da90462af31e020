"""Every neural test module runs on one torch thread (``one_torch_thread`` in tests/conftest.py says why)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def neural_tests_on_one_thread(one_torch_thread: None) -> None:
    """Asks for the shared fixture in every module of this folder."""
