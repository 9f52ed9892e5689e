"""What a signed-in person may see: their own tasks and hazards (包保干部) or their jurisdiction
subtree (食安办, by materialised path prefix). Every look-up returns None outside scope, so the
web and the API answer 404 and never reveal that the object exists.

A task is in an office's scope when its jurisdiction (its officer's) or its entity's
jurisdiction lies in the office's subtree; a hazard when its jurisdiction does. A one-tap link
session (Principal.only) reaches its one task or hazard and nothing else.
"""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict, final

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlmodel import Session

from config.files import ChecklistItem, load_checklist
from models.audit import AuditEvent
from models.banquet import Banquet
from models.campaign import Campaign
from models.entity import Entity, key_of
from models.enums import HazardStatus, ItemKind, TaskState, TaskStatus
from models.evidence import HazardEvidence
from models.hazard import Hazard, HazardRecurrence
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.record import InspectionRecord
from models.task import InspectionTask
from services.accounts.hazard_dossier import Dossier
from services.core import clock, evidence
from services.core.periods import period_containing
from services.figures import deadlines
from services.figures.definitions import OPEN, shown_status
from services.hazards import lifecycle, withdraw
from services.hazards.listing import as_item, hazard_query, state_condition
from services.permissions import rules as permissions
from services.permissions.principal import Principal
from services.permissions.rules import EntityJ, TaskJ, hazard_scope, task_scope
from services.tasks import policy
from services.tasks.listing import banquet_name
from services.visits import entry
from services.visits.items import VisitItem, visit_items


@final  # final: "task" in detail tells it from a HazardDetail
class TaskDetail(TypedDict):
    """A task's page: the task and what it hangs on, its record and what who may do."""

    task: InspectionTask
    entity: Entity
    officer: Officer
    place: Jurisdiction  # the entity's
    campaign: str | None
    record: InspectionRecord | None
    answered: list[VisitItem]
    hazards: list[dict[str, Any]]  # hazard items (services.hazards.listing) the visit opened
    status: TaskState
    can_record: bool
    date_bounds: tuple[dt.date, dt.date]
    onsite_only: bool
    checklist: list[ChecklistItem]
    entity_key: str | None


class BoardTask(TypedDict):
    """A task on 我的任务."""

    id: int
    banquet_id: int | None
    entity_name: str | None
    period: str
    source: str
    campaign: str | None
    due_date: str
    status: TaskState
    done_on: str | None


class OfficerBoard(TypedDict):
    """我的任务: the officer's tasks by urgency, this quarter's done ones, open hazards."""

    overdue: list[BoardTask]
    due_soon: list[BoardTask]
    later: list[BoardTask]
    done: list[BoardTask]
    quarter: str
    due_soon_limit: dt.date
    today: dt.date
    open_hazards: int


@final
class HazardDetail(TypedDict):
    """A hazard's page: the hazard, its dossier, evidence, history and what who may do."""

    hazard: dict[str, Any]  # the hazard item (services.hazards.listing)
    dossier: Dossier
    evidence: list[HazardEvidence]
    history: Sequence[AuditEvent]
    moves: list[str]
    recurrences: Sequence[HazardRecurrence]
    withdrawn_reason: str | None
    can_withdraw: bool


class Download(TypedDict):
    """A stored file who may download: its name, type and path under the data directory."""

    filename: str
    content_type: str
    path: Path


def checklist_for(category: str) -> list[ChecklistItem]:
    """The checklist items asked at a visit to an entity of this 业态."""
    return [i for i in load_checklist().items if not i.categories or category in i.categories]


