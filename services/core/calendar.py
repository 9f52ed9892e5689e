"""The working-day calendar: the official Chinese calendar (chinese-calendar, with 调休) plus
local extra holidays and workdays from config/policy.toml.

A year the library does not know falls back to Monday–Friday with a loud warning: it is logged,
and unknown_years() lets commands show it.
"""

import bisect
import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar

from config.files import load_policy
from services.core.periods import Period

log = logging.getLogger("baobao.calendar")
_unknown_years: set[int] = set()


def unknown_years() -> list[int]:
    """Years this process needed that the official calendar does not know yet."""
    return sorted(_unknown_years)


def forget_unknown_years() -> None:
    """Start a new command: warn only about years this command needs."""
    _unknown_years.clear()


def calendar_warning() -> str | None:
    """The Chinese warning to show when unknown years were used, else None."""
    years = unknown_years()
    if not years:
        return None
    return (
        f"工作日历尚不包含 {'、'.join(map(str, years))} 年的法定节假日安排，"
        "暂按周一至周五计算工作日；请升级 chinesecalendar 或在 policy.toml 中补充。"
    )


def _official_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _unknown_years:
            _unknown_years.add(day.year)
            log.warning("chinese-calendar does not know %s; using Monday-Friday", day.year)
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _workdays_of_year(year: int, extra_holidays: frozenset, extra_workdays: frozenset):
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if day in extra_workdays or (day not in extra_holidays and _official_workday(day)):
            days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)


def _year(year: int) -> tuple[dt.date, ...]:
    cal = load_policy().calendar
    return _workdays_of_year(year, frozenset(cal.extra_holidays), frozenset(cal.extra_workdays))


def is_workday(day: dt.date) -> bool:
    """Whether day is a working day (make-up workdays count; holidays do not)."""
    days = _year(day.year)
    i = bisect.bisect_left(days, day)
    return i < len(days) and days[i] == day


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The count-th working day after day (day itself not counted); count >= 0."""
    if count < 0:
        raise ValueError("count must be >= 0")
    year = day.year
    days = _year(year)
    i = bisect.bisect_right(days, day)
    while True:
        if i + count - 1 < len(days) and count > 0:
            return days[i + count - 1]
        if count == 0:
            return day
        count -= len(days) - i
        year += 1
        days, i = _year(year), 0


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after start up to and including end (0 when end <= start)."""
    if end <= start:
        return 0
    total = 0
    for year in range(start.year, end.year + 1):
        days = _year(year)
        lo = bisect.bisect_right(days, start) if year == start.year else 0
        hi = bisect.bisect_right(days, end) if year == end.year else len(days)
        total += hi - lo
    return total


def last_workday_of(period: Period) -> dt.date:
    """The last working day of a period (its due date)."""
    days = _year(period.end.year)
    i = bisect.bisect_right(days, period.end)
    if i == 0 or days[i - 1] < period.start:
        raise ValueError(f"no working day in {period.name}")
    return days[i - 1]


def workdays_left(period: Period, day: dt.date) -> int:
    """Working days of the period from day (inclusive) to its end."""
    return workdays_between(day - dt.timedelta(days=1), period.end)
