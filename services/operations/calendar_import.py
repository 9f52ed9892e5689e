"""Import a year's holiday schedule into the database and recompute the dates already computed
from the calendar: routine tasks' due dates (last working day of the period) and hazards'
rectification deadlines (found date + the level's working days). Only dates that equal what the
old calendar gave are moved (a date set by hand stays); every change is listed and audited."""

import datetime as dt
from pathlib import Path

from sqlalchemy import event, func, select, update
from sqlmodel import Session

from config.files import load_policy
from models.enums import ItemKind, TaskSource, TaskStatus
from models.hazard import Hazard
from models.task import InspectionTask
from services.core import calendar, calendar_store
from services.core.audit import record_event
from services.core.calendar_store import HeldYear
from services.core.periods import parse_period
from services.operations.calendar_file import read_schedule


def import_calendar(*, session: Session, path: Path, actor: str) -> dict:
    """Store the file's year (replacing a held one), move the affected dates; the summary."""
    held = read_schedule(path=path)
    before = calendar_store.read_years(session)
    after = {**before, held.year: held}
    changes = task_changes(session=session, year=held.year, before=before, after=after)
    changes += hazard_changes(session=session, year=held.year, before=before, after=after)
    calendar_store.write_year(session=session, held=held, source=Path(path).name, actor=actor)
    for change in changes:
        _apply(session, change)
    result = {
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
        after={**_counts(held), "source": Path(path).name, "changes": _plain(changes)},
    )
    event.listen(session, "after_commit", lambda _s: calendar.refresh(), once=True)
    return result


def _plain(changes: list[dict]) -> list[dict]:
    """The changes with dates as text (the audit log stores JSON)."""
    return [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in c.items()} for c in changes
    ]


def _counts(held: HeldYear | None) -> dict | None:
    if held is None:
        return None
    return {"holidays": len(held.holidays), "workdays": len(held.workdays)}


def task_changes(
    *, session: Session, year: int, before: dict[int, HeldYear], after: dict[int, HeldYear]
) -> list[dict]:
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
    changes = []
    for period_name, due, count in rows:
        period = parse_period(period_name)
        old, new = _both(before, after, lambda p=period: calendar.last_workday_of(p))
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
) -> list[dict]:
    """Hazards whose deadline (found date + the level's working days) the new year moves."""
    workdays = load_policy().hazards.deadline_workdays
    groups = session.execute(
        select(Hazard.found_on, Hazard.level, Hazard.deadline)
        .where(Hazard.deadline >= dt.date(year, 1, 1))
        .group_by(Hazard.found_on, Hazard.level, Hazard.deadline)
        .order_by(Hazard.found_on, Hazard.level)
    ).all()
    changes = []
    for found_on, level, deadline in groups:
        old, new = _both(
            before, after, lambda f=found_on, n=workdays[level]: calendar.add_workdays(f, n)
        )
        if deadline == old != new:
            ids = list(
                session.execute(select(Hazard.id).where(*_same(found_on, level, old))).scalars()
            )
            change = {
                "kind": ItemKind.HAZARD,
                "found_on": found_on,
                "level": level,
                "old": old,
                "new": new,
            }
            changes.append({**change, "ids": sorted(ids), "count": len(ids)})
    return changes


def _same(found_on: dt.date, level: str, deadline: dt.date) -> tuple:
    return Hazard.found_on == found_on, Hazard.level == level, Hazard.deadline == deadline


def _routine(period: str, due: dt.date) -> tuple:
    return (
        InspectionTask.source == TaskSource.ROUTINE,
        InspectionTask.status != TaskStatus.CANCELLED,
        InspectionTask.period == period,
        InspectionTask.due_date == due,
    )


def _both(before: dict, after: dict, compute) -> tuple[dt.date, dt.date]:
    with calendar.using(before):
        old = compute()
    with calendar.using(after):
        new = compute()
    return old, new


def _apply(session: Session, change: dict) -> None:
    if change["kind"] == ItemKind.TASK:
        statement = update(InspectionTask).where(*_routine(change["period"], change["old"]))
        session.execute(statement.values(due_date=change["new"]))
    else:
        where = _same(change["found_on"], change["level"], change["old"])
        session.execute(update(Hazard).where(*where).values(deadline=change["new"]))
