"""The units a 红黑榜 ranks and their figures (rule 10): the level below the office — a county
office ranks its townships, a city office its counties. A township's or village's office reads
its county's board (the board is published to every office of the county).

A township's figures are its officers' tasks (services.figures: the township of the officer's
jurisdiction) and the hazards of its jurisdiction; a county's are its whole subtree's, the same
figures its own briefing heads with.
"""

from typing import TypedDict

from sqlalchemy import select, text
from sqlmodel import Session

from models.enums import JurisdictionLevel
from models.jurisdiction import Jurisdiction
from services import figures
from services.core.errors import BadInput
from services.core.jurisdictions import Place, path_like, places, resolve_scope
from services.core.periods import Period
from services.figures.hazards import HazardFigures, HazardRates, no_hazards
from services.figures.tasks import TaskFigures, TaskRates

UNIT_LEVEL = {
    JurisdictionLevel.CITY.value: JurisdictionLevel.COUNTY.value,
    JurisdictionLevel.COUNTY.value: JurisdictionLevel.TOWNSHIP.value,
}


class UnitFigures(TypedDict):
    """The measured figures of one unit in a quarter (the components before scoring)."""

    code: str
    name: str
    tasks_due: int
    tasks_done: int
    tasks_on_time: int
    tasks_late: int
    tasks_unfinished: int
    completion_rate: float | None
    on_time_rate: float | None
    hazards_to_close: int
    hazards_closed: int
    closure_rate: float | None
    overdue_tasks: int
    overdue_hazards: int
    overdue_items: int


def board_office(*, session: Session, code: str | None) -> tuple[Jurisdiction, str | None]:
    """The office whose board a jurisdiction reads, and the unit of it to highlight (a
    township's or village's board is its county's, with its township highlighted)."""
    place = resolve_scope(session=session, code=code)
    if place.level in UNIT_LEVEL:
        return place, None
    codes = [c for c in place.path.strip("/").split("/") if c]
    chain = {
        j.level: j
        for j in session.execute(select(Jurisdiction).where(Jurisdiction.code.in_(codes))).scalars()
    }
    county = chain.get(JurisdictionLevel.COUNTY.value)
    town = chain.get(JurisdictionLevel.TOWNSHIP.value)
    if county is None:
        raise BadInput(f"{place.name}不属于任何县（区），没有可读的红黑榜")
    return county, town.code if town is not None else None


def _unit(
    code: str, name: str, tasks: TaskRates, hazards: HazardRates, escalated: int
) -> UnitFigures:
    overdue_tasks = tasks["escalated"]
    return {
        "code": code,
        "name": name,
        "tasks_due": tasks["due"],
        "tasks_done": tasks["done"],
        "tasks_on_time": tasks["on_time"],
        "tasks_late": tasks["late"],
        "tasks_unfinished": tasks["undone"],
        "completion_rate": tasks["completion_rate"],
        "on_time_rate": tasks["on_time_rate"],
        "hazards_to_close": hazards["carried_over"] + hazards["found"],
        "hazards_closed": hazards["closed"],
        "closure_rate": hazards["closure_rate"],
        "overdue_tasks": overdue_tasks,
        "overdue_hazards": escalated,
        "overdue_items": overdue_tasks + escalated,
    }


def _measured(
    session: Session, quarter: Period, root: Jurisdiction
) -> tuple[TaskFigures, HazardFigures, dict[str, int]]:
    """The task figures, hazard figures and escalated hazards of a subtree in a quarter."""
    where: dict[int, Place] = places(session=session, root=root)
    day = figures.as_of(quarter)
    tasks = figures.task_figures(
        session=session,
        scope_path=root.path,
        where=where,
        start=quarter.start,
        end=quarter.end,
        as_of=day,
    )
    hazards = figures.hazard_figures(session=session, quarter=quarter, root=root, where=where)
    escalated = figures.escalated_hazards(
        session=session, scope_path=root.path, where=where, as_of=day
    )
    return tasks, hazards, escalated


def _townships(session: Session, quarter: Period, root: Jurisdiction) -> list[UnitFigures]:
    tasks, hazards, escalated = _measured(session, quarter, root)
    by_town = {t["code"]: t["total"] for t in hazards["by_township"]}
    return [
        _unit(
            t["code"],
            t["name"],
            tasks["by_township"][t["code"]],
            by_town.get(t["code"]) or no_hazards(),
            escalated.get(t["code"], 0),
        )
        for t in figures.township_list(session=session, scope_path=root.path)
    ]


def _county(session: Session, quarter: Period, county: Jurisdiction) -> UnitFigures:
    tasks, hazards, escalated = _measured(session, quarter, county)
    return _unit(county.code, county.name, tasks["all"], hazards["totals"], sum(escalated.values()))


def unit_figures(*, session: Session, quarter: Period, office: Jurisdiction) -> list[UnitFigures]:
    """The figures of every unit an office ranks in a quarter, by code."""
    level = UNIT_LEVEL.get(office.level)
    if level == JurisdictionLevel.TOWNSHIP.value:
        return _townships(session, quarter, office)
    if level is None:
        raise BadInput(f"{office.name}不是县级或市级区划，没有下级单位可排名")
    counties = session.execute(
        select(Jurisdiction)
        .where(Jurisdiction.parent_id == office.id, Jurisdiction.level == level)
        .order_by(Jurisdiction.code)
    ).scalars()
    return [_county(session, quarter, county) for county in counties]


def township_counties(*, session: Session, office: Jurisdiction) -> dict[str, dict[str, str]]:
    """Every township (and county) of an office's subtree → its county's code and name."""
    rows = session.execute(
        text(
            "SELECT t.code, c.code, c.name FROM jurisdiction t "
            "JOIN jurisdiction c ON c.id = t.parent_id "
            "WHERE t.level = 'township' AND t.path LIKE :scope ESCAPE '\\' "
            "UNION SELECT code, code, name FROM jurisdiction "
            "WHERE level = 'county' AND path LIKE :scope ESCAPE '\\'"
        ),
        {"scope": path_like(office.path)},
    ).all()
    return {town: {"code": code, "name": name} for town, code, name in rows}
