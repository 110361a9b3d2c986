"""``solve(request) -> answer``: the JSON contract that ``POST /api/v1/analytics/solve`` exposes.

Request::

    {"method": "adjusted_winner" | "nash" | "kalai_smorodinsky" | "max_nash_welfare" | "pareto" | "max_joint",
     "parties": [name, ...],                                   # 2 to 5
     "issues": [{"name", "options": [{"name", "utilities": [number per party]}]}],
     "items": [{"name", "points": [number per party]}],        # instead of issues: adjusted_winner, max_nash_welfare
     "disagreement": [number per party],                       # default zeros
     "divisible": bool,                                        # default false
     "baseline": {issue: option},                              # max_joint only; default: the disagreement point
     "budget_seconds": number}                                 # default 10, at most 60

Numbers are JSON numbers (read as the decimal they print as: 0.1 is 1/10) or strings "p/q".

``divisible`` chooses lotteries of packages (the convex hull) for ``nash``, ``kalai_smorodinsky`` and
``max_joint``'s maximin, and fractional shares for ``max_nash_welfare`` (the lottery's marginals, which
for additive points are the same thing); ``adjusted_winner`` always may split one item, whatever it says.

Answer (every answer)::

    {"method", "parties", "status": "exact" | "tolerance" | "budget",
     "utilities": [number per party], "objective": number, "exact": {...}}

plus, by method:

* a package: ``"package": {issue: option}`` (nash, kalai_smorodinsky, max_nash_welfare on issues, max_joint);
* a lottery when ``divisible``: ``"lottery": [{"probability", "package": {issue: option}}]`` instead of package;
* items: ``"allocation": [{"item", "shares": [per party]}]``; ``"split"``: the item Adjusted Winner divided or null;
* ``pareto``: ``"pareto": [[utility per party], ...]`` (sorted by the first party's utility) and
  ``"pareto_packages": [{issue: option}, ...]`` in the same order; its ``package``/``utilities`` are the
  frontier's Nash point (largest product of gains over disagreement);
* ``max_joint``: ``package`` maximises the joint gain over the baseline with nobody below it;
  ``"gains"`` are the gains over the baseline; ``"maximin": {"utilities", "package" (or "lottery"), "gains",
  "objective"}`` is the package whose smallest gain is largest;
* ``kalai_smorodinsky``: ``"approximate": true`` for the pure-package approximation (``divisible`` false);
  with lotteries ``"ideal"`` and ``"ks_point"`` (``d + t (ideal - d)``);
* when ``status`` is not ``exact``: ``"bound"``, an upper bound on ``objective`` proven by the solver.

``objective`` is what the method maximised: the product of gains (nash, max_nash_welfare: over the
parties that gain), the joint gain (max_joint), the smallest normalised gain ``t`` (kalai_smorodinsky),
each party's equal points (adjusted_winner), the number of frontier points (pareto).

``exact`` mirrors the answer's numbers with the same keys and nesting (``utilities``, ``objective``,
``lottery[i].probability``, ``allocation[i].shares``, ``pareto``, ``gains``, ``maximin``, ``ideal``,
``ks_point``), each as a string ``"p/q"`` (``"3"`` for an integer) that ``fractions.Fraction`` reads back.
Only numbers known exactly are there: a lottery found in floating point (status ``tolerance``) has none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from goodoffices.lib.errors import FieldError, Invalid

from . import bargaining, division
from .budget import MAX_BUDGET_SECONDS, Budget, Status
from .exact import fraction_str, number
from .model import Negotiation, parse_division, parse_negotiation

METHODS = ("adjusted_winner", "nash", "kalai_smorodinsky", "max_nash_welfare", "pareto", "max_joint")
ITEM_METHODS = ("adjusted_winner", "max_nash_welfare")


def solve(request: Mapping[str, Any]) -> dict[str, Any]:  # noqa: C901 - one dispatch over the methods of the JSON contract
    """Run one method on one request; raises :class:`~goodoffices.lib.errors.Invalid` on bad input."""
    if not isinstance(request, Mapping):
        raise Invalid.one("request", "expected a JSON object")
    method = request.get("method")
    if method not in METHODS:
        raise Invalid.one("method", f"expected one of {', '.join(METHODS)}")
    divisible = request.get("divisible", False)
    if not isinstance(divisible, bool):
        raise Invalid.one("divisible", "expected true or false")
    budget = _budget(request.get("budget_seconds"))
    has_items, has_issues = "items" in request, "issues" in request
    if has_items and has_issues:
        raise Invalid.one("items", "give either issues or items, not both")
    if has_items and method not in ITEM_METHODS:
        raise Invalid.one("items", f"only {' and '.join(ITEM_METHODS)} divide items; {method} needs issues")
    if method == "adjusted_winner" and not has_items:
        raise Invalid.one("items", "adjusted_winner divides items: give items with each party's points")
    if "baseline" in request and method != "max_joint":
        raise Invalid.one("baseline", "only max_joint takes a baseline package")
    if has_items:
        if "disagreement" in request:
            raise Invalid.one("disagreement", "items are divided from nothing: leave the disagreement point out")
        return _solve_items(method, request, divisible, budget)
    negotiation = parse_negotiation(request)
    answer: dict[str, Any] = {"method": method, "parties": list(negotiation.parties)}
    exact: dict[str, Any] = {}
    if method == "pareto":
        _pareto(negotiation, budget, answer, exact)
    elif method in ("nash", "max_nash_welfare"):
        if divisible:
            _lottery(negotiation, bargaining.nash_lottery(negotiation, budget), answer, exact)
        else:
            _package(negotiation, bargaining.nash_package(negotiation, budget), answer, exact)
    elif method == "kalai_smorodinsky":
        if divisible:
            result = bargaining.kalai_smorodinsky_lottery(negotiation, budget)
            _lottery(negotiation, result, answer, exact)
            assert result.ideal is not None
            assert result.ks_point is not None
            _numbers(answer, exact, "ideal", result.ideal)
            _numbers(answer, exact, "ks_point", result.ks_point)
        else:
            _package(negotiation, bargaining.kalai_smorodinsky_package(negotiation, budget), answer, exact)
            answer["approximate"] = True
    else:
        _max_joint(negotiation, request.get("baseline"), divisible, budget, answer, exact)
    answer["exact"] = exact
    return answer


def _budget(value: object) -> Budget:
    if value is None:
        return Budget()
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_BUDGET_SECONDS:
        raise Invalid.one("budget_seconds", f"expected a number of seconds above 0 and at most {MAX_BUDGET_SECONDS:g}")
    return Budget(float(value))


def _numbers(answer: dict[str, Any], exact: dict[str, Any], key: str, values: Sequence[Fraction]) -> None:
    answer[key] = [number(v) for v in values]
    exact[key] = [fraction_str(v) for v in values]


def _status(answer: dict[str, Any], status: Status, objective: Fraction, bound: float, exact: dict[str, Any]) -> None:
    answer["status"] = str(status)
    answer["objective"] = number(objective)
    exact["objective"] = fraction_str(objective)
    if status is not Status.EXACT:
        answer["bound"] = bound if math.isfinite(bound) else None


def _package(
    negotiation: Negotiation, result: bargaining.PackageResult, answer: dict[str, Any], exact: dict[str, Any]
) -> None:
    answer["package"] = negotiation.package_names(result.package)
    _numbers(answer, exact, "utilities", result.utilities)
    _status(answer, result.status, result.objective, result.bound, exact)


def _lottery(
    negotiation: Negotiation, result: bargaining.LotteryResult, answer: dict[str, Any], exact: dict[str, Any]
) -> None:
    answer["lottery"] = [
        {"probability": number(p), "package": negotiation.package_names(pkg)} for pkg, p in result.lottery
    ]
    answer["status"] = str(result.status)
    answer["utilities"] = [number(v) for v in result.utilities]
    if result.status is Status.EXACT:
        exact["lottery"] = [{"probability": fraction_str(p)} for _, p in result.lottery]
        exact["utilities"] = [fraction_str(v) for v in result.utilities]
    d = negotiation.disagreement
    product = Fraction(1)
    for u, di in zip(result.utilities, d, strict=True):
        product *= u - di
    answer["objective"] = number(product)
    if result.status is Status.EXACT:
        exact["objective"] = fraction_str(product)


def _pareto(negotiation: Negotiation, budget: Budget, answer: dict[str, Any], exact: dict[str, Any]) -> None:
    result = bargaining.pareto_frontier(negotiation, budget)
    answer["pareto"] = [[number(v) for v in u] for u, _ in result.points]
    answer["pareto_packages"] = [negotiation.package_names(p) for _, p in result.points]
    exact["pareto"] = [[fraction_str(v) for v in u] for u, _ in result.points]
    d = negotiation.disagreement
    best = None
    for u, pkg in result.points:
        gains = [a - b for a, b in zip(u, d, strict=True)]
        if all(g >= 0 for g in gains):
            key = (sum(1 for g in gains if g > 0), _prod([g for g in gains if g > 0]))
            if best is None or key > best[0]:
                best = (key, u, pkg)
    if best is None:
        best = ((0, Fraction(0)), *result.points[0])
    answer["package"] = negotiation.package_names(best[2])
    _numbers(answer, exact, "utilities", best[1])
    answer["status"] = str(result.status)
    answer["objective"] = len(result.points)
    exact["objective"] = str(len(result.points))


def _prod(values: Sequence[Fraction]) -> Fraction:
    out = Fraction(1)
    for v in values:
        out *= v
    return out


def _max_joint(
    negotiation: Negotiation,
    raw_baseline: object,
    divisible: bool,
    budget: Budget,
    answer: dict[str, Any],
    exact: dict[str, Any],
) -> None:
    baseline = None if raw_baseline is None else _parse_baseline(negotiation, raw_baseline)
    floors = negotiation.utilities(baseline) if baseline is not None else negotiation.disagreement
    joint = bargaining.max_joint_gain(negotiation, baseline, budget)
    _package(negotiation, joint, answer, exact)
    _numbers(answer, exact, "gains", [u - f for u, f in zip(joint.utilities, floors, strict=True)])
    inner: dict[str, Any] = {}
    inner_exact: dict[str, Any] = {}
    if divisible:
        lottery = bargaining.maximin_lottery(negotiation, baseline, budget)
        _lottery(negotiation, lottery, inner, inner_exact)
        smallest = min(u - f for u, f in zip(lottery.utilities, floors, strict=True))
        inner["objective"] = number(smallest)
        if lottery.status is Status.EXACT:
            inner_exact["objective"] = fraction_str(smallest)
            _numbers(inner, inner_exact, "gains", [u - f for u, f in zip(lottery.utilities, floors, strict=True)])
        else:
            inner["gains"] = [number(u - f) for u, f in zip(lottery.utilities, floors, strict=True)]
    else:
        maximin = bargaining.maximin_gain(negotiation, baseline, budget)
        _package(negotiation, maximin, inner, inner_exact)
        _numbers(inner, inner_exact, "gains", [u - f for u, f in zip(maximin.utilities, floors, strict=True)])
    answer["maximin"] = inner
    exact["maximin"] = inner_exact
    statuses = [Status(answer["status"]), Status(inner["status"])]
    answer["status"] = str(max(statuses, key=list(Status).index))


def _parse_baseline(negotiation: Negotiation, raw: object) -> tuple[int, ...]:
    if not isinstance(raw, Mapping):
        raise Invalid.one("baseline", "expected an object {issue: option}")
    errors: list[FieldError] = []
    choice = []
    for issue in negotiation.issues:
        name = raw.get(issue.name)
        names = [o.name for o in issue.options]
        if name not in names:
            errors.append(FieldError(f"baseline.{issue.name}", f"expected one of the issue's options, got {name!r}"))
            continue
        choice.append(names.index(name))
    unknown = [k for k in raw if k not in {i.name for i in negotiation.issues}]
    errors += [FieldError(f"baseline.{k}", "no such issue") for k in unknown]
    if errors:
        raise Invalid(errors)
    return tuple(choice)


def _solve_items(method: str, request: Mapping[str, Any], divisible: bool, budget: Budget) -> dict[str, Any]:
    items = parse_division(request)
    answer: dict[str, Any] = {"method": method, "parties": list(items.parties)}
    exact: dict[str, Any] = {}
    if method == "adjusted_winner":
        result = division.adjusted_winner(items)
        answer["split"] = None if result.split is None else items.items[result.split].name
    elif divisible:
        result = division.fractional_max_nash_welfare(items, budget)
    else:
        result = division.max_nash_welfare(items, budget)
    answer["allocation"] = [
        {"item": item.name, "shares": [number(s) for s in shares]}
        for item, shares in zip(items.items, result.shares, strict=True)
    ]
    _numbers(answer, exact, "utilities", result.utilities)
    _status(answer, result.status, result.objective, result.bound, exact)
    if result.status is not Status.TOLERANCE:
        exact["allocation"] = [{"shares": [fraction_str(s) for s in shares]} for shares in result.shares]
    else:
        del exact["utilities"], exact["objective"]
    answer["exact"] = exact
    return answer
