"""Downloads of the visit paperwork: the 督导检查记录表 of a visit (officer and office), merged
for an officer or a township, and the 督导台账 (office). Each is made on request in a temporary
folder, sent, then removed."""

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from services.accounts import access, access_office
from services.core.periods import parse_period
from services.core.uploads import header_name
from services.reporting import visit_print
from services.reporting.ledger import export_ledger
from web.deps import DbSession, ItemViewer, NotFound, OfficeUser, RowId

router = APIRouter(include_in_schema=False)
PeriodText = Annotated[str, Query(max_length=10, pattern=r"^[0-9QHqh-]*$")]
CodeText = Annotated[str, Query(max_length=64, pattern=r"^[0-9A-Za-z_.@-]*$")]


def _sent(make: Callable[[Path], tuple[Path, str]]) -> FileResponse:
    """make(folder) → (the file, the name to send it as); the folder goes once it is sent."""
    folder = Path(tempfile.mkdtemp(prefix="baobao-paper-"))
    try:
        path, name = make(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        filename=header_name(name),
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _one_or_zip(files: Sequence[Mapping[str, Any]], folder: Path, stem: str) -> tuple[Path, str]:
    """One PDF as it is; several (a county's townships) in one zip."""
    if len(files) == 1:
        return Path(files[0]["path"]), f"{stem}.pdf"
    bundle = folder / "records.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as out:
        for f in files:
            out.write(f["path"], Path(f["path"]).name)
    return bundle, f"{stem}.zip"


@router.get("/tasks/{task_id}/record.pdf")
def visit_record(*, task_id: RowId, person: ItemViewer, session: DbSession) -> Response:
    detail = access.task_detail(session=session, who=person, task_id=task_id)
    record = detail["record"] if detail is not None else None
    if detail is None or record is None:
        raise NotFound
    entity = detail["entity"]

    def make(folder: Path) -> tuple[Path, str]:
        result = visit_print.print_task(session=session, task_id=task_id, out_dir=folder)
        name = f"督导检查记录表-{entity.name}-{record.visit_date}.pdf"
        return Path(result["files"][0]["path"]), name

    return _sent(make)


@router.get("/office/visits/records")
def merged_records(
    *,
    period: PeriodText = "",
    officer: CodeText = "",
    jurisdiction: CodeText = "",
    person: OfficeUser,
    session: DbSession,
) -> Response:
    span = parse_period(period)
    if (
        officer
        and access_office.officer_in_scope(session=session, who=person, code=officer) is None
    ):
        raise NotFound
    code = None if officer else (jurisdiction or person.jurisdiction_code)
    if code and access_office.jurisdiction_in_scope(session=session, who=person, code=code) is None:
        raise NotFound

    def make(folder: Path) -> tuple[Path, str]:
        result = visit_print.print_period(
            session=session,
            period=span.name,
            officer=officer or None,
            jurisdiction=code,
            out_dir=folder,
        )
        return _one_or_zip(result["files"], folder, f"督导检查记录表-{officer or code}-{span.name}")

    return _sent(make)


@router.get("/office/visits/ledger.xlsx")
def ledger_file(
    *,
    period: PeriodText = "",
    jurisdiction: CodeText = "",
    person: OfficeUser,
    session: DbSession,
) -> Response:
    code = jurisdiction or person.jurisdiction_code
    if access_office.jurisdiction_in_scope(session=session, who=person, code=code) is None:
        raise NotFound

    def make(folder: Path) -> tuple[Path, str]:
        path = folder / "ledger.xlsx"
        result = export_ledger(
            session=session, path=path, period=period or None, jurisdiction_code=code
        )
        return path, f"{result['title']}.xlsx"

    return _sent(make)
