"""聚餐备案 pages (phone first): the banquets of one's villages, filing one, a banquet with its
现场指导 form and its 回访 form. Officers and 食安办 users alike, each within their scope."""

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from models.enums import ItemKind
from services.banquets import access
from services.banquets.filing import Filing
from services.banquets.reassign import reassign_guidance
from services.core import clock
from services.core.errors import BadInput
from services.permissions.principal import Principal
from web import forms
from web.deps import (
    DbSession,
    NotFound,
    RowId,
    SignedIn,
    Who,
    csrf,
    person_of,
    redirect,
    render,
    require_person,
)
from web.officer import open_link

router = APIRouter(include_in_schema=False)
KINDS = ("婚宴", "丧宴", "寿宴", "升学宴", "其他")
Handler = Callable[[Request, Session, Principal, FormData], Response]


@router.get("/banquets")
def banquets(*, request: Request, person: SignedIn, session: DbSession) -> Response:
    page = access.board(session=session, who=person)
    return render(request, "banquets/list.html", items=page["items"], villages=page["villages"],
                  kinds=KINDS, form={}, today=clock.today())  # fmt: skip


def _int(form: FormData, name: str, label: str) -> int:
    text = forms.field(form, name).strip()
    if not text.isdigit():
        raise BadInput(f"{label}须为非负整数")
    return int(text)


def _filing(form: FormData) -> Filing:
    day = forms.parse_date(forms.field(form, "event_date"))
    if day is None:
        raise BadInput("请填写聚餐日期")
    return Filing(
        village=forms.field(form, "village"),
        host=forms.field(form, "host"),
        event_date=day,
        diners=_int(form, "diners", "预计就餐人数"),
        kind=forms.field(form, "kind") or "其他",
        contact=forms.field(form, "contact") or None,
        place=forms.field(form, "place") or None,
        menu=forms.field(form, "menu") or None,
    )


async def _posted(request: Request, handle: Handler) -> Response:
    form = await request.form(max_part_size=64 * 1024)
    try:
        return await run_in_threadpool(_in_session, request, form, handle)
    finally:
        await form.close()


def _in_session(request: Request, form: FormData, handle: Handler) -> Response:
    from models.db import get_engine

    with Session(get_engine(request.app.state.database_url)) as session:
        person = require_person(person_of(request, session))
        return handle(request, session, person, form)


@router.post("/banquets", dependencies=[Depends(csrf)])
async def file_banquet(*, request: Request) -> Response:
    return await _posted(request, _file)


def _file(request: Request, session: Session, person: Principal, form: FormData) -> Response:
    try:
        result = access.file_as(session=session, who=person, filing=_filing(form))
    except BadInput as exc:
        session.rollback()
        page = access.board(session=session, who=person)
        return render(request, "banquets/list.html", status=400, items=page["items"],
                      villages=page["villages"], kinds=KINDS,
                      form=dict(form), error=str(exc), today=clock.today())  # fmt: skip
    note = f"已备案；现场指导截止 {result['task_due']}" if result["task_id"] else "已备案"
    late = "（逾期备案）" if result["late_filing"] else ""
    return redirect(request, f"/banquets/{result['id']}", note + late)


@router.get("/banquets/{banquet_id}")
def banquet(
    *, request: Request, banquet_id: RowId, k: str | None = None, current: Who, session: DbSession
) -> Response:
    if k is not None:  # a digest's one-tap link to a 现场指导 task, shown on its banquet's page
        task_id = access.guidance_task_id(session=session, banquet_id=banquet_id)
        return open_link(request, session, ItemKind.TASK, task_id or 0, k, current,
                         page=f"/banquets/{banquet_id}")  # fmt: skip
    person = require_person(current)
    page = access.banquet_page(session=session, who=person, banquet_id=banquet_id)
    if page is None:
        raise NotFound
    return render(request, "banquets/detail.html", p=page)


def _again(
    request: Request, session: Session, person: Principal, banquet_id: int, error: str
) -> Response:
    session.rollback()
    page = access.banquet_page(session=session, who=person, banquet_id=banquet_id)
    if page is None:
        raise NotFound
    return render(request, "banquets/detail.html", status=400, p=page, error=error)


@router.post("/banquets/{banquet_id}/guide", dependencies=[Depends(csrf)])
async def guide(*, request: Request, banquet_id: RowId) -> Response:
    def handle(request: Request, session: Session, person: Principal, form: FormData) -> Response:
        answers = {k[2:]: v for k, v in form.items() if k.startswith("a_") and isinstance(v, str)}
        try:
            day = forms.parse_date(forms.field(form, "visit_date"))
            done = access.guide_as(session=session, who=person, banquet_id=banquet_id, visit_date=day,
                                   answers=answers, note=forms.field(form, "note").strip() or None)  # fmt: skip
        except BadInput as exc:
            return _again(request, session, person, banquet_id, str(exc))
        if done is None:
            raise NotFound
        return redirect(request, f"/banquets/{banquet_id}", "现场指导已记录")

    return await _posted(request, handle)


@router.post("/banquets/{banquet_id}/reassign", dependencies=[Depends(csrf)])
async def reassign(*, request: Request, banquet_id: RowId) -> Response:
    def handle(request: Request, session: Session, person: Principal, form: FormData) -> Response:
        try:
            task = reassign_guidance(session=session, who=person, banquet_id=banquet_id,
                                     officer_code=forms.field(form, "officer"))  # fmt: skip
        except BadInput as exc:
            return _again(request, session, person, banquet_id, str(exc))
        if task is None:
            raise NotFound
        session.commit()
        return redirect(request, f"/banquets/{banquet_id}", "现场指导任务已改派")

    return await _posted(request, handle)


@router.post("/banquets/{banquet_id}/followup", dependencies=[Depends(csrf)])
async def followup(*, request: Request, banquet_id: RowId) -> Response:
    def handle(request: Request, session: Session, person: Principal, form: FormData) -> Response:
        try:
            done = access.follow_up_as(session=session, who=person, banquet_id=banquet_id,
                                       diners=_int(form, "diners", "实际就餐人数"),
                                       ill=_int(form, "ill", "身体不适人数"))  # fmt: skip
        except BadInput as exc:
            return _again(request, session, person, banquet_id, str(exc))
        if done is None:
            raise NotFound
        return redirect(request, f"/banquets/{banquet_id}", "回访已记录")

    return await _posted(request, handle)
