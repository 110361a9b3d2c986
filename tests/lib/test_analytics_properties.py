"""Properties against brute force on small instances: every package and every product is checked by
enumerating all packages, with exact arithmetic. Both engines (the exact frontier and HiGHS) are run."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from goodoffices.lib.analytics import (
    Division,
    Issue,
    Item,
    Negotiation,
    Option,
    Status,
    adjusted_winner,
    kalai_smorodinsky_lottery,
    kalai_smorodinsky_package,
    max_joint_gain,
    max_nash_welfare,
    maximin_gain,
    maximin_lottery,
    nash_lottery,
    nash_package,
    pareto_frontier,
)
from goodoffices.lib.analytics.budget import Budget
from goodoffices.lib.analytics.exact import lp_maximize
from goodoffices.lib.analytics.frontier import _merge, exact_frontier
from goodoffices.lib.errors import Invalid

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def negotiations(draw, parties=(2, 4), issues=(1, 5), options=(1, 4), low=-6, high=12, disagreement=True):
    n = draw(st.integers(*parties))
    m = draw(st.integers(*issues))
    value = st.integers(low, high)
    built = []
    for j in range(m):
        k = draw(st.integers(*options))
        built.append(Issue(f"i{j}", tuple(Option(f"o{o}", tuple(F(draw(value)) for _ in range(n))) for o in range(k))))
    d = tuple(F(draw(st.integers(-3, 3)) if disagreement else 0) for _ in range(n))
    return Negotiation(tuple(f"p{i}" for i in range(n)), tuple(built), d)


def all_packages(negotiation: Negotiation):
    for package in itertools.product(*[range(len(i.options)) for i in negotiation.issues]):
        yield package, negotiation.utilities(package)


def dominated(u, v) -> bool:
    """v dominates u."""
    return all(b >= a for a, b in zip(u, v, strict=True)) and u != v


def brute_frontier(negotiation: Negotiation) -> set[tuple[F, ...]]:
    vectors = {u for _, u in all_packages(negotiation)}
    return {u for u in vectors if not any(dominated(u, v) for v in vectors)}


def brute_best_product(negotiation: Negotiation, floors) -> tuple[int, F] | None:
    """Caragiannis's rule: most parties gaining at once, then the largest product of their gains."""
    best = None
    for _, u in all_packages(negotiation):
        gains = [a - b for a, b in zip(u, floors, strict=True)]
        if any(g < 0 for g in gains):
            continue
        key = (sum(1 for g in gains if g > 0), math.prod((g for g in gains if g > 0), start=F(1)))
        best = key if best is None or key > best else best
    return best


def on_frontier(negotiation: Negotiation, u) -> bool:
    return u in brute_frontier(negotiation)


@SLOW
@given(negotiations())
def test_frontier_is_exactly_the_non_dominated_set(negotiation):
    result = pareto_frontier(negotiation)
    assert result.status is Status.EXACT
    assert {u for u, _ in result.points} == brute_frontier(negotiation)
    for u, package in result.points:
        assert negotiation.utilities(package) == u


@settings(max_examples=20, deadline=None)
@given(negotiations(parties=(3, 4), issues=(1, 4), options=(2, 3)))
def test_frontier_cut_by_the_budget_reports_only_pareto_points(negotiation):
    result = pareto_frontier(negotiation, Budget(0.0))
    assert result.status is Status.BUDGET
    assert result.points
    assert {u for u, _ in result.points} <= brute_frontier(negotiation)


@SLOW
@given(negotiations(parties=(2, 2), issues=(1, 7), options=(1, 5), low=-20, high=40))
def test_two_party_table_and_sparse_merge_agree(negotiation):
    scaled = negotiation.scaled
    table = exact_frontier(scaled, Budget(10))
    merged = _merge(scaled.values, Budget(10), 10**6)
    assert sorted(map(tuple, table.utilities.tolist())) == sorted(map(tuple, merged.utilities.tolist()))


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_frontier_with_decimal_utilities_is_exact(pairs):
    issues = tuple(
        Issue(f"i{j}", (Option("a", (F(a, 100), F(0))), Option("b", (F(0), F(b, 10)))))
        for j, (a, b) in enumerate(pairs)
    )
    negotiation = Negotiation(("x", "y"), issues, (F(0), F(0)))
    assert {u for u, _ in pareto_frontier(negotiation).points} == brute_frontier(negotiation)


