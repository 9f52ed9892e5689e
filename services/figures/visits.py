"""Visit figures of a subtree over a span of days: visits recorded (by visit date), on site,
distinct entities visited, by tier and by township; and each campaign's completion.

A visit belongs to the township of its task's jurisdiction (its officer's), as tasks do; the
scope is the visited entity's jurisdiction subtree. Campaign tasks count as in task_figures:
done by as_of, cancelled ones out of the due; guidance tasks (definitions.package_task) are
neither visits nor campaigns here.
"""

import datetime as dt

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


def visit_figures(
    *, session: Session, scope_path: str, where: dict[int, Place], start: dt.date, end: dt.date
) -> dict:
    """Visits dated in [start, end]: visits, onsite, entities_visited, by_tier, by_township."""
    params = {"scope": path_like(scope_path), "start": start, "end": end}
    rows = session.execute(
        text(
            f"SELECT t.jurisdiction_id, o.tier, r.mode, COUNT(*) {_VISITS}"
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
    for jid, tier, mode, n in rows:
        visits += n
        onsite += n if mode == VisitMode.ONSITE else 0
        by_tier[tier] += n
        place = where.get(jid)
        if place is not None:
            by_township[place.group_code] = by_township.get(place.group_code, 0) + n
    return {
        "visits": visits,
        "onsite": onsite,
        "entities_visited": entities,
        "by_tier": by_tier,
        "by_township": dict(sorted(by_township.items())),
    }


def campaign_figures(
    *, session: Session, scope_path: str, start: dt.date, end: dt.date, as_of: dt.date
) -> list[dict]:
    """Campaigns due in [start, end] with their tasks in the subtree: due (cancelled ones left
    out), done by as_of, completion_rate."""
    rows = session.execute(
        text(
            "SELECT c.name, c.due_date, COUNT(t.id) AS total, "
            f"{d.count_sql(_T['cancelled'])} AS cancelled, {d.count_sql(_T['done'])} AS done "
            "FROM campaign c JOIN inspection_task t ON t.campaign_id = c.id "
            "JOIN entity e ON e.id = t.entity_id JOIN jurisdiction j ON j.id = e.jurisdiction_id "
            "WHERE j.path LIKE :scope ESCAPE '\\' AND c.due_date BETWEEN :start AND :end "
            f"AND {d.package_task_sql('t')} GROUP BY c.id, c.name, c.due_date ORDER BY c.due_date, c.id"
        ),
        {"scope": path_like(scope_path), "start": start, "end": end, **d.params(as_of=as_of)},
    ).all()
    found = []
    for name, due_date, total, cancelled, done in rows:
        due = int(total) - int(cancelled or 0)
        found.append(
            {
                "name": name,
                "due_date": as_date(due_date).isoformat(),
                "due": due,
                "done": int(done or 0),
                "completion_rate": completion_rate(done=int(done or 0), due=due),
            }
        )
    return found
