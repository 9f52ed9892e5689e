"""督导记录: recording a visit on an open task, which the task then counts as done.

The answers document is {"answers": {ITEM_ID: "是"|"否"|"不涉及"}, "problems":
[{"description": TEXT, "level": "重大"|"较大"|"一般"}]}. The record keeps the answers as given
(是/否/不涉及) and each problem as {"description", "level"} with the level as a HazardLevel code
(major/serious/general). Every check happens before anything is written.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_checklist
from models.entity import Entity
from models.enums import HazardLevel, TaskSource, TaskStatus, VisitMode, from_label, label
from models.hazard import Hazard
from models.record import InspectionRecord
from models.task import InspectionTask
from services.core import audit, clock, evidence
from services.core.errors import BadInput
from services.core.evidence import EvidenceFile
from services.core.periods import parse_period
from services.hazards.from_visits import open_hazards_for_record
from services.tasks import policy
from services.visits.items import visit_items

ANSWERS = ("是", "否", "不涉及")
FAILED = "否"


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
    # A routine visit counts from its period's first day, a campaign visit from its creation.
    earliest = (
        task.created_on if task.source == TaskSource.CAMPAIGN else parse_period(task.period).start
    )
    if day < earliest:
        raise BadInput(f"督导日期 {day} 早于任务期间的开始日期 {earliest}")
    return day


def _answers(*, raw: object, entity: Entity) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise BadInput("answers 应为对象：{检查项编号: 是/否/不涉及}")
    items = {item.id: item for item in load_checklist().items}
    for key, answer in raw.items():
        item = items.get(key)
        if item is None:
            raise BadInput(f"未知的检查项 {key!r}（见 config/checklist.toml）")
        if item.categories and entity.category not in item.categories:
            raise BadInput(f"检查项 {key!r} 不适用于业态 {entity.category}")
        if answer not in ANSWERS:
            raise BadInput(f"检查项 {key!r} 的回答 {answer!r} 无效，应为 是、否 或 不涉及")
    return dict(raw)


def _problems(raw: object) -> list[dict]:
    if not isinstance(raw, list):
        raise BadInput("problems 应为列表")
    problems = []
    for n, problem in enumerate(raw, 1):
        if not isinstance(problem, dict) or set(problem) - {"description", "level"}:
            raise BadInput(f"第 {n} 个问题应只含 description 和 level")
        description = problem.get("description")
        if not isinstance(description, str) or not description.strip():
            raise BadInput(f"第 {n} 个问题缺少 description（问题描述）")
        level = from_label(HazardLevel, str(problem.get("level", "")))
        if level is None:
            raise BadInput(f"第 {n} 个问题的 level 无效，应为 重大、较大 或 一般")
        problems.append({"description": description.strip(), "level": level})
    return problems


def parse_answers_document(*, document: object, entity: Entity) -> tuple[dict, list]:
    """Validate an answers document; returns (answers, problems) as they are stored."""
    if not isinstance(document, dict) or set(document) - {"answers", "problems"}:
        raise BadInput('答题文件应为 {"answers": {...}, "problems": [...]}')
    return (
        _answers(raw=document.get("answers", {}), entity=entity),
        _problems(document.get("problems", [])),
    )


@dataclass(frozen=True)
class RecordedVisit:
    """What recording a visit wrote: the record and the hazards its findings opened."""

    record: InspectionRecord
    hazards: list[Hazard]


def record_visit(
    *,
    session: Session,
    task_id: int,
    mode: str,
    visit_date: dt.date | None = None,
    document: dict | None = None,
    note: str | None = None,
    photos: Sequence[EvidenceFile] = (),
    recorded_by: str = "cli",
) -> RecordedVisit:
    """Record the visit of an open task with its photos (already checked); the task becomes done
    on the visit date and every finding opens a hazard."""
    task = _open_task(session=session, task_id=task_id)
    entity = session.execute(select(Entity).where(Entity.id == task.entity_id)).scalar_one()
    mode = _mode(text=mode, entity=entity)
    day = _visit_date(task=task, day=visit_date)
    answers, problems = parse_answers_document(document=document or {}, entity=entity)
    if note is not None and len(note) > 2000:
        raise BadInput("备注不能超过 2000 字")
    record = InspectionRecord(
        task_id=task.id,
        officer_id=task.officer_id,
        entity_id=task.entity_id,
        visit_date=day,
        mode=mode,
        answers=answers,
        problems=problems,
        note=note or None,
        recorded_by=recorded_by,
    )
    session.add(record)
    task.status, task.done_on = TaskStatus.DONE, day
    session.flush()
    audit.record_event(
        session=session,
        actor=recorded_by,
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
            "problems": len(problems),
        },
    )
    # Every 否 answer and every listed problem opens a hazard (rule 6 in docs/domain.md).
    hazards = open_hazards_for_record(session=session, record=record, task=task)
    record.photos = [_kept(photo) for photo in photos]
    session.flush()
    return RecordedVisit(record=record, hazards=hazards)


def _kept(photo: EvidenceFile) -> dict:
    """Store a visit photo under the data directory; returns how the record refers to it."""
    evidence.store(photo)
    return {
        "sha256": photo.sha256,
        "filename": photo.filename,
        "content_type": photo.content_type,
        "size": photo.size,
    }
