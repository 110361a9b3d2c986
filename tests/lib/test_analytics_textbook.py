"""Textbook cases with published answers, each checked exactly.

Sources:

* Nash, "The Bargaining Problem", Econometrica 18(2), 1950, pp. 155-162: Bill and Jack's barter. The
  paper's utility table and its solution ("Bill gives Jack: book, whip, ball, bat; Jack gives Bill:
  pen, toy, knife"), reproduced with the outcome table (gains 12 and 5, product 60) in the lecture
  notes "Table 1: Nash's Bargaining Example" (paperzz.com/doc/7960067).
* Brams and Taylor, "The Win-Win Solution" (1999) and "Fair Division" (1996): Bob and Carol's divorce
  under Adjusted Winner, as worked on the authors' site (pages.nyu.edu/adjustedwinner/awProcedure.htm):
  the tied investments go to Bob, who trails; Carol keeps 5/6 of the retirement account and Bob gets
  1/6; both end with 56.67 (= 170/3) points.
* Kalai and Smorodinsky, "Other Solutions to Nash's Bargaining Problem", Econometrica 43(3), 1975: the
  example showing that Nash's solution is not monotone. On conv{(0,0),(1,0),(0,1),(3/4,3/4)} the Nash
  point is (3/4,3/4); enlarging the set to conv{(0,0),(1,0),(0,1),(1,7/10)} moves it to (1,7/10), so
  player 2 gets less from more. Their solution, the maximal point on the segment from the disagreement
  point to the ideal point (1,1), is (3/4,3/4) and then (10/13,10/13) (the segment meets the edge from
  (1,7/10) to (0,1) where 1-s = 7/10+3s/10).
* Caragiannis, Kurokawa, Moulin, Procaccia, Shah and Wang, "The Unreasonable Fairness of Maximum Nash
  Welfare" (EC 2016; ACM TEAC 2019), Theorem 3.2: every maximum Nash welfare allocation is envy-free up
  to one good and Pareto optimal. Checked here on the divorce data read as indivisible items.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

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
    max_nash_welfare,
    nash_lottery,
    nash_package,
    pareto_frontier,
    solve,
)

BILLS_GOODS = [("book", 2, 4), ("whip", 2, 2), ("ball", 2, 1), ("bat", 2, 2), ("box", 4, 1)]
JACKS_GOODS = [("pen", 10, 1), ("toy", 4, 1), ("knife", 6, 2), ("hat", 2, 2)]


def barter() -> Negotiation:
    """Each good is an issue: it stays with its owner (no change) or changes hands (gains over no trade)."""
    issues = [
        Issue(name, (Option("Bill keeps", (F(0), F(0))), Option("to Jack", (F(-bill), F(jack)))))
        for name, bill, jack in BILLS_GOODS
    ] + [
        Issue(name, (Option("Jack keeps", (F(0), F(0))), Option("to Bill", (F(bill), F(-jack)))))
        for name, bill, jack in JACKS_GOODS
    ]
    return Negotiation(("Bill", "Jack"), tuple(issues), (F(0), F(0)))


NASH_TRADE = {
    "book": "to Jack",
    "whip": "to Jack",
    "ball": "to Jack",
    "bat": "to Jack",
    "box": "Bill keeps",
    "pen": "to Bill",
    "toy": "to Bill",
    "knife": "to Bill",
    "hat": "Jack keeps",
}


def test_nash_1950_barter_over_packages():
    negotiation = barter()
    result = nash_package(negotiation)
    assert result.status is Status.EXACT
    assert result.utilities == (F(12), F(5))
    assert result.objective == 60
    assert negotiation.package_names(result.package) == NASH_TRADE


def test_nash_1950_barter_over_lotteries_needs_no_lottery():
    result = nash_lottery(barter())
    assert result.status is Status.EXACT
    assert result.utilities == (F(12), F(5))
    assert len(result.lottery) == 1
    assert barter().package_names(result.lottery[0][0]) == NASH_TRADE


def test_nash_1950_barter_frontier_holds_the_papers_outcomes():
    points = {u for u, _ in pareto_frontier(barter()).points}
    # Outcomes of the lecture notes' Table 2 that are Pareto-optimal, with Nash's solution (12, 5).
    for a, b in [(6, 7), (8, 6), (12, 5), (14, 4), (16, 2), (18, 0)]:
        assert (F(a), F(b)) in points
    assert (F(14), F(3)) not in points  # Table 2's outcome 6 is dominated by outcome 5


def divorce(carol_bob: list[tuple[str, int, int]]) -> Division:
    return Division(("Carol", "Bob"), tuple(Item(name, (F(c), F(b))) for name, c, b in carol_bob))


BOB_AND_CAROL = [
    ("Retirement Account", 50, 40),
    ("Home", 20, 30),
    ("Summer Cottage", 15, 10),
    ("Investments", 10, 10),
    ("Other", 5, 10),
]


def test_adjusted_winner_bob_and_carol():
    result = adjusted_winner(divorce(BOB_AND_CAROL))
    assert result.split == 0
    assert result.shares == (
        (F(5, 6), F(1, 6)),  # the retirement account is split
        (F(0), F(1)),  # home to Bob
        (F(1), F(0)),  # summer cottage to Carol
        (F(0), F(1)),  # tied investments to Bob, who trails
        (F(0), F(1)),  # other to Bob
    )
    assert result.utilities == (F(170, 3), F(170, 3))
    assert round(float(result.utilities[0]), 2) == 56.67


def test_adjusted_winner_bob_and_carol_through_the_json_contract():
    answer = solve(
        {
            "method": "adjusted_winner",
            "parties": ["Carol", "Bob"],
            "items": [{"name": n, "points": [c, b]} for n, c, b in BOB_AND_CAROL],
        }
    )
    assert answer["split"] == "Retirement Account"
    assert answer["exact"]["allocation"][0]["shares"] == ["5/6", "1/6"]
    assert answer["exact"]["utilities"] == ["170/3", "170/3"]
    assert answer["allocation"][0] == {
        "item": "Retirement Account",
        "shares": [pytest.approx(5 / 6), pytest.approx(1 / 6)],
    }


def hull(points: list[tuple[str, str]]) -> Negotiation:
    """A feasible set given by its vertices: one issue whose options are the vertices."""
    options = tuple(Option(f"v{i}", (F(a), F(b))) for i, (a, b) in enumerate(points))
    return Negotiation(("1", "2"), (Issue("agreement", options),), (F(0), F(0)))


SMALL = [("0", "0"), ("1", "0"), ("0", "1"), ("3/4", "3/4")]
LARGE = [("0", "0"), ("1", "0"), ("0", "1"), ("1", "7/10")]


def test_kalai_smorodinsky_1975_nash_is_not_monotone():
    assert nash_lottery(hull(SMALL)).utilities == (F(3, 4), F(3, 4))
    assert nash_lottery(hull(LARGE)).utilities == (F(1), F(7, 10))


def test_kalai_smorodinsky_1975_their_solution_is():
    small = kalai_smorodinsky_lottery(hull(SMALL))
    large = kalai_smorodinsky_lottery(hull(LARGE))
    assert small.status is Status.EXACT
    assert large.status is Status.EXACT
    assert small.utilities == (F(3, 4), F(3, 4))
    assert large.ideal == (F(1), F(1))
    assert large.ks_point == (F(10, 13), F(10, 13))
    assert large.utilities == (F(10, 13), F(10, 13))
    # The lottery: 3/13 of (0,1) and 10/13 of (1,7/10).
    weights = {pkg[0]: p for pkg, p in large.lottery}
    assert weights == {2: F(3, 13), 3: F(10, 13)}
    # Monotonicity: the enlarged set gives player 2 more, not less.
    assert large.utilities[1] > small.utilities[1]


def test_kalai_smorodinsky_pure_approximation_is_labelled():
    result = kalai_smorodinsky_package(hull(LARGE))
    assert result.approximate
    assert result.utilities == (F(1), F(7, 10))  # the best vertex by the smallest normalised gain
    answer = solve(
        {
            "method": "kalai_smorodinsky",
            "parties": ["1", "2"],
            "issues": [
                {"name": "agreement", "options": [{"name": f"v{i}", "utilities": list(p)} for i, p in enumerate(LARGE)]}
            ],
        }
    )
    assert answer["approximate"] is True
    assert answer["package"] == {"agreement": "v3"}


def envy_free_up_to_one_good(division: Division, shares) -> bool:
    n = len(division.parties)
    bundles = [[j for j, s in enumerate(shares) if s[i] == 1] for i in range(n)]
    for i in range(n):
        own = sum(division.items[j].points[i] for j in bundles[i])
        for k in range(n):
            other = [division.items[j].points[i] for j in bundles[k]]
            if other and own < sum(other) - max(other):
                return False
    return True


def test_maximum_nash_welfare_divorce_is_ef1_and_pareto_optimal():
    division = divorce(BOB_AND_CAROL)
    result = max_nash_welfare(division)
    assert result.status is Status.EXACT
    assert envy_free_up_to_one_good(division, result.shares)
    # Brute force over the 2^5 allocations: the product is the largest, and nothing dominates it.
    from itertools import product as cartesian

    best = F(0)
    vectors = []
    for owners in cartesian(range(2), repeat=5):
        u = [sum((division.items[j].points[i] for j in range(5) if owners[j] == i), F(0)) for i in range(2)]
        vectors.append(u)
        best = max(best, u[0] * u[1])
    assert result.objective == best
    assert not any(
        v[0] >= result.utilities[0] and v[1] >= result.utilities[1] and list(result.utilities) != v for v in vectors
    )
