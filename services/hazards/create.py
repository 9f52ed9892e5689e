"""Opening hazards: one function writes a new Hazard (with its duty and audit); `hazards add`."""

import datetime as dt
from typing import Literal, Required, TypedDict, Unpack

from sqlalchemy import or_, select
from sqlmodel import Session

from models.assignment import Assignment
from models.db import stored_id
from models.entity import Entity
from models.enums import HazardStatus
from models.hazard import Hazard
from models.officer import Officer
from services.core import audit, clock
from services.core.errors import BadInput
from services.core.jurisdictions import resolve_scope
from services.hazards import codes, duty

Limited = Literal["description", "responsible_unit", "responsible_person", "measure"]
LIMITS: dict[Limited, int] = {
    "description": 2000,
    "responsible_unit": 200,
    "responsible_person": 100,
    "measure": 2000,
}
_NAMES = {
    "description": "隐患描述",
    "responsible_unit": "责任单位",
    "responsible_person": "责任人",
    "measure": "整改措施",
}


class HazardFields(TypedDict, total=False):
    """The columns a new hazard is written with (open_hazard)."""

    source: Required[str]
    level: Required[str]
    description: Required[str]
    found_on: Required[dt.date]
    deadline: Required[dt.date]
    jurisdiction_id: Required[int]
    checklist_item: str | None
    responsible_unit: str | None
    responsible_person: str | None
    measure: str | None
    entity_id: int | None
    record_id: int | None
    banquet_id: int | None
    officer_id: int | None


def open_hazard(*, session: Session, actor: str, **fields: Unpack[HazardFields]) -> Hazard:
    """Write one new hazard (状态 待整改) and its audit event; fields are Hazard columns."""
    for name, limit in LIMITS.items():
        value = fields.get(name)
        if value is not None and len(value) > limit:
            raise BadInput(f"{_NAMES[name]}过长（最多 {limit} 字）")
    hazard = Hazard(status=HazardStatus.PENDING, **fields)
    session.add(hazard)
    session.flush()
    audit.record_event(
        session=session,
        actor=actor,
        action="hazard.open",
        object_type="hazard",
        object_id=hazard.id,
        before=None,
        after=_snapshot(hazard),
    )
    return hazard


def _snapshot(hazard: Hazard) -> dict[str, object]:
    keys = (
        "source",
        "level",
        "status",
        "description",
        "found_on",
        "deadline",
        "entity_id",
        "jurisdiction_id",
        "officer_id",
        "record_id",
        "responsible_unit",
        "responsible_person",
        "measure",
    )
    return {
        k: (str(v) if isinstance(v, dt.date) else v)
        for k in keys
        if (v := getattr(hazard, k)) is not None
    }


def covering_officer(*, session: Session, entity_id: int, on: dt.date) -> Officer | None:
    """The officer of the entity's assignment active on a day (the latest started)."""
    found: Officer | None = session.execute(
        select(Officer)
        .join(Assignment, Assignment.officer_id == Officer.id)
        .where(
            Assignment.entity_id == entity_id,
            Assignment.start_date <= on,
            or_(Assignment.end_date.is_(None), Assignment.end_date >= on),
        )
        .order_by(Assignment.start_date.desc(), Assignment.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return found


def find_entity(*, session: Session, key: str) -> Entity:
    """The entity whose 统一社会信用代码, 许可证编号 or 登记备案编号 is key."""
    key = key.strip().upper()
    entity: Entity | None = (
        session.execute(
            select(Entity).where(
                or_(
                    Entity.credit_code == key,
                    Entity.licence_no == key,
                    Entity.registration_no == key,
                )
            )
        )
        .scalars()
        .first()
    )
    if entity is None:
        raise BadInput(f"找不到统一社会信用代码、许可证编号或登记备案编号为 {key} 的包保主体")
    return entity


def add_hazard(
    *,
    session: Session,
    source: str,
    description: str,
    level: str,
    entity_key: str | None = None,
    jurisdiction_code: str | None = None,
    responsible_unit: str | None = None,
    responsible_person: str | None = None,
    measure: str | None = None,
    deadline: dt.date | None = None,
    found_on: dt.date | None = None,
    actor: str = "cli",
) -> Hazard:
    """A hazard from another source (抽检不合格, 投诉举报, 风险研判, 其他) at an entity or a place."""
    source, level = codes.parse_source(source, addable=True), codes.parse_level(level)
    if bool(entity_key) == bool(jurisdiction_code):
        raise BadInput("请用 --entity 指定主体，或用 --jurisdiction 指定区划（二选一）")
    description = (description or "").strip()
    if not description:
        raise BadInput("隐患描述不能为空")
    found_on = found_on or clock.today()
    if found_on > clock.today():
        raise BadInput(f"发现日期 {found_on} 晚于今天")
    entity: Entity | None = None
    officer: Officer | None = None
    if entity_key:
        entity = find_entity(session=session, key=entity_key)
        officer = covering_officer(session=session, entity_id=stored_id(entity), on=found_on)
        jurisdiction_id = entity.jurisdiction_id
    else:
        jurisdiction_id = stored_id(resolve_scope(session=session, code=jurisdiction_code))
    defaults = duty.default_duty(
        session=session, jurisdiction_id=jurisdiction_id, officer=officer, entity=entity
    )
    return open_hazard(
        session=session,
        actor=actor,
        source=source,
        level=level,
        description=description,
        found_on=found_on,
        deadline=duty.check_deadline(deadline=deadline, found_on=found_on)
        if deadline
        else duty.deadline_for(level=level, found_on=found_on),
        jurisdiction_id=jurisdiction_id,
        entity_id=entity.id if entity else None,
        officer_id=officer.id if officer else None,
        responsible_unit=_given(responsible_unit) or defaults["responsible_unit"],
        responsible_person=_given(responsible_person) or defaults["responsible_person"],
        measure=_given(measure) or defaults["measure"],
    )


def _given(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None
