"""Negotiation analytics: ``POST /analytics/solve``, the mediators' stateless calculator.

The request and the answer are the JSON contract of ``goodoffices.lib.analytics.contract`` (read
there what each method returns). The schema below declares its shape; the contract itself checks
every rule (lengths per party, sizes, negative points) and names the field of each refusal. A solve
runs under its time budget (``budget_seconds``, default 10, at most 60): when the budget runs out the
answer is the best found with ``status`` ``budget`` and its proven ``bound``; only when nothing at all
was found is it a 422 naming ``budget_seconds``. Never a 504.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from pydantic import Field

from goodoffices.lib.analytics import BudgetExceeded, solve
from goodoffices.lib.analytics.budget import MAX_BUDGET_SECONDS
from goodoffices.lib.analytics.contract import METHODS
from goodoffices.lib.analytics.model import (
    MAX_ISSUES,
    MAX_ITEMS,
    MAX_NAME_LENGTH,
    MAX_OPTIONS,
    MAX_PARTIES,
    MIN_PARTIES,
)
from goodoffices.lib.errors import FieldError, Invalid
from goodoffices.policies import Permission, can

from .schemas import Input, Out, one_of, optional

router = Router(tags=["analytics"])

NUMBER_STRING = 40
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]
# A JSON number, or an exact "p/q" (or decimal) string.
Number = int | float | Annotated[str, Field(min_length=1, max_length=NUMBER_STRING)]
PerParty = Annotated[list[Number], Field(min_length=MIN_PARTIES, max_length=MAX_PARTIES)]


class OptionIn(Input):
    name: Name
    utilities: PerParty


class IssueIn(Input):
    name: Name
    options: Annotated[list[OptionIn], Field(min_length=1, max_length=MAX_OPTIONS)]


class ItemIn(Input):
    name: Name
    points: PerParty


class SolveIn(Input):
    method: Annotated[str, one_of(METHODS)]
    parties: Annotated[list[Name], Field(min_length=MIN_PARTIES, max_length=MAX_PARTIES)]
    # Each may be left out (never sent as null): the contract's defaults apply.
    issues: Annotated[list[IssueIn], Field(min_length=1, max_length=MAX_ISSUES)] = optional()
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=MAX_ITEMS)] = optional()
    disagreement: PerParty = optional()
    divisible: bool = optional()
    baseline: Annotated[dict[Name, Name], Field(max_length=MAX_ISSUES)] = optional()
    budget_seconds: Annotated[float, Field(gt=0, le=MAX_BUDGET_SECONDS)] = optional()


Num = int | float


class LotteryRow(Out):
    probability: Num
    package: dict[str, str]


class AllocationRow(Out):
    item: str
    shares: list[Num]


class MaximinOut(Out):
    """The package (or lottery) whose smallest gain over the baseline is largest."""

    status: Annotated[str, one_of(("exact", "tolerance", "budget"))]
    utilities: list[Num]
    objective: Num
    gains: list[Num]
    package: dict[str, str] | None = None
    lottery: list[LotteryRow] | None = None
    bound: Num | None = None


class SolveOut(Out):
    """Every answer has ``method``, ``parties``, ``status``, ``utilities``, ``objective`` and ``exact``;
    the other keys come with the methods that give them (see the module docstring of
    ``goodoffices.lib.analytics.contract``). ``exact`` repeats the rational numbers as ``"p/q"``."""

    method: str
    parties: list[str]
    status: Annotated[str, one_of(("exact", "tolerance", "budget"))]
    utilities: list[Num]
    objective: Num
    exact: dict[str, Any]
    package: dict[str, str] | None = None
    lottery: list[LotteryRow] | None = None
    allocation: list[AllocationRow] | None = None
    split: str | None = None
    pareto: list[list[Num]] | None = None
    pareto_packages: list[dict[str, str]] | None = None
    gains: list[Num] | None = None
    maximin: MaximinOut | None = None
    approximate: bool | None = None
    ideal: list[Num] | None = None
    ks_point: list[Num] | None = None
    bound: Num | None = None


@router.post(
    "/analytics/solve",
    response={200: SolveOut},
    exclude_unset=True,
    summary="Solve a bargaining problem (mediators): Pareto frontier, Nash, Kalai-Smorodinsky, max joint gain, "
    "Adjusted Winner, maximum Nash welfare",
)
def analytics_solve(request: HttpRequest, payload: SolveIn) -> dict[str, Any]:
    # A calculator about no process: there is nothing to hide, so a user who is no mediator
    # anywhere is refused (403), not told that nothing is here (404).
    if not can(request.user, Permission.ANALYTICS_SOLVE):
        raise HttpError(403, f"only mediators use the analytics ({Permission.ANALYTICS_SOLVE.value})")
    body = payload.model_dump(exclude_unset=True, exclude_none=True)
    try:
        return solve(body)
    except BudgetExceeded as exc:
        raise Invalid(
            [
                FieldError(
                    "budget_seconds",
                    f"no answer was found within the budget ({exc}); give a larger budget "
                    f"(at most {MAX_BUDGET_SECONDS:g} s) or a smaller instance",
                )
            ]
        ) from None
