"""Helpers every part of the stats service shares: the day figures describe, dates from SQL
aggregates, JSON."""

import datetime as dt
import json
from typing import Any

from services.core import clock
from services.core.periods import Period


def as_of(quarter: Period) -> dt.date:
    """The day a quarter's figures describe: its last day, or today while it runs."""
    return min(quarter.end, clock.today())


def as_date(value: object) -> dt.date:
    """A date from a date or an ISO string (SQLite returns strings from aggregates)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def jsonable(value: Any) -> Any:
    """value with dates (and other non-JSON scalars) turned into strings."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