def task_detail(*, session: Session, who: Principal, task_id: int) -> TaskDetail | None:
    """A task with its entity, officer, campaign and record, or None outside who's scope."""
    row = session.execute(
        select(InspectionTask, Entity, Officer, TaskJ, EntityJ, Campaign.name, InspectionRecord)
        .join(Entity, Entity.id == InspectionTask.entity_id)
        .join(Officer, Officer.id == InspectionTask.officer_id)
        .join(TaskJ, TaskJ.id == InspectionTask.jurisdiction_id)
        .join(EntityJ, EntityJ.id == Entity.jurisdiction_id)
        .outerjoin(Campaign, Campaign.id == InspectionTask.campaign_id)
        .outerjoin(InspectionRecord, InspectionRecord.task_id == InspectionTask.id)
        .where(InspectionTask.id == task_id, task_scope(who))
    ).first()
    if row is None:
        return None
    task, entity, officer, _, place, campaign, record = row
    hazards: list[dict[str, Any]] = []
    if record is not None:
        hazards = [
            as_item(r, clock.today())
            for r in session.execute(hazard_query().where(Hazard.record_id == record.id))
        ]
        mark_returns(session=session, items=hazards)
    return {
        "task": task,
        "entity": entity,
        "officer": officer,
        "place": place,
        "campaign": campaign,
        "record": record,
        "answered": visit_items(record) if record is not None else [],
        "hazards": hazards,
        "status": shown_status(status=task.status, due_date=task.due_date, today=clock.today()),
        "can_record": task.status == TaskStatus.OPEN
        and permissions.may(
            who, permissions.Action.RECORD_VISIT, permissions.Target(officer_id=task.officer_id)
        ),
        "date_bounds": entry.date_bounds(task=task, today=clock.today()),
        "onsite_only": policy.onsite_required(entity.risk_grade),
        "checklist": checklist_for(entity.category),
        "entity_key": key_of(entity.credit_code, entity.licence_no, entity.registration_no),
    }


def may_record(*, who: Principal, task: InspectionTask) -> bool:
    """Whether who may record the visit of a task (its officer)."""
    target = permissions.Target(officer_id=task.officer_id)
    return permissions.may(who, permissions.Action.RECORD_VISIT, target)


def officer_board(*, session: Session, who: Principal) -> OfficerBoard:
    """我的任务: overdue, due soon, later, done this quarter, and the count of open hazards
    (one indexed query; the count rides along as a subquery evaluated once)."""
    today = clock.today()
    limit = deadlines.due_soon_limit(today)
    quarter = period_containing(today, "quarterly")
    task = InspectionTask
    rows = session.execute(
        select(
            task.id,
            task.due_date,
            task.status,
            task.done_on,
            task.period,
            task.source,
            Entity.name.label("entity"),
            Campaign.name.label("campaign"),
            task.banquet_id,
            Banquet.host,
            Banquet.kind,
            _open_hazards(who).scalar_subquery().label("open_hazards"),
        )
        .outerjoin(Entity, Entity.id == task.entity_id)  # none for a 现场指导 task
        .outerjoin(Banquet, Banquet.id == task.banquet_id)
        .outerjoin(Campaign, Campaign.id == task.campaign_id)
        .where(
            task_scope(who),
            or_(
                task.status == TaskStatus.OPEN,
                and_(task.status == TaskStatus.DONE, task.done_on >= quarter.start),
            ),
        )
        .order_by(task.due_date, task.id)
    ).all()
    board: dict[str, list[BoardTask]] = {"overdue": [], "due_soon": [], "later": [], "done": []}
    for r in rows:
        due = r.due_date
        shown = shown_status(status=r.status, due_date=due, today=today)
        item: BoardTask = {
            "id": r.id,
            "banquet_id": r.banquet_id,
            "entity_name": r.entity if r.host is None else banquet_name(host=r.host, kind=r.kind),
            "period": r.period,
            "source": r.source,
            "campaign": r.campaign,
            "due_date": due.isoformat(),
            "status": shown,
            "done_on": r.done_on.isoformat() if r.done_on else None,
        }
        key = (
            "done"
            if shown == TaskState.DONE
            else "overdue"
            if shown == TaskState.OVERDUE
            else "due_soon"
            if due <= limit
            else "later"
        )
        board[key].append(item)
    board["done"].sort(key=lambda t: t["done_on"] or "", reverse=True)
    waiting = rows[0].open_hazards if rows else open_hazard_count(session=session, who=who)
    return {
        "overdue": board["overdue"],
        "due_soon": board["due_soon"],
        "later": board["later"],
        "done": board["done"],
        "quarter": quarter.name,
        "due_soon_limit": limit,
        "today": today,
        "open_hazards": waiting,
    }


def _open_hazards(who: Principal) -> Select[tuple[int]]:
    return (
        select(func.count())
        .select_from(Hazard)
        .where(Hazard.officer_id == who.id, Hazard.status.in_(deadlines.OPEN_HAZARD_STATUSES))
    )


def open_hazard_count(*, session: Session, who: Principal) -> int:
    """How many of the officer's hazards still wait for rectification (待整改, 整改中)."""
    count: int = session.execute(_open_hazards(who)).scalar_one()
    return count


def _hazard_rows(
    session: Session, who: Principal, *conditions: ColumnElement[bool], limit: int | None = None
) -> list[dict[str, Any]]:
    query = hazard_query().where(hazard_scope(who), *conditions)
    return [as_item(r, clock.today()) for r in session.execute(query.limit(limit))]


