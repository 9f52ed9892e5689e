"""Rule 14's dates and thresholds: who needs guidance, when a filing is late, when guidance is due."""

import datetime as dt

from config.files import load_policy
from services.core import calendar


def needs_guidance(diners: int) -> bool:
    """Whether a banquet of this many expected diners opens a 现场指导 task ([banquets] min_diners)."""
    return diners >= load_policy().banquets.min_diners


def is_late_filing(*, event_date: dt.date, filed_on: dt.date) -> bool:
    """Filed later than [banquets] file_days_before calendar days before the event."""
    return filed_on > event_date - dt.timedelta(days=load_policy().banquets.file_days_before)


def guidance_due(*, event_date: dt.date, filed_on: dt.date) -> dt.date:
    """The working day before the event; the event day itself when that day is not after the
    filing day (no working day is left to prepare)."""
    before = previous_workday(event_date)
    return before if before > filed_on else event_date


def previous_workday(day: dt.date) -> dt.date:
    """The last working day strictly before day."""
    current = day - dt.timedelta(days=1)
    while not calendar.is_workday(current):
        current -= dt.timedelta(days=1)
    return current


def cert_expired(*, expires: dt.date | None, event_date: dt.date) -> bool:
    """A chef's health certificate that has expired by the event date (valid through its expiry day)."""
    return expires is not None and expires < event_date
