"""Benchmark of the negotiation analytics core (goodoffices/lib/analytics) beside negmas.

Run: ``make bench-analytics`` (installs a pinned negmas into .venv first), or
``.venv/bin/python benchmarks/analytics.py [--seed 1] [--negmas-outcomes 100000]``.

Three instances, utilities drawn uniformly from the integers 0..100:

1. the exact two-party Pareto frontier of 200 issues x 10 options;
2. the Nash point (pure packages, and lotteries) of 30 issues x 5 options for 3 parties;
3. maximum Nash welfare for 10 agents x 50 indivisible items.

negmas finds a frontier by evaluating every outcome (its ``pareto_frontier`` enumerates the outcome
space) and its Nash point by scanning that frontier (``nash_points``). On the full instances that is
10^200, 5^30 and 10^50 outcomes, so negmas is run on the largest leading part of each instance (the
first issues or items) with at most ``--negmas-outcomes`` outcomes, and ours on the same part, side by
side: each line prints both times, the ratio negmas/ours and whether the answers agree (the same
frontier; the same Nash product). The full instances are ours alone.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np

from goodoffices.lib.analytics import (
    Budget,
    Division,
    Issue,
    Item,
    Negotiation,
    Option,
    max_nash_welfare,
    nash_lottery,
    nash_package,
    pareto_frontier,
)

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:7.2f} s "
    return f"{seconds * 1e3:7.1f} ms"


def negotiation(values: np.ndarray) -> Negotiation:
    """values[j, k, i]: party i's utility for option k of issue j."""
    m, k, n = values.shape
    return Negotiation(
        tuple(f"p{i}" for i in range(n)),
        tuple(
            Issue(f"i{j}", tuple(Option(f"o{o}", tuple(Fraction(int(v)) for v in values[j, o])) for o in range(k)))
            for j in range(m)
        ),
        tuple(Fraction(0) for _ in range(n)),
    )


def division(points: np.ndarray) -> Division:
    """points[j, i]: agent i's points for item j."""
    m, n = points.shape
    return Division(
        tuple(f"a{i}" for i in range(n)),
        tuple(Item(f"g{j}", tuple(Fraction(int(v)) for v in points[j])) for j in range(m)),
    )


def leading(sizes: Sequence[int], cap: int) -> int:
    """How many leading issues (or items) keep the outcome count within cap."""
    count, total = 0, 1
    for size in sizes:
        if total * size > cap:
            break
        total *= size
        count += 1
    return count


class Negmas:
    """The negmas side: outcome space, linear additive ufuns, frontier and Nash points."""

    def __init__(self) -> None:
        from negmas import make_issue
        from negmas.outcomes import make_os
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.preferences.ops import nash_points, pareto_frontier
        from negmas.preferences.value_fun import TableFun

        self.make_issue, self.make_os = make_issue, make_os
        self.ufun, self.table = LinearAdditiveUtilityFunction, TableFun
        self.pareto_frontier, self.nash_points = pareto_frontier, nash_points

    def problem(self, values: np.ndarray) -> tuple[list[Any], list[Any]]:
        m, k, n = values.shape
        issues = [self.make_issue(values=[f"o{o}" for o in range(k)], name=f"i{j}") for j in range(m)]
        space = self.make_os(issues)
        ufuns = [
            self.ufun(
                values={f"i{j}": self.table({f"o{o}": float(values[j, o, i]) for o in range(k)}) for j in range(m)},
                weights={f"i{j}": 1.0 for j in range(m)},
                outcome_space=space,
                reserved_value=0.0,
            )
            for i in range(n)
        ]
        return issues, ufuns

    def frontier(self, values: np.ndarray) -> set[tuple[float, ...]]:
        issues, ufuns = self.problem(values)
        points, _ = self.pareto_frontier(ufuns, issues=issues)
        return {tuple(float(v) for v in p) for p in points}

    def nash(self, values: np.ndarray) -> float:
        issues, ufuns = self.problem(values)
        points, _ = self.pareto_frontier(ufuns, issues=issues)
        top = float(values.max(axis=1).sum(axis=0).max())
        best = self.nash_points(None, points, ranges=[(0.0, top)] * values.shape[2])
        return math.prod(float(v) for v in best[0][0])


def item_values(points: np.ndarray) -> np.ndarray:
    """Items as issues: option k gives the item to agent k (values[j, k, i] = points[j, i] if k == i)."""
    m, n = points.shape
    values = np.zeros((m, n, n), dtype=np.int64)
    for k in range(n):
        values[:, k, k] = points[:, k]
    return values


