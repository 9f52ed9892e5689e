"""Periods: names, parsing, containment, neighbours, quarters."""

import datetime as dt

import pytest

from services.core.errors import BadInput
from services.core.periods import (
    next_period,
    parse_period,
    period_containing,
    previous_period,
    quarter,
    recent_quarters,
)

D = dt.date


@pytest.mark.parametrize(
    "name, start, end, frequency",
    [
        ("2026-09", D(2026, 9, 1), D(2026, 9, 30), "monthly"),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28), "monthly"),
        ("2028-02", D(2028, 2, 1), D(2028, 2, 29), "monthly"),
        ("2026Q3", D(2026, 7, 1), D(2026, 9, 30), "quarterly"),
        ("2026q4", D(2026, 10, 1), D(2026, 12, 31), "quarterly"),
        ("2026H1", D(2026, 1, 1), D(2026, 6, 30), "half-yearly"),
        ("2026H2", D(2026, 7, 1), D(2026, 12, 31), "half-yearly"),
        ("2026", D(2026, 1, 1), D(2026, 12, 31), "yearly"),
        (" 2026Q1 ", D(2026, 1, 1), D(2026, 3, 31), "quarterly"),
    ],
)
def test_parse_period(name, start, end, frequency):
    period = parse_period(name)
    assert (period.start, period.end, period.frequency) == (start, end, frequency)
    assert parse_period(period.name) == period and str(period) == period.name


@pytest.mark.parametrize(
    "name",
    ["2026-13", "2026-00", "2026Q5", "2026Q0", "2026H3", "26Q3", "2026/09", "", "Q3", "2026-9"],
)
def test_bad_period_names_are_refused_in_chinese(name):
    with pytest.raises(BadInput, match="期间"):
        parse_period(name)


@pytest.mark.parametrize(
    "day, frequency, name",
    [
        (D(2026, 9, 30), "monthly", "2026-09"),
        (D(2026, 10, 1), "monthly", "2026-10"),
        (D(2026, 9, 30), "quarterly", "2026Q3"),
        (D(2026, 10, 1), "quarterly", "2026Q4"),
        (D(2026, 6, 30), "half-yearly", "2026H1"),
        (D(2026, 7, 1), "half-yearly", "2026H2"),
        (D(2026, 12, 31), "yearly", "2026"),
    ],
)
def test_period_containing_at_the_edges(day, frequency, name):
    period = period_containing(day, frequency)
    assert period.name == name and period.contains(day)
    assert not period.contains(period.start - dt.timedelta(days=1))
    assert not period.contains(period.end + dt.timedelta(days=1))


def test_period_containing_refuses_an_unknown_frequency():
    with pytest.raises(BadInput, match="频次"):
        period_containing(D(2026, 9, 1), "weekly")


def test_next_and_previous_cross_years():
    assert next_period(parse_period("2026Q4")).name == "2027Q1"
    assert previous_period(parse_period("2026Q1")).name == "2025Q4"
    assert next_period(parse_period("2026-12")).name == "2027-01"
    assert previous_period(parse_period("2026-03")).name == "2026-02"
    assert next_period(parse_period("2026H2")).name == "2027H1"
    assert previous_period(parse_period("2026")).name == "2025"
    q = parse_period("2026Q3")
    assert previous_period(next_period(q)) == q


def test_quarter_accepts_only_quarters():
    assert quarter("2026Q4").end == D(2026, 12, 31)
    with pytest.raises(BadInput, match="季度"):
        quarter("2026-10")


def test_periods_sort_by_start():
    names = ["2026Q4", "2026Q1", "2025Q4", "2026Q3"]
    assert [p.name for p in sorted(map(parse_period, names))] == [
        "2025Q4",
        "2026Q1",
        "2026Q3",
        "2026Q4",
    ]


def test_recent_quarters_cross_the_year_latest_first():
    names = [q.name for q in recent_quarters(dt.date(2026, 2, 14))]  # a 调休 Saturday in Q1
    assert names == ["2026Q1", "2025Q4", "2025Q3", "2025Q2"]
    assert [q.name for q in recent_quarters(dt.date(2026, 12, 31), n=1)] == ["2026Q4"]
