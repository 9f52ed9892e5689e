"""The working-day calendar: for each year the first source that knows it — the year held in the
database (the State Council's notice, entered with `./baobao calendar import`), else the official
Chinese calendar of chinese-calendar (with 调休) — then the local extra holidays and workdays of
config/policy.toml on top.

A year no source knows falls back to Monday–Friday with a loud warning: it is logged, and
unknown_years() lets commands, the doctor and the scheduler show it. Held years are read once per
process from the bound database and re-read after `[calendar] reload_seconds`.
"""

import bisect
import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import chinese_calendar

from config.files import load_policy
from services.core import calendar_store
from services.core.calendar_store import HeldYear
from services.core.periods import Period

log = logging.getLogger("baobao.calendar")
_unknown_years: set[int] = set()
_override: ContextVar[dict[int, HeldYear] | None] = ContextVar("calendar_override", default=None)


def bind(url: str | None) -> None:
    """Read held years from this database (None: none at all); the settings' one by default."""
    calendar_store.bind(url)


def refresh() -> None:
    """Forget the held years read so far (after an import); the next lookup reads them again."""
    calendar_store.forget()


def held_years() -> dict[int, HeldYear]:
    """The years held in the database (or the ones given to using())."""
    override = _override.get()
    if override is not None:
        return override
    return calendar_store.cached(reload_seconds=load_policy().calendar.reload_seconds)


@contextmanager
def using(held: dict[int, HeldYear]) -> Iterator[None]:
    """Compute with these held years instead of the database's (before/after an import)."""
    token = _override.set(held)
    try:
        yield
    finally:
        _override.reset(token)


def unknown_years() -> list[int]:
    """Years this process needed that no source of the calendar knows."""
    return sorted(_unknown_years)


def forget_unknown_years() -> None:
    """Start a new command: warn only about years this command needs."""
    _unknown_years.clear()


def calendar_warning() -> str | None:
    """The Chinese warning to show when unknown years were used, else None."""
    years = unknown_years()
    return unknown_years_message(years) if years else None


def unknown_years_message(years: list[int]) -> str:
    """What to say about years whose 法定节假日 nobody entered yet."""
    return (
        f"工作日历尚不包含 {'、'.join(map(str, years))} 年的法定节假日安排，"
        "暂按周一至周五计算工作日；请管理员用 ./baobao calendar import 录入国务院办公厅公布的放假安排。"
    )


def year_source(year: int) -> str | None:
    """Who knows the year: "database", "chinese-calendar", or None (Monday–Friday fallback)."""
    if year in held_years():
        return "database"
    return "chinese-calendar" if _library_knows(year) else None


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _official_workday(day: dt.date, held: HeldYear | None) -> bool:
    if held is not None:
        return day in held.workdays or (day.weekday() < 5 and day not in held.holidays)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _workdays_of_year(
    year: int,
    extra_holidays: frozenset[dt.date],
    extra_workdays: frozenset[dt.date],
    held: HeldYear | None,
) -> tuple[dt.date, ...]:
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if day in extra_workdays or (day not in extra_holidays and _official_workday(day, held)):
            days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)


def _year(year: int) -> tuple[dt.date, ...]:
    cal = load_policy().calendar
    held_all = _override.get()
    if held_all is None:
        held_all = calendar_store.cached(reload_seconds=cal.reload_seconds)
    held = held_all.get(year)
    if held is None and not _library_knows_cached(year):
        _unknown(year)
    return _workdays_of_year(
        year, frozenset(cal.extra_holidays), frozenset(cal.extra_workdays), held
    )


@lru_cache(maxsize=256)
def _library_knows_cached(year: int) -> bool:
    return _library_knows(year)


def _unknown(year: int) -> None:
    if year not in _unknown_years:
        _unknown_years.add(year)
        log.warning("no calendar knows %s; using Monday-Friday", year)


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
