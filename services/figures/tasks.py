"""Task figures of a jurisdiction subtree for a quarter.

A quarter's tasks are those due in it (routine of any frequency, and campaign). Figures describe
day D = as_of(quarter): done = status done with done_on <= D; on time = done and
done_on <= due_date; cancelled = status cancelled by D (never overdue or undone); handed over =
status 已交接 by D (a handover moved it to the successor's task with the same due date: counted
for nobody); undone = due but not done by D; overdue = undone and due before D (as for
hazards); escalated = overdue by >= reminders.escalate_after_workdays working days on D. Rates
are over due = total − cancelled − handed over (None when nothing was due). The scope is the entity's jurisdiction subtree; a task belongs to
the township of its officer's jurisdiction (county and city officers' tasks to no township).
"""

import datetime as dt

from sqlalchemy import text
from sqlmodel import Session

from models.enums import OfficerTier, TaskSource
from services.core import calendar
from services.core.jurisdictions import Place, path_like
from services.figures.common import as_date, escalation_cutoff, ratio

COUNTED = ("total", "cancelled", "handed_over", "done", "on_time", "overdue", "escalated")
TIERS = tuple(OfficerTier)


def _with_rates(counts: dict) -> dict:
    due = counts["total"] - counts["cancelled"] - counts["handed_over"]
    return {
        **counts,
        "due": due,
        "late": counts["done"] - counts["on_time"],
        "undone": due - counts["done"],
        "completion_rate": ratio(counts["done"], due),
        "on_time_rate": ratio(counts["on_time"], due),
    }


def _empty() -> dict:
    return dict.fromkeys(COUNTED, 0)


def _add(into: dict, row: dict) -> None:
    for key in COUNTED:
        into[key] += int(row[key] or 0)


_UNDONE_AT = (
    "NOT (t.status = 'done' AND t.done_on <= :as_of) "
    "AND NOT (t.status = 'cancelled' AND COALESCE(t.cancelled_on, t.created_on) <= :as_of) "
    "AND NOT (t.status = 'handed_over' AND t.handed_over_on <= :as_of)"
)
_IN_SCOPE = (
    "FROM inspection_task t JOIN officer o ON o.id = t.officer_id "
    "JOIN entity e ON e.id = t.entity_id JOIN jurisdiction ej ON ej.id = e.jurisdiction_id "
    "WHERE ej.path LIKE :scope ESCAPE '\\' AND t.due_date BETWEEN :start AND :end "
)
_TASK_SQL = f"""
SELECT t.jurisdiction_id AS jid, o.tier AS tier, t.source AS source, COUNT(*) AS total,
  SUM(CASE WHEN t.status = 'cancelled' AND COALESCE(t.cancelled_on, t.created_on) <= :as_of
      THEN 1 ELSE 0 END) AS cancelled,
  SUM(CASE WHEN t.status = 'handed_over' AND t.handed_over_on <= :as_of
      THEN 1 ELSE 0 END) AS handed_over,
  SUM(CASE WHEN t.status = 'done' AND t.done_on <= :as_of THEN 1 ELSE 0 END) AS done,
  SUM(CASE WHEN t.status = 'done' AND t.done_on <= :as_of AND t.done_on <= t.due_date
      THEN 1 ELSE 0 END) AS on_time,
  SUM(CASE WHEN {_UNDONE_AT} AND t.due_date < :as_of THEN 1 ELSE 0 END) AS overdue,
  SUM(CASE WHEN {_UNDONE_AT} AND t.due_date < :cutoff THEN 1 ELSE 0 END) AS escalated
{_IN_SCOPE}GROUP BY t.jurisdiction_id, o.tier, t.source
"""


def township_list(*, session: Session, scope_path: str) -> list[dict]:
    """The townships (乡镇/街道) of the subtree, by code: [{code, name}]."""
    rows = session.execute(
        text(
            "SELECT code, name FROM jurisdiction WHERE level = 'township' "
            "AND path LIKE :scope ESCAPE '\\' ORDER BY code"
        ),
        {"scope": path_like(scope_path)},
    )
    return [{"code": code, "name": name} for code, name in rows]


