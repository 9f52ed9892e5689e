"""The supervisor's task list (逾期督办, 督导任务): tasks of the office's scope, filtered,
searched, sorted and paged; the same query feeds the export (services.worklists.export)."""

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    union,
)
from sqlmodel import Session

from models.campaign import Campaign
from models.entity import KEY, Entity
from models.enums import TaskState, TaskStatus
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask as Task
from services.core import clock
from services.figures.definitions import overdue_by, overdue_cutoff, shown_status
from services.permissions.principal import Principal
from services.worklists.filters import PAGE_SIZE, ListFilter
from services.worklists.scope import narrowed_path, subtree, townships_of

COUNT_CAP = 10_000  # beyond this a page says "more than", the export still has every row


@dataclass(frozen=True)
class TaskRow:
    """One task as a supervisor list shows it (names first, codes beside them)."""

    id: int
    entity_name: str
    entity_key: str | None
    place: str  # the entity's jurisdiction
    township: str  # the officer's township
    officer_code: str
    officer_name: str
    tier: str
    source: str
    campaign: str | None
    period: str
    due_date: dt.date
    status: str  # shown: open / overdue / done / cancelled / handed_over
    done_on: dt.date | None
    done_late: bool  # 逾期完成
    overdue_workdays: int


@dataclass(frozen=True)
class TaskPage:
    rows: list[TaskRow]
    total: int
    capped: bool  # total is COUNT_CAP and there are more
    page: int
    pages: int


def _state(status: str | None, today: dt.date) -> list[ColumnElement[bool]]:
    shown: dict[str | None, list[ColumnElement[bool]]] = {
        None: [],
        TaskState.OVERDUE: [Task.status == TaskStatus.OPEN, Task.due_date < overdue_cutoff(today)],
        TaskState.OPEN: [Task.status == TaskStatus.OPEN, Task.due_date >= overdue_cutoff(today)],
    }
    return shown.get(status, [Task.status == status])


def _scoped_ids(path: str, own: list[ColumnElement[bool]]) -> CompoundSelect[tuple[int]]:
    """Task ids whose officer's or entity's jurisdiction lies under path (one indexed arm each)."""
    places = subtree(path)
    by_officer = select(Task.id).where(Task.jurisdiction_id.in_(places), *own)
    by_entity = (
        select(Task.id)
        .join(Entity, Entity.id == Task.entity_id)
        .where(Entity.jurisdiction_id.in_(places), *own)
    )
    return union(by_officer, by_entity)


def _search(q: str) -> ColumnElement[bool]:
    text = f"%{q.replace('%', '').replace('_', '')}%"
    return or_(
        Entity.name.like(text),
        Entity.credit_code == q,
        Entity.licence_no == q,
        Entity.registration_no == q,
        Officer.name.like(text),
        Officer.code == q,
    )


SORTS = {
    "due_date": (Task.due_date,),
    "entity": (Entity.name,),
    "officer": (Officer.name, Officer.code),
    "township": (Jurisdiction.path,),
    "done_on": (Task.done_on,),
}


def filtered_tasks(*, session: Session, who: Principal, filters: ListFilter) -> Select[Any]:
    """The select of the filtered tasks, sorted (the page and the export read it)."""
    today, f = clock.today(), filters
    own = _state(f.status, today)
    if f.source:
        own.append(Task.source == f.source)
    if f.period is not None:
        own.append(and_(Task.due_date >= f.period.start, Task.due_date <= f.period.end))
    path = narrowed_path(session=session, who=who, township=f.township)
    query = (
        select(Task, Entity.name, KEY, Officer.code, Officer.name, Officer.tier, Campaign.name)
        .join(Entity, Entity.id == Task.entity_id)
        .join(Officer, Officer.id == Task.officer_id)
        .join(Jurisdiction, Jurisdiction.id == Task.jurisdiction_id)
        .outerjoin(Campaign, Campaign.id == Task.campaign_id)
        .where(Task.id.in_(_scoped_ids(who.path, own)))
    )
    if f.township:
        query = query.where(Task.jurisdiction_id.in_(subtree(path)))
    if f.officer:
        query = query.where(Officer.code == f.officer)
    if f.tier:
        query = query.where(Officer.tier == f.tier)
    if f.q:
        query = query.where(_search(f.q))
    order = [c.desc() if f.descending else c for c in SORTS[f.sort or "due_date"]]
    return query.order_by(*order, Task.id.desc() if f.descending else Task.id)


