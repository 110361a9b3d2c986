"""Lotteries over packages: linear programmes and the Nash point over the convex hull.

The hull of all packages' utility vectors is never built. Maximising a linear function over it is
maximising over packages, which is separable issue by issue; so every problem here is solved by
column generation: a master problem over a few packages, and a pricing step that finds the package
the master's duals like best.

* Linear programmes (Kalai-Smorodinsky, ideal points, maximin): the master is solved by HiGHS
  (:func:`scipy.optimize.linprog`) until pricing finds nothing, then re-solved by the exact simplex of
  :mod:`.exact` with exact pricing until the exact duals price out every package. The answer is
  therefore an exact rational optimum, proven by its duals.
* The Nash point: the master (maximise the sum of log gains over the columns' lotteries) is solved by
  SLSQP, pricing with weights ``1/gain``. The float answer is then turned exact where it can be: on a
  facet ``a·g = b`` the product is maximised at ``g_i = b/(n a_i)`` (rational); at a vertex it is the
  vertex. A candidate ``g*`` is accepted only when it is proven optimal exactly: ``g*`` is a lottery of
  packages (an exact feasibility LP) and no package has ``sum_i (u_i - d_i)/g*_i > n`` (the first-order
  condition of a concave maximisation, checked with exact pricing). With three or more parties the
  Nash point may lie on a lower-dimensional face where it is irrational; it is then reported in floating
  point with status ``tolerance``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt
from scipy.optimize import LinearConstraint, linprog, minimize

from .budget import Budget, Status
from .exact import ONE, ZERO, lp_maximize, null_vector, rational_guesses
from .model import Scaled

Package = tuple[int, ...]
MAX_COLUMN_ROUNDS = 400


@dataclass(frozen=True)
class Row:
    """``u_party - ratio · t >= floor`` (scaled units)."""

    party: int
    ratio: Fraction
    floor: Fraction


@dataclass(frozen=True)
class Lottery:
    """Probabilities over packages and the expected (scaled) utilities; exact unless ``status`` says not."""

    weights: tuple[tuple[Package, Fraction], ...]
    utilities: tuple[Fraction, ...]
    status: Status
    t: Fraction | None = None
    value: Fraction | None = None
    bound: Fraction | None = None


def _matrix(scaled: Scaled, columns: Sequence[Package]) -> npt.NDArray[np.float64]:
    return np.array([scaled.utilities(p) for p in columns], dtype=np.float64)


def hull_lp(  # noqa: C901 - one LP, its constraints built in turn
    scaled: Scaled,
    *,
    objective: Sequence[Fraction],
    t_cost: Fraction,
    rows: Sequence[Row],
    seeds: Sequence[Package],
    budget: Budget,
) -> Lottery | None:
    """``max objective·u + t_cost·t`` over lotteries ``u`` of packages, subject to ``rows``; None if infeasible."""
    use_t = t_cost != 0 or any(r.ratio != 0 for r in rows)
    columns: list[Package] = list(dict.fromkeys(seeds))
    c_float = np.array([float(v) for v in objective])
    # Float phase: HiGHS on the master, float pricing.
    for _ in range(MAX_COLUMN_ROUNDS):
        if budget.expired():
            break
        u = _matrix(scaled, columns)
        k = len(columns)
        cost = np.concatenate([-(u @ c_float), [-float(t_cost)] if use_t else []])
        a_ub = np.zeros((len(rows), k + int(use_t)))
        b_ub = np.zeros(len(rows))
        for r, row in enumerate(rows):
            a_ub[r, :k] = -u[:, row.party]
            if use_t:
                a_ub[r, k] = float(row.ratio)
            b_ub[r] = -float(row.floor)
        a_eq = np.concatenate([np.ones(k), [0.0] if use_t else []])[None, :]
        bounds = [(0.0, None)] * k + ([(None, None)] if use_t else [])
        result = linprog(
            cost,
            A_ub=a_ub if rows else None,
            b_ub=b_ub if rows else None,
            A_eq=a_eq,
            b_eq=[1.0],
            bounds=bounds,
            method="highs",
        )
        if result.status != 0:
            break
        duals = -np.asarray(result.ineqlin.marginals) if rows else np.zeros(0)
        weights = c_float.copy()
        for r, row in enumerate(rows):
            weights[row.party] += max(duals[r], 0.0)
        price = float(np.max(u @ weights))
        new = scaled.best_package_float(weights)
        gain = float(np.dot(scaled.utilities(new), weights)) - price
        if new in columns or gain <= 1e-9 * (1 + abs(price)):
            break
        columns.append(new)
    # Exact phase: exact simplex on the columns, exact pricing, until the duals price out every package.
    while True:
        solved = _exact_master(scaled, objective, t_cost, rows, columns, use_t)
        if solved is None:
            return None
        lottery_weights, t, value, w, pi = solved
        new = scaled.best_package(w)
        reduced = sum((wi * ui for wi, ui in zip(w, scaled.utilities(new), strict=True)), ZERO) - pi
        utilities = _expected(scaled, lottery_weights)
        if reduced <= 0 or new in columns:
            return Lottery(tuple(lottery_weights.items()), utilities, Status.EXACT, t, value, value)
        if budget.expired():
            # Lagrangian bound: no lottery beats the master's value by more than the best reduced cost.
            return Lottery(tuple(lottery_weights.items()), utilities, Status.BUDGET, t, value, value + reduced)
        columns.append(new)
    raise AssertionError("unreachable")  # pragma: no cover


def _expected(scaled: Scaled, weights: dict[Package, Fraction]) -> tuple[Fraction, ...]:
    total = [ZERO] * scaled.parties
    for package, p in weights.items():
        for i, u in enumerate(scaled.utilities(package)):
            total[i] += p * u
    return tuple(total)


def _exact_master(
    scaled: Scaled,
    objective: Sequence[Fraction],
    t_cost: Fraction,
    rows: Sequence[Row],
    columns: Sequence[Package],
    use_t: bool,
) -> tuple[dict[Package, Fraction], Fraction | None, Fraction, list[Fraction], Fraction] | None:
    k = len(columns)
    u = [scaled.utilities(p) for p in columns]
    width = k + (2 if use_t else 0) + len(rows)
    a: list[list[Fraction]] = []
    b: list[Fraction] = []
    for r, row in enumerate(rows):
        line = [Fraction(u[c][row.party]) for c in range(k)]
        if use_t:
            line += [-row.ratio, row.ratio]
        slack = [ZERO] * len(rows)
        slack[r] = -ONE
        a.append(line + slack)
        b.append(row.floor)
    a.append([ONE] * k + [ZERO] * (width - k))
    b.append(ONE)
    c = [sum((Fraction(o) * v for o, v in zip(objective, u[col], strict=True)), ZERO) for col in range(k)]
    if use_t:
        c += [t_cost, -t_cost]
    c += [ZERO] * len(rows)
    solution = lp_maximize(c, a, b)
    if solution is None:
        return None
    weights = {columns[col]: solution.x[col] for col in range(k) if solution.x[col] != 0}
    t = solution.x[k] - solution.x[k + 1] if use_t else None
    # Reduced cost of a new package p: objective·u(p) - sum_r y_r u_{party r}(p) - y_convexity.
    w = [Fraction(o) for o in objective]
    for r, row in enumerate(rows):
        w[row.party] -= solution.y[r]
    return weights, t, solution.value, w, solution.y[len(rows)]


# --- the Nash point over lotteries -----------------------------------------------------------------


def nash_lottery(scaled: Scaled, budget: Budget) -> Lottery | None:
    """The lottery maximising the product of gains over the disagreement point; None if none gains for all."""
    n = scaled.parties
    d = [Fraction(v) for v in scaled.disagreement]
    seeds = [scaled.best_package([ONE if i == j else ZERO for i in range(n)]) for j in range(n)]
    start = hull_lp(
        scaled,
        objective=[ZERO] * n,
        t_cost=ONE,
        rows=[Row(i, ONE, d[i]) for i in range(n)],
        seeds=seeds,
        budget=budget,
    )
    if start is None or start.t is None or start.t <= 0:
        return None
    columns = list(dict.fromkeys([*seeds, *(p for p, _ in start.weights)]))
    lam = np.array([float(dict(start.weights).get(p, ZERO)) for p in columns])
    dis = np.array([float(v) for v in d])
    spans = np.array([max(1.0, float(sum(int(m[:, i].max()) for m in scaled.values)) - dis[i]) for i in range(n)])
    gains = np.zeros(n)
    for _ in range(MAX_COLUMN_ROUNDS):
        q = (_matrix(scaled, columns) - dis) / spans
        lam = _master_nash(q, np.resize(lam, len(columns)))
        gains = q.T @ lam
        w = 1 / (gains * spans)
        new = scaled.best_package_float(w)
        score = float(np.dot(np.asarray(scaled.utilities(new), dtype=np.float64) - dis, w))
        if new in columns or score <= n * (1 + 1e-10) or budget.expired():
            break
        columns.append(new)
        lam = np.append(lam, 0.0)
    exact = _certify_nash(scaled, columns, lam, gains * spans, d, budget)
    if exact is not None:
        return exact
    weights = tuple((p, Fraction(float(x))) for p, x in zip(columns, lam, strict=True) if x > 1e-12)
    utilities = tuple(Fraction(float(g)) + di for g, di in zip(gains * spans, d, strict=True))
    status = Status.BUDGET if budget.expired() else Status.TOLERANCE
    return Lottery(weights, utilities, status)


Vector = np.ndarray[tuple[int], np.dtype[np.float64]]


def _master_nash(q: npt.NDArray[np.float64], start: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    k = q.shape[0]
    x0 = np.clip(start, 0, None)
    x0 = x0 / x0.sum() if x0.sum() > 0 else np.full(k, 1 / k)
    floor = 1e-12

    def value(x: Vector) -> float:
        g = np.maximum(q.T @ x, floor)
        return -float(np.sum(np.log(g)))

    def gradient(x: Vector) -> Vector:
        g = np.maximum(q.T @ x, floor)
        out: Vector = -(q @ (1 / g))
        return out

    result = minimize(
        value,
        x0,
        jac=gradient,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * k,
        constraints=[LinearConstraint(np.ones((1, k)), 1.0, 1.0), LinearConstraint(q.T, floor, np.inf)],
        options={"ftol": 1e-15, "maxiter": 500},
    )
    x: npt.NDArray[np.float64] = np.clip(np.asarray(result.x, dtype=np.float64), 0, None)
    normalised: npt.NDArray[np.float64] = x / x.sum()
    return normalised


def _certify_nash(
    scaled: Scaled,
    columns: Sequence[Package],
    lam: npt.NDArray[np.float64],
    gains: npt.NDArray[np.float64],
    d: Sequence[Fraction],
    budget: Budget,
) -> Lottery | None:
    n = scaled.parties
    points = [tuple(Fraction(u) - di for u, di in zip(scaled.utilities(p), d, strict=True)) for p in columns]
    w = 1 / gains
    exposed = [i for i, q in enumerate(points) if float(np.dot([float(v) for v in q], w)) >= n * (1 - 1e-7)]
    candidates: list[tuple[Fraction, ...]] = []
    facet = _facet_candidate([points[i] for i in exposed], n)
    if facet is not None:
        candidates.append(facet)
    for i in sorted(exposed, key=lambda i: -lam[i]):
        candidates.append(points[i])
    for level in range(5):
        guess = tuple(rational_guesses(float(g))[min(level, len(rational_guesses(float(g))) - 1)] for g in gains)
        candidates.append(guess)
    for g_star in dict.fromkeys(candidates):
        if budget.expired():
            return None
        if any(v <= 0 for v in g_star):
            continue
        weights_star = [1 / v for v in g_star]
        best = scaled.best_package(weights_star)
        best_gains = [Fraction(u) - di for u, di in zip(scaled.utilities(best), d, strict=True)]
        if sum((a * b for a, b in zip(weights_star, best_gains, strict=True)), ZERO) > n:
            continue
        lottery = _as_lottery(points, columns, g_star)
        if lottery is None:
            continue
        utilities = tuple(g + di for g, di in zip(g_star, d, strict=True))
        return Lottery(lottery, utilities, Status.EXACT)
    return None


def _facet_candidate(points: Sequence[tuple[Fraction, ...]], n: int) -> tuple[Fraction, ...] | None:
    """On the hyperplane through the points (if they span one), the point maximising the product."""
    chosen: list[tuple[Fraction, ...]] = []
    for p in points:
        trial = [*chosen, p]
        base = trial[0]
        diffs = [[a - b for a, b in zip(q, base, strict=True)] for q in trial[1:]]
        if _rank(diffs) == len(trial) - 1:
            chosen = trial
        if len(chosen) == n:
            break
    if len(chosen) != n:
        return None
    normal = null_vector([[*q, -ONE] for q in chosen], n + 1)
    if normal is None:
        return None
    a, b = normal[:n], normal[n]
    if b < 0:
        a, b = [-v for v in a], -b
    if b == 0 or any(v <= 0 for v in a):
        return None
    return tuple(b / (n * v) for v in a)


def _rank(rows: Sequence[Sequence[Fraction]]) -> int:
    matrix = [list(r) for r in rows]
    rank = 0
    width = len(matrix[0]) if matrix else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][col] != 0:
                f = matrix[i][col] / matrix[rank][col]
                matrix[i] = [x - f * y for x, y in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


def _as_lottery(
    points: Sequence[tuple[Fraction, ...]], columns: Sequence[Package], target: tuple[Fraction, ...]
) -> tuple[tuple[Package, Fraction], ...] | None:
    """Exact probabilities over the columns whose expected gains are ``target``, if there are any."""
    k = len(points)
    a = [[points[c][i] for c in range(k)] for i in range(len(target))] + [[ONE] * k]
    b = [*target, ONE]
    solution = lp_maximize([ZERO] * k, a, b)
    if solution is None:
        return None
    return tuple((columns[c], solution.x[c]) for c in range(k) if solution.x[c] != 0)
