"""Hazards of a recorded visit: one per checklist answer 否 and one per problem noted."""

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_checklist
from models.entity import Entity
from models.enums import HazardSource
from models.hazard import Hazard
from models.officer import Officer
from models.record import InspectionRecord
from models.task import InspectionTask
from services.core.errors import BadInput
from services.hazards import codes, duty
from services.hazards.create import LIMITS, open_hazard

NO = "否"


def open_hazards_for_record(
    *, session: Session, record: InspectionRecord, task: InspectionTask
) -> list[Hazard]:
    """Open one hazard per checklist answer 否 and per listed problem of a recorded visit."""
    session.flush()  # the record needs its id
    existing = (
        session.execute(select(Hazard).where(Hazard.record_id == record.id).order_by(Hazard.id))
        .scalars()
        .all()
    )
    if existing:  # already opened for this record: never twice
        return list(existing)
    findings = _failed_items(record.answers or {}) + _problems(record.problems or [])
    if not findings:
        return []
    entity = session.get(Entity, record.entity_id or task.entity_id)
    officer = session.get(Officer, record.officer_id or task.officer_id)
    defaults = duty.default_duty(
        session=session, jurisdiction_id=entity.jurisdiction_id, officer=officer, entity=entity
    )
    actor = record.recorded_by or officer.code
    return [
        open_hazard(
            session=session,
            actor=actor,
            source=HazardSource.INSPECTION,
            level=level,
            description=description,
            checklist_item=item_id,
            found_on=record.visit_date,
            deadline=duty.deadline_for(level=level, found_on=record.visit_date),
            jurisdiction_id=entity.jurisdiction_id,
            entity_id=entity.id,
            record_id=record.id,
            officer_id=officer.id,
            **defaults,
        )
        for item_id, level, description in findings
    ]


def _failed_items(answers: dict) -> list[tuple[str | None, str, str]]:
    items = {item.id: item for item in load_checklist().items}
    found = []
    for item_id, answer in answers.items():
        if str(answer).strip() != NO:
            continue
        item = items.get(item_id)
        if item is None:
            raise BadInput(f"检查项 {item_id} 不在督导检查清单中")
        found.append((item_id, item.hazard_level, f"检查项不符合：{item.text}"))
    return found


def _problems(problems: list) -> list[tuple[str | None, str, str]]:
    found = []
    for n, problem in enumerate(problems, 1):
        if not isinstance(problem, dict):
            raise BadInput(f"第 {n} 个问题格式不正确，应含 description 和 level")
        description = str(problem.get("description") or "").strip()
        if not description:
            raise BadInput(f"第 {n} 个问题缺少描述（description）")
        if len(description) > LIMITS["description"]:
            raise BadInput(f"第 {n} 个问题的描述过长（最多 {LIMITS['description']} 字）")
        found.append((None, codes.parse_level(str(problem.get("level") or "")), description))
    return found