@SLOW
@pytest.mark.parametrize("engine", ["frontier", "milp"])
@given(negotiation=negotiations(parties=(2, 4), issues=(1, 4), options=(1, 4)))
def test_nash_package_maximises_the_product_among_all_packages(engine, negotiation):
    expected = brute_best_product(negotiation, negotiation.disagreement)
    if expected is None:
        with pytest.raises(Exception, match="no package gives every party"):
            nash_package(negotiation, engine=engine)
        return
    result = nash_package(negotiation, engine=engine)
    gains = [a - b for a, b in zip(result.utilities, negotiation.disagreement, strict=True)]
    assert all(g >= 0 for g in gains)
    assert (sum(result.counted), result.objective) == expected
    if expected[0] == len(negotiation.parties):
        assert on_frontier(negotiation, result.utilities)
    if engine == "frontier" or len(negotiation.parties) == 2:
        assert result.status is Status.EXACT


@SLOW
@pytest.mark.parametrize("engine", ["frontier", "milp"])
@given(negotiation=negotiations(parties=(2, 4), issues=(1, 4), options=(1, 4)))
def test_improvement_packages_are_pareto_optimal_and_optimal(engine, negotiation):
    d = negotiation.disagreement
    rational = [u for _, u in all_packages(negotiation) if all(a >= b for a, b in zip(u, d, strict=True))]
    assume(rational)
    joint = max_joint_gain(negotiation, engine=engine)
    assert sum(joint.utilities) - sum(d) == max(sum(u) - sum(d) for u in rational) == joint.objective
    assert on_frontier(negotiation, joint.utilities)
    fair = maximin_gain(negotiation, engine=engine)
    assert fair.objective == max(min(a - b for a, b in zip(u, d, strict=True)) for u in rational)
    assert on_frontier(negotiation, fair.utilities)
    if engine == "frontier":
        assert joint.status is fair.status is Status.EXACT


@SLOW
@pytest.mark.parametrize("engine", ["frontier", "milp"])
@given(negotiation=negotiations(parties=(2, 5), issues=(1, 5), options=(1, 4)))
def test_kalai_smorodinsky_package_maximises_the_smallest_normalised_gain(engine, negotiation):
    d = negotiation.disagreement
    n = len(d)
    rational = [u for _, u in all_packages(negotiation) if all(a >= b for a, b in zip(u, d, strict=True))]
    assume(rational)
    ideal = [max(u[i] for u in rational) for i in range(n)]
    assume(all(ideal[i] > d[i] for i in range(n)))
    result = kalai_smorodinsky_package(negotiation, engine=engine)
    best = max(min((u[i] - d[i]) / (ideal[i] - d[i]) for i in range(n)) for u in rational)
    assert result.approximate
    assert result.objective == best
    assert on_frontier(negotiation, result.utilities)


def test_kalai_smorodinsky_package_is_right_where_highs_claims_a_worse_optimum():
    """Found by shuffling the issues, options and parties of random instances: HiGHS 1.12 with presolve
    takes a feasibility-jump incumbent and declares a smallest share of 13/29 optimal (its bound equal to
    it); package (1, 1, 0, 1, 3) reaches 7/13. The answer is certified without trusting that claim."""
    rows = [
        [[6, -4, 1, 9, -4], [7, 12, 9, 0, 3], [10, 1, -3, 3, -2]],
        [[8, -1, -3, -5, 1], [9, 0, 11, 3, 5]],
        [[1, -2, 12, 7, 1], [12, -6, 1, 2, -4], [9, -1, 11, -4, 0], [12, 4, 1, -5, 6]],
        [[0, 8, 1, -6, -5], [4, 0, 2, 4, 7], [-2, -1, -1, 0, 8], [3, 2, -1, 10, -4]],
        [[7, -1, 0, 1, 2], [-1, 1, -4, 4, 8], [8, 1, 0, 4, 2], [12, 9, 4, 1, 3]],
    ]
    negotiation = Negotiation(
        tuple(f"p{i}" for i in range(5)),
        tuple(
            Issue(f"i{j}", tuple(Option(f"o{k}", tuple(map(F, o))) for k, o in enumerate(options)))
            for j, options in enumerate(rows)
        ),
        tuple(map(F, [1, -2, 2, 1, 3])),
    )
    result = kalai_smorodinsky_package(negotiation, engine="milp")
    assert result.objective == F(7, 13)
    assert result.status is Status.EXACT
    assert result.utilities == tuple(map(F, (33, 19, 38, 15, 19)))
    assert kalai_smorodinsky_package(negotiation, engine="frontier").objective == F(7, 13)


