"""食安办 pages (desktop): the dashboard of the subtree, overdue work down to officer and task,
未包保 entities, hazards awaiting verification (销号 / 退回), and downloads."""

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Session
from starlette.background import BackgroundTask

from models.enums import HazardFilter, HazardStatus, TaskState
from services.accounts import access, access_office
from services.accounts.unassigned_view import unassigned_view
from services.core import clock
from services.core.errors import BadInput
from services.core.periods import recent_quarters
from services.core.uploads import header_name
from services.hazards.lifecycle import move_hazard
from services.hazards.withdraw import withdraw_hazard
from services.permissions.principal import Principal
from services.reporting.lists import export_lists
from services.reporting.ranking.export import board_csv
from services.reporting.ranking.history import recent
from services.worklists import views as worklists
from web.deps import (
    Code,
    DbSession,
    FormText,
    ItemViewer,
    NotFound,
    OfficeUser,
    RowId,
    csrf,
    read_only,
    redirect,
    render,
)

router = APIRouter(include_in_schema=False)
TASK_TABS = (
    TaskState.OVERDUE,
    TaskState.OPEN,
    TaskState.DONE,
    TaskState.CANCELLED,
    TaskState.HANDED_OVER,
)
STATUS_TABS = {
    HazardFilter.AWAITING_VERIFICATION: "待验收",
    "verify_overdue": "验收逾期",  # the office's (services.hazards.listing), not a HazardFilter
    HazardFilter.OVERDUE: "逾期未整改",
    HazardFilter.OPEN: "全部未销号",
    HazardFilter.CLOSED: "已销号",
    HazardFilter.WITHDRAWN: "已撤销",
}


