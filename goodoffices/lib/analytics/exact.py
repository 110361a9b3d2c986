"""Exact rational arithmetic: parsing numbers, "p/q" strings, linear systems and a small exact simplex.

The solvers do their heavy lifting in floating point (numpy, HiGHS) and then re-derive or verify
the answer here, in :class:`fractions.Fraction`, so that what is reported as exact is exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from goodoffices.lib.errors import FieldError

ZERO = Fraction(0)
ONE = Fraction(1)


def fraction_str(value: Fraction | int) -> str:
    """``"p/q"`` in lowest terms, or ``"p"`` for an integer (what ``Fraction(s)`` reads back)."""
    return str(Fraction(value))


def to_fraction(value: object, field: str, errors: list[FieldError]) -> Fraction | None:
    """A JSON number (or a ``"p/q"`` / decimal string) as an exact fraction; None after recording an error.

    Floats are read as the shortest decimal that prints them (``0.1`` is 1/10, not the binary
    double nearest 0.1), which is what the person who typed the JSON meant.
    """
    if isinstance(value, bool):
        errors.append(FieldError(field, "expected a number, got a boolean"))
        return None
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            errors.append(FieldError(field, "expected a finite number"))
            return None
        return Fraction(repr(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            errors.append(FieldError(field, f"expected a number or a 'p/q' string, got {value[:40]!r}"))
            return None
    errors.append(FieldError(field, f"expected a number, got {type(value).__name__}"))
    return None


def number(value: Fraction) -> int | float:
    """The JSON number for a fraction: an int when it is one, else the nearest float."""
    if value.denominator == 1:
        return int(value)
    return float(value)


def solve_linear(matrix: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]) -> list[Fraction] | None:
    """The unique solution of a square system, or None when the matrix is singular."""
    n = len(matrix)
    rows = [[*map(Fraction, row), Fraction(b)] for row, b in zip(matrix, rhs, strict=True)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col][col]
        rows[col] = [v / head for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [row[n] for row in rows]


def null_vector(matrix: Sequence[Sequence[Fraction]], width: int) -> list[Fraction] | None:
    """A non-zero vector v with ``matrix @ v == 0`` when the null space has dimension one, else None."""
    rows = [list(map(Fraction, row)) for row in matrix]
    pivots: list[int] = []
    r = 0
    for col in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        head = rows[r][col]
        rows[r] = [v / head for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(col)
        r += 1
    free = [c for c in range(width) if c not in pivots]
    if len(free) != 1:
        return None
    vector = [ZERO] * width
    vector[free[0]] = ONE
    for i, col in enumerate(pivots):
        vector[col] = -rows[i][free[0]]
    return vector


@dataclass(frozen=True)
class ExactLP:
    """Optimum of ``max c·x  s.t.  A x = b, x >= 0`` with its duals ``y`` (``A^T y >= c``)."""

    x: tuple[Fraction, ...]
    y: tuple[Fraction, ...]
    value: Fraction


class UnboundedLP(ArithmeticError):
    pass


def lp_maximize(c: Sequence[Fraction], a: Sequence[Sequence[Fraction]], b: Sequence[Fraction]) -> ExactLP | None:  # noqa: C901 - the simplex method, step by step
    """Two-phase tableau simplex in exact arithmetic with Bland's rule (so it cannot cycle).

    Meant for the small master problems of column generation (a dozen rows, a few hundred
    columns). Returns None when the system has no non-negative solution.
    """
    m, n = len(a), len(c)
    sign = [(-1 if bi < 0 else 1) for bi in b]
    # Columns: n structural, then m artificials; last entry of each row is the right-hand side.
    tab = [
        [Fraction(sign[i] * v) for v in a[i]] + [ONE if j == i else ZERO for j in range(m)] + [abs(Fraction(b[i]))]
        for i in range(m)
    ]
    basis = [n + i for i in range(m)]

    def pivot(row: int, col: int) -> None:
        head = tab[row][col]
        tab[row] = [v / head for v in tab[row]]
        for i in range(m):
            if i != row and tab[i][col] != 0:
                factor = tab[i][col]
                tab[i] = [x - factor * y for x, y in zip(tab[i], tab[row], strict=True)]
        basis[row] = col

    def run(cost: Sequence[Fraction], allowed: int) -> None:
        while True:
            duals = [cost[basis[i]] for i in range(m)]
            entering = None
            for j in range(allowed):
                if j in basis:
                    continue
                reduced = cost[j] - sum((duals[i] * tab[i][j] for i in range(m) if tab[i][j] != 0), ZERO)
                if reduced > 0:
                    entering = j
                    break
            if entering is None:
                return
            best: tuple[Fraction, int] | None = None
            for i in range(m):
                if tab[i][entering] > 0:
                    ratio = tab[i][-1] / tab[i][entering]
                    if best is None or ratio < best[0] or (ratio == best[0] and basis[i] < basis[best[1]]):
                        best = (ratio, i)
            if best is None:
                raise UnboundedLP("the linear programme is unbounded")
            pivot(best[1], entering)

    phase1 = [ZERO] * n + [-ONE] * m
    run(phase1, n + m)
    if sum((tab[i][-1] for i in range(m) if basis[i] >= n), ZERO) != 0:
        return None
    for i in range(m):
        if basis[i] >= n:
            col = next((j for j in range(n) if tab[i][j] != 0), None)
            if col is not None:
                pivot(i, col)
    cost = [Fraction(v) for v in c] + [ZERO] * m
    run(cost, n)
    x = [ZERO] * n
    for i in range(m):
        if basis[i] < n:
            x[basis[i]] = tab[i][-1]
    # The artificial columns hold B^-1 (of the sign-adjusted rows): y = c_B B^-1, signs restored.
    y = [sign[k] * sum((cost[basis[i]] * tab[i][n + k] for i in range(m)), ZERO) for k in range(m)]
    value = sum((Fraction(ci) * xi for ci, xi in zip(c, x, strict=True)), ZERO)
    return ExactLP(tuple(x), tuple(y), value)


def rational_guesses(value: float, limits: Sequence[int] = (10, 100, 1000, 10**4, 10**6)) -> list[Fraction]:
    """Small-denominator fractions near a float, simplest first, for exact re-verification."""
    exact = Fraction(value)
    guesses: list[Fraction] = []
    for limit in limits:
        guess = exact.limit_denominator(limit)
        if guess not in guesses:
            guesses.append(guess)
    return guesses
