"""Task figures of a jurisdiction subtree for a quarter.

A quarter's tasks are the 包保 tasks (definitions.package_task) due in it (routine of any
frequency, and campaign). Each counts as definitions.task_day says on day D = as_of(quarter):
cancelled, done, on time, late, undone, overdue, escalated. Rates are over due = total −
cancelled (None when nothing was due). The scope is the entity's jurisdiction subtree; a task
belongs to the township of its officer's jurisdiction, county and city officers' tasks to their
tier's own row (by_tier_outside), so that the rows add up to the whole.
"""

import datetime as dt
from typing import Literal, TypedDict

from sqlalchemy import RowMapping, text
from sqlmodel import Session

from models.enums import JurisdictionLevel, OfficerTier, TaskSource, TaskStatus
from services.core.jurisdictions import Place, path_like
from services.figures import definitions as d
from services.figures.common import as_date
from services.figures.rates import completion_rate, on_time_rate

Counted = Literal["total", "cancelled", "done", "on_time", "overdue", "escalated"]
COUNTED: tuple[Counted, ...] = ("total", "cancelled", "done", "on_time", "overdue", "escalated")
TIERS: tuple[str, ...] = tuple(tier.value for tier in OfficerTier)  # city … village


class TaskCounts(TypedDict):
    """Tasks counted as definitions.task_day says on as_of."""

    total: int
    cancelled: int
    done: int
    on_time: int
    overdue: int
    escalated: int


class TaskRates(TaskCounts):
    """TaskCounts with what follows from them: due, late, undone and the two rates."""

    due: int
    late: int
    undone: int
    completion_rate: float | None
    on_time_rate: float | None


class TaskFigures(TypedDict):
    """task_figures: all, by tier, by source, by township code, by tier outside every township."""

    all: TaskRates
    by_tier: dict[str, TaskRates]
    by_source: dict[str, TaskRates]
    by_township: dict[str, TaskRates]
    by_tier_outside: dict[str, TaskRates]


class Township(TypedDict):
    code: str
    name: str


class UnfinishedOfficer(TypedDict):
    """An officer with tasks undone on as_of (unfinished_by_officer)."""

    township_code: str
    township: str
    officer_code: str
    officer: str
    tier: str
    unfinished: int
    overdue_workdays: int


class CampaignDue(TypedDict):
    name: str
    due_date: str  # ISO
    tasks: int


class UpcomingWork(TypedDict):
    """Tasks due in a span by source, and the campaigns due in it."""

    routine_tasks: int
    campaign_tasks: int
    campaigns: list[CampaignDue]


def _with_rates(counts: TaskCounts) -> TaskRates:
    due = counts["total"] - counts["cancelled"]
    return {
        **counts,
        "due": due,
        "late": counts["done"] - counts["on_time"],
        "undone": due - counts["done"],
        "completion_rate": completion_rate(done=counts["done"], due=due),
        "on_time_rate": on_time_rate(on_time=counts["on_time"], due=due),
    }


def _empty() -> TaskCounts:
    return {"total": 0, "cancelled": 0, "done": 0, "on_time": 0, "overdue": 0, "escalated": 0}


def no_tasks() -> TaskRates:
    """The figures of a unit without tasks: every count 0, both rates None."""
    return _with_rates(_empty())


def _add(into: TaskCounts, row: RowMapping) -> None:
    for key in COUNTED:
        into[key] += int(row[key] or 0)


_T = d.task_sql("t")
_IN_SCOPE = (
    "FROM inspection_task t JOIN officer o ON o.id = t.officer_id "
    "JOIN entity e ON e.id = t.entity_id JOIN jurisdiction ej ON ej.id = e.jurisdiction_id "
    "WHERE ej.path LIKE :scope ESCAPE '\\' AND t.due_date BETWEEN :start AND :end "
    f"AND {d.package_task_sql('t')} "
)
_TASK_SQL = f"""
SELECT t.jurisdiction_id AS jid, o.tier AS tier, t.source AS source, COUNT(*) AS total,
  {d.count_sql(_T["cancelled"])} AS cancelled,
  {d.count_sql(_T["done"])} AS done,
  {d.count_sql(_T["on_time"])} AS on_time,
  {d.count_sql(_T["overdue"])} AS overdue,
  {d.count_sql(_T["escalated"])} AS escalated
{_IN_SCOPE}GROUP BY t.jurisdiction_id, o.tier, t.source
"""


def township_list(*, session: Session, scope_path: str) -> list[Township]:
    """The townships (乡镇/街道) of the subtree, by code: [{code, name}]."""
    rows = session.execute(
        text(
            "SELECT code, name FROM jurisdiction WHERE level = :township "
            "AND path LIKE :scope ESCAPE '\\' ORDER BY code"
        ),
        {"scope": path_like(scope_path), "township": JurisdictionLevel.TOWNSHIP.value},
    )
    return [{"code": code, "name": name} for code, name in rows]


