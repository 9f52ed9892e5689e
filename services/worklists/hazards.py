"""The supervisor's hazard list (隐患验收, 全部未销号, 逾期未整改, 已销号): hazards of the
office's scope, filtered, searched, sorted and paged; the same query feeds the export."""

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row, Select, case, or_, select
from sqlmodel import Session

from models.entity import KEY, Entity
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.core import clock
from services.figures.definitions import hazard_overdue_now
from services.hazards.listing import overdue_workdays, state_condition
from services.permissions.principal import Principal
from services.worklists.filters import ListFilter
from services.worklists.scope import TownshipNames, list_places, townships_of
from services.worklists.tasks import batches, page_of


class HazardRow(NamedTuple):  # a tuple: built 100,000 times by an export
    """One hazard as a supervisor list shows it (names first, codes beside them)."""

    id: int
    entity_name: str | None
    entity_key: str | None
    description: str
    source: str
    level: str
    status: str
    found_on: dt.date
    deadline: dt.date
    closed_on: dt.date | None
    responsible_person: str | None
    officer_code: str | None
    officer_name: str | None
    place: str
    township: str
    overdue: bool
    overdue_workdays: int


@dataclass(frozen=True)
class HazardPage:
    rows: list[HazardRow]
    total: int
    capped: bool
    page: int
    pages: int


COLUMNS = (  # plain columns, no ORM objects: an export reads 100,000 rows
    Hazard.id, Hazard.jurisdiction_id, Hazard.description, Hazard.source, Hazard.level,
    Hazard.status, Hazard.found_on, Hazard.deadline, Hazard.closed_on,
    Hazard.responsible_person, Entity.name.label("entity_name"), KEY.label("entity_key"),
    Officer.code.label("officer_code"), Officer.name.label("officer_name"),
    Jurisdiction.name.label("place"),
)  # fmt: skip
_SEVERITY = case({"major": 0, "serious": 1, "general": 2}, value=Hazard.level)
SORTS = {
    "deadline": (Hazard.deadline,),
    "found_on": (Hazard.found_on,),
    "level": (_SEVERITY, Hazard.deadline),
    "entity": (Entity.name,),
    "officer": (Officer.name, Officer.code),
    "township": (Jurisdiction.path,),
}


def _state(status: str | None, today: dt.date) -> list[ColumnElement[bool]]:
    return [] if status is None else [state_condition(status=status, today=today)]


def _search(q: str) -> ColumnElement[bool]:
    text = f"%{q.replace('%', '').replace('_', '')}%"
    return or_(
        Entity.name.like(text),
        Entity.credit_code == q,
        Entity.licence_no == q,
        Entity.registration_no == q,
        Officer.name.like(text),
        Officer.code == q,
        Hazard.description.like(text),
    )


def _frame() -> Select[Any]:
    """Hazards with their names, by outer joins on keys (the jurisdiction always matches), so
    the planner leaves out those a count or a page's ids do not read."""
    return (
        select(*COLUMNS)
        .outerjoin(Jurisdiction, Jurisdiction.id == Hazard.jurisdiction_id)
        .outerjoin(Entity, Entity.id == Hazard.entity_id)
        .outerjoin(Officer, Officer.id == Hazard.officer_id)
    )


def filtered_hazards(*, session: Session, who: Principal, filters: ListFilter) -> Select[Any]:
    """The select of the filtered hazards, sorted (the page and the export read it)."""
    today, f = clock.today(), filters
    places = list_places(session=session, who=who, township=f.township)
    query = _frame().where(places.hold(Hazard.jurisdiction_id), *_state(f.status, today))
    if f.source:
        query = query.where(Hazard.source == f.source)
    if f.level:
        query = query.where(Hazard.level == f.level)
    if f.officer:
        query = query.where(Officer.code == f.officer)
    if f.tier:
        query = query.where(Officer.tier == f.tier)
    if f.period is not None:  # active in the period: found by its end, not closed before it
        query = query.where(
            Hazard.found_on <= f.period.end,
            or_(Hazard.closed_on.is_(None), Hazard.closed_on >= f.period.start),
            or_(Hazard.withdrawn_on.is_(None), Hazard.withdrawn_on >= f.period.start),
        )
    if f.q:
        query = query.where(_search(f.q))
    order = [c.desc() if f.descending else c for c in SORTS[f.sort or "deadline"]]
    return query.order_by(*order, Hazard.id.desc() if f.descending else Hazard.id)


def _as_rows(rows: Sequence[Row[Any]], towns: Mapping[int, str], today: dt.date) -> list[HazardRow]:
    late = _lateness(today)
    return [  # unpacked by position: a Row's attributes cost microseconds each
        HazardRow(
            hid, entity_name, entity_key, description, source, level, status, found_on,
            deadline, closed_on, person, officer_code, officer_name, place,
            towns.get(jid, ""), *late(status, deadline),
        )
        for (
            hid, jid, description, source, level, status, found_on, deadline, closed_on, person,
            entity_name, entity_key, officer_code, officer_name, place,
        ) in rows
    ]  # fmt: skip


def _lateness(today: dt.date) -> Callable[[str, dt.date], tuple[bool, int]]:
    """(overdue now, working days overdue) of a hazard by its state and deadline, remembered."""

    @cache
    def late(status: str, deadline: dt.date) -> tuple[bool, int]:
        return (
            hazard_overdue_now(status=status, deadline=deadline, today=today),
            overdue_workdays(deadline=deadline, status=status, today=today),
        )

    return late


def hazard_page(*, session: Session, who: Principal, filters: ListFilter) -> HazardPage:
    """One page of the filtered hazards, with how many there are."""
    query = filtered_hazards(session=session, who=who, filters=filters)
    found = page_of(session=session, query=query, frame=_frame(), page=filters.page)
    towns = townships_of(session=session, jurisdiction_ids={r.jurisdiction_id for r in found.rows})
    rows = _as_rows(found.rows, towns, clock.today())
    return HazardPage(rows, found.total, found.capped, found.page, found.pages)


def iter_hazard_rows(
    *, session: Session, who: Principal, filters: ListFilter, batch: int = 5_000
) -> Iterator[HazardRow]:
    """Every filtered hazard in list order, in batches (for the export)."""
    query = filtered_hazards(session=session, who=who, filters=filters)
    today, towns = clock.today(), TownshipNames(session=session, path=who.path)
    for part in batches(session=session, query=query, batch=batch):
        yield from _as_rows(part, towns.of(r.jurisdiction_id for r in part), today)
