"""The supervisor's task list (逾期督办, 督导任务): tasks of the office's scope, filtered,
searched, sorted and paged; the same query feeds the export (services.worklists.export)."""

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    Subquery,
    and_,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.banquet import Banquet
from models.campaign import Campaign
from models.entity import KEY, Entity
from models.enums import TaskState, TaskStatus
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask as Task
from services.core import clock
from services.figures.definitions import overdue_by, overdue_cutoff, shown_status
from services.permissions.principal import Principal
from services.tasks.listing import banquet_name
from services.worklists.filters import PAGE_SIZE, ListFilter
from services.worklists.scope import Places, TownshipNames, list_places, townships_of

COUNT_CAP = 10_000  # beyond this a page says "more than" (and pages end), the export has every row


class TaskRow(NamedTuple):  # a tuple: built 100,000 times by an export
    """One task as a supervisor list shows it (names first, codes beside them); a 现场指导 task
    names its banquet where a task names its entity."""

    id: int
    entity_name: str
    entity_key: str | None
    place: str  # the entity's jurisdiction (a guidance task: its banquet's village)
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
    banquet_id: int | None = None  # a 现场指导 task's banquet (its page is /banquets/{id})


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


def _scoped_ids(
    places: Places, conditions: list[ColumnElement[bool]], *, by_entity: bool = True
) -> CompoundSelect[Any] | Select[Any]:
    """Ids and due dates of the tasks meeting the conditions whose officer's or entity's
    jurisdiction is one of places (a 现场指导 task has no entity and is in scope by its
    officer's): those by their own jurisdiction (their officer's), then those by their entity's
    only (place_id; not by_entity: none of those). Every filter is applied inside the arms,
    each driven by an index of the task's jurisdiction column with status and due date: outside
    them the planner, which cannot tell how many rows a name search keeps, scanned every task
    of the province and compared it with each in scope (a county's search took over a minute)."""

    def arm(*place: ColumnElement[bool]) -> Select[Any]:
        return (  # outer joins: the planner leaves out those no condition reads
            select(Task.id, Task.due_date)
            .outerjoin(Entity, Entity.id == Task.entity_id)
            .outerjoin(Officer, Officer.id == Task.officer_id)
            .where(*place, *conditions)
        )

    if not by_entity:
        return arm(places.hold(Task.jurisdiction_id))
    return union_all(
        arm(places.hold(Task.jurisdiction_id)),
        arm(places.hold(Task.place_id), places.miss(Task.jurisdiction_id)),
    )


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


Place = aliased(Jurisdiction)  # the entity's jurisdiction
Village = aliased(Jurisdiction)  # a 现场指导 task's banquet's village
COLUMNS = (  # plain columns, no ORM objects: an export reads 100,000 rows
    Task.id, Task.jurisdiction_id, Task.source, Task.period, Task.due_date, Task.status,
    Task.done_on, Entity.name.label("entity_name"), KEY.label("entity_key"),
    Officer.code.label("officer_code"), Officer.name.label("officer_name"), Officer.tier,
    Campaign.name.label("campaign"), Place.name.label("place"), Task.banquet_id,
    Banquet.host.label("banquet_host"), Banquet.kind.label("banquet_kind"),
    Village.name.label("village"),
)  # fmt: skip
SORTS = {
    "due_date": (Task.due_date,),
    "entity": (Entity.name,),
    "officer": (Officer.name, Officer.code),
    "township": (Jurisdiction.path,),
    "done_on": (Task.done_on,),
}


def _frame(scoped: Subquery | None = None) -> Select[Any]:
    """Tasks with their names (of the scoped ids, which lead: the planner then looks the names
    up for those rows only, never for every task of the province). The joins are outer joins on
    keys that always match (a task has its entity or, a 现场指导 task, its banquet; its officer
    and jurisdictions), so the planner leaves out those a count or a page's ids do not read
    (the task itself too when sorted by due date)."""
    if scoped is None:
        query = select(*COLUMNS)
    else:
        query = (
            select(scoped.c.id, *COLUMNS[1:])
            .select_from(scoped)
            .outerjoin(Task, Task.id == scoped.c.id)
        )
    return (
        query.outerjoin(Entity, Entity.id == Task.entity_id)
        .outerjoin(Place, Place.id == Entity.jurisdiction_id)
        .outerjoin(Banquet, Banquet.id == Task.banquet_id)
        .outerjoin(Village, Village.id == Banquet.jurisdiction_id)
        .outerjoin(Officer, Officer.id == Task.officer_id)
        .outerjoin(Jurisdiction, Jurisdiction.id == Task.jurisdiction_id)
        .outerjoin(Campaign, Campaign.id == Task.campaign_id)
    )