def hull_points_2d(negotiation: Negotiation):
    return sorted({u for _, u in all_packages(negotiation)})


@SLOW
@given(negotiations(parties=(2, 2), issues=(1, 4), options=(1, 4)))
def test_nash_lottery_is_exact_and_optimal_for_two_parties(negotiation):
    d = negotiation.disagreement
    points = hull_points_2d(negotiation)
    # Brute force over the hull: the best product on every segment between two package points.
    best = F(-1)
    for p, q in itertools.combinations_with_replacement(points, 2):
        a0, a1 = p[0] - d[0], q[0] - p[0]
        b0, b1 = p[1] - d[1], q[1] - p[1]
        candidates = [F(0), F(1)]
        if a1 * b1 != 0:
            s = -(a0 * b1 + a1 * b0) / (2 * a1 * b1)
            if 0 <= s <= 1:
                candidates.append(s)
        for s in candidates:
            g = (a0 + s * a1, b0 + s * b1)
            if g[0] > 0 and g[1] > 0:
                best = max(best, g[0] * g[1])
    if best < 0:
        with pytest.raises(Exception, match="no lottery"):
            nash_lottery(negotiation)
        return
    result = nash_lottery(negotiation)
    assert result.status is Status.EXACT
    assert sum(p for _, p in result.lottery) == 1
    expected = tuple(
        sum((p * x for (pkg, p) in result.lottery for x in [negotiation.utilities(pkg)[i]]), F(0)) for i in range(2)
    )
    assert expected == result.utilities
    assert (result.utilities[0] - d[0]) * (result.utilities[1] - d[1]) == best


@SLOW
@given(negotiations(parties=(3, 4), issues=(1, 3), options=(1, 3)))
def test_nash_lottery_with_more_parties_beats_every_package_and_mixture(negotiation):
    d = negotiation.disagreement
    best_pure = brute_best_product(negotiation, d)
    if best_pure is None or best_pure[0] < len(d):
        # No package where everyone gains; a lottery may still have one, and then it must be found.
        try:
            nash_lottery(negotiation)
        except Invalid as error:
            refusal = str(error)
        else:
            refusal = ""
        if refusal:
            assert "no lottery" in refusal
            return
    result = nash_lottery(negotiation)
    value = math.prod(float(u - di) for u, di in zip(result.utilities, d, strict=True))
    points = [u for _, u in all_packages(negotiation)]
    for p, q in itertools.combinations_with_replacement(points, 2):
        for s in (F(0), F(1, 3), F(1, 2), F(2, 3)):
            g = [s * a + (1 - s) * b - di for a, b, di in zip(p, q, d, strict=True)]
            if all(x > 0 for x in g):
                assert math.prod(float(x) for x in g) <= value * (1 + 1e-9)
    if result.status is Status.EXACT:
        # First-order condition, exactly: no package has sum_i gain_i / gain*_i above n.
        star = [u - di for u, di in zip(result.utilities, d, strict=True)]
        for u in points:
            assert sum((ui - di) / s for ui, di, s in zip(u, d, star, strict=True)) <= len(d)


