"""Request and response models of the JSON API (they make its OpenAPI document)."""

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from models.enums import HazardStatus, PersonKind, TaskSource, TaskState
from web.deps import local_time, no_nul

Text = Annotated[str, AfterValidator(no_nul)]


Moment = Annotated[dt.datetime, AfterValidator(local_time)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int


class WhoOut(BaseModel):
    kind: PersonKind
    account: str
    name: str
    jurisdiction_code: str
    jurisdiction_name: str


class TaskItem(BaseModel):
    id: int
    entity_name: str
    entity_key: str | None
    officer_code: str
    officer_name: str
    place: str
    period: str
    source: TaskSource
    campaign: str | None
    due_date: dt.date
    status: TaskState
    done_on: dt.date | None
    banquet_id: int | None = None  # a 现场指导 task's banquet (GET /api/banquets/{id})


class TaskList(BaseModel):
    total: int
    tasks: list[TaskItem]


class EntityOut(BaseModel):
    name: str
    key: str | None  # the identifier it is shown by (None: a codeless entity)
    credit_code: str | None
    licence_no: str | None
    registration_no: str | None
    category: str
    package_grade: str
    risk_grade: str | None
    address: str | None
    status: str
    place: str
    person_in_charge: str | None
    phone: str | None
    safety_director: str | None
    safety_officer: str | None


class ChecklistItemOut(BaseModel):
    id: str
    text: str
    hazard_level: str


class HazardItem(BaseModel):
    id: int
    entity_key: str | None
    entity_name: str | None
    jurisdiction_code: str
    source: str
    level: str
    status: str
    found_on: dt.date
    deadline: dt.date
    overdue: bool
    overdue_workdays: int
    closed_on: dt.date | None
    responsible_unit: str | None
    responsible_person: str | None
    officer_id: str | None
    description: str


class HazardList(BaseModel):
    total: int
    hazards: list[HazardItem]


class AnswerOut(BaseModel):
    answer: Literal["是", "否", "不涉及"]
    note: str | None = None
    photos: list[dict[str, object]] = Field(default_factory=list)


class RecordOut(BaseModel):
    id: int
    task_id: int
    visit_date: dt.date
    recorded_at: Moment
    recorded_by: str
    late_reason: str | None
    mode: str
    answers: dict[str, str | AnswerOut]
    problems: list[dict[str, object]]
    note: str | None
    photos: list[dict[str, object]]
    hazards: list[HazardItem]


class TaskDetail(BaseModel):
    id: int
    period: str
    source: str
    campaign: str | None
    due_date: dt.date
    status: TaskState
    done_on: dt.date | None
    officer_code: str
    officer_name: str
    onsite_only: bool
    entity: EntityOut
    checklist: list[ChecklistItemOut]
    record: RecordOut | None


class ProblemIn(BaseModel):
    description: Text = Field(min_length=1, max_length=2000)
    level: Literal["重大", "较大", "一般", "major", "serious", "general"] = "一般"


class AnswerIn(BaseModel):
    """A 否 answer with what was found: its note and photos (ids from POST /api/uploads)."""

    answer: Literal["是", "否", "不涉及"]
    note: Text | None = Field(default=None, max_length=2000)
    photos: list[Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=list, max_length=20
    )


class RecordIn(BaseModel):
    mode: Literal["现场", "线上", "集中", "onsite", "online", "group"]
    visit_date: dt.date | None = None
    answers: dict[str, Literal["是", "否", "不涉及"] | AnswerIn] = Field(default_factory=dict)
    problems: list[ProblemIn] = Field(default_factory=list, max_length=50)
    note: Text | None = Field(default=None, max_length=2000)
    photos: list[Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=list, max_length=20
    )
    """Visit photos: ids from POST /api/uploads."""


class UploadOut(BaseModel):
    id: str
    sha256: str
    filename: str
    content_type: str
    size: int


class WithdrawIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=500)


class WithdrawOut(BaseModel):
    id: int
    from_status: str
    to_status: Literal[HazardStatus.WITHDRAWN]
    reason: str
    withdrawn_on: dt.date


class EvidenceOut(BaseModel):
    sha256: str
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: Moment


