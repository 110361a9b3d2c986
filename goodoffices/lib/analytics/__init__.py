"""Negotiation analytics for mediators, in pure Python (numpy, scipy/HiGHS; no Django here).

Modules:

* :mod:`.model`: parties, issues with options and additive utilities, items; validation and size limits.
* :mod:`.exact`: exact rationals, "p/q" strings, exact linear algebra and simplex.
* :mod:`.budget`: the time budget and the ``status`` of an answer (exact, tolerance, budget).
* :mod:`.frontier`: the exact Pareto frontier (two-party dynamic programme; n-party merge).
* :mod:`.milp`: package MILPs with HiGHS (zero gap), including the exact-at-integers log programme.
* :mod:`.hull`: lotteries: column-generation LPs (exactly re-solved) and the Nash point over the hull.
* :mod:`.bargaining`: Nash, Kalai-Smorodinsky, max joint gain and maximin gain over a baseline.
* :mod:`.division`: Adjusted Winner, maximum Nash welfare (indivisible and divisible).
* :mod:`.contract`: ``solve(request) -> answer``, the JSON contract of the API.
"""

from __future__ import annotations

from .bargaining import (
    FrontierResult,
    LotteryResult,
    PackageResult,
    kalai_smorodinsky_lottery,
    kalai_smorodinsky_package,
    max_joint_gain,
    maximin_gain,
    maximin_lottery,
    nash_lottery,
    nash_package,
    pareto_frontier,
)
from .budget import Budget, BudgetExceeded, Status
from .contract import solve
from .division import Allocation, adjusted_winner, fractional_max_nash_welfare, max_nash_welfare
from .exact import fraction_str
from .model import Division, Issue, Item, Negotiation, Option, parse_division, parse_negotiation

__all__ = [
    "Allocation",
    "Budget",
    "BudgetExceeded",
    "Division",
    "FrontierResult",
    "Issue",
    "Item",
    "LotteryResult",
    "Negotiation",
    "Option",
    "PackageResult",
    "Status",
    "adjusted_winner",
    "fraction_str",
    "fractional_max_nash_welfare",
    "kalai_smorodinsky_lottery",
    "kalai_smorodinsky_package",
    "max_joint_gain",
    "max_nash_welfare",
    "maximin_gain",
    "maximin_lottery",
    "nash_lottery",
    "nash_package",
    "pareto_frontier",
    "parse_division",
    "parse_negotiation",
    "solve",
]
