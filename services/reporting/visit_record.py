"""督导检查记录表: the printable record of a visit — the entity with its identifiers, the officer,
date and mode, every checklist item with its answer (and the answer's note and photos), the
problems and the hazards they opened, the visit's photos and signature blocks.

Records are read set-based (one query for the visits, one for their hazards), so a township's
quarter of visits is assembled in one pass; reports/render_visit.py prints them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from config.wording_model import VisitRecordWording
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

EntityJ = aliased(Jurisdiction)
IDENTIFIERS = (
    ("credit_code", "统一社会信用代码"),
    ("licence_no", "许可证编号"),
    ("registration_no", "登记备案编号"),
)


def visit_query():
    """Records with their task, entity, officer and the entity's jurisdiction."""
    return (
        select(InspectionRecord, InspectionTask, Entity, Officer, EntityJ)
        .join(InspectionTask, InspectionTask.id == InspectionRecord.task_id)
        .join(Entity, Entity.id == InspectionRecord.entity_id)
        .join(Officer, Officer.id == InspectionRecord.officer_id)
        .join(EntityJ, EntityJ.id == Entity.jurisdiction_id)
    )


def _hazards(session: Session, record_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    for chunk in (record_ids[i : i + 900] for i in range(0, len(record_ids), 900)):
        rows = session.execute(
            select(Hazard).where(Hazard.record_id.in_(chunk)).order_by(Hazard.id)
        ).scalars()
        for h in rows:
            found[h.record_id].append(
                {
                    "id": h.id,
                    "description": h.description,
                    "level": label(HazardLevel, h.level),
                    "status": label(HazardStatus, h.status),
                    "deadline": h.deadline.isoformat(),
                }
            )
    return found


def _photo(photo: Mapping[str, Any]) -> dict:
    return {
        "sha256": photo["sha256"],
        "filename": photo.get("filename") or photo["sha256"][:12],
        "path": str(evidence.stored_path(photo["sha256"])),
    }


def _document(row, hazards: list[dict], place: str, words: Words) -> dict:
    record, task, entity, officer, _ = row
    items = items_of(record.answers or {})
    photos = [_photo(p) for p in record.photos or [] if isinstance(p, dict) and p.get("sha256")]
    for item in items:
        photos += [_photo(p) for p in item.photos if p.get("sha256")]
    values = {"place": place, "period": task.period, "task": task.id}
    return {
        "task_id": task.id,
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


def documents(*, session: Session, query) -> list[dict]:
    """The record documents of the visits a visit_query() selects, in its order."""
    rows = session.execute(query).all()
    hazards = _hazards(session, [row[0].id for row in rows])
    where: dict[int, str] = {}
    words = Words("visit_record", VisitRecordWording)
    docs = []
    for row in rows:
        jurisdiction = row[4]
        if jurisdiction.id not in where:
            place = places(session=session, root=jurisdiction).get(jurisdiction.id)
            where[jurisdiction.id] = place.display if place else jurisdiction.name
        docs.append(_document(row, hazards.get(row[0].id, []), where[jurisdiction.id], words))
    return docs


def signature_labels() -> dict[str, str]:
    """The fixed wording of the record's headings and signature blocks."""
    return Words("visit_record", VisitRecordWording).wording.model_dump()


def in_period(query, *, start: dt.date, end: dt.date):
    """A visit_query() narrowed to visits dated in [start, end], by date, then task."""
    return query.where(InspectionRecord.visit_date.between(start, end)).order_by(
        InspectionRecord.visit_date, InspectionTask.id
    )
