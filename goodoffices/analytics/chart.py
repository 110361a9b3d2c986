"""The frontier as a server-rendered SVG: geometry only (the template draws it).

Two parties: x is the first party's utility, y the second's. With more parties the chart shows the
first two and the table beside it (the chart's text alternative) gives every party's numbers.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

WIDTH = 520
HEIGHT = 380
MARGIN = 56


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str
    key: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    frontier_path: str
    frontier: tuple[Mark, ...]
    marks: tuple[Mark, ...]
    x_label: str
    y_label: str
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    left: int = MARGIN
    bottom: int = HEIGHT - MARGIN
    right: int = WIDTH - MARGIN // 2
    top: int = MARGIN // 2


def _ticks(low: float, high: float) -> list[float]:
    span = high - low or 1.0
    return [low + span * i / 4 for i in range(5)]


def build(
    frontier: Sequence[Sequence[Fraction]],
    marks: Sequence[tuple[Sequence[Fraction], str, str]],
    x_label: str,
    y_label: str,
) -> Chart:
    """Place the frontier points and the labelled marks (the text's package, the suggestions)."""
    xs = [float(p[0]) for p in frontier] + [float(m[0][0]) for m in marks]
    ys = [float(p[1]) for p in frontier] + [float(m[0][1]) for m in marks]
    x0, x1 = min(xs, default=0.0), max(xs, default=1.0)
    y0, y1 = min(ys, default=0.0), max(ys, default=1.0)
    if x1 == x0:
        x1 = x0 + 1
    if y1 == y0:
        y1 = y0 + 1
    left, right, top, bottom = MARGIN, WIDTH - MARGIN // 2, MARGIN // 2, HEIGHT - MARGIN

    def at(x: float, y: float) -> tuple[float, float]:
        return (
            round(left + (x - x0) / (x1 - x0) * (right - left), 1),
            round(bottom - (y - y0) / (y1 - y0) * (bottom - top), 1),
        )

    points = [at(float(p[0]), float(p[1])) for p in sorted(frontier, key=lambda p: (p[0], -p[1]))]
    path = " ".join(f"{x},{y}" for x, y in points)
    placed = tuple(Mark(*at(float(u[0]), float(u[1])), label=label, key=key) for u, label, key in marks)
    return Chart(
        WIDTH,
        HEIGHT,
        path,
        tuple(Mark(x, y, "", "point") for x, y in points),
        placed,
        x_label,
        y_label,
        tuple((at(v, y0)[0], f"{v:g}") for v in _ticks(x0, x1)),
        tuple((at(x0, v)[1], f"{v:g}") for v in _ticks(y0, y1)),
    )