def officer_hazards(*, session: Session, who: Principal) -> list[dict[str, Any]]:
    """我的隐患: the officer's hazards, open ones first (most urgent first)."""
    items = _hazard_rows(session, who)
    mark_returns(session=session, items=items)
    return sorted(items, key=lambda h: (h["status"] not in OPEN, h["deadline"], h["id"]))


def mark_returns(*, session: Session, items: list[dict[str, Any]]) -> None:
    """Give each hazard item its latest 退回 ("returned": Return or None) while 整改中."""
    from services.figures.returns import returns_of

    ids = [h["id"] for h in items if h["status"] == HazardStatus.RECTIFYING]
    found = returns_of(session=session, hazard_ids=ids) if ids else {}
    for item in items:
        item["returned"] = found.get(item["id"])


def hazards_in_scope(
    *, session: Session, who: Principal, status: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Hazards of who's scope in a state (a HazardStatus code, "open", "overdue" or
    "verify_overdue": services.hazards.listing.state_condition)."""
    conditions = [state_condition(status=status, today=clock.today())] if status else []
    return _hazard_rows(session, who, *conditions, limit=limit)


def hazard_detail(*, session: Session, who: Principal, hazard_id: int) -> HazardDetail | None:
    """A hazard with its evidence, history and the moves who may make, or None outside scope."""
    found = _hazard_rows(session, who, Hazard.id == hazard_id)
    if not found:
        return None
    item = found[0]
    history = (
        session.execute(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == ItemKind.HAZARD, AuditEvent.object_id == str(hazard_id)
            )
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    moves = lifecycle.moves_for(session=session, who=who, hazard_id=hazard_id)
    if who.is_officer and item["status"] == HazardStatus.PENDING:
        moves = [*moves, HazardStatus.AWAITING_VERIFICATION]  # start and report in one step
    from services.accounts.hazard_dossier import hazard_dossier

    hazard = session.execute(select(Hazard).where(Hazard.id == hazard_id)).scalar_one()
    return {
        "hazard": item,
        "dossier": hazard_dossier(session=session, hazard_id=hazard_id),
        "evidence": evidence.list_evidence(session=session, hazard_id=hazard_id),
        "history": history,
        "moves": moves,
        "recurrences": session.execute(
            select(HazardRecurrence)
            .where(HazardRecurrence.hazard_id == hazard_id)
            .order_by(HazardRecurrence.id)
        )
        .scalars()
        .all(),
        "withdrawn_reason": hazard.withdrawn_reason,
        "can_withdraw": who.is_office and withdraw.can_withdraw(session=session, hazard=hazard),
    }


def evidence_in_scope(
    *, session: Session, who: Principal, hazard_id: int, sha256: str
) -> Download | None:
    """An evidence file of a hazard who may see, or None."""
    detail = hazard_detail(session=session, who=who, hazard_id=hazard_id)
    for row in detail["evidence"] if detail else []:
        if row.sha256 == sha256:
            return {
                "filename": row.filename,
                "content_type": row.content_type,
                "path": evidence.stored_path(sha256),
            }
    return None


def hazard_photo_in_scope(
    *, session: Session, who: Principal, hazard_id: int, sha256: str
) -> Download | None:
    """A photo of the visit that found a hazard who may see (the visit's or an answer's), or None."""
    detail = hazard_detail(session=session, who=who, hazard_id=hazard_id)
    visit = detail["dossier"].visit if detail else None
    photos = [*visit.photos, *(p for i in visit.items for p in i.photos)] if visit else []
    for photo in photos:
        if isinstance(photo, dict) and photo.get("sha256") == sha256:
            return {
                "filename": photo.get("filename") or sha256,
                "content_type": photo.get("content_type") or "application/octet-stream",
                "path": evidence.stored_path(sha256),
            }
    return None


def photo_in_scope(
    *, session: Session, who: Principal, task_id: int, sha256: str
) -> Download | None:
    """A photo of a task's visit record (the visit's or a 否 item's) who may see, or None."""
    detail = task_detail(session=session, who=who, task_id=task_id)
    record = detail["record"] if detail else None
    if detail is None or record is None:
        return None
    photos = [*(record.photos or []), *(p for i in detail["answered"] for p in i.photos)]
    for photo in photos:
        if isinstance(photo, dict) and photo.get("sha256") == sha256:
            return {
                "filename": photo.get("filename") or sha256,
                "content_type": photo.get("content_type") or "application/octet-stream",
                "path": evidence.stored_path(sha256),
            }
    return None
