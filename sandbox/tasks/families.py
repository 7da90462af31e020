"""The catalogue of task families, in listing order: each module registers its tasks when imported.

:func:`sandbox.tasks.registry.load_families` imports them one by one; a
family that fails to import is reported (``broken_families``) and the
others still register.
"""

FAMILIES = (
    "sandbox.tasks.scan",
    "sandbox.tasks.cogs",
    "sandbox.tasks.pcfg_tasks",
    "sandbox.tasks.fewshot",
    "sandbox.tasks.arith",
    "sandbox.tasks.nacs",
)
