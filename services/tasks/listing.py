"""Listing inspection tasks by officer, jurisdiction subtree, status and period.

A task's shown status is one of open / overdue / done / cancelled / handed_over, and they are
disjoint: overdue = stored status open from the first working day after the due date
(services.figures.definitions.shown_status); open = stored status open and not overdue. Cancelled and handed-over (已交接: the
successor holds the same task) tasks are never overdue.
"""

from typing import TypedDict

from sqlalchemy import ColumnElement, and_, func, select
from sqlmodel import Session

from models.banquet import Banquet
from models.campaign import Campaign
from models.entity import KEY, Entity
from models.enums import BanquetKind, TaskState, TaskStatus, label
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from services.core import clock
from services.core.errors import BadInput
from services.core.jurisdictions import by_code, path_like
from services.core.periods import parse_period
from services.figures.definitions import overdue_cutoff, shown_status

STATUSES = tuple(TaskState)


def _status_condition(status: str) -> ColumnElement[bool]:
    cutoff = overdue_cutoff(clock.today())
    task = InspectionTask
    return {
        TaskState.OPEN: and_(task.status == TaskStatus.OPEN, task.due_date >= cutoff),
        TaskState.OVERDUE: and_(task.status == TaskStatus.OPEN, task.due_date < cutoff),
        TaskState.DONE: task.status == TaskStatus.DONE,
        TaskState.CANCELLED: task.status == TaskStatus.CANCELLED,
        TaskState.HANDED_OVER: task.status == TaskStatus.HANDED_OVER,
    }[TaskState(status)]


def _conditions(
    *,
    session: Session,
    officer: str | None,
    jurisdiction: str | None,
    status: str | None,
    period: str | None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if officer is not None:
        found = session.execute(select(Officer.id).where(Officer.code == officer.strip()))
        officer_id = found.scalar_one_or_none()
        if officer_id is None:
            raise BadInput(f"干部编号 {officer} 不存在")
        conditions.append(InspectionTask.officer_id == officer_id)
    if jurisdiction is not None:
        root = by_code(session=session, code=jurisdiction)
        conditions.append(Jurisdiction.path.like(path_like(root.path), escape="\\"))
    if status is not None:
        if status not in STATUSES:
            raise BadInput(f"状态 {status!r} 无效，可选：{'、'.join(STATUSES)}")
        conditions.append(_status_condition(status))
    if period is not None:
        conditions.append(InspectionTask.period == parse_period(period).name)
    return conditions


def banquet_name(*, host: str, kind: str) -> str:
    """How a 现场指导 task names its banquet where others name their entity."""
    return f"{host}家{label(BanquetKind, kind)}（聚餐现场指导）"


class TaskLine(TypedDict):
    """A task as the list shows it (status: TaskState)."""

    id: int
    officer_id: str  # the officer's 干部编号
    entity_key: str | None
    entity_name: str | None
    jurisdiction_code: str
    period: str
    source: str
    campaign: str | None
    due_date: str
    status: str
    done_on: str | None


class TaskListing(TypedDict):
    total: int
    tasks: list[TaskLine]


def list_tasks(
    *,
    session: Session,
    officer: str | None = None,
    jurisdiction: str | None = None,
    status: str | None = None,
    period: str | None = None,
    limit: int | None = None,
) -> TaskListing:
    """Tasks matching the filters, by due date: {"total": N, "tasks": [...]}."""
    # officer is a 干部编号, jurisdiction a 区划代码 (its whole subtree), status one of STATUSES,
    # period a period name; limit caps the listed tasks (total still counts them all).
    conditions = _conditions(
        session=session, officer=officer, jurisdiction=jurisdiction, status=status, period=period
    )
    task = InspectionTask
    base = (
        select(task.id)
        .join(Jurisdiction, Jurisdiction.id == task.jurisdiction_id)
        .where(*conditions)
    )
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    query = (
        select(
            task.id,
            Officer.code.label("officer_code"),
            KEY.label("key"),
            Entity.name,
            Jurisdiction.code.label("jurisdiction_code"),
            task.period,
            task.source,
            Campaign.name.label("campaign"),
            task.due_date,
            task.status,
            task.done_on,
            Banquet.host,
            Banquet.kind,
        )
        .join(Officer, Officer.id == task.officer_id)
        .outerjoin(Entity, Entity.id == task.entity_id)  # none for a 现场指导 task
        .outerjoin(Banquet, Banquet.id == task.banquet_id)
        .join(Jurisdiction, Jurisdiction.id == task.jurisdiction_id)
        .outerjoin(Campaign, Campaign.id == task.campaign_id)
        .where(*conditions)
        .order_by(task.due_date, task.id)
    )
    if limit is not None:
        query = query.limit(limit)
    today = clock.today()
    tasks: list[TaskLine] = [
        {
            "id": r.id,
            "officer_id": r.officer_code,
            "entity_key": r.key,
            "entity_name": r.name if r.host is None else banquet_name(host=r.host, kind=r.kind),
            "jurisdiction_code": r.jurisdiction_code,
            "period": r.period,
            "source": r.source,
            "campaign": r.campaign,
            "due_date": r.due_date.isoformat(),
            "status": shown_status(status=r.status, due_date=r.due_date, today=today),
            "done_on": r.done_on.isoformat() if r.done_on else None,
        }
        for r in session.execute(query)
    ]
    return {"total": total, "tasks": tasks}
