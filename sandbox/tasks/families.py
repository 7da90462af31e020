"""Imports every task family so that its tasks register themselves (in listing order)."""
# isort: skip_file

from sandbox.tasks import scan  # noqa: F401
from sandbox.tasks import cogs  # noqa: F401
