"""A year of the working-day calendar as people read it: where it comes from, the holidays as
named ranges, the 调休 workdays, and month grids marking 休 and 班."""

import calendar as month_calendar
import datetime as dt

from services.core import calendar

SOURCES = {
    "database": "数据库（已导入）",
    "chinese-calendar": "chinese-calendar 内置",
    None: "未知",
}


def year_view(*, year: int) -> dict:
    """The year's source, working-day count, holidays (ranges) and make-up workdays."""
    source = calendar.year_source(year)
    special = calendar.special_days(year)
    holidays = [(day, name) for day, kind, name in special if kind == "holiday"]
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
            {"date": day, "name": name} for day, kind, name in special if kind == "workday"
        ],
    }


def _ranges(days: list[tuple[dt.date, str]]) -> list[dict]:
    """Consecutive days of the same name as one range."""
    ranges: list[dict] = []
    for day, name in days:
        last = ranges[-1] if ranges else None
        if last and last["name"] == name and last["end"] + dt.timedelta(days=1) == day:
            last["end"], last["days"] = day, last["days"] + 1
        else:
            ranges.append({"name": name, "start": day, "end": day, "days": 1})
    return ranges


def month_grid(*, year: int, month: int) -> list[list[dict | None]]:
    """The month's weeks, Monday first: each day {day, workday, mark}; None outside the month.
    mark is 休 for a day off on a weekday or a named holiday, 班 for a make-up workday."""
    special = {day: kind for day, kind, _ in calendar.special_days(year) if day.month == month}
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([_cell(day, special) if day.month == month else None for day in week])
    return weeks


def _cell(day: dt.date, special: dict[dt.date, str]) -> dict:
    workday = calendar.is_workday(day)
    kind = special.get(day)
    mark = (
        "班"
        if kind == "workday"
        else "休"
        if kind == "holiday" or (not workday and day.weekday() < 5)
        else ""
    )
    return {"day": day.day, "workday": workday, "mark": mark}
