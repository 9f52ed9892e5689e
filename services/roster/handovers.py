"""The handovers (交接) of a period in a jurisdiction subtree, newest first: for the dashboard
and the admin page."""

import datetime as dt
from typing import TypedDict

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


class HandoverLine(TypedDict):
    """A handover as the dashboard and the admin page list it."""

    date: str
    from_code: str
    from_name: str
    place: str  # the predecessor's jurisdiction
    to_code: str | None
    to_name: str | None
    assignments: int
    tasks_moved: int
    hazards_moved: int
    actor: str


def quarter_handovers(*, session: Session, scope_path: str) -> list[HandoverLine]:
    """This quarter's handovers in the subtree."""
    quarter = period_containing(clock.today(), "quarterly")
    return handovers_between(
        session=session, scope_path=scope_path, start=quarter.start, end=quarter.end
    )


def handovers_between(
    *, session: Session, scope_path: str, start: dt.date, end: dt.date, limit: int = 200
) -> list[HandoverLine]:
    """Handovers whose first day lies in [start, end] and whose predecessor or successor
    belongs to the subtree."""
    within = path_like(scope_path)
    rows = session.execute(
        select(
            Handover,
            Before.code.label("from_code"),
            Before.name.label("from_name"),
            After.code.label("to_code"),
            After.name.label("to_name"),
            BeforeJ.name.label("place"),
        )
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
            "date": r.Handover.handed_on.isoformat(),
            "from_code": r.from_code,
            "from_name": r.from_name,
            "place": r.place,
            "to_code": r.to_code,
            "to_name": r.to_name,
            "assignments": r.Handover.assignments,
            "tasks_moved": r.Handover.tasks_moved,
            "hazards_moved": r.Handover.hazards_moved,
            "actor": r.Handover.actor,
        }
        for r in rows
    ]
