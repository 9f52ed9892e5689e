"""Helpers every part of the stats service shares: the day figures describe, dates from SQL
aggregates, rates and the escalation cutoff."""

import datetime as dt
import json
from typing import Any

from config.files import load_policy
from services.core import calendar, clock
from services.core.periods import Period


def as_of(quarter: Period) -> dt.date:
    """The day a quarter's figures describe: its last day, or today while it runs."""
    return min(quarter.end, clock.today())


def as_date(value: object) -> dt.date:
    """A date from a date or an ISO string (SQLite returns strings from aggregates)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def ratio(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 places; None when whole is 0."""
    return round(part / whole, 4) if whole else None


def escalation_cutoff(*, as_of: dt.date) -> dt.date:
    """Items due before this day are overdue by >= the escalation threshold on as_of."""
    needed, day, seen = load_policy().reminders.escalate_after_workdays, as_of, 0
    while True:
        if calendar.is_workday(day):
            seen += 1
            if seen == needed:
                return day
        day -= dt.timedelta(days=1)


def jsonable(value: Any) -> Any:
    """value with dates (and other non-JSON scalars) turned into strings."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
