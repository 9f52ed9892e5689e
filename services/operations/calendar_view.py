"""A year of the working-day calendar as people read it: where it comes from, the holidays as
named ranges, the 调休 workdays, and month grids marking 休 and 班."""

import calendar as month_calendar
import datetime as dt
from typing import TypedDict

import chinese_calendar

from config.files import load_policy
from models.enums import CalendarDayKind
from services.core import calendar

SOURCES = {
    "database": "数据库（已导入）",
    "chinese-calendar": "chinese-calendar 内置",
    None: "未知",
}


LIBRARY_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


def special_days(year: int) -> list[tuple[dt.date, str, str]]:
    """The year's holidays and make-up workdays as (day, kind, name): kind "holiday" or
    "workday"; the local extras of policy.toml are named 本地休息日 / 本地工作日."""
    held, cal = calendar.held_years().get(year), load_policy().calendar
    found: dict[dt.date, tuple[str, str]] = {}
    if held is not None:
        found |= {d: (CalendarDayKind.HOLIDAY, held.name_of(d)) for d in held.holidays}
        found |= {d: (CalendarDayKind.WORKDAY, held.name_of(d)) for d in held.workdays}
    elif calendar.year_source(year) == "chinese-calendar":
        day = dt.date(year, 1, 1)
        while day.year == year:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if name and (on_holiday or day.weekday() >= 5):
                found[day] = (
                    CalendarDayKind.HOLIDAY if on_holiday else CalendarDayKind.WORKDAY,
                    LIBRARY_NAMES.get(name, name),
                )
            day += dt.timedelta(days=1)
    found |= {
        d: (CalendarDayKind.HOLIDAY, "本地休息日") for d in cal.extra_holidays if d.year == year
    }
    found |= {
        d: (CalendarDayKind.WORKDAY, "本地工作日") for d in cal.extra_workdays if d.year == year
    }
    return [(day, kind, name) for day, (kind, name) in sorted(found.items())]


class HolidayRange(TypedDict):
    """Consecutive days off of one name."""

    name: str
    start: dt.date
    end: dt.date
    days: int


class Workday(TypedDict):
    date: dt.date
    name: str


class YearView(TypedDict):
    """A year of the working-day calendar: where it comes from, its working days, its
    holidays (ranges) and make-up workdays."""

    year: int
    source: str | None
    source_label: str
    known: bool
    warning: str | None
    workday_count: int
    holidays: list[HolidayRange]
    workdays: list[Workday]


class DayCell(TypedDict):
    """A day of the month grid: its number, whether it is worked, 休 / 班 / ""."""

    day: int
    workday: bool
    mark: str


def year_view(*, year: int) -> YearView:
    """The year's source, working-day count, holidays (ranges) and make-up workdays."""
    source = calendar.year_source(year)
    special = special_days(year)
    holidays = [(day, name) for day, kind, name in special if kind == CalendarDayKind.HOLIDAY]
    return {
        "year": year,
        "source": source,
        "source_label": SOURCES[source],
        "known": source is not None,
        "warning": None if source else calendar.unknown_years_message([year]),
        "workday_count": calendar.workdays_between(
            dt.date(year - 1, 12, 31), dt.date(year, 12, 31)
        ),
        "holidays": _ranges(holidays),
        "workdays": [
            {"date": day, "name": name}
            for day, kind, name in special
            if kind == CalendarDayKind.WORKDAY
        ],
    }


def _ranges(days: list[tuple[dt.date, str]]) -> list[HolidayRange]:
    """Consecutive days of the same name as one range."""
    ranges: list[HolidayRange] = []
    for day, name in days:
        last = ranges[-1] if ranges else None
        if last and last["name"] == name and last["end"] + dt.timedelta(days=1) == day:
            last["end"], last["days"] = day, last["days"] + 1
        else:
            ranges.append({"name": name, "start": day, "end": day, "days": 1})
    return ranges


def month_grid(*, year: int, month: int) -> list[list[DayCell | None]]:
    """The month's weeks, Monday first: each day {day, workday, mark}; None outside the month.
    mark is 休 for a day off on a weekday or a named holiday, 班 for a make-up workday."""
    special = {day: kind for day, kind, _ in special_days(year) if day.month == month}
    weeks: list[list[DayCell | None]] = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([_cell(day, special) if day.month == month else None for day in week])
    return weeks


def _cell(day: dt.date, special: dict[dt.date, str]) -> DayCell:
    workday = calendar.is_workday(day)
    kind = special.get(day)
    mark = (
        "班"
        if kind == CalendarDayKind.WORKDAY
        else "休"
        if kind == CalendarDayKind.HOLIDAY or (not workday and day.weekday() < 5)
        else ""
    )
    return {"day": day.day, "workday": workday, "mark": mark}
