"""Counted work budgets (a count of steps, never a clock), the one kind every stage spends.

A :class:`Work` counts steps that bound time: program-search term checks and
parse steps in the sequence stage; chart tilings and combinations, consistency
checks, proposals and parse items in the concatenative one. Code that can stop
cleanly at any step asks :meth:`Work.spend` (False once the budget is used
up); code that cannot (a chart cell half built) calls :meth:`Work.charge`,
which raises :class:`BudgetSpent` naming the stage, and the stage's caller
catches it where the state is whole again and says what it did instead.

>>> work = Work(10, stage="lexicon")
>>> work.spend(4), work.spent, work.exhausted
(True, 4, False)
>>> work.enter("induction")
>>> try:
...     work.charge(7)
... except BudgetSpent as spent:
...     print(spent)
work budget spent at stage induction (4 of 10 steps)
>>> work.spent_at, work.spent, work.exhausted
('induction', 4, True)
>>> work.by_stage
{'lexicon': 4}

A *reporter* (a callback, supplied by whoever shows progress: the CLI's bar)
hears the stage and the steps spent at each new stage and every
``REPORT_EVERY`` steps; it never changes what is computed.

>>> heard = []
>>> work = Work(None, report=lambda stage, spent, limit: heard.append((stage, spent, limit)))
>>> work.enter("revision"); work.charge(3)
>>> heard
[('revision', 0, None)]
"""

from __future__ import annotations

from sandbox.progress import Reporter

REPORT_EVERY = 1 << 14  # steps between two reports within a stage (a cheap integer test per charge)


class BudgetSpent(Exception):
    """The work budget ran out during ``stage``."""

    def __init__(self, stage: str, spent: int, limit: int | None):
        super().__init__(f"work budget spent at stage {stage} ({spent} of {limit} steps)")
        self.stage, self.spent, self.limit = stage, spent, limit


class Work:
    """A counted budget (never a clock): ``spend`` returns False once it is used up, ``charge`` raises."""

    def __init__(self, limit: int | None, stage: str = "", report: Reporter | None = None):
        self.limit = limit
        self.spent = 0
        self.stage = stage
        self.spent_at: str | None = None  # the stage during which the budget ran out
        self.refused = False  # whether a charge was refused (the budget is then used up)
        self._report = report
        self._next_report = REPORT_EVERY if report is not None else -1
        self._closed: dict[str, int] = {}  # steps of the stages already closed
        self._stage_start = 0

    def spend(self, n: int = 1) -> bool:
        self.spent += n
        if self.spent >= self._next_report >= 0:
            self._tell()
        if self.limit is None or self.spent <= self.limit:
            return True
        if self.spent_at is None:
            self.spent_at = self.stage
        return False

    def charge(self, n: int = 1) -> None:
        """Spend ``n`` steps, or raise :class:`BudgetSpent` (spending none) if they would overrun the budget."""
        if self.limit is not None and self.spent + n > self.limit:
            self.refused = True
            if self.spent_at is None:
                self.spent_at = self.stage
            raise BudgetSpent(self.spent_at or self.stage, self.spent, self.limit)  # where it first ran out
        self.spent += n
        if self.spent >= self._next_report >= 0:
            self._tell()

    def afford(self, n: int = 1) -> bool:
        """Spend ``n`` steps if they fit in the budget (True); else spend none, mark it used up (False)."""
        try:
            self.charge(n)
        except BudgetSpent:
            return False
        return True

    def enter(self, stage: str) -> None:
        """Name the stage the next steps belong to (and tell the reporter)."""
        if self.spent > self._stage_start:
            self._closed[self.stage] = self._closed.get(self.stage, 0) + self.spent - self._stage_start
        self._stage_start = self.spent
        self.stage = stage
        if self._report is not None:
            self._tell()

    def _tell(self) -> None:
        assert self._report is not None
        self._next_report = self.spent + REPORT_EVERY
        self._report(self.stage, self.spent, self.limit)

    @property
    def by_stage(self) -> dict[str, int]:
        """The steps spent in each stage, in the order the stages were entered (stages that spent none omitted)."""
        out = dict(self._closed)
        if self.spent > self._stage_start:
            out[self.stage] = out.get(self.stage, 0) + self.spent - self._stage_start
        return out

    @property
    def exhausted(self) -> bool:
        return self.limit is not None and (self.spent > self.limit or self.refused)

    @property
    def remaining(self) -> int | None:
        if self.limit is None:
            return None
        return 0 if self.refused else max(0, self.limit - self.spent)

    def part(self, limit: int | None) -> Work:
        """A budget for a sub-stage of at most ``limit`` steps and what is left here (spend it, then
        :meth:`absorb` it back so that its steps count here too)."""
        left = self.remaining
        bound = left if limit is None else limit if left is None else min(limit, left)
        return Work(bound, self.stage, self._report)

    def absorb(self, sub: Work) -> None:
        """Count a sub-stage's steps here (see :meth:`part`)."""
        self.spent += sub.spent
