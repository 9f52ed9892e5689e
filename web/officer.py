"""Officer pages (phone first): 我的任务, a task with its checklist form, 我的隐患 and reporting
rectification; one-tap links from digests open a task or hazard directly.

The task and hazard pages also serve 食安办 users (read-only task, verification on hazards):
office digests link to the same addresses.
"""

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from config.files import ChecklistItem
from models.enums import HazardStatus, ItemKind
from services.accounts import access, one_tap
from services.core import clock, links
from services.core.errors import BadInput
from services.core.uploads import header_name
from services.hazards.lifecycle import move_hazard, report_rectified
from services.permissions.principal import Principal
from services.visits.records import record_visit
from services.visits.uploads import keep_upload, upload_name
from web import forms, sessions
from web.deps import (
    DbSession,
    FormText,
    ItemViewer,
    NotFound,
    OfficerUser,
    RowId,
    Who,
    client_address,
    csrf,
    person_of,
    read_only,
    redirect,
    render,
    require_person,
)

router = APIRouter(include_in_schema=False)


# A task's or hazard's page details: services.accounts.access's TaskDetail or HazardDetail, read
# by key as the route's kind says.
Detail = Mapping[str, Any]
# What a form route does with the officer's item: (request, session, officer, detail, form).
FormHandler = Callable[[Request, Session, Principal, Detail, FormData], Response]


def open_link(
    request: Request,
    session: Session,
    kind: ItemKind,
    item_id: int,
    token: str,
    current: Principal | None,
    switch: bool = False,
    page: str | None = None,
) -> Response:
    """Follow a one-tap link: a session for this one item, then its page without the token
    (page: another page showing the item, a 现场指导 task's banquet); where someone else is
    signed in here, a page asking before switching."""
    page = page or f"/{kind}s/{item_id}"
    try:
        opened = one_tap.follow_link(
            session=session,
            kind=kind,
            item_id=item_id,
            token=token,
            current=current,
            client=client_address(request),
            switch=switch,
        )
    except links.BadLink as exc:
        return render(request, "link_refused.html", status=403, reason=str(exc), next=page)
    if opened.ask:
        return render(request, "link_switch.html", holder=opened.who, kind=kind,
                      item_id=item_id, token=token, page=page)  # fmt: skip
    if opened.started:
        session.commit()
        sessions.sign_in(request, opened.who)
    return redirect(request, page)


@router.post("/links/{kind}/{item_id}", dependencies=[Depends(csrf)])
def switch_to_link(
    *,
    request: Request,
    kind: ItemKind,
    item_id: RowId,
    k: FormText = "",
    page: FormText = "",
    current: Who,
    session: DbSession,
) -> Response:
    shown = page if page.startswith("/banquets/") and page[10:].isdigit() else None
    return open_link(request, session, kind, item_id, k, current, switch=True, page=shown)


def _item(session: Session, person: Principal, kind: ItemKind, item_id: int) -> Detail:
    """The task or hazard page's details within person's scope; NotFound otherwise."""
    detail = (
        access.task_detail(session=session, who=person, task_id=item_id)
        if kind == ItemKind.TASK
        else access.hazard_detail(session=session, who=person, hazard_id=item_id)
    )
    if detail is None:
        raise NotFound
    return detail


def _inline_file(found: Mapping[str, Any] | None) -> FileResponse:
    """A stored photo or evidence file shown in the browser; NotFound when out of scope or gone."""
    if found is None or not found["path"].is_file():
        raise NotFound
    return FileResponse(
        found["path"],
        media_type=found["content_type"],
        filename=header_name(found["filename"]),
        content_disposition_type="inline",
    )


@router.get("/my/tasks")
@read_only
async def my_tasks(*, request: Request, person: OfficerUser, session: DbSession) -> Response:
    # async: two short indexed queries run inline, cheaper than a hop to a worker thread
    board = access.officer_board(session=session, who=person)
    return render(request, "officer/my_tasks.html", board=board, open_hazards=board["open_hazards"])


@router.get("/tasks/{task_id}")
def task_page(
    *, request: Request, task_id: RowId, k: str | None = None, current: Who, session: DbSession
) -> Response:
    if k is not None:
        return open_link(request, session, ItemKind.TASK, task_id, k, current)
    detail = _item(session, require_person(current), ItemKind.TASK, task_id)
    return render(request, "officer/task.html", d=detail, today=clock.today())


@router.post("/tasks/{task_id}/record", dependencies=[Depends(csrf)])
async def record(*, request: Request, task_id: RowId) -> Response:
    return await _with_form(request, ItemKind.TASK, task_id, _record)


def _record(
    request: Request, session: Session, person: Principal, detail: Detail, form: FormData
) -> Response:
    task_id = detail["task"].id
    document: dict[str, object] = {}
    # Photos are stored first and named by id, so a refused form keeps them (rule 11's photos).
    kept = KeptPhotos(form, detail["checklist"], uploader=person.account)
    try:
        kept.check()
        document = forms.visit_document(form, detail["checklist"])
        saved = record_visit(
            session=session,
            task_id=task_id,
            mode=forms.field(form, "mode"),
            visit_date=forms.parse_date(forms.field(form, "visit_date")),
            document=document,
            note=forms.field(form, "note").strip() or None,
            upload_ids=kept.visit,
            item_upload_ids=kept.items,
            recorded_by=person.account,
        )
    except BadInput as exc:
        session.rollback()
        return render(
            request,
            "officer/task.html",
            status=400,
            d=detail,
            today=clock.today(),
            error=str(exc),
            given=document,
            form=form,
            kept=kept.shown(),
        )
    session.commit()
    found, recurred = len(saved.hazards), len(saved.recurred)
    message = (
        "督导已记录，任务完成"
        + (f"；发现 {found} 个隐患，已列入整改" if found else "")
        + (f"；{recurred} 个未销号隐患复查仍未整改，已记入原隐患" if recurred else "")
    )
    return redirect(request, f"/tasks/{task_id}", message)


