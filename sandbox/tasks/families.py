"""Imports every task family so that its tasks register themselves (in listing order)."""
# isort: skip_file

from sandbox.tasks import scan  # noqa: F401
from sandbox.tasks import cogs  # noqa: F401
from sandbox.tasks import pcfg_tasks  # noqa: F401
from sandbox.tasks import fewshot  # noqa: F401
from sandbox.tasks import arith  # noqa: F401
from sandbox.tasks import nacs  # noqa: F401
