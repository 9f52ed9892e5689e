"""Hazard lists: filters over a jurisdiction subtree, overdue by the clock and working days.

A hazard is overdue when its 整改时限 is before today and it is not 已销号; overdue_workdays
counts the working days after the deadline up to and including today.
"""

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import Select, func, or_, select
from sqlmodel import Session

from models.entity import KEY, Entity
from models.enums import OPEN_HAZARD_STATES
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.core import calendar, clock
from services.core.jurisdictions import path_like, resolve_scope
from services.core.periods import Period
from services.hazards import codes

COLUMNS = (
    Hazard.id,
    Hazard.description,
    Hazard.source,
    Hazard.level,
    Hazard.status,
    Hazard.found_on,
    Hazard.deadline,
    Hazard.closed_on,
    Hazard.responsible_unit,
    Hazard.responsible_person,
    Hazard.measure,
    Hazard.jurisdiction_id,
    KEY.label("entity_key"),
    Entity.name.label("entity_name"),
    Jurisdiction.code.label("jurisdiction_code"),
    Officer.code.label("officer_code"),
)

EXPORT_COLUMNS = (
    Hazard.description,
    Hazard.source,
    Hazard.level,
    Hazard.status,
    Hazard.found_on,
    Hazard.deadline,
    Hazard.closed_on,
    Hazard.responsible_unit,
    Hazard.responsible_person,
    Hazard.measure,
    Hazard.jurisdiction_id,
    Entity.name,
)


def hazard_query(
    *,
    columns=COLUMNS,
    root: Jurisdiction | None = None,
    status: str | None = None,
    source: str | None = None,
    overdue: bool = False,
    quarter: Period | None = None,
    today: dt.date | None = None,
) -> Select:
    """The select behind every hazard list (and export); status is a state, "open" or
    "overdue"."""
    today = today or clock.today()
    query = (
        select(*columns)
        .join(Jurisdiction, Jurisdiction.id == Hazard.jurisdiction_id)
        .outerjoin(Entity, Entity.id == Hazard.entity_id)
        .outerjoin(Officer, Officer.id == Hazard.officer_id)
    )
    if root is not None:
        query = query.where(Jurisdiction.path.like(path_like(root.path), escape="\\"))
    if status in ("open", "overdue"):
        query = query.where(Hazard.status.in_(OPEN_HAZARD_STATES))
    elif status:
        query = query.where(Hazard.status == status)
    if overdue or status == "overdue":
        query = query.where(Hazard.status.in_(OPEN_HAZARD_STATES), Hazard.deadline < today)
    if source:
        query = query.where(Hazard.source == source)
    if quarter is not None:  # active in the quarter: found by its end, not closed before it
        query = query.where(
            Hazard.found_on <= quarter.end,
            or_(Hazard.closed_on.is_(None), Hazard.closed_on >= quarter.start),
            or_(Hazard.withdrawn_on.is_(None), Hazard.withdrawn_on >= quarter.start),
        )
    return query.order_by(Hazard.found_on, Hazard.id)


def overdue_workdays(*, deadline: dt.date, status: str, today: dt.date) -> int:
    """Working days a hazard is past its deadline (0 when closed or not past it)."""
    if status not in OPEN_HAZARD_STATES or deadline >= today:
        return 0
    return calendar.workdays_between(deadline, today)


def as_item(row, today: dt.date) -> dict:
    """One hazard of a list as JSON-ready fields (mirroring the tasks list)."""
    return {
        "id": row.id,
        "entity_key": row.entity_key,
        "entity_name": row.entity_name,
        "jurisdiction_code": row.jurisdiction_code,
        "source": row.source,
        "level": row.level,
        "status": row.status,
        "found_on": _iso(row.found_on),
        "deadline": _iso(row.deadline),
        "overdue": row.status in OPEN_HAZARD_STATES and row.deadline < today,
        "overdue_workdays": overdue_workdays(deadline=row.deadline, status=row.status, today=today),
        "closed_on": _iso(row.closed_on),
        "responsible_unit": row.responsible_unit,
        "responsible_person": row.responsible_person,
        "officer_id": row.officer_code,
        "description": row.description,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def list_hazards(
    *,
    session: Session,
    status: str | None = None,
    jurisdiction_code: str | None = None,
    overdue: bool = False,
    source: str | None = None,
    quarter: Period | None = None,
    limit: int | None = None,
) -> dict:
    """{"total", "hazards": [...]} for the filters (labels or codes accepted); total counts
    every match, hazards at most limit of them."""
    today = clock.today()
    root = resolve_scope(session=session, code=jurisdiction_code) if jurisdiction_code else None
    query = hazard_query(
        root=root,
        status=codes.parse_status_filter(status) if status else None,
        source=codes.parse_source(source) if source else None,
        overdue=overdue,
        quarter=quarter,
        today=today,
    )
    items = [as_item(row, today) for row in session.execute(query.limit(limit))]
    total = len(items)
    if limit is not None and total == limit:
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    return {"total": total, "hazards": items}


def hazard_item(*, session: Session, hazard_id: int) -> dict:
    """One hazard in the list's fields."""
    row = session.execute(hazard_query().where(Hazard.id == hazard_id)).one()
    return as_item(row, clock.today())


def iter_rows(*, session: Session, query: Select, batch: int = 5000) -> Iterator:
    """Stream a hazard query's rows in batches (for exports of any size)."""
    result = session.connection().execute(query.execution_options(yield_per=batch))
    yield from result
