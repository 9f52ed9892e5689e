"""The JSON API of 聚餐备案: list and file banquets, one banquet, its 现场指导 and its 回访."""

from typing import Any

from fastapi import APIRouter

from services.banquets import access
from services.banquets.filing import Filing
from services.banquets.reassign import reassign_guidance
from web.api import NOT_FOUND, Db, Who
from web.api_models import (
    BanquetFiled,
    BanquetIn,
    BanquetList,
    BanquetOut,
    FollowupIn,
    GuidanceIn,
    ReassignIn,
    VisitDone,
)
from web.deps import NotFound, RowId

router = APIRouter(prefix="/api", tags=["聚餐备案"])
REFUSED: dict[int | str, dict[str, Any]] = {400: {"description": "内容不符合规则"}}
FOUND: dict[int | str, dict[str, Any]] = {404: NOT_FOUND[404]}


@router.get("/banquets", response_model=BanquetList)
def banquets(who: Who, session: Db) -> dict[str, Any]:
    """聚餐备案：本人辖区（或本人指导）的聚餐，即将举办的在前。"""
    items = access.banquets_for(session=session, who=who)
    return {"total": len(items), "banquets": items}


@router.post("/banquets", response_model=BanquetFiled, status_code=201, responses=REFUSED)
def file_banquet(body: BanquetIn, who: Who, session: Db) -> dict[str, Any]:
    """备案一次农村集体聚餐；达到规定人数的生成现场指导任务。"""
    filing = Filing(
        village=body.village, host=body.host, event_date=body.event_date, diners=body.diners,
        kind=body.kind, contact=body.contact, place=body.place, menu=body.menu,
        chef_id=body.chef_id, officer=body.officer,
    )  # fmt: skip
    return dict(access.file_as(session=session, who=who, filing=filing))


@router.get("/banquets/{banquet_id}", response_model=BanquetOut, responses=FOUND)
def banquet(banquet_id: RowId, who: Who, session: Db) -> dict[str, Any]:
    """一次聚餐备案及其现场指导、回访情况。"""
    page = access.banquet_page(session=session, who=who, banquet_id=banquet_id)
    if page is None:
        raise NotFound
    return dict(page["b"])


@router.post("/banquets/{banquet_id}/guidance", response_model=VisitDone, status_code=201,
             responses={**FOUND, **REFUSED})  # fmt: skip
def guidance(banquet_id: RowId, body: GuidanceIn, who: Who, session: Db) -> dict[str, Any]:
    """记录现场指导（仅该聚餐的指导干部）；回答“否”的检查项生成隐患。"""
    done = access.guide_as(session=session, who=who, banquet_id=banquet_id,
                           visit_date=body.visit_date, answers=dict(body.answers), note=body.note)  # fmt: skip
    if done is None:
        raise NotFound
    return {"id": banquet_id, "hazard_ids": done["hazards"]}


@router.post("/banquets/{banquet_id}/reassign", response_model=BanquetOut,
             responses={**FOUND, **REFUSED})  # fmt: skip
def reassign(banquet_id: RowId, body: ReassignIn, who: Who, session: Db) -> dict[str, Any]:
    """改派现场指导任务（乡镇或上级食安办）：改由该村村级或所属乡镇乡级在岗干部指导。"""
    task = reassign_guidance(session=session, who=who, banquet_id=banquet_id,
                             officer_code=body.officer)  # fmt: skip
    if task is None:
        raise NotFound
    session.commit()
    page = access.banquet_page(session=session, who=who, banquet_id=banquet_id)
    if page is None:
        raise NotFound
    return dict(page["b"])


@router.post("/banquets/{banquet_id}/followup", response_model=VisitDone, status_code=201,
             responses={**FOUND, **REFUSED})  # fmt: skip
def followup(banquet_id: RowId, body: FollowupIn, who: Who, session: Db) -> dict[str, Any]:
    """聚餐后回访；有人身体不适即登记重大隐患并立即通知乡镇和县食安办。"""
    done = access.follow_up_as(session=session, who=who, banquet_id=banquet_id, diners=body.diners,
                               ill=body.ill)  # fmt: skip
    if done is None:
        raise NotFound
    return {"id": banquet_id, "hazard_ids": [done["hazard_id"]] if done["hazard_id"] else []}
