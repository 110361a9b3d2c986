"""The compliance arithmetic without Django: schedules of check dates, the implementation score over
time (the Peace Accords Matrix's mean status / 3) and its SVG chart."""

import itertools
import re
from calendar import monthrange
from datetime import date
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodoffices.lib.compliance import (
    ChartLabels,
    ScorePoint,
    as_percent,
    check_dates,
    implementation_score,
    parse_schedule,
    score_chart_svg,
    score_over_time,
)

START, END = date(2021, 1, 1), date(2021, 12, 31)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("2021-03-31, 2021-06-30 and 2021-09-30", ["2021-03-31", "2021-06-30", "2021-09-30"]),
        ("2020-12-31; 2021-02-01; 2022-01-05", ["2021-02-01"]),  # only those in the window
        ("monthly from 2021-01-31 until 2021-05-01", ["2021-01-31", "2021-02-28", "2021-03-31", "2021-04-30"]),
        ("quarterly from 2021-02-15", ["2021-02-15", "2021-05-15", "2021-08-15", "2021-11-15"]),
        ("Every 2 weeks from 2021-11-22", ["2021-11-22", "2021-12-06", "2021-12-20"]),
        ("every 10 days starting 2021-12-10", ["2021-12-10", "2021-12-20", "2021-12-30"]),
        ("yearly from 2019-06-01", ["2021-06-01"]),
        ("at each session of the joint commission", []),
        ("2021-02-30 is not a date", []),
    ],
)
def test_check_dates_are_read_from_the_schedule_as_written(schedule, expected):
    assert [d.isoformat() for d in check_dates(schedule, start=START, end=END)] == expected


def test_a_schedule_says_whether_it_can_be_checked():
    assert parse_schedule("monthly from 2021-01-31").readable
    assert not parse_schedule("as the parties agree").readable


def test_a_daily_schedule_is_bounded():
    assert len(check_dates("daily from 1900-01-01", start=date(1900, 1, 1), end=date(2100, 1, 1))) == 10_000


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 12))
def test_monthly_dates_keep_their_day_or_the_months_last(first, months):
    dates = check_dates(f"every {months} months from {first}", start=first, end=date(2031, 12, 31))
    assert dates[0] == first
    assert all(b > a for a, b in itertools.pairwise(dates))
    # The same day of the month, or the month's last day when the month is shorter.
    assert all(d.day == first.day or (d.day < first.day and d.day == monthrange(d.year, d.month)[1]) for d in dates)


def test_the_score_is_the_mean_status_over_three():
    assert implementation_score([3, 3, 0]) == pytest.approx(2 / 3)
    assert implementation_score([]) is None
    assert as_percent(7 / 12) == "58 %"
    assert as_percent(None) == "–"


def test_the_score_over_time_steps_at_each_observation():
    observations = [
        (date(2020, 11, 1), 1, 2),  # before the start: counts from the start
        (date(2020, 11, 20), 1, 3),
        (date(2020, 11, 20), 2, 3),
        (date(2022, 12, 12), 2, 1),
    ]
    points = score_over_time(3, observations, start=date(2020, 11, 10))
    assert [(p.day, round(p.score * 9, 6)) for p in points] == [
        (date(2020, 11, 10), 2),
        (date(2020, 11, 20), 6),
        (date(2022, 12, 12), 4),
    ]
    assert score_over_time(0, observations, start=date(2020, 11, 10)) == []


def test_the_chart_is_svg_with_a_title_and_a_description_and_escapes_its_words():
    labels = ChartLabels(title="Score of <Agreement> & co", description='Mean status / 3, "today" 44 %')
    svg = score_chart_svg(
        [ScorePoint(date(2020, 11, 10), 0.0), ScorePoint(date(2021, 1, 30), 0.5)], end=date(2024, 1, 1), labels=labels
    )
    tree = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    assert tree.findtext(f"{ns}title") == "Score of <Agreement> & co"
    assert tree.findtext(f"{ns}desc") == 'Mean status / 3, "today" 44 %'
    assert tree.get("role") == "img"
    path = tree.find(f"{ns}path")
    assert path is not None
    # Held level until the chart's end: the path ends on the right edge at 50 %.
    assert re.search(r"H624\.0$", path.get("d", ""))
    assert [t.text for t in tree.iter(f"{ns}text")][-4:] == ["2021", "2022", "2023", "2024"]
