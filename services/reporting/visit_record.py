"""督导检查记录表: the printable record of a visit — the entity with its identifiers, the officer,
date and mode, every checklist item with its answer (and the answer's note and photos), the
problems and the hazards they opened, the visit's photos and signature blocks.

Records are read set-based (one query for the visits, one for their hazards), so a township's
quarter of visits is assembled in one pass; reports/render_visit.py prints them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, TypedDict

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from config.wording_model import VisitRecordWording
from models.db import stored_id
from models.entity import Entity
from models.enums import (
    Grade,
    HazardLevel,
    HazardStatus,
    OfficerTier,
    VisitMode,
    label,
)
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.record import InspectionRecord
from models.task import InspectionTask
from services.core import evidence
from services.core.jurisdictions import places
from services.reporting.wording import Words
from services.visits.items import items_of

EntityJ = aliased(Jurisdiction, name="entity_place")
Visit = tuple[InspectionRecord, InspectionTask, Entity, Officer, Jurisdiction]
Visits = Select[Visit]  # a visit_query(): record, task, entity, officer, the entity's place
VisitRow = Row[Visit]


class Identifier(TypedDict):
    label: str
    value: str


class EntityPart(TypedDict):
    name: str
    identifiers: list[Identifier]
    category: str
    package_grade: str
    risk_grade: str
    address: str
    place: str
    person_in_charge: str
    phone: str


class OfficerPart(TypedDict):
    name: str
    code: str
    tier: str
    title: str
    mobile: str | None


class VisitPart(TypedDict):
    date: str
    mode: str
    recorded_by: str
    note: str


class ChecklistLine(TypedDict):
    question: str
    answer: str
    note: str
    photos: int


class ProblemLine(TypedDict):
    description: str
    level: str


class RecordHazard(TypedDict):
    id: int
    description: str
    level: str
    status: str
    deadline: str


class Photo(TypedDict):
    sha256: str
    filename: str
    path: str


class VisitRecordDoc(TypedDict):
    """One visit's 督导检查记录表 as reports/render_visit prints it (labels in Chinese)."""

    task_id: int
    period: str
    title: str
    subtitle: str
    entity: EntityPart
    officer: OfficerPart
    visit: VisitPart
    checklist: list[ChecklistLine]
    problems: list[ProblemLine]
    hazards: list[RecordHazard]
    photos: list[Photo]


IDENTIFIERS = (
    ("credit_code", "统一社会信用代码"),
    ("licence_no", "许可证编号"),
    ("registration_no", "登记备案编号"),
)


def visit_query() -> Visits:
    """Records with their task, entity, officer and the entity's jurisdiction."""
    return (
        select(InspectionRecord, InspectionTask, Entity, Officer, EntityJ)
        .join(InspectionTask, InspectionTask.id == InspectionRecord.task_id)
        .join(Entity, Entity.id == InspectionRecord.entity_id)
        .join(Officer, Officer.id == InspectionRecord.officer_id)
        .join(EntityJ, EntityJ.id == Entity.jurisdiction_id)
    )


def _hazards(session: Session, record_ids: list[int]) -> dict[int, list[RecordHazard]]:
    found: dict[int | None, list[RecordHazard]] = defaultdict(list)
    for chunk in (record_ids[i : i + 900] for i in range(0, len(record_ids), 900)):
        rows = session.execute(
            select(Hazard).where(Hazard.record_id.in_(chunk)).order_by(Hazard.id)
        ).scalars()
        for h in rows:
            found[h.record_id].append(
                {
                    "id": stored_id(h),
                    "description": h.description,
                    "level": label(HazardLevel, h.level),
                    "status": label(HazardStatus, h.status),
                    "deadline": h.deadline.isoformat(),
                }
            )
    return {rid: listed for rid, listed in found.items() if rid is not None}


def _photo(photo: Mapping[str, Any]) -> Photo:
    return {
        "sha256": photo["sha256"],
        "filename": photo.get("filename") or photo["sha256"][:12],
        "path": str(evidence.stored_path(photo["sha256"])),
    }


def _document(
    row: VisitRow, hazards: list[RecordHazard], place: str, words: Words
) -> VisitRecordDoc:
    record, task, entity, officer = (
        row.InspectionRecord,
        row.InspectionTask,
        row.Entity,
        row.Officer,
    )
    items = items_of(record.answers or {})
    photos = [_photo(p) for p in record.photos or [] if isinstance(p, dict) and p.get("sha256")]
    for item in items:
        photos += [_photo(p) for p in item.photos if p.get("sha256")]
    values = {"place": place, "period": task.period, "task": task.id}
    return {
        "task_id": stored_id(task),
        "period": task.period,
        "title": words.text("title", **values),
        "subtitle": words.text("subtitle", **values),
        "entity": {
            "name": entity.name,
            "identifiers": [
                {"label": text, "value": getattr(entity, key)}
                for key, text in IDENTIFIERS
                if getattr(entity, key)
            ],
            "category": entity.category,
            "package_grade": label(Grade, entity.package_grade),
            "risk_grade": label(Grade, entity.risk_grade) if entity.risk_grade else "—",
            "address": entity.address or "—",
            "place": place,
            "person_in_charge": entity.person_in_charge or "",
            "phone": entity.phone or "",
        },
        "officer": {
            "name": officer.name,
            "code": officer.code,
            "tier": label(OfficerTier, officer.tier),
            "title": officer.title or "",
            "mobile": officer.mobile,
        },
        "visit": {
            "date": record.visit_date.isoformat(),
            "mode": label(VisitMode, record.mode),
            "recorded_by": record.recorded_by,
            "note": record.note or "",
        },
        "checklist": [
            {
                "question": i.question,
                "answer": i.answer,
                "note": i.note or "",
                "photos": len(i.photos),
            }
            for i in items
        ],
        "problems": [
            {"description": p["description"], "level": label(HazardLevel, p["level"])}
            for p in record.problems or []
        ],
        "hazards": hazards,
        "photos": photos,
    }


def documents(
    *,
    session: Session,
    query: Visits,
) -> list[VisitRecordDoc]:
    """The record documents of the visits a visit_query() selects, in its order."""
    rows = session.execute(query).all()
    hazards = _hazards(session, [stored_id(row.InspectionRecord) for row in rows])
    where: dict[int, str] = {}
    words = Words("visit_record", VisitRecordWording)
    docs: list[VisitRecordDoc] = []
    for row in rows:
        jurisdiction, jid = row.entity_place, stored_id(row.entity_place)
        if jid not in where:
            place = places(session=session, root=jurisdiction).get(jid)
            where[jid] = place.display if place else jurisdiction.name
        record_id = stored_id(row.InspectionRecord)
        docs.append(_document(row, hazards.get(record_id, []), where[jid], words))
    return docs


def signature_labels() -> dict[str, str]:
    """The fixed wording of the record's headings and signature blocks."""
    return Words("visit_record", VisitRecordWording).wording.model_dump()


def in_period(query: Visits, *, start: dt.date, end: dt.date) -> Visits:
    """A visit_query() narrowed to visits dated in [start, end], by date, then task."""
    return query.where(InspectionRecord.visit_date.between(start, end)).order_by(
        InspectionRecord.visit_date, InspectionTask.id
    )
