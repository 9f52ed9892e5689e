"""Administrator pages: roster upload (dry run first, the CLI's row-level error table), handover
(交接) of an officer's entities, users and invitations, the village network (联络员/协管员/信息员)
and its invitations, campaigns, and the schedule's next and last runs."""

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from sqlmodel import Session
from starlette.background import BackgroundTask

from config.settings import get_settings
from models.enums import Category, OfficerTier, RunOutcome, label
from services.accounts import access_office, invitations, session_admin
from services.core import clock, links
from services.core.errors import BadInput
from services.core.uploads import header_name, kept_name, write_once
from services.core.urls import public_address_warning
from services.permissions.principal import Principal
from services.roster import limits
from services.roster.report import ImportResult
from web.deps import AdminUser, DbSession, FormText, NotFound, QueryText, csrf, redirect, render
from web.forms import parse_date

router = APIRouter(include_in_schema=False)
UPLOAD = "roster-upload"
MAX_SHOWN_ERRORS = 500


def _system_admin(person: Principal, session: Session) -> None:
    if not access_office.covers_everything(session=session, who=person):
        raise NotFound


@router.get("/admin")
def admin_home(*, request: Request, person: AdminUser) -> Response:
    return redirect(request, "/admin/users")


@router.get("/admin/roster")
def roster_page(*, request: Request, person: AdminUser, session: DbSession) -> Response:
    _system_admin(person, session)
    return render(request, "admin/roster.html")


def _uploads() -> Path:
    folder = Path(get_settings().data_dir) / "uploads" / "roster"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _import(
    session: Session, person: Principal, path: Path, name: str, partial: bool, dry_run: bool
) -> ImportResult:
    from services.roster.importer import import_roster

    return import_roster(
        session=session,
        path=path,
        name=name,
        partial=partial,
        dry_run=dry_run,
        actor=person.account,
    )


def _upload_path(digest: str) -> Path:
    """Where an upload waits for its apply: under its hash (the user's file name is data)."""
    return _uploads() / f"{digest}.xlsx"


@router.post("/admin/roster", dependencies=[Depends(csrf)])
def roster_check(
    *,
    request: Request,
    file: UploadFile,
    partial: Annotated[bool, Form()] = False,
    person: AdminUser,
    session: DbSession,
) -> Response:
    _system_admin(person, session)
    if not (file.filename or "").lower().endswith(".xlsx"):
        raise BadInput("请上传名册工作簿（.xlsx）")
    name = kept_name(file.filename, default="名册.xlsx")
    content = file.file.read(limits.max_bytes() + 1)
    limits.check_size(name=name, size=len(content))
    digest, path = write_once(folder=_uploads(), content=content, suffix=".xlsx")
    result = _import(session, person, path, name, partial, dry_run=True)
    token = links.sign(UPLOAD, {"sha": digest, "partial": partial, "name": name})
    return render(
        request,
        "admin/roster.html",
        result=result,
        token=token,
        filename=name,
        shown=result.errors[:MAX_SHOWN_ERRORS],
    )


@router.post("/admin/roster/apply", dependencies=[Depends(csrf)])
def roster_apply(
    *, request: Request, token: FormText = "", person: AdminUser, session: DbSession
) -> Response:
    _system_admin(person, session)
    try:
        upload = links.load(UPLOAD, token, max_age_seconds=3600)
    except links.BadLink:
        raise BadInput("上传已过期，请重新上传名册并试运行") from None
    path = _upload_path(str(upload.get("sha", "")))
    if not path.is_file():
        raise BadInput("上传的名册文件已不存在，请重新上传")
    name = str(upload.get("name") or "名册.xlsx")
    result = _import(session, person, path, name, bool(upload.get("partial")), dry_run=False)
    if result.ok:
        session.commit()
        path.unlink(missing_ok=True)
    return render(
        request,
        "admin/roster.html",
        result=result,
        applied=result.ok,
        filename=upload.get("name"),
        shown=result.errors[:MAX_SHOWN_ERRORS],
    )