@SLOW
@given(negotiations(parties=(2, 2), issues=(1, 4), options=(1, 4)))
def test_kalai_smorodinsky_lottery_is_the_furthest_point_towards_the_ideal(negotiation):
    d = negotiation.disagreement
    points = [u for _, u in all_packages(negotiation)]
    # Ideal over rational lotteries, by brute force over segments (two parties: a vertex or an edge).
    ideal = [None, None]
    for p, q in itertools.combinations_with_replacement(points, 2):
        for s in [F(0), F(1)] + [
            x for i in (0, 1) if p[i] != q[i] for x in [(d[i] - q[i]) / (p[i] - q[i])] if 0 <= x <= 1
        ]:
            u = [s * a + (1 - s) * b for a, b in zip(p, q, strict=True)]
            if u[0] >= d[0] and u[1] >= d[1]:
                for i in (0, 1):
                    ideal[i] = u[i] if ideal[i] is None else max(ideal[i], u[i])
    assume(ideal[0] is not None and ideal[0] > d[0] and ideal[1] > d[1])
    result = kalai_smorodinsky_lottery(negotiation)
    assert result.status is Status.EXACT
    assert result.ideal is not None
    assert result.ks_point is not None
    assert list(result.ideal) == ideal
    # The KS point is reachable, and a step further along the ray is not (exact LP feasibility).
    t = (result.ks_point[0] - d[0]) / (ideal[0] - d[0])

    def reachable(t_try):
        target = [d[i] + t_try * (ideal[i] - d[i]) for i in (0, 1)]
        k = len(points)
        a = [[F(points[c][i]) for c in range(k)] + [F(-1) if r == i else F(0) for r in (0, 1)] for i in (0, 1)]
        a.append([F(1)] * k + [F(0), F(0)])
        return lp_maximize([F(0)] * (k + 2), a, [*target, F(1)]) is not None

    assert reachable(t)
    assert not reachable(t + F(1, 10**6))
    assert all(u >= k for u, k in zip(result.utilities, result.ks_point, strict=True))


@SLOW
@given(negotiations(parties=(2, 3), issues=(1, 3), options=(1, 3)))
def test_maximin_lottery_is_optimal(negotiation):
    d = negotiation.disagreement
    points = [u for _, u in all_packages(negotiation)]
    n = len(d)
    # max t s.t. sum_k lam_k (u_k - d) >= t, lam in simplex: by HiGHS, compared to the exact answer.
    k = len(points)
    res = linprog(
        c=[0.0] * k + [-1.0],
        A_ub=[[-float(points[c][i] - d[i]) for c in range(k)] + [1.0] for i in range(n)],
        b_ub=[0.0] * n,
        A_eq=[[1.0] * k + [0.0]],
        b_eq=[1.0],
        bounds=[(0, None)] * k + [(None, None)],
        method="highs",
    )
    if -float(res.fun or 0.0) < -1e-9:
        with pytest.raises(Exception, match="no lottery"):
            maximin_lottery(negotiation)
        return
    result = maximin_lottery(negotiation)
    assert result.status is Status.EXACT
    smallest = min(u - di for u, di in zip(result.utilities, d, strict=True))
    assert float(smallest) == pytest.approx(-float(res.fun or 0.0), abs=1e-7)


@st.composite
def aw_divisions(draw):
    k = draw(st.integers(1, 7))

    def hundred():
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=k - 1, max_size=k - 1)))
        return [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]

    a, b = hundred(), hundred()
    return Division(("A", "B"), tuple(Item(f"g{j}", (F(a[j]), F(b[j]))) for j in range(k)))


@given(aw_divisions())
@settings(max_examples=300, deadline=None)
def test_adjusted_winner_is_envy_free_equitable_and_splits_at_most_one_item(division):
    result = adjusted_winner(division)
    points = [item.points for item in division.items]
    mine = [sum(s[i] * p[i] for s, p in zip(result.shares, points, strict=True)) for i in (0, 1)]
    theirs = [sum(s[1 - i] * p[i] for s, p in zip(result.shares, points, strict=True)) for i in (0, 1)]
    assert mine[0] == mine[1] == result.utilities[0] == result.utilities[1]  # equitable
    assert mine[0] >= theirs[0]  # envy-free
    assert mine[1] >= theirs[1]
    assert mine[0] >= 50
    assert all(sum(s) == 1 and all(0 <= x <= 1 for x in s) for s in result.shares)
    fractional = [j for j, s in enumerate(result.shares) if 0 < s[0] < 1]
    assert len(fractional) <= 1
    assert fractional == ([] if result.split is None else [result.split])
    # Efficient: no fractional allocation gives both more (LP over shares, float).
    res = linprog(
        c=[-float(p[0]) for p in points],  # maximise A's points with B's held at its share
        A_ub=[[float(p[1]) for p in points]],
        b_ub=[sum(float(p[1]) for p in points) - float(mine[1])],
        bounds=[(0, 1)] * len(points),
        method="highs",
    )
    assert -float(res.fun or 0.0) <= float(mine[0]) + 1e-7


