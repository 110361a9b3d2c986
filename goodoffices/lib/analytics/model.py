"""What the analytics work on: parties, issues with options and additive utilities, items to divide.

Every number is kept as an exact :class:`~fractions.Fraction`. Validation reports every broken rule at
once as :class:`goodoffices.lib.errors.Invalid`, each naming its field the way the JSON request spells
it (``issues[2].options[1].utilities``).

Sizes are bounded so that every method answers within its budget; the bounds are module constants.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from goodoffices.lib.errors import FieldError, Invalid

from .exact import ZERO, to_fraction

MIN_PARTIES = 2
MAX_PARTIES = 5
MAX_ISSUES = 200
MAX_OPTIONS = 10  # per issue
MAX_ITEMS = 100
# Maximum Nash welfare is a fair-division rule that Spliddit-scale instances use with more agents than a
# negotiation has parties; the library accepts up to this many agents for it (the JSON contract stays at 5).
MAX_DIVISION_AGENTS = 12
MAX_NAME_LENGTH = 200
MAX_ABS_VALUE = 10**6
# All numbers of one request are brought to integers with their least common denominator; past this
# bound (e.g. many-digit decimals with unrelated denominators) the request is refused.
MAX_COMMON_DENOMINATOR = 10**6
ADJUSTED_WINNER_POINTS = 100

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Option:
    name: str
    utilities: tuple[Fraction, ...]


@dataclass(frozen=True)
class Issue:
    name: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Negotiation:
    """Parties, issues with discrete options (one option chosen per issue), and a disagreement point.

    A *package* chooses one option per issue; a party's utility for it is the sum of its utilities
    for the chosen options (additive utilities).
    """

    parties: tuple[str, ...]
    issues: tuple[Issue, ...]
    disagreement: tuple[Fraction, ...]

    def __post_init__(self) -> None:
        errors = _check_negotiation(self, max_parties=MAX_PARTIES)
        if errors:
            raise Invalid(errors)

    def utilities(self, package: Sequence[int]) -> tuple[Fraction, ...]:
        """Each party's utility for a package given as one option index per issue."""
        totals = [ZERO] * len(self.parties)
        for issue, choice in zip(self.issues, package, strict=True):
            for i, u in enumerate(issue.options[choice].utilities):
                totals[i] += u
        return tuple(totals)

    def package_names(self, package: Sequence[int]) -> dict[str, str]:
        return {issue.name: issue.options[k].name for issue, k in zip(self.issues, package, strict=True)}

    @cached_property
    def scaled(self) -> Scaled:
        return Scaled.of(self)


@dataclass(frozen=True)
class Item:
    name: str
    points: tuple[Fraction, ...]


@dataclass(frozen=True)
class Division:
    """Items to divide among parties, each party giving each item non-negative points (additive)."""

    parties: tuple[str, ...]
    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        errors = _check_division(self)
        if errors:
            raise Invalid(errors)

    def as_negotiation(self, *, max_parties: int = MAX_DIVISION_AGENTS) -> Negotiation:
        """Each item becomes an issue whose options are "to party i" (an indivisible allocation)."""
        n = len(self.parties)
        issues = tuple(
            Issue(
                item.name,
                tuple(
                    Option(party, tuple(item.points[i] if i == j else ZERO for i in range(n)))
                    for j, party in enumerate(self.parties)
                ),
            )
            for item in self.items
        )
        return _negotiation_unchecked(self.parties, issues, tuple(ZERO for _ in self.parties), max_parties)


def _negotiation_unchecked(
    parties: tuple[str, ...], issues: tuple[Issue, ...], disagreement: tuple[Fraction, ...], max_parties: int
) -> Negotiation:
    # Items become issues with one option per party: as many options as parties are allowed.
    errors = _check_negotiation_values(
        parties, issues, disagreement, max_parties=max_parties, max_options=max(max_parties, MAX_OPTIONS)
    )
    if errors:
        raise Invalid(errors)
    negotiation = object.__new__(Negotiation)
    object.__setattr__(negotiation, "parties", parties)
    object.__setattr__(negotiation, "issues", issues)
    object.__setattr__(negotiation, "disagreement", disagreement)
    return negotiation


def _check_name(value: str, field: str, errors: list[FieldError]) -> None:
    if not value.strip():
        errors.append(FieldError(field, "must not be empty"))
    elif len(value) > MAX_NAME_LENGTH:
        errors.append(FieldError(field, f"at most {MAX_NAME_LENGTH} characters"))


def _check_unique(names: Sequence[str], field: str, errors: list[FieldError]) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            errors.append(
                FieldError(f"{field}[{i}].name" if field != "parties" else f"parties[{i}]", f"duplicate name {name!r}")
            )
        seen.add(name)


def _check_numbers(values: Sequence[Fraction], n: int, field: str, errors: list[FieldError]) -> bool:
    if len(values) != n:
        errors.append(FieldError(field, f"expected {n} numbers (one per party), got {len(values)}"))
        return False
    for v in values:
        if abs(v) > MAX_ABS_VALUE:
            errors.append(FieldError(field, f"numbers must lie within ±{MAX_ABS_VALUE}"))
            return False
    return True


