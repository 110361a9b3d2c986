"""The time budget every solve runs under, and how a result says what it is worth."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum

from goodoffices.lib.errors import DomainError

DEFAULT_BUDGET_SECONDS = 10.0
MAX_BUDGET_SECONDS = 60.0


class Status(StrEnum):
    """How far a reported answer can be trusted.

    * ``exact``: proved optimal in exact rational arithmetic (the numbers are exact).
    * ``tolerance``: optimal as far as the floating-point solver can tell (HiGHS, SLSQP), but not
      proved exactly: e.g. a Nash point on a lower-dimensional face that is irrational, or products
      too large for a double to tell apart. The ``bound`` says how far from optimal it can be.
    * ``budget``: the time budget ran out; the answer is the best found, ``bound`` the best proven bound.
    """

    EXACT = "exact"
    TOLERANCE = "tolerance"
    BUDGET = "budget"


@dataclass
class Budget:
    """A deadline on the monotonic clock. Solvers check it between steps and pass what remains to HiGHS."""

    seconds: float = DEFAULT_BUDGET_SECONDS
    started: float = field(default_factory=time.monotonic)

    @property
    def deadline(self) -> float:
        return self.started + self.seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


class BudgetExceeded(DomainError):
    """The budget ran out before any answer was found (a 4xx for the API: the request was too large).

    Inside solvers it also signals "stop this step"; callers fall back on what they have and report
    status ``budget``.
    """