@st.composite
def divisions(draw, agents=(2, 4), items=(1, 6)):
    n = draw(st.integers(*agents))
    m = draw(st.integers(*items))
    return Division(
        tuple(f"a{i}" for i in range(n)),
        tuple(Item(f"g{j}", tuple(F(draw(st.integers(0, 9))) for _ in range(n))) for j in range(m)),
    )


@SLOW
@pytest.mark.parametrize("engine", ["frontier", "milp"])
@given(division=divisions())
def test_max_nash_welfare_equals_brute_force(engine, division):
    n, m = len(division.parties), len(division.items)
    best = None
    for owners in itertools.product(range(n), repeat=m):
        u = [sum((division.items[j].points[i] for j in range(m) if owners[j] == i), F(0)) for i in range(n)]
        key = (sum(1 for x in u if x > 0), math.prod((x for x in u if x > 0), start=F(1)))
        best = key if best is None or key > best else best
    result = max_nash_welfare(division, engine=engine)
    positive = [u for u in result.utilities if u > 0]
    assert (len(positive), result.objective) == best
    assert all(sum(s) == 1 and set(s) <= {0, 1} for s in result.shares)
    if engine == "frontier" or n == 2:
        assert result.status is Status.EXACT


def test_max_nash_welfare_milp_is_exact_where_a_loose_gap_misses():
    """HiGHS's default 1e-4 relative gap may stop at a product within 1e-4 of the best; with the gap at
    zero and the exact check, the MILP's answer is the frontier's and is proven exact."""
    rng = np.random.default_rng(3)
    for _ in range(5):
        division = Division(
            ("a", "b", "c"),
            tuple(Item(f"g{j}", tuple(F(int(x)) for x in rng.integers(1, 30, 3))) for j in range(7)),
        )
        frontier = max_nash_welfare(division, engine="frontier")
        highs = max_nash_welfare(division, engine="milp")
        assert highs.objective == frontier.objective
        assert highs.status is Status.EXACT


@given(
    st.lists(st.lists(st.integers(-5, 5), min_size=4, max_size=4), min_size=2, max_size=3),
    st.lists(st.integers(-5, 5), min_size=4, max_size=4),
    st.lists(st.integers(0, 6), min_size=2, max_size=3),
)
@settings(max_examples=200, deadline=None)
def test_exact_simplex_agrees_with_highs(rows, cost, rhs):
    rhs = rhs[: len(rows)]
    assume(len(rhs) == len(rows))
    a = [[F(v) for v in r] for r in rows]
    b = [F(v) for v in rhs]
    c = [F(v) for v in cost]
    res = linprog(c=[-float(v) for v in cost], A_eq=rows, b_eq=rhs, bounds=[(0, None)] * 4, method="highs")
    try:
        exact = lp_maximize(c, a, b)
    except ArithmeticError:
        assert res.status == 3  # unbounded
        return
    if exact is None:
        assert res.status == 2
        return
    assert res.status == 0
    assert float(exact.value) == pytest.approx(-float(res.fun or 0.0), abs=1e-7)
    assert all(sum(ai * xi for ai, xi in zip(r, exact.x, strict=True)) == bi for r, bi in zip(a, b, strict=True))
    # Duals prove optimality: A^T y >= c and b·y equals the value.
    for j in range(4):
        assert sum(a[i][j] * exact.y[i] for i in range(len(a))) >= c[j]
    assert sum(bi * yi for bi, yi in zip(b, exact.y, strict=True)) == exact.value