def _check_parties(parties: Sequence[str], errors: list[FieldError], max_parties: int) -> None:
    if not MIN_PARTIES <= len(parties) <= max_parties:
        errors.append(FieldError("parties", f"expected {MIN_PARTIES} to {max_parties} parties, got {len(parties)}"))
    for i, name in enumerate(parties):
        _check_name(name, f"parties[{i}]", errors)
    _check_unique(parties, "parties", errors)


def _check_negotiation(negotiation: Negotiation, *, max_parties: int) -> list[FieldError]:
    return _check_negotiation_values(
        negotiation.parties, negotiation.issues, negotiation.disagreement, max_parties=max_parties
    )


def _check_negotiation_values(
    parties: tuple[str, ...],
    issues: tuple[Issue, ...],
    disagreement: tuple[Fraction, ...],
    *,
    max_parties: int,
    max_options: int = MAX_OPTIONS,
) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_parties(parties, errors, max_parties)
    n = len(parties)
    if not 1 <= len(issues) <= MAX_ISSUES:
        errors.append(FieldError("issues", f"expected 1 to {MAX_ISSUES} issues, got {len(issues)}"))
    for j, issue in enumerate(issues):
        _check_name(issue.name, f"issues[{j}].name", errors)
        if not 1 <= len(issue.options) <= max_options:
            errors.append(
                FieldError(f"issues[{j}].options", f"expected 1 to {max_options} options, got {len(issue.options)}")
            )
        for k, option in enumerate(issue.options):
            _check_name(option.name, f"issues[{j}].options[{k}].name", errors)
            _check_numbers(option.utilities, n, f"issues[{j}].options[{k}].utilities", errors)
        _check_unique([o.name for o in issue.options], f"issues[{j}].options", errors)
    _check_unique([i.name for i in issues], "issues", errors)
    _check_numbers(disagreement, n, "disagreement", errors)
    if not errors:
        denominators = [u.denominator for issue in issues for o in issue.options for u in o.utilities]
        _check_denominator([*denominators, *(d.denominator for d in disagreement)], "issues", errors)
    return errors


def _check_division(division: Division) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_parties(division.parties, errors, MAX_DIVISION_AGENTS)
    n = len(division.parties)
    if not 1 <= len(division.items) <= MAX_ITEMS:
        errors.append(FieldError("items", f"expected 1 to {MAX_ITEMS} items, got {len(division.items)}"))
    for j, item in enumerate(division.items):
        _check_name(item.name, f"items[{j}].name", errors)
        if _check_numbers(item.points, n, f"items[{j}].points", errors) and any(p < 0 for p in item.points):
            errors.append(FieldError(f"items[{j}].points", "points must not be negative"))
    _check_unique([i.name for i in division.items], "items", errors)
    if not errors:
        _check_denominator([p.denominator for item in division.items for p in item.points], "items", errors)
    return errors


def _check_denominator(denominators: Sequence[int], field: str, errors: list[FieldError]) -> None:
    common = 1
    for d in set(denominators):
        common = math.lcm(common, d)
        if common > MAX_COMMON_DENOMINATOR:
            errors.append(
                FieldError(
                    field, f"the numbers need a common denominator above {MAX_COMMON_DENOMINATOR}: use fewer decimals"
                )
            )
            return


@dataclass(frozen=True)
class Scaled:
    """A negotiation brought to integers: every utility times ``scale`` (the least common denominator).

    Solvers work on these integers (numpy ``int64`` arrays and Python ints); answers are divided by
    ``scale`` again. ``values[j]`` is the (options x parties) matrix of issue ``j``; ``disagreement`` is
    scaled alike.
    """

    scale: int
    values: tuple[IntArray, ...]
    disagreement: tuple[int, ...]

    @classmethod
    def of(cls, negotiation: Negotiation) -> Scaled:
        scale = 1
        for issue in negotiation.issues:
            for option in issue.options:
                for u in option.utilities:
                    scale = math.lcm(scale, u.denominator)
        for d in negotiation.disagreement:
            scale = math.lcm(scale, d.denominator)
        values = tuple(
            np.array([[int(u * scale) for u in o.utilities] for o in issue.options], dtype=np.int64)
            for issue in negotiation.issues
        )
        return cls(scale, values, tuple(int(d * scale) for d in negotiation.disagreement))

    @property
    def parties(self) -> int:
        return int(self.values[0].shape[1])

    def utilities(self, package: Sequence[int]) -> tuple[int, ...]:
        total = [0] * self.parties
        for matrix, k in zip(self.values, package, strict=True):
            for i in range(self.parties):
                total[i] += int(matrix[k, i])
        return tuple(total)

    def gains(self, package: Sequence[int]) -> tuple[int, ...]:
        return tuple(u - d for u, d in zip(self.utilities(package), self.disagreement, strict=True))

    def gains_over(self, package: Sequence[int], floors: Sequence[int]) -> tuple[int, ...]:
        return tuple(u - f for u, f in zip(self.utilities(package), floors, strict=True))

    def best_package(self, weights: Sequence[Fraction]) -> tuple[int, ...]:
        """A package maximising ``weights · utilities`` exactly (issue by issue: the sum is separable).

        Ties are broken towards the larger sum of utilities, then the lower option index.
        """
        package = []
        for matrix in self.values:
            best_k, best = 0, None
            for k in range(matrix.shape[0]):
                row = [int(v) for v in matrix[k]]
                key = (sum((w * v for w, v in zip(weights, row, strict=True)), ZERO), sum(row))
                if best is None or key > best:
                    best_k, best = k, key
            package.append(best_k)
        return tuple(package)

    def best_package_float(self, weights: npt.NDArray[np.float64]) -> tuple[int, ...]:
        return tuple(int(np.argmax(matrix.astype(np.float64) @ weights)) for matrix in self.values)

    def package_count(self) -> int:
        return math.prod(int(m.shape[0]) for m in self.values)