def _download(write: Callable[[Path], object], name: str) -> FileResponse:
    folder = Path(tempfile.mkdtemp(prefix="baobao-roster-"))
    path = folder / "file.xlsx"
    try:
        write(path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        filename=header_name(name),
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/admin/roster/export.xlsx")
def roster_export(*, person: AdminUser, session: DbSession) -> Response:
    from services.roster.export import export_roster

    _system_admin(person, session)
    return _download(
        lambda path: export_roster(session=session, path=path),
        f"包保名册-{clock.today():%Y%m%d}.xlsx",
    )


@router.get("/admin/roster/template.xlsx")
def roster_template(*, person: AdminUser) -> Response:
    from services.roster.template import write_template

    return _download(lambda path: write_template(path=path), "包保名册模板.xlsx")


@router.get("/admin/handover")
def handover_page(*, request: Request, person: AdminUser, session: DbSession) -> Response:
    from services.roster.handovers import quarter_handovers

    found = quarter_handovers(session=session, scope_path=person.path)
    return render(request, "admin/handover.html", handovers=found, today=clock.today())


@router.post("/admin/handover", dependencies=[Depends(csrf)])
def handover(
    *,
    request: Request,
    from_code: FormText = "",
    to_code: FormText = "",
    day: FormText = "",
    person: AdminUser,
    session: DbSession,
) -> Response:
    from services.roster.handover import hand_over

    result = hand_over(
        session=session,
        from_code=from_code,
        to_code=to_code,
        day=parse_date(day),
        actor=person.account,
        scope_path=person.path,
    )
    session.commit()
    return redirect(
        request,
        "/admin/handover",
        f"已交接：{result['from']} → {result['to']}（自 {result['date']} 起），包保关系 "
        f"{result['assignments']} 个，转交督导任务 {result['tasks_moved']} 个、隐患 "
        f"{result['hazards_moved']} 个",
    )


@router.post("/admin/unassigned/assign", dependencies=[Depends(csrf)])
def assign_unassigned(
    *,
    request: Request,
    entity_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
    officer_code: FormText = "",
    person: AdminUser,
    session: DbSession,
) -> Response:
    from services.roster.assign import assign_entity

    done = assign_entity(
        session=session,
        entity_id=entity_id,
        officer_code=officer_code,
        actor=person.account,
        scope_path=person.path,
    )
    session.commit()
    moved = f"，转交隐患 {done.hazards_moved} 个" if done.hazards_moved else ""
    return redirect(
        request,
        "/office/unassigned",
        f"已指定：{done.entity} 自 {done.date} 起由 {done.officer_name}（{done.officer_code}）包保"
        f"{moved}；首次督导任务随当天的任务生成",
    )


@router.get("/admin/users")
def users(
    *, request: Request, q: QueryText = "", person: AdminUser, session: DbSession
) -> Response:
    found = access_office.people(session=session, who=person, query=q[:50])
    return render(
        request, "admin/users.html", people=found, q=q[:50], warning=public_address_warning()
    )


def _deliver(database_url: str) -> None:
    from models.db import session_scope
    from services.reminders.delivery import deliver

    with session_scope(database_url) as session:
        deliver(session=session)


@router.post("/admin/users/invite", dependencies=[Depends(csrf)])
def invite(
    *, request: Request, account: FormText = "", person: AdminUser, session: DbSession
) -> Response:
    result = invitations.invite(
        session=session, account=account, actor=person.account, scope_path=person.path
    )
    session.commit()
    found = access_office.people(session=session, who=person, query="")
    response = render(
        request,
        "admin/users.html",
        people=found,
        q="",
        invited=result,
        warning=public_address_warning(),
    )
    if result["queued"]:
        response.background = BackgroundTask(_deliver, request.app.state.database_url)
    return response


@router.get("/admin/sessions")
def person_sessions(
    *, request: Request, account: QueryText = "", person: AdminUser, session: DbSession
) -> Response:
    found = session_admin.person_sessions(session=session, account=account, admin=person)
    return render(request, "admin/sessions.html", found=found)


@router.post("/admin/sessions/end", dependencies=[Depends(csrf)])
def end_sessions(
    *,
    request: Request,
    account: FormText = "",
    session_id: FormText = "",
    person: AdminUser,
    session: DbSession,
) -> Response:
    ended = session_admin.end_sessions(
        session=session,
        account=account,
        actor=person.account,
        session_id=session_id or None,
        admin=person,
    )
    session.commit()
    return redirect(
        request,
        f"/admin/sessions?account={quote(account, safe='')}",
        f"已结束 {ended} 个登录或令牌",
    )


SHEET = "invitation-sheet"


def _sheets() -> Path:
    return Path(get_settings().data_dir) / "invitations"


def _invitations_page(
    request: Request,
    person: Principal,
    session: Session,
    template: str = "admin/invitations.html",
    **extra: Any,  # the template's further values
) -> Response:
    return render(
        request,
        template,
        places=access_office.townships_in_scope(session=session, who=person),
        tiers=[(t.value, label(OfficerTier, t.value)) for t in OfficerTier],
        warning=public_address_warning(),
        **extra,
    )


@router.get("/admin/invitations")
def invitations_page(*, request: Request, person: AdminUser, session: DbSession) -> Response:
    return _invitations_page(request, person, session)


@router.post("/admin/invitations", dependencies=[Depends(csrf)])
def invite_jurisdiction(
    *,
    request: Request,
    jurisdiction: FormText = "",
    tier: FormText = "",
    person: AdminUser,
    session: DbSession,
) -> Response:
    from services.accounts.invitation_batch import invitation_sheet, invite_officers

    if tier and tier not in {t.value for t in OfficerTier}:
        raise BadInput("干部层级无效")
    batch = invite_officers(
        session=session,
        jurisdiction=jurisdiction,
        tier=OfficerTier(tier) if tier else None,
        actor=person.account,
        scope_path=person.path,
    )
    token = None
    if batch.on_sheet:
        digest, _ = write_once(
            folder=_sheets(), content=invitation_sheet(batch=batch), suffix=".pdf"
        )
        token = links.sign(SHEET, {"sha": digest, "title": batch.title, "by": person.account})
    session.commit()
    response = _invitations_page(
        request,
        person,
        session,
        batch=batch,
        sheet_token=token,
        sheet_expires=clock.chinese_moment(batch.on_sheet[0].expires) if batch.on_sheet else "",
    )
    if batch.queued:
        response.background = BackgroundTask(_deliver, request.app.state.database_url)
    return response


@router.get("/admin/invitations/sheet")
def invitation_sheet_file(
    *, token: Annotated[str, Query(max_length=1000)] = "", person: AdminUser
) -> Response:
    try:
        found = links.load(SHEET, token, max_age_seconds=24 * 3600)
    except links.BadLink:
        raise NotFound from None
    path = _sheets() / f"{found.get('sha', '')}.pdf"
    if found.get("by") != person.account or not path.is_file():
        raise NotFound
    return FileResponse(
        path, media_type="application/pdf", filename=header_name(f"{found.get('title')}.pdf")
    )


def _network_page(request: Request, person: Principal, session: Session, **extra: Any) -> Response:
    from services.accounts.network import MAX_ROWS, village_network

    rows = village_network(session=session, who=person)
    return _invitations_page(
        request,
        person,
        session,
        "admin/network.html",
        rows=rows,
        capped=len(rows) >= MAX_ROWS,
        **extra,
    )


@router.get("/admin/network")
def network_page(*, request: Request, person: AdminUser, session: DbSession) -> Response:
    return _network_page(request, person, session)


@router.post("/admin/network/invite", dependencies=[Depends(csrf)])
def network_invite(
    *,
    request: Request,
    informant_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
    person: AdminUser,
    session: DbSession,
) -> Response:
    result = invitations.invite_informant(
        session=session, informant_id=informant_id, actor=person.account, scope_path=person.path
    )
    session.commit()
    return _network_page(request, person, session, invited=result)


@router.post("/admin/network/sheet", dependencies=[Depends(csrf)])
def network_sheet(
    *, request: Request, jurisdiction: FormText = "", person: AdminUser, session: DbSession
) -> Response:
    from services.accounts.invitation_batch import invitation_sheet
    from services.accounts.network import invite_network

    batch = invite_network(
        session=session, jurisdiction=jurisdiction, actor=person.account, scope_path=person.path
    )
    digest, _ = write_once(folder=_sheets(), content=invitation_sheet(batch=batch), suffix=".pdf")
    token = links.sign(SHEET, {"sha": digest, "title": batch.title, "by": person.account})
    session.commit()
    return _network_page(
        request,
        person,
        session,
        batch=batch,
        sheet_token=token,
        sheet_expires=clock.chinese_moment(batch.officers[0].expires),
    )


@router.get("/admin/campaigns")
def campaigns(*, request: Request, person: AdminUser, session: DbSession) -> Response:
    found = access_office.campaigns_in_scope(session=session, who=person)
    return render(
        request, "admin/campaigns.html", campaigns=found, categories=[c.value for c in Category]
    )


@router.post("/admin/campaigns", dependencies=[Depends(csrf)])
def campaign_create(
    *,
    request: Request,
    name: FormText = "",
    due: FormText = "",
    jurisdiction: FormText = "",
    categories: Annotated[list[str] | None, Form()] = None,
    package_grades: Annotated[list[str] | None, Form()] = None,
    risk_grades: Annotated[list[str] | None, Form()] = None,
    person: AdminUser,
    session: DbSession,
) -> Response:
    from services.tasks.campaigns import create_campaign

    code = jurisdiction.strip() or None
    if code is None and not access_office.covers_everything(session=session, who=person):
        code = person.jurisdiction_code
    if (
        code is not None
        and access_office.jurisdiction_in_scope(session=session, who=person, code=code) is None
    ):
        raise BadInput(f"区划代码 {code} 不在您的管辖范围内")
    due_date = parse_date(due)
    if due_date is None:
        raise BadInput("请填写截止日期")
    result = create_campaign(
        session=session,
        name=name,
        due_date=due_date,
        categories=categories or (),
        package_grades=package_grades or (),
        risk_grades=risk_grades or (),
        jurisdiction=code,
        actor=person.account,
    )
    session.commit()
    return redirect(
        request,
        "/admin/campaigns",
        f"专项督导「{result['campaign']}」已创建：新建任务 {result['created']} 个",
    )


@router.get("/admin/schedule")
def schedule_page(*, request: Request, person: AdminUser, session: DbSession) -> Response:
    from config.files import ConfigError
    from services.scheduling import schedule

    _system_admin(person, session)
    rows, problem = [], None
    try:
        jobs = schedule.jobs()
    except ConfigError as exc:
        jobs, problem = [], str(exc)
    now = clock.now()
    for job in jobs:
        rows.append(
            {
                "job": job,
                "next": schedule.next_fire_times(job, after=now, count=2),
                "last": schedule.last_run(session=session, job=job.name),
                "last_ok": schedule.last_run(session=session, job=job.name, outcome=RunOutcome.OK),
            }
        )
    return render(
        request,
        "admin/schedule.html",
        rows=rows,
        problem=problem,
        outcomes=schedule.OUTCOMES,
        tz=clock.tz(),
    )
