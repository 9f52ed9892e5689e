"""Visit figures of a subtree over a span of days: visits recorded (by visit date), on site,
distinct entities visited, by tier and by township; and each campaign's completion.

A visit belongs to the township of its task's jurisdiction (its officer's), as tasks do; the
scope is the visited entity's jurisdiction subtree. Campaign tasks count as in task_figures:
done by as_of, cancelled ones out of the due; guidance tasks (definitions.package_task) are
neither visits nor campaigns here.
"""

import datetime as dt
from typing import TypedDict

from sqlalchemy import text
from sqlmodel import Session

from models.enums import VisitMode
from services.core.jurisdictions import Place, path_like
from services.figures import definitions as d
from services.figures.common import as_date
from services.figures.rates import completion_rate
from services.figures.tasks import TIERS

_T = d.task_sql("t")
_VISITS = (
    "FROM inspection_record r JOIN inspection_task t ON t.id = r.task_id "
    "JOIN officer o ON o.id = r.officer_id JOIN entity e ON e.id = r.entity_id "
    "JOIN jurisdiction ej ON ej.id = e.jurisdiction_id "
    "WHERE ej.path LIKE :scope ESCAPE '\\' AND r.visit_date BETWEEN :start AND :end "
    f"AND {d.package_task_sql('t')} "
)


class VisitFigures(TypedDict):
    """Visits dated in a span: all, on site, distinct entities, by tier and township code."""

    visits: int
    onsite: int
    entities_visited: int
    by_tier: dict[str, int]
    by_township: dict[str, int]


class CampaignFigures(TypedDict):
    """A campaign due in a span: its tasks due, done by as_of and the completion rate."""

    name: str
    due_date: str  # ISO
    due: int
    done: int
    completion_rate: float | None


def visit_figures(
    *, session: Session, scope_path: str, where: dict[int, Place], start: dt.date, end: dt.date
) -> VisitFigures:
    """Visits dated in [start, end]: visits, onsite, entities_visited, by_tier, by_township."""
    params = {"scope": path_like(scope_path), "start": start, "end": end}
    rows = session.execute(
        text(
            "SELECT t.jurisdiction_id AS jid, o.tier AS tier, r.mode AS mode, COUNT(*) AS n "
            f"{_VISITS}"
            "GROUP BY t.jurisdiction_id, o.tier, r.mode"
        ),
        params,
    ).all()
    entities = session.execute(
        text(f"SELECT COUNT(DISTINCT r.entity_id) {_VISITS}"), params
    ).scalar_one()
    by_tier = dict.fromkeys(TIERS, 0)
    by_township: dict[str, int] = {}
    visits = onsite = 0
    for row in rows:
        visits += row.n
        onsite += row.n if row.mode == VisitMode.ONSITE else 0
        by_tier[row.tier] += row.n
        place = where.get(row.jid)
        if place is not None:
            by_township[place.group_code] = by_township.get(place.group_code, 0) + row.n
    return {
        "visits": visits,
        "onsite": onsite,
        "entities_visited": entities,
        "by_tier": by_tier,
        "by_township": dict(sorted(by_township.items())),
    }


def campaign_figures(
    *, session: Session, scope_path: str, start: dt.date, end: dt.date, as_of: dt.date
) -> list[CampaignFigures]:
    """Campaigns due in [start, end] with their tasks in the subtree: due (cancelled ones left
    out), done by as_of, completion_rate."""
    rows = session.execute(
        text(
            "SELECT c.name AS name, c.due_date AS due_date, COUNT(t.id) AS total, "
            f"{d.count_sql(_T['cancelled'])} AS cancelled, {d.count_sql(_T['done'])} AS done "
            "FROM campaign c JOIN inspection_task t ON t.campaign_id = c.id "
            "JOIN entity e ON e.id = t.entity_id JOIN jurisdiction j ON j.id = e.jurisdiction_id "
            "WHERE j.path LIKE :scope ESCAPE '\\' AND c.due_date BETWEEN :start AND :end "
            f"AND {d.package_task_sql('t')} GROUP BY c.id, c.name, c.due_date ORDER BY c.due_date, c.id"
        ),
        {"scope": path_like(scope_path), "start": start, "end": end, **d.params(as_of=as_of)},
    ).all()
    found: list[CampaignFigures] = []
    for row in rows:
        due, done = int(row.total) - int(row.cancelled or 0), int(row.done or 0)
        found.append(
            {
                "name": row.name,
                "due_date": as_date(row.due_date).isoformat(),
                "due": due,
                "done": done,
                "completion_rate": completion_rate(done=done, due=due),
            }
        )
    return found
