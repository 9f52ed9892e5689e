"""Hazards of a recorded visit: one per checklist answer 否 and one per problem noted. A 否
answer's own note is the hazard's description and its photos the first evidence; a 否 on an
item that already has an open hazard at the same entity recurs on it instead (rule 11)."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from models.entity import Entity
from models.enums import HazardSource
from models.hazard import Hazard, HazardRecurrence
from models.officer import Officer
from models.record import InspectionRecord
from models.task import InspectionTask
from services.core import audit, evidence
from services.core.errors import BadInput
from services.figures.definitions import OPEN
from services.hazards import codes, duty
from services.hazards.create import LIMITS, open_hazard
from services.visits.items import VisitItem, visit_items


@dataclass(frozen=True)
class Finding:
    """One thing a visit found: a failed checklist item or a problem noted."""

    item_id: str | None
    level: str
    description: str
    note: str | None = None
    photos: tuple[evidence.StoredFile, ...] = ()


@dataclass
class Findings:
    """The hazards a visit opened and the open hazards it recurred on."""

    opened: list[Hazard] = field(default_factory=list)
    recurred: list[Hazard] = field(default_factory=list)


def findings_of_record(
    *, session: Session, record: InspectionRecord, task: InspectionTask
) -> Findings:
    """Open one hazard per 否 answer and per listed problem of a recorded visit; a 否 whose item
    has an open hazard at the entity adds a recurrence to it."""
    session.flush()  # the record needs its id
    existing = (
        session.execute(select(Hazard).where(Hazard.record_id == record.id).order_by(Hazard.id))
        .scalars()
        .all()
    )
    if existing:  # already opened for this record: never twice
        return Findings(opened=list(existing))
    findings = _failed_items(visit_items(record)) + _problems(record.problems or [])
    found = Findings()
    if not findings:
        return found
    entity = session.execute(select(Entity).where(Entity.id == record.entity_id)).scalar_one()
    officer = session.execute(select(Officer).where(Officer.id == record.officer_id)).scalar_one()
    assert entity.id is not None and officer.id is not None and record.id is not None
    defaults = duty.default_duty(
        session=session, jurisdiction_id=entity.jurisdiction_id, officer=officer, entity=entity
    )
    actor = record.recorded_by or officer.code
    for finding in findings:
        hazard = _open_for_item(session=session, entity_id=entity.id, item_id=finding.item_id)
        if hazard is not None:
            _recur(session=session, hazard=hazard, record=record, finding=finding, actor=actor)
            found.recurred.append(hazard)
            continue
        hazard = open_hazard(
            session=session,
            actor=actor,
            source=HazardSource.INSPECTION,
            level=finding.level,
            description=finding.description,
            checklist_item=finding.item_id,
            found_on=record.visit_date,
            deadline=duty.deadline_for(level=finding.level, found_on=record.visit_date),
            jurisdiction_id=entity.jurisdiction_id,
            entity_id=entity.id,
            record_id=record.id,
            officer_id=officer.id,
            **defaults,
        )
        evidence.link_stored(
            session=session, hazard_id=_id(hazard), files=finding.photos, uploaded_by=actor
        )
        found.opened.append(hazard)
    return found


def _open_for_item(*, session: Session, entity_id: int, item_id: str | None) -> Hazard | None:
    """The entity's open hazard for a checklist item (the oldest), if any."""
    if item_id is None:
        return None
    return session.execute(
        select(Hazard)
        .where(
            Hazard.entity_id == entity_id,
            Hazard.checklist_item == item_id,
            Hazard.status.in_(OPEN),
        )
        .order_by(Hazard.id)
        .limit(1)
    ).scalar_one_or_none()


def _recur(
    *, session: Session, hazard: Hazard, record: InspectionRecord, finding: Finding, actor: str
) -> None:
    """Add a recurrence (this visit, its note and photos) to an open hazard; audited."""
    recurrence = HazardRecurrence(
        hazard_id=_id(hazard), record_id=_id(record), found_on=record.visit_date, note=finding.note
    )
    session.add(recurrence)
    session.flush()
    hashes = evidence.link_stored(
        session=session, hazard_id=_id(hazard), files=finding.photos, uploaded_by=actor
    )
    audit.record_event(
        session=session,
        actor=actor,
        action="hazard.recur",
        object_type="hazard",
        object_id=hazard.id,
        before={"status": hazard.status},
        after={
            "status": hazard.status,
            "record_id": record.id,
            "found_on": record.visit_date.isoformat(),
            "note": finding.note,
            "evidence": hashes,
        },
    )


def _id(row: Hazard | InspectionRecord) -> int:
    """The id of a row already flushed."""
    assert row.id is not None
    return row.id


def _failed_items(items: list[VisitItem]) -> list[Finding]:
    from config.files import load_checklist

    levels = {item.id: item.hazard_level for item in load_checklist().items}
    found = []
    for item in items:
        if not item.failed:
            continue
        if item.item_id not in levels:
            raise BadInput(f"检查项 {item.item_id} 不在督导检查清单中")
        description = item.note or f"检查项不符合：{item.question}"
        found.append(
            Finding(item.item_id, levels[item.item_id], description, item.note, item.photos)
        )
    return found


def _problems(problems: list[object]) -> list[Finding]:
    found = []
    for n, problem in enumerate(problems, 1):
        if not isinstance(problem, dict):
            raise BadInput(f"第 {n} 个问题格式不正确，应含 description 和 level")
        description = str(problem.get("description") or "").strip()
        if not description:
            raise BadInput(f"第 {n} 个问题缺少描述（description）")
        if len(description) > LIMITS["description"]:
            raise BadInput(f"第 {n} 个问题的描述过长（最多 {LIMITS['description']} 字）")
        found.append(Finding(None, codes.parse_level(str(problem.get("level") or "")), description))
    return found