def _township(where: dict[int, Place], towns: dict, jid: int) -> str | None:
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
) -> dict:
    """Counts and rates of the tasks due in [start, end]: all, by tier, source and township."""
    params = {
        "scope": path_like(scope_path),
        "start": start,
        "end": end,
        "as_of": as_of,
        "cutoff": escalation_cutoff(as_of=as_of),
    }
    towns = {t["code"]: _empty() for t in township_list(session=session, scope_path=scope_path)}
    total, by_tier, by_source = _empty(), {t: _empty() for t in TIERS}, {}
    for row in session.execute(text(_TASK_SQL), params).mappings():
        _add(total, row)
        _add(by_tier[row["tier"]], row)
        _add(by_source.setdefault(row["source"], _empty()), row)
        town = _township(where, towns, row["jid"])
        if town is not None:
            _add(towns[town], row)
    return {
        "all": _with_rates(total),
        "by_tier": {tier: _with_rates(c) for tier, c in by_tier.items()},
        "by_source": {s: _with_rates(c) for s, c in sorted(by_source.items())},
        "by_township": {code: _with_rates(c) for code, c in towns.items()},
    }


def unfinished_by_officer(
    *,
    session: Session,
    scope_path: str,
    where: dict[int, Place],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
) -> list[dict]:
    """Officers whose tasks due in [start, end] and by as_of were undone on as_of."""
    rows = session.execute(
        text(
            "SELECT o.code, o.name, o.tier, o.jurisdiction_id, COUNT(*), MIN(t.due_date) "
            f"{_IN_SCOPE}AND t.due_date <= :as_of AND {_UNDONE_AT} "
            "GROUP BY o.code, o.name, o.tier, o.jurisdiction_id"
        ),
        {"scope": path_like(scope_path), "start": start, "end": end, "as_of": as_of},
    ).all()
    listed = []
    for code, name, tier, jid, n, oldest in rows:
        place = where.get(jid)
        listed.append(
            {
                "township_code": place.group_code if place else "",
                "township": place.group_name if place else "",
                "officer_code": code,
                "officer": name,
                "tier": tier,
                "unfinished": n,
                "overdue_workdays": calendar.workdays_between(as_date(oldest), as_of),
            }
        )
    return sorted(listed, key=lambda r: (r["township_code"], -r["unfinished"], r["officer_code"]))


def upcoming_work(*, session: Session, scope_path: str, start: dt.date, end: dt.date) -> dict:
    """Tasks due in [start, end] by source and the campaigns due then (next quarter's work)."""
    params = {"scope": path_like(scope_path), "start": start, "end": end}
    by_source = dict(
        session.execute(
            text(
                "SELECT t.source, COUNT(*) FROM inspection_task t JOIN entity e ON e.id = t.entity_id "
                "JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE j.path LIKE :scope ESCAPE '\\' "
                "AND t.due_date BETWEEN :start AND :end "
                "AND t.status NOT IN ('cancelled', 'handed_over') GROUP BY t.source"
            ),
            params,
        ).all()
    )
    campaigns = session.execute(
        text(
            "SELECT c.name, c.due_date, COUNT(t.id) FROM campaign c "
            "JOIN inspection_task t ON t.campaign_id = c.id JOIN entity e ON e.id = t.entity_id "
            "JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE j.path LIKE :scope ESCAPE '\\' "
            "AND c.due_date BETWEEN :start AND :end GROUP BY c.name, c.due_date "
            "ORDER BY c.due_date, c.name"
        ),
        params,
    ).all()
    return {
        "routine_tasks": by_source.get(TaskSource.ROUTINE, 0),
        "campaign_tasks": by_source.get(TaskSource.CAMPAIGN, 0),
        "campaigns": [
            {"name": n, "due_date": as_date(d).isoformat(), "tasks": k} for n, d, k in campaigns
        ],
    }
