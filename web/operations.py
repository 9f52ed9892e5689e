"""Operations pages: /healthz for a monitor, and for the administrator the doctor (系统自检) and
the working-day calendar (year view, upload of next year's holiday schedule)."""

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from models.db import get_engine
from services.accounts import access_office
from services.core import clock
from services.core.errors import BadInput
from services.permissions.principal import Principal
from web.deps import AdminUser, DbSession, NotFound, csrf, render

router = APIRouter(include_in_schema=False)
MAX_CALENDAR_BYTES = 1024 * 1024


@router.get("/healthz")
def healthz(request: Request) -> Response:
    from services.operations.health import health

    result = health(engine=get_engine(request.app.state.database_url))
    return JSONResponse(result, status_code=200 if result["ok"] else 503)


def _county_admin(person: Principal, session: Session) -> None:
    """The calendar and the doctor concern the whole installation: its top administrators."""
    if not access_office.covers_everything(session=session, who=person):
        raise NotFound


@router.get("/admin/doctor")
def doctor_page(*, request: Request, person: AdminUser, session: DbSession) -> Response:
    from services.operations.doctor import run_checks

    _county_admin(person, session)
    checks = run_checks(engine=get_engine(request.app.state.database_url))
    return render(request, "admin/doctor.html", checks=checks, now=clock.now())


def _calendar_page(request: Request, year: int, status: int = 200, **context: object) -> Response:
    from services.core import calendar
    from services.operations.calendar_view import month_grid, year_view

    held = sorted(calendar.held_years())
    months = [(m, month_grid(year=year, month=m)) for m in range(1, 13)]
    return render(
        request,
        "admin/calendar.html",
        status=status,
        view=year_view(year=year),
        months=months,
        held=held,
        years=range(clock.today().year - 1, clock.today().year + 3),
        **context,
    )


@router.get("/admin/calendar")
def calendar_page(
    *,
    request: Request,
    person: AdminUser,
    session: DbSession,
    year: int | None = Query(None, ge=2004, le=2100),
) -> Response:
    _county_admin(person, session)
    return _calendar_page(request, year or clock.today().year + 1)


@router.post("/admin/calendar", dependencies=[Depends(csrf)])
def calendar_upload(
    *, request: Request, file: UploadFile, person: AdminUser, session: DbSession
) -> Response:
    from services.operations.calendar_import import import_calendar

    _county_admin(person, session)
    name = Path((file.filename or "").replace("\\", "/")).name
    if Path(name).suffix.lower() not in (".toml", ".csv"):
        raise BadInput("请上传放假安排文件（.toml 或 .csv）")
    content = file.file.read(MAX_CALENDAR_BYTES + 1)
    if len(content) > MAX_CALENDAR_BYTES:
        raise BadInput("放假安排文件过大（应小于 1 MB）")
    folder = Path(tempfile.mkdtemp(prefix="baobao-calendar-"))
    try:
        (folder / name).write_bytes(content)
        result = import_calendar(session=session, path=folder / name, actor=person.account)
        session.commit()
    except BadInput as exc:  # shown above the form, every problem on its own line
        session.rollback()
        return _calendar_page(request, clock.today().year + 1, problem=str(exc), status=400)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _calendar_page(request, result["year"], result=result)
