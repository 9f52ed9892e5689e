"""Listing filed banquets by month and jurisdiction subtree, with their guidance and 回访."""

import datetime as dt
from typing import Any, TypedDict

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.banquet import Banquet, Chef
from models.enums import BanquetKind, BanquetStatus, label
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from services.core.errors import BadInput
from services.core.jurisdictions import path_like, resolve_scope
from services.core.periods import parse_period


class BanquetItem(TypedDict):
    """One banquet as lists show it."""

    id: int
    village_code: str
    village: str
    host: str
    contact: str | None
    event_date: str
    place: str | None
    diners: int
    kind: str  # Chinese label
    chef: str | None
    status: str  # Chinese label
    late_filing: bool
    chef_cert_expired: bool
    officer: str | None  # 干部编号
    task_id: int | None
    task_due: str | None
    guided_on: str | None
    followed_up_on: str | None
    diners_actual: int | None
    ill_count: int | None


Village = aliased(Jurisdiction)


# (outer-joined columns may be None; the types are those SQLAlchemy infers)
BanquetRow = tuple[Banquet, str, str, str, str, InspectionTask]


def banquet_query() -> Select[BanquetRow]:
    """The select every banquet list and page reads (banquet, village, chef, officer, task)."""
    return (
        select(Banquet, Village.code, Village.name, Chef.name, Officer.code, InspectionTask)
        .join(Village, Village.id == Banquet.jurisdiction_id)
        .outerjoin(Chef, Chef.id == Banquet.chef_id)
        .outerjoin(Officer, Officer.id == Banquet.officer_id)
        .outerjoin(InspectionTask, InspectionTask.banquet_id == Banquet.id)
    )


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def as_item(row: Row[BanquetRow] | Row[Any]) -> BanquetItem:
    """A row of banquet_query as a BanquetItem."""
    b, vcode, vname, chef, officer, task = row
    day = _day
    return {
        "id": b.id or 0,
        "village_code": vcode,
        "village": vname,
        "host": b.host,
        "contact": b.contact,
        "event_date": b.event_date.isoformat(),
        "place": b.place,
        "diners": b.diners,
        "kind": label(BanquetKind, b.kind),
        "chef": chef,
        "status": label(BanquetStatus, b.status),
        "late_filing": b.late_filing,
        "chef_cert_expired": b.chef_cert_expired,
        "officer": officer,
        "task_id": task.id if task else None,
        "task_due": day(task.due_date if task else None),
        "guided_on": day(b.guided_on),
        "followed_up_on": day(b.followed_up_on),
        "diners_actual": b.diners_actual,
        "ill_count": b.ill_count,
    }


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a YYYY-MM month; BadInput when malformed."""
    period = parse_period(month)
    if period.frequency != "monthly":
        raise BadInput(f"月份 {month!r} 无效，应为 YYYY-MM")
    return period.start, period.end


def list_banquets(
    *, session: Session, month: str | None = None, jurisdiction: str | None = None
) -> dict[str, object]:
    """Banquets of a month (by event date) in a subtree, by event date: {"total", "banquets"}."""
    query = banquet_query()
    if month is not None:
        start, end = month_bounds(month)
        query = query.where(Banquet.event_date.between(start, end))
    if jurisdiction is not None:
        root = resolve_scope(session=session, code=jurisdiction)
        query = query.where(Village.path.like(path_like(root.path), escape="\\"))
    items = [as_item(r) for r in session.execute(query.order_by(Banquet.event_date, Banquet.id))]
    return {"total": len(items), "banquets": items}