# --- parsing the JSON shapes --------------------------------------------------------------------


def _name(value: object, field: str, errors: list[FieldError]) -> str:
    if not isinstance(value, str):
        errors.append(FieldError(field, "expected a string"))
        return ""
    return value


def _list(value: object, field: str, errors: list[FieldError]) -> list[Any]:
    if not isinstance(value, list):
        errors.append(FieldError(field, "expected a list"))
        return []
    return value


def _numbers(value: object, field: str, errors: list[FieldError]) -> tuple[Fraction, ...]:
    before = len(errors)
    out = [to_fraction(v, field, errors) for v in _list(value, field, errors)]
    if len(errors) > before:
        return ()
    return tuple(v for v in out if v is not None)


def parse_parties(value: object, errors: list[FieldError]) -> tuple[str, ...]:
    return tuple(_name(p, f"parties[{i}]", errors) for i, p in enumerate(_list(value, "parties", errors)))


def parse_negotiation(request: Mapping[str, Any]) -> Negotiation:
    """A negotiation from its JSON shape (``parties``, ``issues``, optional ``disagreement``)."""
    errors: list[FieldError] = []
    parties = parse_parties(request.get("parties"), errors)
    if len(parties) > MAX_PARTIES:
        raise Invalid.one("parties", f"expected {MIN_PARTIES} to {MAX_PARTIES} parties, got {len(parties)}")
    raw_issues = _list(request.get("issues"), "issues", errors)
    if len(raw_issues) > MAX_ISSUES:
        raise Invalid.one("issues", f"expected 1 to {MAX_ISSUES} issues, got {len(raw_issues)}")
    issues = []
    for j, raw in enumerate(raw_issues):
        if not isinstance(raw, Mapping):
            errors.append(FieldError(f"issues[{j}]", "expected an object with name and options"))
            continue
        raw_options = _list(raw.get("options"), f"issues[{j}].options", errors)
        if len(raw_options) > MAX_OPTIONS:
            errors.append(
                FieldError(f"issues[{j}].options", f"expected 1 to {MAX_OPTIONS} options, got {len(raw_options)}")
            )
            continue
        options = []
        for k, opt in enumerate(raw_options):
            field = f"issues[{j}].options[{k}]"
            if not isinstance(opt, Mapping):
                errors.append(FieldError(field, "expected an object with name and utilities"))
                continue
            options.append(
                Option(
                    _name(opt.get("name"), f"{field}.name", errors),
                    _numbers(opt.get("utilities"), f"{field}.utilities", errors),
                )
            )
        issues.append(Issue(_name(raw.get("name"), f"issues[{j}].name", errors), tuple(options)))
    raw_d = request.get("disagreement")
    disagreement = tuple(ZERO for _ in parties) if raw_d is None else _numbers(raw_d, "disagreement", errors)
    if errors:
        raise Invalid(errors)
    more = _check_negotiation_values(parties, tuple(issues), disagreement, max_parties=MAX_PARTIES)
    if more:
        raise Invalid(more)
    return Negotiation(parties, tuple(issues), disagreement)


def parse_division(request: Mapping[str, Any], *, max_parties: int = MAX_PARTIES) -> Division:
    """A division from its JSON shape (``parties``, ``items`` with ``points`` per party)."""
    errors: list[FieldError] = []
    parties = parse_parties(request.get("parties"), errors)
    if len(parties) > max_parties:
        raise Invalid.one("parties", f"expected {MIN_PARTIES} to {max_parties} parties, got {len(parties)}")
    raw_items = _list(request.get("items"), "items", errors)
    if len(raw_items) > MAX_ITEMS:
        raise Invalid.one("items", f"expected 1 to {MAX_ITEMS} items, got {len(raw_items)}")
    items = []
    for j, raw in enumerate(raw_items):
        if not isinstance(raw, Mapping):
            errors.append(FieldError(f"items[{j}]", "expected an object with name and points"))
            continue
        items.append(
            Item(
                _name(raw.get("name"), f"items[{j}].name", errors),
                _numbers(raw.get("points"), f"items[{j}].points", errors),
            )
        )
    if errors:
        raise Invalid(errors)
    return Division(parties, tuple(items))
