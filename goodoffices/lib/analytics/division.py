"""Dividing items: Brams-Taylor Adjusted Winner (two parties) and maximum Nash welfare (indivisible items)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from goodoffices.lib.errors import FieldError, Invalid
from goodoffices.lib.errors import Invalid as _Invalid

from .bargaining import Engine, max_product
from .budget import Budget, Status
from .exact import ONE, ZERO
from .hull import nash_lottery
from .model import ADJUSTED_WINNER_POINTS, Division


@dataclass(frozen=True)
class Allocation:
    """Each item's shares (one per party, summing to 1) and each party's points for what it receives."""

    shares: tuple[tuple[Fraction, ...], ...]
    utilities: tuple[Fraction, ...]
    status: Status
    objective: Fraction
    bound: float
    split: int | None = None  # the item Adjusted Winner divided, if any


def adjusted_winner(division: Division) -> Allocation:
    """Brams and Taylor's Adjusted Winner: envy-free, equitable and efficient, at most one item split.

    Each party gives 100 points in all. Every item first goes to the party giving it more points; tied
    items go to the party with fewer points from the untied items (the first party when equal). Then
    items pass from the party ahead to the party behind, in increasing order of the ratio (points of
    the party ahead / points of the party behind), until the totals are equal; the item that would
    overshoot is split so that they are equal exactly. The split share is exact.
    """
    if len(division.parties) != 2:
        raise Invalid.one("parties", f"adjusted_winner divides between exactly 2 parties, got {len(division.parties)}")
    errors = []
    for i, party in enumerate(division.parties):
        total = sum((item.points[i] for item in division.items), ZERO)
        if total != ADJUSTED_WINNER_POINTS:
            errors.append(FieldError("items", f"{party}'s points sum to {total}, expected {ADJUSTED_WINNER_POINTS}"))
    if errors:
        raise Invalid(errors)
    points = [item.points for item in division.items]
    owner: list[int | None] = [0 if a > b else 1 if b > a else None for a, b in points]
    totals = [sum((p[i] for p, o in zip(points, owner, strict=True) if o == i), ZERO) for i in (0, 1)]
    behind = 0 if totals[0] <= totals[1] else 1
    shares = [[ONE if o == i or (o is None and i == behind) else ZERO for i in (0, 1)] for o in owner]
    totals = [sum((p[i] * s[i] for p, s in zip(points, shares, strict=True)), ZERO) for i in (0, 1)]
    split = None
    if totals[0] != totals[1]:
        ahead = 0 if totals[0] > totals[1] else 1
        other = 1 - ahead
        held = [j for j, s in enumerate(shares) if s[ahead] == 1]
        # Increasing ratio ahead/other; items the other party gives no points to go last.
        held.sort(
            key=lambda j: (points[j][other] == 0, points[j][ahead] / points[j][other] if points[j][other] else ZERO)
        )
        for j in held:
            a, b = points[j][ahead], points[j][other]
            if totals[ahead] - a >= totals[other] + b:
                shares[j] = [ZERO, ZERO]
                shares[j][other] = ONE
                totals[ahead] -= a
                totals[other] += b
                if totals[ahead] == totals[other]:
                    break
                continue
            keep = (totals[other] + b - totals[ahead] + a) / (a + b)
            shares[j] = [ZERO, ZERO]
            shares[j][ahead], shares[j][other] = keep, 1 - keep
            totals[ahead] += (keep - 1) * a
            totals[other] += (1 - keep) * b
            split = j
            break
    assert totals[0] == totals[1]
    return Allocation(
        tuple(tuple(s) for s in shares), (totals[0], totals[1]), Status.EXACT, totals[0], float(totals[0]), split
    )


def max_nash_welfare(division: Division, budget: Budget | None = None, *, engine: Engine = "auto") -> Allocation:
    """Maximum Nash welfare over indivisible allocations (Caragiannis et al., EC 2016).

    Maximises the product of the parties' points; when no allocation gives every party a positive
    value, the largest set of parties that can all have one is served and the product is over them.
    Two parties: exact from the frontier. More: HiGHS on the exact-at-integers log programme, checked
    exactly (``status`` says whether the optimum is proven).
    """
    budget = budget if budget is not None else Budget()
    negotiation = division.as_negotiation()
    result = max_product(negotiation, negotiation.scaled.disagreement, budget, engine, method="max_nash_welfare")
    shares = tuple(tuple(ONE if i == k else ZERO for i in range(len(division.parties))) for k in result.package)
    return Allocation(shares, result.utilities, result.status, result.objective, result.bound)


def fractional_max_nash_welfare(division: Division, budget: Budget | None = None) -> Allocation:
    """Maximum Nash welfare over divisible items (the Eisenberg-Gale / Fisher-market allocation).

    With additive points a fractional allocation is the same as a lottery over indivisible ones (its
    shares are the lottery's marginals), so this is the Nash point over lotteries of allocations,
    exact whenever :mod:`.hull` can prove it (always for two parties).
    """
    budget = budget if budget is not None else Budget()
    negotiation = division.as_negotiation()
    scaled = negotiation.scaled
    lottery = nash_lottery(scaled, budget)
    if lottery is None:
        raise _Invalid.one("items", "no division gives every party a positive value")
    n = len(division.parties)
    total = sum((p for _, p in lottery.weights), ZERO)
    shares = [[ZERO] * n for _ in division.items]
    for package, p in lottery.weights:
        for j, k in enumerate(package):
            shares[j][k] += p / total
    utilities = tuple(u / scaled.scale for u in lottery.utilities)
    product = ONE
    for u in utilities:
        product *= u
    return Allocation(tuple(tuple(s) for s in shares), utilities, lottery.status, product, float(product))
