"""Hazard lists: filters over a jurisdiction subtree, overdue by the clock and working days.

A hazard is overdue (the officer's) from the first working day after its 整改时限 while its
rectification is not reported (services.figures.definitions); overdue_workdays counts the
working days after the deadline up to and including today; verify_overdue is the office's:
waiting in 待验收 longer than [hazards] verify_within_workdays.
"""

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session

from models.entity import KEY, Entity
from models.enums import HazardFilter, HazardStatus
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.core import clock
from services.core.jurisdictions import path_like, resolve_scope
from services.core.periods import Period
from services.figures import definitions as d
from services.hazards import codes

Column = ColumnElement[Any] | InstrumentedAttribute[Any]

COLUMNS: tuple[Column, ...] = (
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

EXPORT_Column = ColumnElement[Any] | InstrumentedAttribute[Any]

EXPORT_COLUMNS: tuple[Column, ...] = (
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
    columns: Sequence[Column] = COLUMNS,
    root: Jurisdiction | None = None,
    status: str | None = None,
    source: str | None = None,
    overdue: bool = False,
    quarter: Period | None = None,
    today: dt.date | None = None,
) -> Select[Any]:
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
    if status:
        query = query.where(state_condition(status=status, today=today))
    if overdue:
        query = query.where(state_condition(status=HazardFilter.OVERDUE, today=today))
    if source:
        query = query.where(Hazard.source == source)
    if quarter is not None:  # active in the quarter: found by its end, not closed before it
        query = query.where(
            Hazard.found_on <= quarter.end,
            or_(Hazard.closed_on.is_(None), Hazard.closed_on >= quarter.start),
            or_(Hazard.withdrawn_on.is_(None), Hazard.withdrawn_on >= quarter.start),
        )
    return query.order_by(Hazard.found_on, Hazard.id)


def state_condition(*, status: str, today: dt.date) -> ColumnElement[bool]:
    """A list's state filter: a HazardStatus code, "open" (not closed), "overdue" (the
    officer's) or "verify_overdue" (the office's), as services.figures.definitions decides."""
    if status == HazardFilter.OPEN:
        return Hazard.status.in_(d.OPEN)
    if status == HazardFilter.OVERDUE:
        return and_(Hazard.status.in_(d.OFFICERS_TURN), Hazard.deadline < d.overdue_cutoff(today))
    if status == "verify_overdue":
        return and_(
            Hazard.status == HazardStatus.AWAITING_VERIFICATION,
            Hazard.reported_on < d.params(as_of=today)["verify_cutoff"],
        )
    return Hazard.status == status


def overdue_workdays(*, deadline: dt.date, status: str, today: dt.date) -> int:
    """Working days a hazard is past its deadline (0 unless it is the officer's turn)."""
    return d.hazard_overdue_workdays(status=status, deadline=deadline, today=today)


class HazardItem(TypedDict):
    """A hazard as lists show it (JSON-ready, mirroring the tasks list)."""

    id: int
    entity_key: str | None
    entity_name: str | None
    jurisdiction_code: str
    source: str
    level: str
    status: str
    found_on: str | None
    deadline: str | None
    overdue: bool
    overdue_workdays: int
    closed_on: str | None
    responsible_unit: str | None
    responsible_person: str | None
    officer_id: str | None  # the covering officer's 干部编号
    description: str


class HazardListing(TypedDict):
    total: int
    hazards: list[dict[str, Any]]  # HazardItem each


def as_item(row: Row[Any], today: dt.date) -> dict[str, Any]:
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
        "overdue": d.hazard_overdue_now(status=row.status, deadline=row.deadline, today=today),
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
) -> HazardListing:
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


def hazard_item(*, session: Session, hazard_id: int) -> dict[str, Any]:
    """One hazard in the list's fields."""
    row = session.execute(hazard_query().where(Hazard.id == hazard_id)).one()
    return as_item(row, clock.today())


def iter_rows(*, session: Session, query: Select[Any], batch: int = 5000) -> Iterator[Row[Any]]:
    """Stream a hazard query's rows in batches (for exports of any size)."""
    result = session.connection().execute(query.execution_options(yield_per=batch))
    yield from result
