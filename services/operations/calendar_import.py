"""Import a year's holiday schedule into the database and recompute the dates already computed
from the calendar: routine tasks' due dates (last working day of the period) and hazards'
rectification deadlines (found date + the level's working days). Only dates that equal what the
old calendar gave are moved (a date set by hand stays); every change is listed and audited."""

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Literal, TypedDict

from sqlalchemy import ColumnElement, event, func, select, update
from sqlmodel import Session

from config.files import load_policy
from models.enums import HazardLevel, ItemKind, TaskSource, TaskStatus
from models.hazard import Hazard
from models.task import InspectionTask
from services.core import calendar, calendar_store
from services.core.audit import record_event
from services.core.calendar_store import HeldYear
from services.core.periods import parse_period
from services.operations.calendar_file import read_schedule


class TaskChange(TypedDict):
    """Routine tasks of a period whose due date the new year moves."""

    kind: Literal[ItemKind.TASK]
    period: str
    old: dt.date
    new: dt.date
    count: int


class HazardChange(TypedDict):
    """Hazards found on a day at a level whose deadline the new year moves."""

    kind: Literal[ItemKind.HAZARD]
    found_on: dt.date
    level: str
    old: dt.date
    new: dt.date
    ids: list[int]
    count: int


Change = TaskChange | HazardChange


class Imported(TypedDict):
    """A calendar import: the year, whether it replaced a held one, its days, the dates moved."""

    year: int
    replaced: bool
    holidays: int
    workdays: int
    changes: list[Change]


class DayCounts(TypedDict):
    holidays: int
    workdays: int


def import_calendar(*, session: Session, path: Path, actor: str) -> Imported:
    """Store the file's year (replacing a held one), move the affected dates; the summary."""
    held = read_schedule(path=path)
    before = calendar_store.read_years(session)
    after = {**before, held.year: held}
    changes: list[Change] = [
        *task_changes(session=session, year=held.year, before=before, after=after),
        *hazard_changes(session=session, year=held.year, before=before, after=after),
    ]
    calendar_store.write_year(session=session, held=held, source=Path(path).name, actor=actor)
    for change in changes:
        _apply(session, change)
    result: Imported = {
        "year": held.year,
        "replaced": held.year in before,
        "holidays": len(held.holidays),
        "workdays": len(held.workdays),
        "changes": changes,
    }
    record_event(
        session=session,
        actor=actor,
        action="calendar.import",
        object_type="calendar_year",
        object_id=held.year,
        before=_counts(before.get(held.year)),
        after={**(_counts(held) or {}), "source": Path(path).name, "changes": _plain(changes)},
    )
    event.listen(session, "after_commit", lambda _s: calendar.refresh(), once=True)
    return result


def _plain(changes: list[Change]) -> list[dict[str, object]]:
    """The changes with dates as text (the audit log stores JSON)."""
    return [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in c.items()} for c in changes
    ]


def _counts(held: HeldYear | None) -> DayCounts | None:
    if held is None:
        return None
    return {"holidays": len(held.holidays), "workdays": len(held.workdays)}


def task_changes(
    *, session: Session, year: int, before: dict[int, HeldYear], after: dict[int, HeldYear]
) -> list[TaskChange]:
    """Routine tasks whose due date (the period's last working day) the new year moves."""
    rows = session.execute(
        select(InspectionTask.period, InspectionTask.due_date, func.count())
        .where(
            InspectionTask.source == TaskSource.ROUTINE,
            InspectionTask.status != TaskStatus.CANCELLED,
            InspectionTask.due_date >= dt.date(year, 1, 1),
        )
        .group_by(InspectionTask.period, InspectionTask.due_date)
        .order_by(InspectionTask.period)
    ).all()
    changes: list[TaskChange] = []
    for period_name, due, count in rows:
        period = parse_period(period_name)
        old, new = _both(before, after, partial(calendar.last_workday_of, period))
        if due == old != new:
            changes.append(
                {
                    "kind": ItemKind.TASK,
                    "period": period_name,
                    "old": old,
                    "new": new,
                    "count": count,
                }
            )
    return changes


def hazard_changes(
    *, session: Session, year: int, before: dict[int, HeldYear], after: dict[int, HeldYear]
) -> list[HazardChange]:
    """Hazards whose deadline (found date + the level's working days) the new year moves."""
    workdays = load_policy().hazards.deadline_workdays
    groups = session.execute(
        select(Hazard.found_on, Hazard.level, Hazard.deadline)
        .where(Hazard.deadline >= dt.date(year, 1, 1))
        .group_by(Hazard.found_on, Hazard.level, Hazard.deadline)
        .order_by(Hazard.found_on, Hazard.level)
    ).all()
    changes: list[HazardChange] = []
    for found_on, level, deadline in groups:
        days = workdays[HazardLevel(level).value]
        old, new = _both(before, after, partial(calendar.add_workdays, found_on, days))
        if deadline == old != new:
            ids = list(
                session.execute(select(Hazard.id).where(*_same(found_on, level, old))).scalars()
            )
            changes.append(
                {
                    "kind": ItemKind.HAZARD,
                    "found_on": found_on,
                    "level": level,
                    "old": old,
                    "new": new,
                    "ids": sorted(ids),
                    "count": len(ids),
                }
            )
    return changes


def _same(found_on: dt.date, level: str, deadline: dt.date) -> tuple[ColumnElement[bool], ...]:
    return Hazard.found_on == found_on, Hazard.level == level, Hazard.deadline == deadline


def _routine(period: str, due: dt.date) -> tuple[ColumnElement[bool], ...]:
    return (
        InspectionTask.source == TaskSource.ROUTINE,
        InspectionTask.status != TaskStatus.CANCELLED,
        InspectionTask.period == period,
        InspectionTask.due_date == due,
    )


def _both(
    before: dict[int, HeldYear], after: dict[int, HeldYear], compute: Callable[[], dt.date]
) -> tuple[dt.date, dt.date]:
    with calendar.using(before):
        old = compute()
    with calendar.using(after):
        new = compute()
    return old, new


def _apply(session: Session, change: Change) -> None:
    if change["kind"] == ItemKind.TASK:
        statement = update(InspectionTask).where(*_routine(change["period"], change["old"]))
        session.execute(statement.values(due_date=change["new"]))
    else:
        where = _same(change["found_on"], change["level"], change["old"])
        session.execute(update(Hazard).where(*where).values(deadline=change["new"]))
