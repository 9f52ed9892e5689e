"""What the system held, and since when: a comparison with an earlier period, a trend point or
a ranked quarter is printed only where the system held data in that period (rule 9).

The system holds data for a subtree from the first of: a roster import (any), or a task created
for an officer of the subtree (the demo and older databases have tasks but no import).
"""

import datetime as dt

from sqlalchemy import text
from sqlmodel import Session

from services.core.jurisdictions import path_like
from services.core.periods import Period
from services.figures.common import as_date, as_of


def held_since(*, session: Session, scope_path: str) -> dt.date | None:
    """The first day the system held data for the subtree; None when it never did."""
    first_task = session.execute(
        text(
            "SELECT MIN(t.created_on) FROM inspection_task t WHERE t.jurisdiction_id IN "
            "(SELECT j.id FROM jurisdiction j WHERE j.path LIKE :scope ESCAPE '\\')"
        ),
        {"scope": path_like(scope_path)},
    ).scalar()
    first_import = session.execute(
        text("SELECT MIN(occurred_at) FROM audit_event WHERE action = 'roster.import'")
    ).scalar()
    days = [_day(v) for v in (first_task, first_import) if v is not None]
    return min(days) if days else None


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else as_date(value)


def held_in(period: Period, since: dt.date | None) -> bool:
    """Whether data held since `since` existed on the day the period's figures describe."""
    return since is not None and since <= as_of(period)
