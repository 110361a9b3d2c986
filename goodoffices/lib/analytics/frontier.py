"""The exact Pareto frontier of packages.

Two parties: a dynamic programme over integer utility points. After issue ``j`` the table holds, for
every reachable total ``x`` of one party's (scaled, integer) utility, the best total the other party
can have with it, and which option got it there. The frontier is read off the last table (a point is
kept when it beats every point with a larger ``x``) and each point's package is recovered by walking
the option choices back. The work is ``issues x options x range`` array steps: 200 issues x 10
options with utilities up to 100 is 4·10⁷ numpy element operations. When the range times the number
of issues exceeds :data:`MAX_DENSE_CELLS` (large or many-decimal utilities) the same programme runs on
sparse frontiers instead (below).

Any number of parties: issue by issue, the frontier of the first ``j`` issues is combined with every
option of issue ``j+1`` and the dominated sums are dropped. This is exact because utilities are
additive: a package whose restriction to the first ``j`` issues is dominated is itself dominated.
The budget: at most :data:`MAX_STAGE_POINTS` points at any stage and the time budget; past either,
:class:`~.budget.BudgetExceeded` is raised and the caller falls back on supported points.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from .budget import Budget, BudgetExceeded
from .model import IntArray, Scaled

MAX_DENSE_CELLS = 4 * 10**7
MAX_STAGE_POINTS = 100_000
_NEG = np.iinfo(np.int64).min // 4
_BLOCK = 256
_KEPT_CHUNK = 4096


@dataclass(frozen=True)
class Frontier:
    """Frontier points (scaled integer utilities, one row per point) and one package for each."""

    utilities: IntArray  # (points x parties)
    packages: IntArray  # (points x issues), option indices

    def __len__(self) -> int:
        return int(self.utilities.shape[0])


def exact_frontier(scaled: Scaled, budget: Budget, *, max_stage_points: int = MAX_STAGE_POINTS) -> Frontier:
    """Every Pareto-optimal utility vector, with one package achieving it, sorted by the first party's utility."""
    if scaled.parties == 2:
        ranges = [sum(int(v[:, i].max() - v[:, i].min()) for v in scaled.values) for i in (0, 1)]
        axis = 0 if ranges[0] <= ranges[1] else 1
        if (ranges[axis] + 1) * len(scaled.values) <= MAX_DENSE_CELLS:
            frontier = _two_party_table(scaled.values, axis, budget)
        else:
            frontier = _merge(scaled.values, budget, max_stage_points)
    else:
        frontier = _merge(scaled.values, budget, max_stage_points)
    order = np.lexsort(frontier.utilities.T[::-1])
    return Frontier(frontier.utilities[order], frontier.packages[order])