def side_by_side(label: str, ours: float, theirs: float | None, agree: bool | None, note: str = "") -> None:
    line = f"{label:<58} ours {fmt(ours)}"
    if theirs is not None:
        line += f"   negmas {fmt(theirs)}   negmas/ours {theirs / ours:8.1f}x   agree: {'yes' if agree else 'NO'}"
    if note:
        line += f"   {note}"
    print(line, flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--negmas-outcomes", type=int, default=100_000, help="largest outcome space given to negmas")
    parser.add_argument("--mnw-budget", type=float, default=60.0, help="seconds for maximum Nash welfare (10 x 50)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    try:
        theirs: Negmas | None = Negmas()
        import negmas

        print(f"negmas {negmas.__version__}")
    except ImportError:
        theirs = None
        print("negmas is not installed (make bench-analytics installs it): our figures only")

    # 1. The exact two-party frontier, 200 issues x 10 options.
    values = rng.integers(0, 101, size=(200, 10, 2))
    seconds, result = timed(lambda: pareto_frontier(negotiation(values), Budget(60)))
    side_by_side(
        f"frontier 2 parties, 200 issues x 10 options ({len(result.points)} points)",
        seconds,
        None,
        None,
        str(result.status),
    )
    cut = leading([10] * 200, args.negmas_outcomes)
    part = values[:cut]
    seconds, ours = timed(lambda: pareto_frontier(negotiation(part), Budget(60)))
    ours_set = {tuple(float(v) for v in u) for u, _ in ours.points}
    if theirs is not None:
        t_seconds, their_set = timed(lambda: theirs.frontier(part))
        side_by_side(
            f"  same, first {cut} issues ({10**cut} outcomes, {len(ours_set)} points)",
            seconds,
            t_seconds,
            ours_set == their_set,
        )
    print("  negmas on all 200 issues: not run (it evaluates each of the 10^200 outcomes)")

    # 2. Nash, 3 parties, 30 issues x 5 options.
    values = rng.integers(0, 101, size=(30, 5, 3))
    full = negotiation(values)
    seconds, pure = timed(lambda: nash_package(full, Budget(60)))
    bound_note = f"{pure.status}, product {float(pure.objective):.6e}, bound {pure.bound:.6e}"
    side_by_side("Nash over packages, 3 parties, 30 issues x 5 options", seconds, None, None, bound_note)
    seconds, lottery = timed(lambda: nash_lottery(full, Budget(60)))
    side_by_side(
        "Nash over lotteries, same instance",
        seconds,
        None,
        None,
        f"{lottery.status}, a lottery over {len(lottery.lottery)} package(s)",
    )
    cut = leading([5] * 30, args.negmas_outcomes)
    part = values[:cut]
    seconds, ours_pure = timed(lambda: nash_package(negotiation(part), Budget(60)))
    if theirs is not None:
        t_seconds, their_product = timed(lambda: theirs.nash(part))
        agree = math.isclose(float(ours_pure.objective), their_product, rel_tol=1e-12)
        side_by_side(
            f"  same (packages), first {cut} issues ({5**cut} outcomes)",
            seconds,
            t_seconds,
            agree,
            str(ours_pure.status),
        )
    print("  negmas on all 30 issues: not run (it evaluates each of the 5^30 outcomes)")

    # 3. Maximum Nash welfare, 10 agents x 50 items.
    points = rng.integers(0, 101, size=(50, 10))
    seconds, mnw = timed(lambda: max_nash_welfare(division(points), Budget(args.mnw_budget)))
    gap = mnw.bound / float(mnw.objective) - 1
    side_by_side(
        "maximum Nash welfare, 10 agents x 50 items",
        seconds,
        None,
        None,
        f"{mnw.status}, product {float(mnw.objective):.6e}, proven relative gap {gap:.1e}",
    )
    # negmas's Nash point multiplies every agent's utility, so it is compared where every agent can get
    # an item: the first 4 agents and as many leading items as the outcome cap allows.
    agents = 4
    cut = leading([agents] * 50, args.negmas_outcomes)
    part_points = points[:cut, :agents]
    seconds, ours_mnw = timed(lambda: max_nash_welfare(division(part_points), Budget(60)))
    if theirs is not None:
        t_seconds, their_product = timed(lambda: theirs.nash(item_values(part_points)))
        agree = math.isclose(float(ours_mnw.objective), their_product, rel_tol=1e-12)
        label = f"  first {agents} agents, first {cut} items ({agents**cut} allocations)"
        side_by_side(label, seconds, t_seconds, agree, str(ours_mnw.status))
    print("  negmas on all 50 items: not run (it evaluates each of the 10^50 allocations)")


if __name__ == "__main__":
    main(sys.argv[1:])