def _township(where: dict[int, Place], towns: dict[str, TaskCounts], jid: int) -> str | None:
    place = where.get(jid)
    return place.group_code if place is not None and place.group_code in towns else None


def task_figures(
    *,
    session: Session,
    scope_path: str,
    where: dict[int, Place],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
) -> TaskFigures:
    """Counts and rates of the tasks due in [start, end]: all, by tier, source and township,
    and by tier for the tasks of officers outside every township (the rows add up to all)."""
    params = {"scope": path_like(scope_path), "start": start, "end": end, **d.params(as_of=as_of)}
    towns = {t["code"]: _empty() for t in township_list(session=session, scope_path=scope_path)}
    total, by_tier = _empty(), {t: _empty() for t in TIERS}
    by_source: dict[str, TaskCounts] = {}
    outside: dict[str, TaskCounts] = {}
    for row in session.execute(text(_TASK_SQL), params).mappings():
        _add(total, row)
        _add(by_tier[row["tier"]], row)
        _add(by_source.setdefault(row["source"], _empty()), row)
        town = _township(where, towns, row["jid"])
        _add(towns[town] if town is not None else outside.setdefault(row["tier"], _empty()), row)
    return {
        "all": _with_rates(total),
        "by_tier": {tier: _with_rates(c) for tier, c in by_tier.items()},
        "by_source": {s: _with_rates(c) for s, c in sorted(by_source.items())},
        "by_township": {code: _with_rates(c) for code, c in towns.items()},
        "by_tier_outside": {t: _with_rates(outside[t]) for t in TIERS if t in outside},
    }


def unfinished_by_officer(
    *,
    session: Session,
    scope_path: str,
    where: dict[int, Place],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
) -> list[UnfinishedOfficer]:
    """Officers whose tasks due in [start, end] and by as_of were undone on as_of."""
    rows = session.execute(
        text(
            "SELECT o.code AS code, o.name AS name, o.tier AS tier, o.jurisdiction_id AS jid, "
            "COUNT(*) AS n, MIN(t.due_date) AS oldest "
            f"{_IN_SCOPE}AND t.due_date <= :as_of AND {_T['undone']} "
            "GROUP BY o.code, o.name, o.tier, o.jurisdiction_id"
        ),
        {"scope": path_like(scope_path), "start": start, "end": end, **d.params(as_of=as_of)},
    ).all()
    listed: list[UnfinishedOfficer] = []
    for row in rows:
        place = where.get(row.jid)
        listed.append(
            {
                "township_code": place.group_code if place else "",
                "township": place.group_name if place else "",
                "officer_code": row.code,
                "officer": row.name,
                "tier": row.tier,
                "unfinished": row.n,
                "overdue_workdays": d.overdue_by(as_date(row.oldest), as_of),
            }
        )
    return sorted(listed, key=lambda r: (r["township_code"], -r["unfinished"], r["officer_code"]))


def upcoming_work(
    *, session: Session, scope_path: str, start: dt.date, end: dt.date
) -> UpcomingWork:
    """Tasks due in [start, end] by source and the campaigns due then (next quarter's work)."""
    params = {"scope": path_like(scope_path), "start": start, "end": end}
    by_source: dict[str, int] = dict(
        session.execute(
            text(
                "SELECT t.source, COUNT(*) FROM inspection_task t JOIN entity e ON e.id = t.entity_id "
                "JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE j.path LIKE :scope ESCAPE '\\' "
                "AND t.due_date BETWEEN :start AND :end "
                f"AND t.status <> :cancelled AND {d.package_task_sql('t')} GROUP BY t.source"
            ),
            {**params, "cancelled": TaskStatus.CANCELLED.value},
        )
        .tuples()
        .all()
    )
    campaigns = session.execute(
        text(
            "SELECT c.name AS name, c.due_date AS due_date, COUNT(t.id) AS tasks FROM campaign c "
            "JOIN inspection_task t ON t.campaign_id = c.id JOIN entity e ON e.id = t.entity_id "
            "JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE j.path LIKE :scope ESCAPE '\\' "
            f"AND c.due_date BETWEEN :start AND :end AND {d.package_task_sql('t')} "
            "GROUP BY c.name, c.due_date "
            "ORDER BY c.due_date, c.name"
        ),
        params,
    ).all()
    return {
        "routine_tasks": by_source.get(TaskSource.ROUTINE, 0),
        "campaign_tasks": by_source.get(TaskSource.CAMPAIGN, 0),
        "campaigns": [
            {"name": c.name, "due_date": as_date(c.due_date).isoformat(), "tasks": c.tasks}
            for c in campaigns
        ],
    }
