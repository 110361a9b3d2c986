"""Bargaining solutions over packages and over lotteries of packages.

Pure-package answers for two parties are read off the exact frontier (:mod:`.frontier`), so they are
exact. For three to five parties the frontier is tried first with part of the budget; when it is too
large, HiGHS solves a MILP (:mod:`.milp`) and the answer is checked exactly. A linear objective with
integer values (an ideal point, the joint gain, the smallest gain or share) is proved optimal by a
second programme without objective that finds no package better by one unit (HiGHS's own "optimal"
was once wrong, see :mod:`.milp`); a product is proved when the log bound is below the log of the
next integer product. Lottery answers come from :mod:`.hull`.

Pareto-optimality: max joint gain is Pareto-optimal by construction; maximin and the pure
Kalai-Smorodinsky approximation are made so by a second step that maximises the joint gain among
packages that keep the first step's value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from goodoffices.lib.errors import Invalid

from . import milp
from .budget import Budget, BudgetExceeded, Status
from .exact import ONE, ZERO
from .frontier import Frontier, exact_frontier, supported_points
from .hull import Lottery, Row, hull_lp
from .hull import nash_lottery as _nash_lottery
from .model import Negotiation, Scaled

Engine = Literal["auto", "frontier", "milp"]
Package = tuple[int, ...]
# For three or more parties the exact frontier is tried first on instances with at most this many
# packages, within this share of the budget and this many points per stage; otherwise HiGHS runs.
FRONTIER_MAX_PACKAGES = 10**6
FRONTIER_SHARE = 1 / 4
FRONTIER_STAGE_POINTS = 5000
# A bound from HiGHS closer than this to the next better value proves nothing: its feasibility
# tolerances (1e-7 on the rows of the log programme, per party) can shift it by this much.
_MARGIN = 1e-6
_LOG_MARGIN_PER_PARTY = 2e-7


@dataclass(frozen=True)
class FrontierResult:
    """Pareto-optimal utility vectors with one package each; ``status`` is ``budget`` when only some were found."""

    points: tuple[tuple[tuple[Fraction, ...], Package], ...]
    status: Status


@dataclass(frozen=True)
class PackageResult:
    """A package, each party's utility, and what the method maximised.

    ``objective`` is the value of the method's criterion at the answer (the product of gains, the
    joint gain, the smallest gain...); ``bound`` an upper bound on it proven by the solver (equal to
    ``objective`` when ``status`` is ``exact``). ``approximate`` marks the pure-package approximation of
    a solution defined on lotteries (Kalai-Smorodinsky).
    """

    package: Package
    utilities: tuple[Fraction, ...]
    objective: Fraction
    bound: float
    status: Status
    counted: tuple[bool, ...]
    approximate: bool = False


@dataclass(frozen=True)
class LotteryResult:
    lottery: tuple[tuple[Package, Fraction], ...]
    utilities: tuple[Fraction, ...]
    status: Status
    ks_point: tuple[Fraction, ...] | None = None
    ideal: tuple[Fraction, ...] | None = None


def _budget(budget: Budget | None) -> Budget:
    return budget if budget is not None else Budget()


def _unscale(scaled: Scaled, values: Sequence[int | Fraction]) -> tuple[Fraction, ...]:
    return tuple(Fraction(v) / scaled.scale for v in values)


def _frontier_for(scaled: Scaled, budget: Budget, engine: Engine) -> Frontier | None:
    """The exact frontier when the engine allows it and it fits (always for two parties)."""
    if engine == "milp" and scaled.parties > 2:
        return None
    if engine == "frontier":
        return exact_frontier(scaled, budget)
    if scaled.parties == 2:
        # Always fits for ordinary utilities; with huge ranges and frontiers HiGHS takes over.
        try:
            return exact_frontier(scaled, budget)
        except BudgetExceeded:
            return None
    if scaled.package_count() > FRONTIER_MAX_PACKAGES:
        return None
    share = Budget(budget.remaining() * FRONTIER_SHARE)
    try:
        return exact_frontier(scaled, share, max_stage_points=FRONTIER_STAGE_POINTS)
    except BudgetExceeded:
        return None


def pareto_frontier(negotiation: Negotiation, budget: Budget | None = None) -> FrontierResult:
    """The exact Pareto frontier, or (status ``budget``) the supported Pareto points found instead."""
    budget = _budget(budget)
    scaled = negotiation.scaled
    try:
        frontier = exact_frontier(scaled, budget)
        status = Status.EXACT
    except BudgetExceeded:
        frontier = supported_points(scaled)
        status = Status.BUDGET
    points = tuple(
        (_unscale(scaled, [int(v) for v in row]), tuple(int(k) for k in pkg))
        for row, pkg in zip(frontier.utilities, frontier.packages, strict=True)
    )
    return FrontierResult(points, status)


# --- products: Nash over packages, maximum Nash welfare -----------------------------------------------


def _product(gains: Sequence[int]) -> int:
    return math.prod(g for g in gains if g > 0)


def _best_product_on(frontier: Frontier, floors: Sequence[int]) -> int | None:
    gains = frontier.utilities - np.asarray(floors, dtype=np.int64)
    rational = np.nonzero(np.all(gains >= 0, axis=1))[0]
    if rational.shape[0] == 0:
        return None
    counts = (gains[rational] > 0).sum(axis=1)
    top = rational[counts == counts.max()]
    return int(max(top, key=lambda r: (_product([int(g) for g in gains[r]]), -r)))


def max_product(
    negotiation: Negotiation, floors: Sequence[int], budget: Budget, engine: Engine, *, method: str
) -> PackageResult:
    """The package maximising the product of gains over ``floors`` (scaled), Caragiannis's rule for zeros.

    Among packages where nobody is below its floor, the largest number of parties gain at once and
    the product is taken over them.
    """
    scaled = negotiation.scaled
    frontier = _frontier_for(scaled, budget, engine)
    if frontier is not None:
        row = _best_product_on(frontier, floors)
        if row is None:
            raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
        return _product_result(scaled, tuple(int(k) for k in frontier.packages[row]), floors, None, Status.EXACT)
    count, count_status = _positive_count(scaled, floors, budget)
    answer = milp.max_log_product(scaled, floors, count, budget)
    if answer.package is None:
        raise BudgetExceeded(f"{method}: no package found within the budget")
    gains = scaled.gains(answer.package)
    product = _product(gains)
    bound = answer.log_bound
    if answer.timed_out:
        status = Status.BUDGET
    elif (
        count_status is Status.EXACT
        and bound is not None
        and bound < math.log(product + 1) - _LOG_MARGIN_PER_PARTY * scaled.parties
    ):
        status = Status.EXACT
    else:
        status = Status.TOLERANCE
    return _product_result(scaled, answer.package, floors, bound, status)


def _positive_count(scaled: Scaled, floors: Sequence[int], budget: Budget) -> tuple[int, Status]:
    n = scaled.parties
    spans = [max(1, sum(int(m[:, i].max()) for m in scaled.values) - floors[i]) for i in range(n)]
    guess = scaled.best_package_float(np.array([1 / s for s in spans]))
    if all(g >= 1 for g in scaled.gains(guess)):
        return n, Status.EXACT
    answer = milp.max_positive_count(scaled, floors, budget)
    if answer.infeasible:
        raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
    if answer.package is None:
        raise BudgetExceeded("no package found within the budget")
    count = sum(1 for g in scaled.gains(answer.package) if g >= 1)
    proven = answer.bound is not None and answer.bound < count + 1 - _MARGIN
    return count, Status.EXACT if proven else Status.TOLERANCE


def _product_result(
    scaled: Scaled, package: Package, floors: Sequence[int], log_bound: float | None, status: Status
) -> PackageResult:
    gains = scaled.gains(package)
    counted = tuple(g > 0 for g in gains)
    product = Fraction(_product(gains), scaled.scale ** sum(counted))
    real = [Fraction(u) - Fraction(f) for u, f in zip(scaled.utilities(package), floors, strict=True)]
    objective = math.prod((r / scaled.scale for r in real if r > 0), start=ONE)
    assert objective == product
    if status is Status.EXACT or log_bound is None:
        bound = float(product)
    else:
        bound = max(float(product), math.exp(log_bound - sum(counted) * math.log(scaled.scale)))
    return PackageResult(package, _unscale(scaled, scaled.utilities(package)), product, bound, status, counted)


def nash_package(negotiation: Negotiation, budget: Budget | None = None, *, engine: Engine = "auto") -> PackageResult:
    """The Nash bargaining solution over pure packages: maximise the product of gains over disagreement."""
    budget = _budget(budget)
    return max_product(negotiation, negotiation.scaled.disagreement, budget, engine, method="nash")


def nash_lottery(negotiation: Negotiation, budget: Budget | None = None) -> LotteryResult:
    """The Nash bargaining solution over lotteries of packages (the convex hull of package utilities)."""
    budget = _budget(budget)
    scaled = negotiation.scaled
    lottery = _nash_lottery(scaled, budget)
    if lottery is None:
        raise Invalid.one("disagreement", "no lottery of packages gives every party more than its disagreement utility")
    return _lottery_result(scaled, lottery)


def _lottery_result(
    scaled: Scaled,
    lottery: Lottery,
    ks_point: Sequence[Fraction] | None = None,
    ideal: Sequence[Fraction] | None = None,
) -> LotteryResult:
    total = sum((p for _, p in lottery.weights), ZERO)
    weights = (
        tuple((pkg, p / total) for pkg, p in lottery.weights) if lottery.status is not Status.EXACT else lottery.weights
    )
    return LotteryResult(
        weights,
        _unscale(scaled, lottery.utilities),
        lottery.status,
        None if ks_point is None else _unscale(scaled, ks_point),
        None if ideal is None else _unscale(scaled, ideal),
    )


# --- Kalai-Smorodinsky -------------------------------------------------------------------------------


def kalai_smorodinsky_lottery(negotiation: Negotiation, budget: Budget | None = None) -> LotteryResult:
    """Kalai-Smorodinsky over the convex hull: the furthest point from disagreement towards the ideal point.

    The ideal point gives each party the most it can get in a lottery where nobody is below its
    disagreement utility. The answer is the lottery reaching ``d + t (ideal - d)`` with ``t`` largest,
    then (a second LP) as much joint utility beyond it as possible, so that it is Pareto-optimal.
    """
    budget = _budget(budget)
    scaled = negotiation.scaled
    n = scaled.parties
    d = [Fraction(v) for v in scaled.disagreement]
    seeds = [scaled.best_package([ONE if i == j else ZERO for i in range(n)]) for j in range(n)]
    start = hull_lp(
        scaled, objective=[ZERO] * n, t_cost=ONE, rows=[Row(i, ONE, d[i]) for i in range(n)], seeds=seeds, budget=budget
    )
    if start is None or start.t is None or start.t < 0:
        raise Invalid.one("disagreement", "no lottery of packages gives every party at least its disagreement utility")
    columns = [*seeds, *(p for p, _ in start.weights)]
    ideal: list[Fraction] = []
    for i in range(n):
        best = hull_lp(
            scaled,
            objective=[ONE if j == i else ZERO for j in range(n)],
            t_cost=ZERO,
            rows=[Row(j, ZERO, d[j]) for j in range(n)],
            seeds=columns,
            budget=budget,
        )
        assert best is not None
        assert best.value is not None
        ideal.append(best.value)
        columns += [p for p, _ in best.weights]
    _refuse_no_gain(negotiation, ideal, d)
    ratios = [ideal[i] - d[i] for i in range(n)]
    ks = hull_lp(
        scaled,
        objective=[ZERO] * n,
        t_cost=ONE,
        rows=[Row(i, ratios[i], d[i]) for i in range(n)],
        seeds=columns,
        budget=budget,
    )
    assert ks is not None
    assert ks.t is not None
    point = [d[i] + ks.t * ratios[i] for i in range(n)]
    pareto = hull_lp(
        scaled,
        objective=[ONE] * n,
        t_cost=ZERO,
        rows=[Row(i, ZERO, point[i]) for i in range(n)],
        seeds=[*columns, *(p for p, _ in ks.weights)],
        budget=budget,
    )
    assert pareto is not None
    worst = max([start, ks, pareto], key=lambda lot: list(Status).index(lot.status))
    final = Lottery(pareto.weights, pareto.utilities, worst.status)
    return _lottery_result(scaled, final, point, ideal)


def _refuse_no_gain(negotiation: Negotiation, ideal: Sequence[Fraction | int], d: Sequence[Fraction | int]) -> None:
    stuck = [negotiation.parties[i] for i in range(len(d)) if ideal[i] <= d[i]]
    if stuck:
        raise Invalid.one(
            "disagreement",
            f"Kalai-Smorodinsky needs every party able to gain over disagreement; {', '.join(stuck)} cannot",
        )


def kalai_smorodinsky_package(
    negotiation: Negotiation, budget: Budget | None = None, *, engine: Engine = "auto"
) -> PackageResult:
    """APPROXIMATE pure-package Kalai-Smorodinsky: the package maximising the smallest normalised gain.

    Each party's gain is divided by its best possible gain over disagreement among packages where
    nobody is below disagreement (the pure ideal point); the package with the largest smallest share
    is returned, ties broken towards the larger sum of shares. On lotteries the same criterion gives
    the exact Kalai-Smorodinsky point; over packages it is an approximation, and is labelled so.
    """
    budget = _budget(budget)
    scaled = negotiation.scaled
    n = scaled.parties
    d = scaled.disagreement
    frontier = _frontier_for(scaled, budget, engine)
    if frontier is not None:
        gains = frontier.utilities - np.asarray(d, dtype=np.int64)
        rational = [r for r in range(len(frontier)) if all(int(g) >= 0 for g in gains[r])]
        if not rational:
            raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
        ideal = [max(int(frontier.utilities[r, i]) for r in rational) for i in range(n)]
        _refuse_no_gain(negotiation, ideal, d)
        ratios = [ideal[i] - d[i] for i in range(n)]

        def key(r: int) -> tuple[Fraction, Fraction]:
            shares = [Fraction(int(gains[r, i]), ratios[i]) for i in range(n)]
            return min(shares), sum(shares, ZERO)

        row = max(rational, key=key)
        package = tuple(int(k) for k in frontier.packages[row])
        t = key(row)[0]
        return PackageResult(
            package, _unscale(scaled, scaled.utilities(package)), t, float(t), Status.EXACT, (True,) * n, True
        )
    ideal = []
    statuses = []
    for i in range(n):
        axis = [1 if j == i else 0 for j in range(n)]
        answer = milp.max_weighted(scaled, [float(w) for w in axis], d, budget)
        if answer.infeasible:
            raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
        if answer.package is None:
            raise BudgetExceeded("kalai_smorodinsky: no package found within the budget")
        best, status = _certify_max(scaled, answer.package, d, axis, budget)
        ideal.append(scaled.utilities(best)[i])
        statuses.append(status)
    _refuse_no_gain(negotiation, ideal, d)
    ratios = [ideal[i] - d[i] for i in range(n)]
    first = milp.max_min_ratio(scaled, d, ratios, budget, integer=False)
    if first.package is None:
        raise BudgetExceeded("kalai_smorodinsky: no package found within the budget")
    package, share_status = _certify_min_share(scaled, first.package, d, ratios, budget)
    t = _min_share(scaled, package, d, ratios)
    # Among packages keeping every share at t or above, the largest sum of shares (the frontier's
    # tie-break), then made Pareto-optimal for certain.
    floors = [d[i] + math.ceil(t * ratios[i]) for i in range(n)]
    second = milp.max_weighted(scaled, [1 / r for r in ratios], floors, budget)
    if second.package is not None and _meets(scaled, second.package, floors):
        package = second.package
    package, pareto_status = _pareto_improve(scaled, package, budget)
    status = _worst([*statuses, share_status, pareto_status])
    bound = float(t) if status is Status.EXACT else (first.bound if first.bound is not None else math.inf)
    return PackageResult(package, _unscale(scaled, scaled.utilities(package)), t, bound, status, (True,) * n, True)


# --- certificates: HiGHS proposes, a programme without objective proves -------------------------------


def _worst(statuses: Sequence[Status]) -> Status:
    return max(statuses, key=lambda s: list(Status).index(s))


def _meets(scaled: Scaled, package: Package, floors: Sequence[int]) -> bool:
    return all(u >= f for u, f in zip(scaled.utilities(package), floors, strict=True))


def _dot(weights: Sequence[int], values: Sequence[int]) -> int:
    return sum(w * v for w, v in zip(weights, values, strict=True))


def _min_share(scaled: Scaled, package: Package, floors: Sequence[int], ratios: Sequence[int]) -> Fraction:
    return min(Fraction(g, r) for g, r in zip(scaled.gains_over(package, floors), ratios, strict=True))


def _certify_max(
    scaled: Scaled, package: Package, floors: Sequence[int], weights: Sequence[int], budget: Budget
) -> tuple[Package, Status]:
    """Raise ``weights · utilities`` (integers) among packages above ``floors`` until it is proven maximal.

    HiGHS's own "optimal" is not taken on trust (see :mod:`.milp`): the proof is that no package
    reaches the value plus one, which :func:`milp.find_package` answers without an objective. A
    package it finds instead is checked exactly and becomes the incumbent; the value rises each time.
    """
    while True:
        value = _dot(weights, scaled.utilities(package))
        if budget.expired():
            return package, Status.BUDGET
        answer = milp.find_package(scaled, floors, budget, weights=weights, level=value + 1)
        if answer.infeasible:
            return package, Status.EXACT
        if answer.package is None:
            return package, Status.BUDGET
        if not _meets(scaled, answer.package, floors) or _dot(weights, scaled.utilities(answer.package)) <= value:
            return package, Status.TOLERANCE
        package = answer.package


def _certify_min_share(
    scaled: Scaled, package: Package, floors: Sequence[int], ratios: Sequence[int], budget: Budget
) -> tuple[Package, Status]:
    """Raise the smallest share ``(u_i - floor_i) / ratio_i`` until no package gives every party more.

    Every party's share above ``t`` is, in integers, ``u_i >= floor_i + floor(t ratio_i) + 1``: a
    feasibility programme whose infeasibility proves ``t`` maximal.
    """
    while True:
        t = _min_share(scaled, package, floors, ratios)
        if budget.expired():
            return package, Status.BUDGET
        above = [f + math.floor(t * r) + 1 for f, r in zip(floors, ratios, strict=True)]
        answer = milp.find_package(scaled, above, budget)
        if answer.infeasible:
            return package, Status.EXACT
        if answer.package is None:
            return package, Status.BUDGET
        if not _meets(scaled, answer.package, above):
            return package, Status.TOLERANCE
        package = answer.package


def _pareto_improve(scaled: Scaled, package: Package, budget: Budget) -> tuple[Package, Status]:
    """Replace the package by one dominating it until none does (proven as in :func:`_certify_max`)."""
    ones = [1] * scaled.parties
    while True:
        utilities = scaled.utilities(package)
        if budget.expired():
            return package, Status.BUDGET
        answer = milp.find_package(scaled, utilities, budget, weights=ones, level=sum(utilities) + 1)
        if answer.infeasible:
            return package, Status.EXACT
        if answer.package is None:
            return package, Status.BUDGET
        better = scaled.utilities(answer.package)
        if not _meets(scaled, answer.package, utilities) or sum(better) <= sum(utilities):
            return package, Status.TOLERANCE
        package = answer.package


# --- Smartsettle's improvement step: max joint gain and maximin gain over a baseline ------------------


def _floors(negotiation: Negotiation, baseline: Package | None) -> tuple[int, ...]:
    scaled = negotiation.scaled
    if baseline is None:
        return scaled.disagreement
    if len(baseline) != len(negotiation.issues) or any(
        not 0 <= k < len(issue.options) for k, issue in zip(baseline, negotiation.issues, strict=False)
    ):
        raise Invalid.one("baseline", "expected one valid option per issue")
    return scaled.utilities(baseline)


def max_joint_gain(
    negotiation: Negotiation, baseline: Package | None = None, budget: Budget | None = None, *, engine: Engine = "auto"
) -> PackageResult:
    """The package with the largest total gain over the baseline among those leaving nobody worse off.

    The baseline is a package (the one on the table) or, when None, the disagreement point.
    """
    budget = _budget(budget)
    scaled = negotiation.scaled
    floors = _floors(negotiation, baseline)
    frontier = _frontier_for(scaled, budget, engine)
    if frontier is not None:
        gains = frontier.utilities - np.asarray(floors, dtype=np.int64)
        rational = [r for r in range(len(frontier)) if all(int(g) >= 0 for g in gains[r])]
        if not rational:
            raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
        row = max(rational, key=lambda r: (int(gains[r].sum()), -r))
        return _linear_result(scaled, tuple(int(k) for k in frontier.packages[row]), floors, Status.EXACT, None)
    ones = [1] * scaled.parties
    answer = milp.max_weighted(scaled, [1.0] * scaled.parties, floors, budget)
    if answer.infeasible:
        raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
    if answer.package is None:
        raise BudgetExceeded("max_joint: no package found within the budget")
    package, status = _certify_max(scaled, answer.package, floors, ones, budget)
    bound = None if answer.bound is None else answer.bound - sum(floors)  # HiGHS bounds the utilities
    return _linear_result(scaled, package, floors, status, bound, joint=True)


def maximin_gain(
    negotiation: Negotiation, baseline: Package | None = None, budget: Budget | None = None, *, engine: Engine = "auto"
) -> PackageResult:
    """The package whose smallest gain over the baseline is largest (then the largest total gain)."""
    budget = _budget(budget)
    scaled = negotiation.scaled
    floors = _floors(negotiation, baseline)
    frontier = _frontier_for(scaled, budget, engine)
    if frontier is not None:
        gains = frontier.utilities - np.asarray(floors, dtype=np.int64)
        rational = [r for r in range(len(frontier)) if all(int(g) >= 0 for g in gains[r])]
        if not rational:
            raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
        row = max(rational, key=lambda r: (int(gains[r].min()), int(gains[r].sum()), -r))
        return _linear_result(
            scaled, tuple(int(k) for k in frontier.packages[row]), floors, Status.EXACT, None, joint=False
        )
    n = scaled.parties
    first = milp.max_min_ratio(scaled, floors, [1] * n, budget, integer=True)
    if first.infeasible:
        raise Invalid.one("disagreement", "no package gives every party at least its disagreement utility")
    if first.package is None:
        raise BudgetExceeded("maximin: no package found within the budget")
    package, share_status = _certify_min_share(scaled, first.package, floors, [1] * n, budget)
    t = min(scaled.gains_over(package, floors))
    kept = [f + t for f in floors]
    second = milp.max_weighted(scaled, [1.0] * n, kept, budget)
    if second.package is not None and _meets(scaled, second.package, kept):
        package = second.package
    package, pareto_status = _pareto_improve(scaled, package, budget)
    status = _worst([share_status, pareto_status])
    return _linear_result(scaled, package, floors, status, first.bound, joint=False)


def maximin_lottery(
    negotiation: Negotiation, baseline: Package | None = None, budget: Budget | None = None
) -> LotteryResult:
    """The lottery whose smallest expected gain over the baseline is largest (then the largest total)."""
    budget = _budget(budget)
    scaled = negotiation.scaled
    n = scaled.parties
    floors = [Fraction(f) for f in _floors(negotiation, baseline)]
    seeds = [scaled.best_package([ONE if i == j else ZERO for i in range(n)]) for j in range(n)]
    first = hull_lp(
        scaled,
        objective=[ZERO] * n,
        t_cost=ONE,
        rows=[Row(i, ONE, floors[i]) for i in range(n)],
        seeds=seeds,
        budget=budget,
    )
    assert first is not None
    assert first.t is not None
    if first.t < 0:
        raise Invalid.one("disagreement", "no lottery of packages gives every party at least its disagreement utility")
    second = hull_lp(
        scaled,
        objective=[ONE] * n,
        t_cost=ZERO,
        rows=[Row(i, ZERO, floors[i] + first.t) for i in range(n)],
        seeds=[*seeds, *(p for p, _ in first.weights)],
        budget=budget,
    )
    assert second is not None
    worst = max([first, second], key=lambda lot: list(Status).index(lot.status))
    return _lottery_result(scaled, Lottery(second.weights, second.utilities, worst.status))


def _linear_result(
    scaled: Scaled, package: Package, floors: Sequence[int], status: Status, bound: float | None, *, joint: bool = True
) -> PackageResult:
    gains = scaled.gains_over(package, floors)
    value = sum(gains) if joint else min(gains)
    objective = Fraction(value, scaled.scale)
    proven = float(objective)
    if status is not Status.EXACT and bound is not None:
        proven = max(proven, bound / scaled.scale)
    return PackageResult(
        package, _unscale(scaled, scaled.utilities(package)), objective, proven, status, (True,) * len(gains)
    )