class HazardDetail(BaseModel):
    hazard: HazardItem
    moves: list[str]
    evidence: list[EvidenceOut]


class MoveResult(BaseModel):
    id: int
    from_status: str
    to_status: str
    evidence: list[str]
    note: str | None
    closed_on: dt.date | None


def record_out(detail: Mapping[str, Any]) -> RecordOut:
    """The API view of a task's visit record (with the hazards it opened)."""
    r = detail["record"]
    return RecordOut(
        id=r.id,
        task_id=r.task_id,
        visit_date=r.visit_date,
        recorded_at=r.recorded_at,
        recorded_by=r.recorded_by,
        late_reason=r.late_reason,
        mode=r.mode,
        answers=r.answers or {},
        problems=r.problems or [],
        note=r.note,
        photos=r.photos or [],
        hazards=detail["hazards"],
    )


def task_detail_out(detail: Mapping[str, Any]) -> TaskDetail:
    """The API view of a task (services.accounts.access.task_detail)."""
    t, e = detail["task"], detail["entity"]
    return TaskDetail(
        id=t.id,
        period=t.period,
        source=t.source,
        campaign=detail["campaign"],
        due_date=t.due_date,
        status=detail["status"],
        done_on=t.done_on,
        officer_code=detail["officer"].code,
        officer_name=detail["officer"].name,
        onsite_only=detail["onsite_only"],
        entity=EntityOut(
            name=e.name,
            key=detail["entity_key"],
            credit_code=e.credit_code,
            licence_no=e.licence_no,
            registration_no=e.registration_no,
            person_in_charge=e.person_in_charge,
            phone=e.phone,
            safety_director=e.safety_director,
            safety_officer=e.safety_officer,
            category=e.category,
            package_grade=e.package_grade,
            risk_grade=e.risk_grade,
            address=e.address,
            status=e.status,
            place=detail["place"].name,
        ),
        checklist=[
            ChecklistItemOut(id=i.id, text=i.text, hazard_level=i.hazard_level)
            for i in detail["checklist"]
        ],
        record=record_out(detail) if detail["record"] is not None else None,
    )


BanquetKindLabel = Literal["婚宴", "丧宴", "寿宴", "升学宴", "其他"]


class BanquetIn(BaseModel):
    village: Annotated[Text, Field(min_length=1, max_length=32)]
    host: Annotated[Text, Field(min_length=1, max_length=50)]
    event_date: dt.date
    diners: Annotated[int, Field(ge=1, le=100_000)]
    kind: BanquetKindLabel = "其他"
    contact: Annotated[Text, Field(max_length=24)] | None = None
    place: Annotated[Text, Field(max_length=200)] | None = None
    menu: Annotated[Text, Field(max_length=1000)] | None = None
    chef_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None
    officer: Annotated[Text, Field(max_length=32)] | None = None


class BanquetFiled(BaseModel):
    id: int
    task_id: int | None
    task_due: dt.date | None
    late_filing: bool
    chef_cert_expired: bool
    officer: str | None


class BanquetOut(BaseModel):
    id: int
    village_code: str
    village: str
    host: str
    contact: str | None
    event_date: dt.date
    place: str | None
    diners: int
    kind: BanquetKindLabel
    chef: str | None
    status: Literal["已备案", "已取消"]
    late_filing: bool
    chef_cert_expired: bool
    officer: str | None
    task_id: int | None
    task_due: dt.date | None
    guided_on: dt.date | None
    followed_up_on: dt.date | None
    diners_actual: int | None
    ill_count: int | None


class BanquetList(BaseModel):
    total: int
    banquets: list[BanquetOut]


class GuidanceIn(BaseModel):
    visit_date: dt.date | None = None
    answers: dict[Annotated[str, Field(max_length=64)], Literal["是", "否", "不涉及"]]
    note: Annotated[Text, Field(max_length=2000)] | None = None


class ReassignIn(BaseModel):
    officer: Annotated[Text, Field(min_length=1, max_length=32)]  # 干部编号 of the new guide


class FollowupIn(BaseModel):
    diners: Annotated[int, Field(ge=0, le=100_000)]
    ill: Annotated[int, Field(ge=0, le=100_000)] = 0


class VisitDone(BaseModel):
    id: int
    hazard_ids: list[int]
