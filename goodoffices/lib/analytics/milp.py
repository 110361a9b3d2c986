"""Mixed-integer programmes over packages, solved by HiGHS through :func:`scipy.optimize.milp`.

Every programme has a binary ``x[j,k]`` per option and one row ``sum_k x[j,k] = 1`` per issue. The
relative gap is set to zero: HiGHS's default 1e-4 returns near misses on small instances. What HiGHS
says is then checked in exact arithmetic by the callers (see :mod:`.bargaining`).

HiGHS's word that an optimisation is optimal is not a proof. HiGHS 1.12 (the one scipy 1.17 ships),
with presolve on, can take an incumbent from its feasibility-jump heuristic and then close the gap at a
worse package than the best: on a five-party Kalai-Smorodinsky instance it declared a smallest share of
13/29 optimal (bound equal to it) where a package reaches 7/13; with presolve off, or without the
heuristic, it finds 7/13. So every optimum that is reported as exact is certified by
:func:`find_package`: a programme with *no objective* (nothing for a cutoff to prune on) and integer
rows that asks for a strictly better package; "infeasible" is the certificate, a package found is
checked exactly and taken as the new incumbent.

Maximum product (Nash over packages, maximum Nash welfare) follows Caragiannis et al., "The
Unreasonable Fairness of Maximum Nash Welfare" (EC 2016, §6): gains are integers (utilities are
scaled to integers), so ``W_i <= log k + (log(k+1) - log k)(g_i - k)`` over the integers ``k`` is
``log g_i`` exactly at every integer ``g_i``. With small gain ranges every odd ``k`` is used (exact in
one solve); with large ranges a geometric grid of ``k`` is used and refined at the incumbent's gains
until the programme's value at its optimum is the true value (an outer approximation: every
intermediate bound is a valid upper bound).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from .budget import Budget
from .model import Scaled

EXACT_SECANT_RANGE = 4000  # every odd k up to this gain; beyond, a grid refined at the incumbent
_GRID_RATIO = 1.05


@dataclass(frozen=True)
class MilpAnswer:
    package: tuple[int, ...] | None
    objective: float | None
    bound: float | None  # proven upper bound on the (maximised) objective
    optimal: bool  # HiGHS closed the gap
    timed_out: bool
    infeasible: bool


class PackageProgram:
    """A maximisation over packages with extra variables and rows."""

    def __init__(self, scaled: Scaled) -> None:
        self.scaled = scaled
        self.starts: list[int] = []
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[int] = []
        self.cost: list[float] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []
        for matrix in scaled.values:
            start = len(self.lb)
            self.starts.append(start)
            options = int(matrix.shape[0])
            for _ in range(options):
                self.var(0, 1, integer=True)
            self.row(list(range(start, start + options)), [1.0] * options, 1, 1)

    def var(self, lb: float, ub: float, *, integer: bool = False, cost: float = 0.0) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(1 if integer else 0)
        self.cost.append(cost)
        return len(self.lb) - 1

    def row(self, cols: Sequence[int], vals: Sequence[float], lo: float, hi: float) -> None:
        self.rows.append((list(cols), list(vals), lo, hi))

    def utility(self, party: int, factor: float = 1.0) -> tuple[list[int], list[float]]:
        cols: list[int] = []
        vals: list[float] = []
        for start, matrix in zip(self.starts, self.scaled.values, strict=True):
            for k in range(matrix.shape[0]):
                value = int(matrix[k, party])
                if value:
                    cols.append(start + k)
                    vals.append(value * factor)
        return cols, vals

    def solve(self, time_limit: float) -> MilpAnswer:
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        lo: list[float] = []
        hi: list[float] = []
        for cols, vals, row_lo, row_hi in self.rows:
            indices.extend(cols)
            data.extend(vals)
            indptr.append(len(indices))
            lo.append(row_lo)
            hi.append(row_hi)
        matrix = csr_array((data, indices, indptr), shape=(len(self.rows), len(self.lb)))
        result = milp(
            c=-np.asarray(self.cost),
            constraints=LinearConstraint(matrix, lo, hi),
            integrality=np.asarray(self.integer),
            bounds=Bounds(self.lb, self.ub),
            options={"time_limit": max(time_limit, 0.05), "mip_rel_gap": 0.0, "presolve": True},
        )
        x = getattr(result, "x", None)
        bound_raw = getattr(result, "mip_dual_bound", None)
        bound = None if bound_raw is None or not math.isfinite(bound_raw) else -float(bound_raw)
        if x is None:
            status = int(result.status)
            return MilpAnswer(None, None, bound, False, status == 1, status == 2)
        package = tuple(
            int(np.argmax(x[start : start + m.shape[0]]))
            for start, m in zip(self.starts, self.scaled.values, strict=True)
        )
        assert result.fun is not None
        status = int(result.status)
        return MilpAnswer(package, -float(result.fun), bound, status == 0, status == 1, False)


def max_weighted(scaled: Scaled, weights: Sequence[float], floors: Sequence[int], budget: Budget) -> MilpAnswer:
    """Maximise ``weights · utilities`` over packages with ``utilities >= floors``."""
    program = PackageProgram(scaled)
    for start, matrix in zip(program.starts, scaled.values, strict=True):
        for k in range(matrix.shape[0]):
            program.cost[start + k] = float(sum(w * int(v) for w, v in zip(weights, matrix[k], strict=True)))
    for i, floor in enumerate(floors):
        cols, vals = program.utility(i)
        program.row(cols, vals, floor, math.inf)
    return program.solve(budget.remaining())


def find_package(
    scaled: Scaled,
    floors: Sequence[int],
    budget: Budget,
    *,
    weights: Sequence[int] | None = None,
    level: int | None = None,
) -> MilpAnswer:
    """Any package with ``utilities >= floors`` (and ``weights · utilities >= level`` when given).

    A pure feasibility programme: zero objective, integer coefficients and right-hand sides, so that a
    row missed by a whole unit cannot pass HiGHS's tolerances and no objective cutoff can prune the
    search. The caller checks the package it returns in exact arithmetic.
    """
    program = PackageProgram(scaled)
    for i, floor in enumerate(floors):
        cols, vals = program.utility(i)
        program.row(cols, vals, floor, math.inf)
    if weights is not None and level is not None:
        cols = []
        vals = []
        for start, matrix in zip(program.starts, scaled.values, strict=True):
            for k in range(matrix.shape[0]):
                value = sum(int(w) * int(v) for w, v in zip(weights, matrix[k], strict=True))
                if value:
                    cols.append(start + k)
                    vals.append(float(value))
        program.row(cols, vals, level, math.inf)
    return program.solve(budget.remaining())


def max_min_ratio(
    scaled: Scaled, floors: Sequence[int], ratios: Sequence[int], budget: Budget, *, integer: bool
) -> MilpAnswer:
    """Maximise ``t`` subject to ``utilities_i - floors_i >= ratios_i · t`` and ``utilities >= floors``."""
    program = PackageProgram(scaled)
    top = max(sum(int(m[:, i].max()) for m in scaled.values) - f for i, f in enumerate(floors))
    t = program.var(0, max(top, 0) / min(ratios) + 1, integer=integer, cost=1.0)
    for i, (floor, ratio) in enumerate(zip(floors, ratios, strict=True)):
        cols, vals = program.utility(i)
        program.row([*cols, t], [*vals, -float(ratio)], floor, math.inf)
    return program.solve(budget.remaining())


def max_positive_count(scaled: Scaled, floors: Sequence[int], budget: Budget) -> MilpAnswer:
    """Maximise how many parties gain at least 1 (scaled) at once, with nobody below its floor."""
    program = PackageProgram(scaled)
    for i, floor in enumerate(floors):
        z = program.var(0, 1, integer=True, cost=1.0)
        cols, vals = program.utility(i)
        program.row(cols, vals, floor, math.inf)
        program.row([*cols, z], [*vals, -1.0], floor, math.inf)
    return program.solve(budget.remaining())


@dataclass(frozen=True)
class ProductAnswer:
    package: tuple[int, ...] | None
    log_bound: float | None  # proven upper bound on sum of log gains of the counted parties
    timed_out: bool


def _secant(k: int) -> tuple[float, float]:
    """Intercept and slope of the line through (k, log k) and (k+1, log(k+1))."""
    slope = math.log1p(1 / k)
    return math.log(k) - slope * k, slope


def _grid(top: int) -> list[int]:
    if top <= EXACT_SECANT_RANGE:
        return list(range(1, top + 1, 2))
    ks = set(range(1, 64))
    k = 64.0
    while k < top:
        ks.add(int(k))
        k *= _GRID_RATIO
    ks.add(top)
    return sorted(ks)


def max_log_product(scaled: Scaled, floors: Sequence[int], count: int, budget: Budget) -> ProductAnswer:  # noqa: C901 - the MILP of Caragiannis et al., built in turn
    """Maximise the product of the positive gains over ``floors`` among packages where ``count`` parties gain.

    ``count`` is the largest number of parties that can gain at once (from :func:`max_positive_count`);
    the others stay at or above their floor and are left out of the product, as Caragiannis et al. do.
    """
    n = scaled.parties
    tops = [max(0, sum(int(m[:, i].max()) for m in scaled.values) - floors[i]) for i in range(n)]
    program = PackageProgram(scaled)
    everyone = count == n
    gain_vars, log_vars, z_vars = [], [], []
    for i in range(n):
        top = max(tops[i], 1)
        g = program.var(0, 1)  # the gain divided by top, so that coefficients stay near 1
        cols, vals = program.utility(i, 1 / top)
        program.row([*cols, g], [*vals, -1.0], floors[i] / top, floors[i] / top)
        w = program.var(0, math.log(top), cost=1.0)
        if everyone:
            program.lb[g] = 1 / top
            z = -1
        else:
            z = program.var(0, 1, integer=True)
            program.row([g, z], [1.0, -1 / top], 0, math.inf)
            program.row([w, z], [1.0, -math.log(top)], -math.inf, 0)
        gain_vars.append(g)
        log_vars.append(w)
        z_vars.append(z)
    if not everyone:
        program.row(z_vars, [1.0] * n, count, count)

    def add_secant(i: int, k: int) -> None:
        intercept, slope = _secant(k)
        top = max(tops[i], 1)
        if everyone:
            program.row([log_vars[i], gain_vars[i]], [1.0, -slope * top], -math.inf, intercept)
        else:
            relax = max(0.0, -intercept)  # makes the row harmless at gain 0 when the party is not counted
            program.row(
                [log_vars[i], gain_vars[i], z_vars[i]], [1.0, -slope * top, relax], -math.inf, intercept + relax
            )

    added: list[set[int]] = [set() for _ in range(n)]
    for i in range(n):
        for k in _grid(max(tops[i], 1)):
            add_secant(i, k)
            added[i].add(k)
    best: tuple[int, ...] | None = None
    best_value = -math.inf
    bound = math.inf
    while True:
        answer = program.solve(budget.remaining())
        if answer.bound is not None:
            bound = min(bound, answer.bound)
        if answer.package is None:
            return ProductAnswer(best, bound if math.isfinite(bound) else None, answer.timed_out)
        gains = scaled.gains(answer.package)
        value = sum(math.log(g) for g in gains if g > 0)
        if value > best_value:
            best, best_value = answer.package, value
        if answer.timed_out or budget.expired():
            return ProductAnswer(best, bound, True)
        refine = [
            (i, g) for i, g in enumerate(gains) if g > 0 and (g not in added[i] or g - 1 not in added[i]) and g > 1
        ] + [(i, g) for i, g in enumerate(gains) if g == 1 and 1 not in added[i]]
        assert answer.objective is not None
        if answer.objective <= value + 1e-9 or not refine:
            return ProductAnswer(best, bound, False)
        for i, g in refine:
            for k in (g - 1, g):
                if k >= 1 and k not in added[i]:
                    add_secant(i, k)
                    added[i].add(k)
