"""Compliance arithmetic for the monitoring of commitments, with no Django: schedules of check
dates, the implementation score over time and its chart.

- ``check_dates`` reads a commitment's schedule as written in the agreement: explicit ISO dates
  ("2021-01-31, 2021-06-30") or a recurrence ("every 2 weeks from 2021-01-04", "monthly from
  2021-01-31 until 2021-12-31"). A schedule that names no date has no check date to miss.
- ``score_over_time`` is the implementation score as the Peace Accords Matrix reports it: the mean
  status of the agreement's commitments on its 0-3 scale, divided by 3, day by day.
- ``score_chart_svg`` draws that series as a standalone SVG (a step line on a 0-100 % axis) whose
  ``<title>`` and ``<desc>`` say in words what it shows; the caller adds a table of the same points.
"""

import calendar
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MAX_STATUS = 3
# A schedule cannot make a commitment be checked more often than daily, nor for ever.
MAX_CHECK_DATES = 10_000

_ISO = r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month"}
_NAMED = {
    "daily": (1, "day"),
    "weekly": (1, "week"),
    "fortnightly": (2, "week"),
    "monthly": (1, "month"),
    "quarterly": (3, "month"),
    "yearly": (12, "month"),
    "annually": (12, "month"),
}
_RECURRENCE = re.compile(
    r"(?:every\s+(?:(?P<count>[0-9]{1,3})\s+)?(?P<unit>days?|weeks?|months?)|(?P<named>"
    + "|".join(_NAMED)
    + r"))\s+(?:from|starting)\s+"
    + _ISO
    + r"(?:\s+(?:until|to)\s+"
    + _ISO
    + r")?",
    re.IGNORECASE,
)
_DATE = re.compile(_ISO)


@dataclass(frozen=True)
class Recurrence:
    first: date
    count: int
    unit: str  # "day", "week" or "month"
    until: date | None = None


@dataclass(frozen=True)
class Schedule:
    """What a schedule says: explicit dates, or a recurrence, or nothing machine-readable."""

    dates: tuple[date, ...] = ()
    recurrence: Recurrence | None = None

    @property
    def readable(self) -> bool:
        return bool(self.dates) or self.recurrence is not None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_schedule(text: str) -> Schedule:
    """Read ``text`` as a recurrence if it holds one, else as the ISO dates it names."""
    match = _RECURRENCE.search(text or "")
    if match is not None:
        first = _date(match.group(4))
        until = _date(match.group(5)) if match.group(5) else None
        if match.group("named"):
            count, unit = _NAMED[match.group("named").lower()]
        else:
            count, unit = int(match.group("count") or 1), _UNITS[match.group("unit").lower()]
        if first is not None and count >= 1 and (until is None or until >= first):
            return Schedule(recurrence=Recurrence(first, count, unit, until))
    days = sorted({d for d in (_date(found) for found in _DATE.findall(text or "")) if d is not None})
    return Schedule(dates=tuple(days))


def _add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by whole months, on the same day of the month or the month's last day."""
    month_index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(month_index, 12)
    day = min(anchor.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def check_dates(schedule: str, *, start: date, end: date) -> list[date]:
    """The check dates of ``schedule`` from ``start`` to ``end`` inclusive, in order."""
    parsed = parse_schedule(schedule)
    if parsed.recurrence is None:
        return [d for d in parsed.dates if start <= d <= end]
    rule = parsed.recurrence
    last = min(end, rule.until) if rule.until else end
    found: list[date] = []
    step = 0
    while len(found) < MAX_CHECK_DATES:
        if rule.unit == "month":
            day = _add_months(rule.first, rule.count * step)
        else:
            day = rule.first + timedelta(days=rule.count * step * (7 if rule.unit == "week" else 1))
        if day > last:
            break
        if day >= start:
            found.append(day)
        step += 1
    return found


@dataclass(frozen=True)
class ScorePoint:
    day: date
    # Mean status / 3, from 0 (nothing initiated) to 1 (everything fully implemented).
    score: float


def implementation_score(statuses: Iterable[int]) -> float | None:
    """The mean status divided by 3; None for no commitments."""
    values = list(statuses)
    if not values:
        return None
    return sum(values) / (MAX_STATUS * len(values))


def score_over_time(
    commitments: int, observations: Iterable[tuple[date, int, int]], *, start: date
) -> list[ScorePoint]:
    """The score of ``commitments`` commitments on ``start`` (every one at 0) and on each day an
    observation changed it.

    ``observations`` are ``(day, commitment, status)`` in the order they hold (by day, then as
    recorded), of the commitments counted; a later observation of a commitment replaces its earlier
    one, and observations before ``start`` count from ``start``.
    """
    if commitments < 1:
        return []
    status: dict[int, int] = {}
    total = 0
    points = [ScorePoint(start, 0.0)]
    scale = MAX_STATUS * commitments
    for day, commitment, value in observations:
        total += value - status.get(commitment, 0)
        status[commitment] = value
        point = ScorePoint(max(day, start), total / scale)
        if points[-1].day == point.day:
            points[-1] = point
        else:
            points.append(point)
    return points


@dataclass(frozen=True)
class ChartLabels:
    """The words of the chart, in the reader's language (the caller translates them)."""

    title: str
    description: str
    axis: str = "Implementation score"


WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(score: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - score)


def _year_ticks(first: date, last: date) -> list[date]:
    years = range(first.year + 1, last.year + 1)
    step = max(1, len(years) // 8 + 1)
    return [date(year, 1, 1) for year in years[::step]]


def score_chart_svg(points: Sequence[ScorePoint], *, end: date, labels: ChartLabels, chart_id: str = "score") -> str:
    """The score over time as an SVG image (a step line held until ``end``), with its title and a
    description for screen readers; the same figures belong in a table beside it."""
    esc = html.escape
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc" class="score-chart">'
        f'<title id="{esc(chart_id)}-title">{esc(labels.title)}</title>'
        f'<desc id="{esc(chart_id)}-desc">{esc(labels.description)}</desc>'
    )
    parts = [head]
    for level in (0, 0.25, 0.5, 0.75, 1):
        y = _y(level)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ccc" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{int(level * 100)}%</text>'
        )
    parts.append(
        f'<text x="12" y="{(HEIGHT - BOTTOM + TOP) / 2:.1f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 12 {(HEIGHT - BOTTOM + TOP) / 2:.1f})">{esc(labels.axis)}</text>'
    )
    if points:
        first, last = points[0].day, max(end, points[-1].day)
        for tick in _year_ticks(first, last):
            x = _x(tick, first, last)
            parts.append(
                f'<line x1="{x:.1f}" y1="{HEIGHT - BOTTOM}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM + 4}" stroke="#666"/>'
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">{tick.year}</text>'
            )
        path = [f"M{_x(points[0].day, first, last):.1f},{_y(points[0].score):.1f}"]
        for point in points[1:]:
            path.append(f"H{_x(point.day, first, last):.1f}V{_y(point.score):.1f}")
        path.append(f"H{_x(last, first, last):.1f}")
        parts.append(f'<path d="{"".join(path)}" fill="none" stroke="#1f5f99" stroke-width="2"/>')
        for point in points:
            parts.append(
                f'<circle cx="{_x(point.day, first, last):.1f}" cy="{_y(point.score):.1f}" r="3" fill="#1f5f99"/>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#666"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def as_percent(score: float | None) -> str:
    """``0.5833`` as ``"58 %"``; no score as an en dash."""
    return "–" if score is None else f"{round(score * 100)} %"