def _as_rows(session: Session, rows: Sequence[Row[Any]], today: dt.date) -> list[TaskRow]:
    towns = townships_of(session=session, jurisdiction_ids={r[0].jurisdiction_id for r in rows})
    places = _entity_places(session, {r[0].entity_id for r in rows})
    late = _overdue_days(today)
    return [
        TaskRow(
            id=t.id,
            entity_name=name,
            entity_key=key,
            place=places.get(t.entity_id, ""),
            township=towns.get(t.jurisdiction_id, ""),
            officer_code=code,
            officer_name=officer,
            tier=tier,
            source=t.source,
            campaign=campaign,
            period=t.period,
            due_date=t.due_date,
            status=shown_status(status=t.status, due_date=t.due_date, today=today),
            done_on=t.done_on,
            done_late=t.status == TaskStatus.DONE
            and t.done_on is not None
            and t.done_on > t.due_date,
            overdue_workdays=late(t.due_date) if t.status == TaskStatus.OPEN else 0,
        )
        for t, name, key, code, officer, tier, campaign in rows
    ]


def _overdue_days(today: dt.date) -> Callable[[dt.date], int]:
    @cache
    def days(due: dt.date) -> int:
        return overdue_by(due, today)

    return days


def _entity_places(session: Session, entity_ids: set[int]) -> dict[int, str]:
    if not entity_ids:
        return {}
    rows = session.execute(
        select(Entity.id, Jurisdiction.name)
        .join(Jurisdiction, Jurisdiction.id == Entity.jurisdiction_id)
        .where(Entity.id.in_(entity_ids))
    )
    return {entity_id: name for entity_id, name in rows}


def count_capped(*, session: Session, query: Select[Any]) -> tuple[int, bool]:
    """How many rows the query gives, counting at most COUNT_CAP (and whether there are more)."""
    head: Select[Any] = (
        query.order_by(None).with_only_columns(literal_column("1")).limit(COUNT_CAP + 1)
    )
    found = int(session.execute(select(func.count()).select_from(head.subquery())).scalar_one())
    return min(found, COUNT_CAP), found > COUNT_CAP


@dataclass(frozen=True)
class Paged:
    """The rows of one page of a filtered list, with how many rows and pages there are."""

    rows: Sequence[Row[Any]]
    total: int
    capped: bool
    page: int
    pages: int


def page_of(*, session: Session, query: Select[Any], page: int) -> Paged:
    """The asked page of a filtered list query (clamped to the last page), counted."""
    total, capped = count_capped(session=session, query=query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    rows = session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Paged(rows, total, capped, page, pages)


def batches(*, session: Session, query: Select[Any], batch: int) -> Iterator[list[Row[Any]]]:
    """Every row of a filtered list query in list order, a batch at a time (for exports)."""
    result = session.execute(query.execution_options(yield_per=batch))
    for part in result.partitions(batch):
        yield list(part)


def task_page(*, session: Session, who: Principal, filters: ListFilter) -> TaskPage:
    """One page of the filtered tasks, with how many there are."""
    query = filtered_tasks(session=session, who=who, filters=filters)
    found = page_of(session=session, query=query, page=filters.page)
    rows = _as_rows(session, found.rows, clock.today())
    return TaskPage(rows, found.total, found.capped, found.page, found.pages)


def iter_task_rows(
    *, session: Session, who: Principal, filters: ListFilter, batch: int = 5_000
) -> Iterator[TaskRow]:
    """Every filtered task in list order, in batches (for the export)."""
    query = filtered_tasks(session=session, who=who, filters=filters)
    today = clock.today()
    for part in batches(session=session, query=query, batch=batch):
        yield from _as_rows(session, part, today)
