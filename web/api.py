"""The JSON API under /api (OpenAPI at /api/openapi.json): tasks, visit records, hazards, stats.

Integrations authenticate with a bearer token from POST /api/token: it names a server-side
token (services.accounts.sign_ins) that expires, ends when the password changes and can be
revoked by an administrator; the scope rules are the pages' (services.permissions.rules).
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from models.enums import HazardFilter, HazardStatus, PersonKind, SessionKind, TaskState
from services.accounts import access, access_office, tokens
from services.accounts import login as signing
from services.accounts.identity import web_policy
from services.core import links
from services.figures.definitions import OPEN
from services.hazards.lifecycle import move_hazard
from services.hazards.withdraw import withdraw_hazard
from services.permissions.principal import Principal
from services.visits.records import record_visit
from services.visits.uploads import keep_upload
from web import forms
from web.api_models import (
    HazardDetail,
    HazardList,
    MoveResult,
    RecordIn,
    RecordOut,
    TaskDetail,
    TaskList,
    TokenOut,
    UploadOut,
    WhoOut,
    WithdrawIn,
    WithdrawOut,
    record_out,
    task_detail_out,
)
from web.deps import LoginRequired, NoNul, NotFound, RowId, client_address, db

router = APIRouter(prefix="/api", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="POST /api/token 取得的令牌")
HazardTarget = Literal[
    HazardStatus.RECTIFYING, HazardStatus.AWAITING_VERIFICATION, HazardStatus.CLOSED
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "不存在或不在职责范围内"}}


def api_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    session: Annotated[Session, Depends(db)],
) -> Principal:
    """The person a bearer token names (401 without a valid token)."""
    if credentials is None:
        raise LoginRequired
    try:
        payload = links.load(
            links.API, credentials.credentials, max_age_seconds=web_policy().api_token_days * 86400
        )
    except links.BadLink:
        raise LoginRequired from None
    person = tokens.signed_in(session=session, payload=payload, kinds=tokens.API)
    if person is None:
        raise LoginRequired
    return person


Who = Annotated[Principal, Depends(api_user)]
Db = Annotated[Session, Depends(db)]


@router.post("/token", response_model=TokenOut, responses={400: {"description": "登录失败"}})
def token(
    request: Request,
    session: Db,
    username: Annotated[str, Form(max_length=100), NoNul],
    password: Annotated[str, Form(max_length=200), NoNul],
) -> TokenOut:
    """用账号（干部编号、手机号或食安办账号）和密码换取令牌。"""
    person = signing.open_session(
        session=session,
        login=username,
        password=password,
        client=client_address(request),
        kind=SessionKind.API,
    )
    session.commit()
    value = links.sign(links.API, tokens.principal_claims(person))
    return TokenOut(
        access_token=value, token_type="bearer", expires_in=web_policy().api_token_days * 86400
    )


@router.get("/me", response_model=WhoOut)
def me(who: Who) -> WhoOut:
    """令牌对应的人和职责范围。"""
    return WhoOut(
        kind=PersonKind(who.kind),
        account=who.account,
        name=who.name,
        jurisdiction_code=who.jurisdiction_code,
        jurisdiction_name=who.jurisdiction_name,
    )


@router.get("/tasks", response_model=TaskList)
def tasks(
    who: Who,
    session: Db,
    status: TaskState | None = None,
    period: Annotated[str | None, Query(max_length=16), NoNul] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> access_office.ScopeTasks:
    """督导任务：包保干部看自己的，食安办看本辖区的。"""
    return access_office.tasks_in_scope(
        session=session, who=who, status=status, period=period, limit=limit, offset=offset
    )


def _task(session: Session, who: Principal, task_id: int) -> access.TaskDetail:
    detail = access.task_detail(session=session, who=who, task_id=task_id)
    if detail is None:
        raise NotFound
    return detail


@router.get("/tasks/{task_id}", response_model=TaskDetail, responses=NOT_FOUND)
def task(task_id: RowId, who: Who, session: Db) -> TaskDetail:
    """一个任务：主体、检查清单和督导记录。"""
    return task_detail_out(_task(session, who, task_id))


@router.get("/tasks/{task_id}/record", response_model=RecordOut, responses=NOT_FOUND)
def task_record(task_id: RowId, who: Who, session: Db) -> RecordOut:
    """任务的督导记录。"""
    detail = _task(session, who, task_id)
    if detail["record"] is None:
        raise NotFound
    return record_out(detail)


@router.post(
    "/tasks/{task_id}/record",
    response_model=RecordOut,
    status_code=201,
    responses={**NOT_FOUND, 400: {"description": "内容不符合规则"}},
)
def record(task_id: RowId, body: RecordIn, who: Who, session: Db) -> RecordOut:
    """记录一次督导（仅该任务的包保干部）；回答“否”和所列问题生成隐患。"""
    detail = _task(session, who, task_id)
    if not access.may_record(who=who, task=detail["task"]):
        raise NotFound
    answers = {
        key: a if isinstance(a, str) else a.model_dump(exclude={"photos"}, exclude_none=True)
        for key, a in body.answers.items()
    }
    record_visit(
        session=session,
        task_id=task_id,
        mode=body.mode,
        visit_date=body.visit_date,
        document={"answers": answers, "problems": [p.model_dump() for p in body.problems]},
        note=body.note,
        upload_ids=body.photos,
        item_upload_ids={
            key: a.photos for key, a in body.answers.items() if not isinstance(a, str) and a.photos
        },
        recorded_by=who.account,
    )
    session.commit()
    return record_out(_task(session, who, task_id))


@router.get("/hazards", response_model=HazardList)
def hazards(
    who: Who,
    session: Db,
    status: HazardFilter | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, object]:
    """隐患：包保干部看自己负责整改的，食安办看本辖区的。"""
    items = access.hazards_in_scope(session=session, who=who, status=status, limit=limit)
    return {"total": len(items), "hazards": items}


@router.get("/hazards/{hazard_id}", response_model=HazardDetail, responses=NOT_FOUND)
def hazard(hazard_id: RowId, who: Who, session: Db) -> dict[str, object]:
    """一个隐患：整改证据和可执行的状态变更。"""
    detail = access.hazard_detail(session=session, who=who, hazard_id=hazard_id)
    if detail is None:
        raise NotFound
    return {
        "hazard": detail["hazard"],
        "moves": detail["moves"],
        "evidence": [
            {
                "sha256": e.sha256,
                "filename": e.filename,
                "content_type": e.content_type,
                "size": e.size,
                "uploaded_by": e.uploaded_by,
                "uploaded_at": e.uploaded_at,
            }
            for e in detail["evidence"]
        ],
    }


@router.post(
    "/hazards/{hazard_id}/move",
    response_model=MoveResult,
    responses={**NOT_FOUND, 400: {"description": "不允许的状态变更"}},
)
def move(
    hazard_id: RowId,
    who: Who,
    session: Db,
    target: Annotated[HazardTarget, Form()],
    note: Annotated[str | None, Form(max_length=2000), NoNul] = None,
    evidence: Annotated[list[UploadFile] | None, File()] = None,
) -> dict[str, object]:
    """改变隐患状态：开始整改、报告整改完成（附证据）、销号或退回（写明原因）。"""
    if access.hazard_detail(session=session, who=who, hazard_id=hazard_id) is None:
        raise NotFound
    files = forms.read_uploads([upload for upload in evidence or [] if upload.filename])
    result = move_hazard(
        session=session, hazard_id=hazard_id, target=target, who=who, files=files, note=note
    )
    session.commit()
    return {
        "id": result["id"],
        "from_status": result["from"],
        "to_status": result["to"],
        "evidence": result["evidence"],
        "note": result["note"],
        "closed_on": result["closed_on"],
    }


@router.post(
    "/uploads",
    response_model=UploadOut,
    status_code=201,
    responses={400: {"description": "文件类型或大小不符合要求"}, 404: NOT_FOUND[404]},
)
def upload(who: Who, file: Annotated[UploadFile, File()]) -> UploadOut:
    """先上传督导照片，再在记录督导时以编号引用（仅包保干部）。"""
    if not who.is_officer:
        raise NotFound
    checked = forms.read_upload(file)
    return UploadOut(
        id=keep_upload(file=checked, uploader=who.account),
        sha256=checked.sha256,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
    )


@router.post(
    "/hazards/{hazard_id}/withdraw",
    response_model=WithdrawOut,
    responses={**NOT_FOUND, 400: {"description": "不能撤销"}},
)
def withdraw(hazard_id: RowId, body: WithdrawIn, who: Who, session: Db) -> WithdrawOut:
    """撤销已停业或注销主体的隐患（食安办），须写明原因。"""
    if (
        who.is_officer
        or access.hazard_detail(session=session, who=who, hazard_id=hazard_id) is None
    ):
        raise NotFound
    done = withdraw_hazard(session=session, hazard_id=hazard_id, who=who, reason=body.reason)
    session.commit()
    return WithdrawOut(
        id=done.id,
        from_status=done.before,
        to_status=HazardStatus.WITHDRAWN,
        reason=done.reason,
        withdrawn_on=done.withdrawn_on,
    )


@router.get("/stats", response_model=dict[str, Any], responses=NOT_FOUND)
def stats(who: Who, session: Db) -> dict[str, Any]:
    """本季度统计：食安办为本辖区的任务、覆盖和隐患数据；包保干部为自己的任务和隐患。"""
    if who.is_officer:
        board = access.officer_board(session=session, who=who)
        mine = access.officer_hazards(session=session, who=who)
        return {
            "quarter": board["quarter"],
            "tasks": {k: len(board[k]) for k in ("overdue", "due_soon", "later", "done")},
            "hazards": {
                "open": sum(h["status"] in OPEN for h in mine),
                "overdue": sum(h["overdue"] for h in mine),
            },
        }
    if not who.is_office:  # a village's 信息员: banquets only
        raise NotFound
    figures = access_office.dashboard(session=session, who=who)
    return {
        key: figures[key]
        for key in (
            "quarter",
            "as_of",
            "jurisdiction",
            "tasks",
            "coverage",
            "hazards",
            "unfinished_officers",
            "dashboard",
        )
    }