class KeptPhotos:
    """The visit form's photos as upload ids: those kept from an earlier submission and the
    files of this one, each stored at once (services.visits.uploads)."""

    def __init__(self, form: FormData, checklist: list[ChecklistItem], *, uploader: str):
        self.form, self.uploader, self.error = form, uploader, ""
        self.visit = self._keep("photos", "kept_photos")
        self.items = {
            key: ids
            for key in forms.failed_items(form, checklist)
            if (ids := self._keep(f"photo_{key}", f"kept_photo_{key}"))
        }

    def _keep(self, new: str, kept: str) -> list[str]:
        ids = forms.kept_ids(self.form, kept)
        for item in self.form.getlist(new):
            if isinstance(item, UploadFile) and item.filename:
                try:
                    ids.append(keep_upload(file=forms.read_upload(item), uploader=self.uploader))
                except BadInput as exc:
                    self.error = self.error or str(exc)
        return ids

    def check(self) -> None:
        """BadInput for the first file that could not be accepted."""
        if self.error:
            raise BadInput(self.error)

    def shown(self) -> dict[str, object]:
        """The kept photos by field, (id, file name) each, for the form shown again."""

        def named(ids: list[str]) -> list[tuple[str, str]]:
            return [(i, upload_name(upload_id=i)) for i in ids]

        return {
            "photos": named(self.visit),
            "by_item": {k: named(v) for k, v in self.items.items()},
        }


@router.get("/tasks/{task_id}/photos/{sha256}")
def task_photo(*, task_id: RowId, sha256: str, person: ItemViewer, session: DbSession) -> Response:
    return _inline_file(
        access.photo_in_scope(session=session, who=person, task_id=task_id, sha256=sha256)
    )


@router.get("/my/hazards")
@read_only
def my_hazards(*, request: Request, person: OfficerUser, session: DbSession) -> Response:
    items = access.officer_hazards(session=session, who=person)
    return render(request, "officer/my_hazards.html", hazards=items)


@router.get("/hazards/{hazard_id}")
def hazard_page(
    *, request: Request, hazard_id: RowId, k: str | None = None, current: Who, session: DbSession
) -> Response:
    if k is not None:
        return open_link(request, session, ItemKind.HAZARD, hazard_id, k, current)
    return render(
        request,
        "hazard.html",
        d=_item(session, require_person(current), ItemKind.HAZARD, hazard_id),
    )


@router.post("/hazards/{hazard_id}/start", dependencies=[Depends(csrf)])
def start_rectifying(
    *, request: Request, hazard_id: RowId, person: ItemViewer, session: DbSession
) -> Response:
    _item(session, person, ItemKind.HAZARD, hazard_id)
    if not person.is_officer:
        raise NotFound
    move_hazard(session=session, hazard_id=hazard_id, target=HazardStatus.RECTIFYING, who=person)
    session.commit()
    return redirect(request, f"/hazards/{hazard_id}", "已开始整改")


@router.post("/hazards/{hazard_id}/report", dependencies=[Depends(csrf)])
async def report(*, request: Request, hazard_id: RowId) -> Response:
    return await _with_form(request, ItemKind.HAZARD, hazard_id, _report)


def _report(
    request: Request, session: Session, person: Principal, detail: Detail, form: FormData
) -> Response:
    hazard_id = detail["hazard"]["id"]
    try:
        report_rectified(
            session=session,
            hazard_id=hazard_id,
            who=person,
            files=forms.uploads(form, "evidence"),
            note=forms.field(form, "note").strip() or None,
        )
    except BadInput as exc:
        session.rollback()
        return render(request, "hazard.html", status=400, d=detail, error=str(exc))
    session.commit()
    return redirect(request, f"/hazards/{hazard_id}", "已报告整改完成，等待食安办验收")


async def _with_form(
    request: Request, kind: ItemKind, item_id: int, handle: FormHandler
) -> Response:
    """Read a multipart form, then handle(request, session, officer, detail, form) in a thread."""
    from starlette.concurrency import run_in_threadpool

    form = await forms.read_form(request)
    try:
        return await run_in_threadpool(_officer_item, request, kind, item_id, form, handle)
    finally:
        await form.close()


def _officer_item(
    request: Request, kind: ItemKind, item_id: int, form: FormData, handle: FormHandler
) -> Response:
    """handle(...) on the officer's own task or hazard in a session of its own; 404 otherwise."""
    from models.db import get_engine

    with Session(get_engine(request.app.state.database_url)) as session:
        person = require_person(person_of(request, session))
        detail = _item(session, person, kind, item_id)
        if not (
            access.may_record(who=person, task=detail["task"])
            if kind == ItemKind.TASK
            else person.is_officer
        ):
            raise NotFound
        return handle(request, session, person, detail, form)


@router.get("/hazards/{hazard_id}/photos/{sha256}")
def hazard_photo(
    *, hazard_id: RowId, sha256: str, person: ItemViewer, session: DbSession
) -> Response:
    return _inline_file(
        access.hazard_photo_in_scope(
            session=session, who=person, hazard_id=hazard_id, sha256=sha256
        )
    )


@router.get("/hazards/{hazard_id}/evidence/{sha256}")
def evidence_file(
    *, hazard_id: RowId, sha256: str, person: ItemViewer, session: DbSession
) -> Response:
    return _inline_file(
        access.evidence_in_scope(session=session, who=person, hazard_id=hazard_id, sha256=sha256)
    )
