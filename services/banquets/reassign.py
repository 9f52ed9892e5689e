"""Reassigning a banquet's open 现场指导 task (rule 14: the township office can reassign): to
another active officer of the village (village tier) or of its township (township tier), by an
office user whose subtree holds the village; audited, committed by the caller."""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlmodel import Session

from models.banquet import Banquet
from models.enums import OfficerTier, TaskStatus, label
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from services.banquets.lookup import banquet_task, open_banquet
from services.core import audit
from services.core.errors import BadInput
from services.permissions.principal import Principal
from services.permissions.rules import within


@dataclass(frozen=True)
class Candidate:
    """An officer a guidance task may go to."""

    code: str
    name: str
    tier: str  # Chinese label


def _village(session: Session, banquet: Banquet) -> Jurisdiction:
    village = session.get(Jurisdiction, banquet.jurisdiction_id)
    assert village is not None  # a foreign key
    return village


def _candidates(session: Session, village: Jurisdiction) -> list[Officer]:
    return list(
        session.execute(
            select(Officer)
            .where(
                Officer.active.is_(True),
                or_(
                    (Officer.tier == OfficerTier.VILLAGE) & (Officer.jurisdiction_id == village.id),
                    (Officer.tier == OfficerTier.TOWNSHIP)
                    & (Officer.jurisdiction_id == village.parent_id),
                ),
            )
            .order_by(Officer.tier.desc(), Officer.code)
        ).scalars()
    )


def may_reassign(*, session: Session, who: Principal, banquet: Banquet) -> bool:
    """Whether who (an office of the village's subtree, full session) may reassign its task."""
    return who.is_office and who.only is None and within(who, _village(session, banquet).path)


def guide_candidates(*, session: Session, banquet: Banquet) -> list[Candidate]:
    """The officers a banquet's guidance task may be reassigned to (village tier first)."""
    return [
        Candidate(o.code, o.name, label(OfficerTier, o.tier))
        for o in _candidates(session, _village(session, banquet))
    ]


def reassign_guidance(
    *, session: Session, who: Principal, banquet_id: int, officer_code: str
) -> InspectionTask | None:
    """Move the banquet's open 现场指导 task to the officer with this code (None outside who's
    scope; BadInput for a task that is not open or an officer who may not guide it)."""
    banquet = open_banquet(session=session, banquet_id=banquet_id)
    if not may_reassign(session=session, who=who, banquet=banquet):
        return None
    task = banquet_task(session=session, banquet_id=banquet_id)
    if task is None or task.status != TaskStatus.OPEN:
        raise BadInput(f"聚餐备案 {banquet_id} 没有待办的现场指导任务，不能改派")
    found = {o.code: o for o in _candidates(session, _village(session, banquet))}
    officer = found.get(officer_code.strip())
    if officer is None or officer.id is None:
        raise BadInput(f"包保干部 {officer_code} 不是该村或所属乡镇在岗的村级、乡级干部")
    before = session.get(Officer, task.officer_id)
    task.officer_id, task.jurisdiction_id = officer.id, officer.jurisdiction_id
    banquet.officer_id = officer.id
    audit.record_event(
        session=session,
        actor=who.account,
        action="banquet.reassign",
        object_type="banquet",
        object_id=banquet_id,
        before={"officer": before.code if before else None},
        after={"officer": officer.code, "task": task.id},
    )
    session.flush()
    return task