@router.get("/office")
def dashboard(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    figures = access_office.dashboard(session=session, who=person)
    waiting = access.hazards_in_scope(
        session=session, who=person, status=HazardFilter.AWAITING_VERIFICATION, limit=20
    )
    return render(request, "office/dashboard.html", f=figures, waiting=waiting)


@router.get("/office/overdue")
def overdue(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    officers = access_office.overdue_by_officer(session=session, who=person)
    return render(request, "office/overdue.html", officers=officers)


@router.get("/office/officers/{code}")
def officer_tasks(
    *,
    request: Request,
    code: Code,
    status: str = TaskState.OVERDUE,
    person: OfficeUser,
    session: DbSession,
) -> Response:
    found = access_office.officer_in_scope(session=session, who=person, code=code)
    if found is None:
        raise NotFound
    status = status if status in TASK_TABS else TaskState.OVERDUE
    tasks = access_office.tasks_in_scope(
        session=session, who=person, officer_id=found.id, status=status
    )
    return render(
        request, "office/officer.html", officer=found, tasks=tasks, tab=status, quarters=_quarters()
    )


@router.get("/office/tasks")
@read_only  # the page's rows and their count are one query; no transaction needed
def tasks(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    params = _list_params(request, default_status=TaskState.OVERDUE)
    view = worklists.task_list(session=session, who=person, params=params)
    return render(request, "office/tasks.html", v=view, tab=view.filters.status or "")


@router.get("/office/tasks.xlsx")
def tasks_file(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    return _list_file(request, person, session, "tasks", TaskState.OVERDUE)


def _list_params(request: Request, default_status: str) -> dict[str, str]:
    """The list's query parameters; a list opened without a status shows its first tab."""
    params = dict(request.query_params)
    params.setdefault("status", default_status)
    return params


def _list_file(
    request: Request, person: Principal, session: Session, kind: str, default_status: str
) -> Response:
    folder = Path(tempfile.mkdtemp(prefix="baobao-list-"))
    try:
        made = worklists.export_list(
            session=session,
            who=person,
            kind=kind,
            params=_list_params(request, default_status),
            path=folder / "list.xlsx",
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = f"{made.title}（{clock.today():%Y-%m-%d}）.xlsx"
    return FileResponse(
        made.path,
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/office/unassigned")
def unassigned(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    view = unassigned_view(session=session, who=person)
    return render(request, "office/unassigned.html", v=view)


@router.get("/office/hazards")
@read_only
def hazards(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    params = _list_params(request, default_status=HazardFilter.AWAITING_VERIFICATION)
    view = worklists.hazard_list(session=session, who=person, params=params)
    tab = view.filters.status or ""
    return render(request, "office/hazards.html", v=view, tab=tab, tabs=STATUS_TABS)


@router.get("/office/hazards.xlsx")
def hazards_file(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    return _list_file(request, person, session, "hazards", HazardFilter.AWAITING_VERIFICATION)


@router.post("/hazards/{hazard_id}/verify", dependencies=[Depends(csrf)])
def verify(
    *,
    request: Request,
    hazard_id: RowId,
    decision: FormText = "",
    reason: FormText = "",
    person: ItemViewer,
    session: DbSession,
) -> Response:
    detail = access.hazard_detail(session=session, who=person, hazard_id=hazard_id)
    if detail is None or not person.is_office:
        raise NotFound
    if decision not in ("close", "return"):
        raise BadInput("请选择验收通过（销号）或退回整改")
    if decision == "return" and not reason.strip():
        return render(request, "hazard.html", status=400, d=detail, error="退回整改须写明退回原因")
    target = HazardStatus.CLOSED if decision == "close" else HazardStatus.RECTIFYING
    try:
        move_hazard(
            session=session,
            hazard_id=hazard_id,
            target=target,
            who=person,
            note=reason.strip() or None,
        )
    except BadInput as exc:
        session.rollback()
        return render(request, "hazard.html", status=400, d=detail, error=str(exc))
    session.commit()
    message = "已验收销号" if decision == "close" else "已退回整改"
    return redirect(request, f"/hazards/{hazard_id}", message)


@router.post("/hazards/{hazard_id}/withdraw", dependencies=[Depends(csrf)])
def withdraw(
    *,
    request: Request,
    hazard_id: RowId,
    reason: FormText = "",
    person: ItemViewer,
    session: DbSession,
) -> Response:
    detail = access.hazard_detail(session=session, who=person, hazard_id=hazard_id)
    if detail is None or not person.is_office:
        raise NotFound
    try:
        withdraw_hazard(session=session, hazard_id=hazard_id, who=person, reason=reason)
    except BadInput as exc:
        session.rollback()
        return render(request, "hazard.html", status=400, d=detail, error=str(exc))
    session.commit()
    return redirect(request, f"/hazards/{hazard_id}", "隐患已撤销")


def _quarters() -> list[str]:
    return [q.name for q in recent_quarters(clock.today())]


@router.get("/office/downloads")
def downloads(*, request: Request, person: OfficeUser, session: DbSession) -> Response:
    found = access_office.briefings(session=session, who=person)
    return render(
        request,
        "office/downloads.html",
        briefings=found,
        quarters=_quarters(),
        townships=access_office.townships_in_scope(session=session, who=person),
    )


@router.get("/office/downloads/lists.xlsx")
def lists_file(
    *, quarter: str | None = None, status: str | None = None, person: OfficeUser, session: DbSession
) -> Response:
    if quarter and quarter not in _quarters():
        raise BadInput("季度无效")
    if status and status not in (HazardFilter.OPEN, HazardFilter.OVERDUE, HazardFilter.CLOSED):
        raise BadInput("状态无效")
    folder = Path(tempfile.mkdtemp(prefix="baobao-lists-"))
    path = folder / "lists.xlsx"
    try:
        result = export_lists(
            session=session,
            path=path,
            quarter=quarter or None,
            jurisdiction_code=person.jurisdiction_code,
            status=status or None,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = f"{person.jurisdiction_name}风险隐患清单和治理责任清单（{result['span']}）.xlsx"
    return FileResponse(
        path,
        filename=header_name(name),
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/office/ranking")
def ranking_page(
    *,
    request: Request,
    quarter: str | None = None,
    format: str = "html",
    person: OfficeUser,
    session: DbSession,
) -> Response:
    quarters = _quarters()
    quarter = quarter if quarter in quarters else quarters[0]
    if format == "csv":
        return Response(
            board_csv(session=session, quarter=quarter, jurisdiction=person.jurisdiction_code),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f"attachment; filename=ranking-{quarter}.csv"},
        )
    found = recent(session=session, quarter=quarter, jurisdiction=person.jurisdiction_code)
    return render(request, "office/ranking.html", r=found, quarters=quarters, quarter=quarter)


@router.get("/office/briefings/{briefing_id}/{fmt}")
def briefing_file(
    *, briefing_id: RowId, fmt: str, person: OfficeUser, session: DbSession
) -> Response:
    path = access_office.briefing_file(
        session=session, who=person, briefing_id=briefing_id, fmt=fmt
    )
    if path is None:
        raise NotFound
    return FileResponse(path, filename=header_name(path.name))