def filtered_tasks(*, session: Session, who: Principal, filters: ListFilter) -> Select[Any]:
    """The select of the filtered tasks, sorted (the page and the export read it)."""
    today, f = clock.today(), filters
    own = _state(f.status, today)
    if f.source:
        own.append(Task.source == f.source)
    if f.period is not None:
        own.append(and_(Task.due_date >= f.period.start, Task.due_date <= f.period.end))
    if f.officer:
        own.append(Officer.code == f.officer)
    if f.tier:
        own.append(Officer.tier == f.tier)
    if f.q:
        own.append(_search(f.q))
    # A township (inside who's subtree) keeps the tasks of its officers' jurisdictions, as the
    # figures count them: those are in scope by their own jurisdiction, none by entity only.
    places = list_places(session=session, who=who, township=f.township)
    scoped = _scoped_ids(places, own, by_entity=not f.township).subquery("scoped")
    sorts = {**SORTS, "due_date": (scoped.c.due_date,)}  # read from the index, as the id
    order = [c.desc() if f.descending else c for c in sorts[f.sort or "due_date"]]
    return _frame(scoped).order_by(*order, scoped.c.id.desc() if f.descending else scoped.c.id)


def _as_rows(rows: Sequence[Row[Any]], towns: Mapping[int, str], today: dt.date) -> list[TaskRow]:
    late, shown = _overdue_days(today), _shown(today)
    return [  # unpacked by position: a Row's attributes cost microseconds each
        TaskRow(
            tid, entity_name if host is None else banquet_name(host=host, kind=kind), entity_key,
            (place if host is None else village) or "", towns.get(jid, ""), officer_code,
            officer_name, tier, source, campaign, period, due_date, shown(status, due_date),
            done_on, status == TaskStatus.DONE and done_on is not None and done_on > due_date,
            late(due_date) if status == TaskStatus.OPEN else 0, banquet_id,
        )
        for (
            tid, jid, source, period, due_date, status, done_on, entity_name, entity_key,
            officer_code, officer_name, tier, campaign, place, banquet_id, host, kind, village,
        ) in rows
    ]  # fmt: skip


def _overdue_days(today: dt.date) -> Callable[[dt.date], int]:
    @cache
    def days(due: dt.date) -> int:
        return overdue_by(due, today)

    return days


def _shown(today: dt.date) -> Callable[[str, dt.date], str]:
    @cache
    def shown(status: str, due: dt.date) -> str:
        return shown_status(status=status, due_date=due, today=today)

    return shown


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


def page_of(*, session: Session, query: Select[Any], frame: Select[Any], page: int) -> Paged:
    """The asked page of a filtered list query (clamped to the last page), counted: the page's
    ids (query's first column, sorted and filtered) with the count in one pass over the rows,
    then frame's rows of those ids only (its first column)."""
    key = frame.selected_columns[0]
    numbered = query.with_only_columns(query.selected_columns[0], func.count().over())
    numbered = numbered.limit(PAGE_SIZE)

    def ids(n: int) -> Sequence[Row[Any]]:
        return session.execute(numbered.offset((n - 1) * PAGE_SIZE)).all()

    found = ids(page)
    if found:
        total, capped = min(int(found[0][1]), COUNT_CAP), int(found[0][1]) > COUNT_CAP
    else:  # nothing, or a page past the last
        total, capped = count_capped(session=session, query=query)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        page = pages
        found = ids(page) if total else []
    at = {row_id: n for n, (row_id, _) in enumerate(found)}
    rows = session.execute(frame.where(key.in_(list(at)))).all() if at else []
    return Paged(sorted(rows, key=lambda r: at[r[0]]), total, capped, page, pages)


def batches(*, session: Session, query: Select[Any], batch: int) -> Iterator[list[Row[Any]]]:
    """Every row of a filtered list query in list order, a batch at a time (for exports)."""
    # Core rows, without the ORM's per-row work (half the fetching CPU of 100,000 rows)
    result = session.connection().execute(query, execution_options={"yield_per": batch})
    for part in result.partitions(batch):
        yield list(part)


def task_page(*, session: Session, who: Principal, filters: ListFilter) -> TaskPage:
    """One page of the filtered tasks, with how many there are."""
    query = filtered_tasks(session=session, who=who, filters=filters)
    found = page_of(session=session, query=query, frame=_frame(), page=filters.page)
    towns = townships_of(session=session, jurisdiction_ids={r.jurisdiction_id for r in found.rows})
    rows = _as_rows(found.rows, towns, clock.today())
    return TaskPage(rows, found.total, found.capped, found.page, found.pages)


def iter_task_rows(
    *, session: Session, who: Principal, filters: ListFilter, batch: int = 5_000
) -> Iterator[TaskRow]:
    """Every filtered task in list order, in batches (for the export)."""
    query = filtered_tasks(session=session, who=who, filters=filters)
    today, towns = clock.today(), TownshipNames(session=session, path=who.path)
    for part in batches(session=session, query=query, batch=batch):
        yield from _as_rows(part, towns.of(r.jurisdiction_id for r in part), today)
