"""督导记录: recording a visit on an open task, which the task then counts as done.

The answers document is {"answers": {ITEM_ID: "是"|"否"|"不涉及"|{"answer": "否", "note": T}},
"problems": [{"description": TEXT, "level": "重大"|"较大"|"一般"}]} (services.visits.answers);
the photos of 否 items come as files beside it. The record keeps the answers as given, each 否
item with its note and stored photos, and each problem as {"description", "level"} with the
level as a HazardLevel code (major/serious/general). The moment of entry is kept apart from the
visit date (rule 11). Every check happens before anything is written.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from models.db import stored_id
from models.entity import Entity
from models.enums import TaskStatus, VisitMode, from_label, label
from models.hazard import Hazard
from models.record import InspectionRecord
from models.task import InspectionTask
from services.core import audit, clock, evidence
from services.core.errors import BadInput
from services.core.evidence import EvidenceFile, StoredFile
from services.permissions.principal import Principal
from services.tasks import policy
from services.visits import answers, entry, uploads
from services.visits.answers import ItemPhotos
from services.visits.findings import findings_of_record
from services.visits.items import visit_items


def failed_items(record: InspectionRecord) -> list[str]:
    """The checklist item ids answered 否 in a record."""
    return [item.item_id for item in visit_items(record) if item.failed]


def _open_task(*, session: Session, task_id: int) -> InspectionTask:
    task = session.get(InspectionTask, task_id, with_for_update=True)
    if task is None:
        raise BadInput(f"任务 {task_id} 不存在")
    if task.status != TaskStatus.OPEN:
        raise BadInput(f"任务 {task_id} {label(TaskStatus, task.status)}，不能再记录督导")
    return task


def _mode(*, text: str, entity: Entity) -> str:
    mode = from_label(VisitMode, text.strip())
    if mode is None:
        raise BadInput(f"督导方式 {text!r} 无效，可选：现场、线上、集中")
    if mode != VisitMode.ONSITE and policy.onsite_required(entity.risk_grade):
        raise BadInput(f"{entity.name} 风险等级为 {entity.risk_grade}，只能现场督导")
    return mode


def _visit_date(*, task: InspectionTask, day: dt.date | None) -> dt.date:
    today = clock.today()
    day = day or today
    if day > today:
        raise BadInput(f"督导日期 {day} 晚于今天 {today}")
    earliest = entry.period_start(task=task)
    if day < earliest:
        raise BadInput(f"督导日期 {day} 早于任务期间的开始日期 {earliest}")
    return day


@dataclass(frozen=True)
class RecordedVisit:
    """What recording a visit wrote: the record, the hazards its findings opened and the open
    hazards its 否 answers recurred on."""

    record: InspectionRecord
    hazards: list[Hazard]
    recurred: list[Hazard] = field(default_factory=list)


def record_visit(
    *,
    session: Session,
    task_id: int,
    mode: str,
    visit_date: dt.date | None = None,
    document: Mapping[str, object] | None = None,
    note: str | None = None,
    photos: Sequence[EvidenceFile] = (),
    item_photos: ItemPhotos | None = None,
    upload_ids: Sequence[str] = (),
    item_upload_ids: Mapping[str, Sequence[str]] | None = None,
    recorded_by: str = "cli",
    by: Principal | None = None,
    reason: str | None = None,
) -> RecordedVisit:
    """Record the visit of an open task with its photos (already checked); the task becomes done
    on the visit date and every finding opens a hazard or recurs on an open one. Photos come as
    files or as ids of earlier uploads by recorded_by (services.visits.uploads); by/reason: a
    supervisor entering a visit past the back-dating limit (rule 11)."""
    task = _open_task(session=session, task_id=task_id)
    entity = session.execute(select(Entity).where(Entity.id == task.entity_id)).scalar_one()
    mode = _mode(text=mode, entity=entity)
    day = _visit_date(task=task, day=visit_date)
    late_reason = entry.check_entry(
        session=session, task=task, visit_date=day, today=clock.today(), by=by, reason=reason
    )
    photos, item_photos = _photos(
        photos, item_photos or {}, upload_ids, item_upload_ids or {}, uploader=recorded_by
    )
    checked = answers.check_answers(
        document=document or {},
        entity=entity,
        mode=mode,
        photos=len(photos),
        item_photos=item_photos,
    )
    if note is not None and len(note) > 2000:
        raise BadInput("备注不能超过 2000 字")
    actor = by.account if by is not None else recorded_by
    record = InspectionRecord(
        task_id=stored_id(task),
        officer_id=task.officer_id,
        entity_id=stored_id(entity),
        visit_date=day,
        mode=mode,
        answers=answers.with_photos(
            checked.answers, {k: [_kept(p) for p in files] for k, files in item_photos.items()}
        ),
        problems=checked.problems,
        note=note or None,
        recorded_by=actor,
        recorded_at=clock.now(),
        late_reason=late_reason,
        photos=[_kept(photo) for photo in photos],
    )
    session.add(record)
    task.status, task.done_on = TaskStatus.DONE, day
    session.flush()
    audit.record_event(
        session=session,
        actor=actor,
        action="task.record",
        object_type="inspection_task",
        object_id=task.id,
        before={"status": TaskStatus.OPEN},
        after={
            "status": TaskStatus.DONE,
            "done_on": day.isoformat(),
            "record_id": record.id,
            "mode": mode,
            "failed_items": failed_items(record),
            "problems": len(checked.problems),
            **({"late_reason": late_reason, "entered_for": task.officer_id} if by else {}),
        },
    )
    # Every 否 answer and every listed problem opens a hazard, or recurs on the open one
    # (rules 6 and 11 in docs/domain.md).
    found = findings_of_record(session=session, record=record, task=task)
    return RecordedVisit(record=record, hazards=found.opened, recurred=found.recurred)


def _photos(
    photos: Sequence[EvidenceFile],
    item_photos: ItemPhotos,
    upload_ids: Sequence[str],
    item_upload_ids: Mapping[str, Sequence[str]],
    *,
    uploader: str,
) -> tuple[list[EvidenceFile], dict[str, list[EvidenceFile]]]:
    """The visit's photos and its 否 items' photos, files and earlier uploads together."""

    def uploaded(ids: Sequence[str]) -> list[EvidenceFile]:
        return uploads.uploaded_files(upload_ids=list(ids), uploader=uploader)

    keys = [*item_photos, *(k for k in item_upload_ids if k not in item_photos)]
    by_item = {k: [*item_photos.get(k, ()), *uploaded(item_upload_ids.get(k, ()))] for k in keys}
    return [*photos, *uploaded(upload_ids)], {k: files for k, files in by_item.items() if files}


def _kept(photo: EvidenceFile) -> StoredFile:
    """Store a visit photo under the data directory; returns how the record refers to it."""
    evidence.store(photo)
    return evidence.kept_as(photo)
