"""The working-day calendar on the real 2026 calendar: holidays, 调休, local overrides, 2027."""

import datetime as dt
import logging

import pytest

from services.core import calendar
from services.core.periods import parse_period

D = dt.date


@pytest.fixture
def fresh_unknown_years(monkeypatch):
    monkeypatch.setattr(calendar, "_unknown_years", set())
    calendar._workdays_of_year.cache_clear()
    yield
    calendar._workdays_of_year.cache_clear()


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2026, 9, 25), False),  # Friday, a holiday (中秋)
        (D(2026, 9, 20), True),  # Sunday, a make-up workday
        (D(2026, 10, 10), True),  # Saturday, a make-up workday
        (D(2026, 10, 1), False),
        (D(2026, 10, 4), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),  # first workday after 国庆
        (D(2026, 9, 24), True),
        (D(2026, 9, 26), False),
        (D(2026, 9, 28), True),
        (D(2026, 1, 1), False),
    ],
)
def test_is_workday_follows_the_official_2026_calendar(day, expected):
    assert calendar.is_workday(day) is expected


def test_add_workdays_skips_holidays_and_counts_make_up_days():
    assert calendar.add_workdays(D(2026, 9, 24), 1) == D(2026, 9, 28)  # over 25–27
    assert calendar.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)  # Friday → make-up Sunday
    assert calendar.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)  # over 国庆
    assert calendar.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)  # Friday → make-up Saturday
    assert calendar.add_workdays(D(2026, 10, 1), 0) == D(2026, 10, 1)
    assert calendar.add_workdays(D(2026, 9, 30), 2) == D(2026, 10, 9)


def test_add_workdays_crosses_the_year():
    # 2026-12-31 is a Thursday; 2027 falls back to Monday–Friday (with the warning).
    assert calendar.add_workdays(D(2026, 12, 30), 1) == D(2026, 12, 31)
    assert calendar.add_workdays(D(2026, 12, 31), 1).year == 2027


def test_add_workdays_refuses_negative_counts():
    with pytest.raises(ValueError):
        calendar.add_workdays(D(2026, 9, 1), -1)


def test_workdays_between_excludes_start_and_includes_end():
    assert calendar.workdays_between(D(2026, 9, 24), D(2026, 9, 28)) == 1
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3  # 8, 9, 10
    assert calendar.workdays_between(D(2026, 10, 10), D(2026, 10, 10)) == 0
    assert calendar.workdays_between(D(2026, 10, 10), D(2026, 9, 1)) == 0
    assert calendar.workdays_between(D(2026, 9, 19), D(2026, 9, 20)) == 1  # the make-up Sunday


def test_workdays_between_and_add_workdays_agree():
    start = D(2026, 9, 15)
    for count in range(0, 40):
        assert calendar.workdays_between(start, calendar.add_workdays(start, count)) == count


def test_last_workday_of_periods():
    assert calendar.last_workday_of(parse_period("2026Q3")) == D(2026, 9, 30)
    assert calendar.last_workday_of(parse_period("2026-10")) == D(2026, 10, 30)  # 31st Saturday
    assert calendar.last_workday_of(parse_period("2026-02")) == D(2026, 2, 28)  # make-up Saturday
    assert calendar.last_workday_of(parse_period("2026H2")) == D(2026, 12, 31)
    assert calendar.last_workday_of(parse_period("2026")) == D(2026, 12, 31)


def test_workdays_left_counts_the_day_itself():
    q3 = parse_period("2026Q3")
    assert calendar.workdays_left(q3, D(2026, 9, 30)) == 1
    assert calendar.workdays_left(q3, D(2026, 9, 25)) == 3  # 28, 29, 30
    assert calendar.workdays_left(q3, D(2026, 9, 20)) == 8  # 20–24, 28–30


def test_local_overrides_from_policy(policy_file):
    policy_file("extra_holidays = []", 'extra_holidays = ["2026-09-30"]')
    policy_file("extra_workdays = []", 'extra_workdays = ["2026-09-27"]')
    assert calendar.is_workday(D(2026, 9, 30)) is False
    assert calendar.is_workday(D(2026, 9, 27)) is True
    assert calendar.last_workday_of(parse_period("2026Q3")) == D(2026, 9, 29)
    assert calendar.add_workdays(D(2026, 9, 24), 1) == D(2026, 9, 27)


def test_an_unknown_year_warns_loudly_and_falls_back_to_monday_to_friday(
    fresh_unknown_years, caplog
):
    assert calendar.calendar_warning() is None
    with caplog.at_level(logging.WARNING, logger="baobao.calendar"):
        assert calendar.is_workday(D(2027, 1, 4)) is True  # Monday
        assert calendar.is_workday(D(2027, 1, 9)) is False  # Saturday
    assert calendar.unknown_years() == [2027]
    assert "2027" in calendar.calendar_warning()
    assert any("2027" in r.getMessage() for r in caplog.records)