def _two_party_table(values: tuple[IntArray, ...], axis: int, budget: Budget) -> Frontier:
    other = 1 - axis
    offsets = [int(v[:, axis].min()) for v in values]
    shifts = [v[:, axis] - off for v, off in zip(values, offsets, strict=True)]
    gains = [v[:, other] for v in values]
    widths = [int(s.max()) for s in shifts]
    total = sum(widths)
    choice = np.zeros((len(values), total + 1), dtype=np.uint8)
    best = np.zeros(1, dtype=np.int64)
    span = 0
    for j, (shift, gain) in enumerate(zip(shifts, gains, strict=True)):
        if budget.expired():
            raise BudgetExceeded
        table = np.full(span + widths[j] + 1, _NEG, dtype=np.int64)
        reachable = best > _NEG // 2
        row = choice[j]
        for k in range(shift.shape[0]):
            s = int(shift[k])
            candidate = best + gain[k]
            window = table[s : s + span + 1]
            better = reachable & (candidate > window)
            window[better] = candidate[better]
            row[s : s + span + 1][better] = k
        best = table
        span += widths[j]
    # A point (x, y) is on the frontier when y beats every y' reachable with a larger x.
    reverse = best[::-1]
    running = np.maximum.accumulate(reverse)
    previous = np.concatenate(([_NEG], running[:-1]))
    keep = np.nonzero((reverse > previous) & (reverse > _NEG // 2))[0]
    xs = (best.shape[0] - 1 - keep).astype(np.int64)
    packages = np.zeros((xs.shape[0], len(values)), dtype=np.int64)
    walk = xs.copy()
    for j in range(len(values) - 1, -1, -1):
        ks = choice[j, walk].astype(np.int64)
        packages[:, j] = ks
        walk -= shifts[j][ks]
    utilities = np.zeros((xs.shape[0], 2), dtype=np.int64)
    utilities[:, axis] = xs + sum(offsets)
    utilities[:, other] = best[xs]
    return Frontier(utilities, packages)


def nondominated(points: IntArray, budget: Budget | None = None) -> npt.NDArray[np.intp]:
    """Indices of the distinct non-dominated rows of ``points`` (one index per distinct vector)."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    order = np.lexsort(points.T[::-1])[::-1]  # lexicographically descending
    ordered = points[order]
    distinct = np.ones(ordered.shape[0], dtype=bool)
    distinct[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    order, ordered = order[distinct], ordered[distinct]
    if points.shape[1] == 2:
        # Sorted by the first coordinate descending: a point survives when its second coordinate
        # beats every earlier one.
        second = ordered[:, 1]
        running = np.maximum.accumulate(second)
        previous = np.concatenate(([_NEG], running[:-1]))
        return order[second > previous]
    # Any dominator of a point comes earlier in lexicographically descending order, and a dominated
    # dominator has a kept dominator of its own: checking against kept points and earlier points of
    # the same block is enough.
    kept: list[IntArray] = []
    kept_index: list[npt.NDArray[np.intp]] = []
    for start in range(0, ordered.shape[0], _BLOCK):
        if budget is not None and budget.expired():
            raise BudgetExceeded
        block = ordered[start : start + _BLOCK]
        dominated = np.zeros(block.shape[0], dtype=bool)
        for chunk in kept:
            for c0 in range(0, chunk.shape[0], _KEPT_CHUNK):
                part = chunk[c0 : c0 + _KEPT_CHUNK]
                dominated |= np.all(part[None, :, :] >= block[:, None, :], axis=2).any(axis=1)
        within = np.all(block[None, :, :] >= block[:, None, :], axis=2)  # within[c, d]: d dominates c
        within &= np.tri(block.shape[0], k=-1, dtype=bool)
        dominated |= within.any(axis=1)
        if (~dominated).any():
            kept.append(block[~dominated])
            kept_index.append(order[start : start + _BLOCK][~dominated])
    return np.concatenate(kept_index) if kept_index else np.zeros(0, dtype=np.intp)


def _merge(values: tuple[IntArray, ...], budget: Budget, max_stage_points: int) -> Frontier:
    n = int(values[0].shape[1])
    points = np.zeros((1, n), dtype=np.int64)
    steps: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]] = []
    for matrix in values:
        if budget.expired():
            raise BudgetExceeded
        count, options = points.shape[0], matrix.shape[0]
        if count * options > 20 * max_stage_points:
            raise BudgetExceeded
        candidates = (points[None, :, :] + matrix[:, None, :]).reshape(-1, n)
        parents = np.tile(np.arange(count), options)
        chosen = np.repeat(np.arange(options), count)
        keep = nondominated(candidates, budget)
        points = candidates[keep]
        steps.append((parents[keep], chosen[keep]))
        if points.shape[0] > max_stage_points:
            raise BudgetExceeded
    packages = np.zeros((points.shape[0], len(values)), dtype=np.int64)
    index = np.arange(points.shape[0])
    for j in range(len(values) - 1, -1, -1):
        parents, chosen = steps[j]
        packages[:, j] = chosen[index]
        index = parents[index]
    return Frontier(points, packages)


def supported_points(scaled: Scaled, count: int = 64) -> Frontier:
    """Packages that maximise a strictly positive weighted sum: each is Pareto-optimal (not all are found)."""
    n = scaled.parties
    spans = np.array(
        [max(1, sum(int(v[:, i].max() - v[:, i].min()) for v in scaled.values)) for i in range(n)], dtype=np.float64
    )
    rng = np.random.default_rng(0)
    weights = [np.ones(n)] + [rng.dirichlet(np.ones(n)) + 1e-3 for _ in range(count - 1)]
    found: dict[tuple[int, ...], tuple[int, ...]] = {}
    for w in weights:
        exact_w = [Fraction(float(x / s)).limit_denominator(10**9) for x, s in zip(w, spans, strict=True)]
        package = scaled.best_package(exact_w)
        found.setdefault(scaled.utilities(package), package)
    utilities = np.array(list(found), dtype=np.int64)
    packages = np.array(list(found.values()), dtype=np.int64)
    keep = nondominated(utilities)
    order = keep[np.lexsort(utilities[keep].T[::-1])]
    return Frontier(utilities[order], packages[order])
