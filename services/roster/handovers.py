"""The handovers (交接) of a period in a jurisdiction subtree, newest first: for the dashboard
and the admin page."""

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.handover import Handover
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.core import clock
from services.core.jurisdictions import path_like
from services.core.periods import period_containing

Before, After = aliased(Officer), aliased(Officer)
BeforeJ, AfterJ = aliased(Jurisdiction), aliased(Jurisdiction)


def quarter_handovers(*, session: Session, scope_path: str) -> list[dict]:
    """This quarter's handovers in the subtree."""
    quarter = period_containing(clock.today(), "quarterly")
    return handovers_between(
        session=session, scope_path=scope_path, start=quarter.start, end=quarter.end
    )


def handovers_between(
    *, session: Session, scope_path: str, start: dt.date, end: dt.date, limit: int = 200
) -> list[dict]:
    """Handovers whose first day lies in [start, end] and whose predecessor or successor
    belongs to the subtree."""
    within = path_like(scope_path)
    rows = session.execute(
        select(Handover, Before.code, Before.name, After.code, After.name, BeforeJ.name)
        .join(Before, Before.id == Handover.from_officer_id)
        .join(BeforeJ, BeforeJ.id == Before.jurisdiction_id)
        .outerjoin(After, After.id == Handover.to_officer_id)
        .outerjoin(AfterJ, AfterJ.id == After.jurisdiction_id)
        .where(
            Handover.handed_on.between(start, end),
            or_(BeforeJ.path.like(within, escape="\\"), AfterJ.path.like(within, escape="\\")),
        )
        .order_by(Handover.handed_on.desc(), Handover.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "date": h.handed_on.isoformat(),
            "from_code": from_code,
            "from_name": from_name,
            "place": place,
            "to_code": to_code,
            "to_name": to_name,
            "assignments": h.assignments,
            "tasks_moved": h.tasks_moved,
            "hazards_moved": h.hazards_moved,
            "actor": h.actor,
        }
        for h, from_code, from_name, to_code, to_name, place in rows
    ]
