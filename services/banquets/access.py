"""Banquets as a signed-in person sees and files them: an officer the banquets of the villages
in its jurisdiction and those it guides, an office its subtree, a village's 联络员/协管员/信息员
their own village's (filing and 回访; not the hazards, which are the officers'); anything else
is None (404)."""

import datetime as dt
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import Session

from config.files import ChecklistItem, load_checklist
from models.banquet import Banquet
from models.enums import ItemKind, JurisdictionLevel
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.task import InspectionTask
from services.banquets.filing import Filing
from services.banquets.listing import BanquetItem, Village, as_item, banquet_query
from services.banquets.lookup import banquet_task
from services.banquets.reassign import Candidate, guide_candidates, may_reassign
from services.banquets.register import FilingResult, file_banquet
from services.banquets.visits import FollowedUp, record_followup, record_guidance
from services.core import clock
from services.core.errors import BadInput
from services.core.jurisdictions import path_like
from services.hazards.listing import as_item as hazard_item
from services.hazards.listing import hazard_query
from services.permissions.principal import Principal


class BanquetPage(TypedDict):
    """One banquet's page: the banquet, its hazards, its guidance checklist and answers, and
    what the viewer may record."""

    b: BanquetItem
    hazards: list[dict[str, Any]]
    checklist: list[ChecklistItem]
    answers: dict[str, str]
    note: str | None
    can_guide: bool
    can_follow_up: bool
    candidates: list[Candidate]  # whom the office may reassign the open guidance task to
    today: dt.date


def banquet_scope(who: Principal) -> ColumnElement[bool]:
    """The condition on banquet_query's rows for who's scope; a one-tap session (from a digest
    line of a 现场指导 task) reaches that task's banquet only."""
    if who.only is not None:
        task = who.only[1] if who.only[0] == ItemKind.TASK else -1
        return and_(InspectionTask.id == task, Banquet.officer_id == who.id)
    within = Village.path.like(path_like(who.path), escape="\\")
    return or_(within, Banquet.officer_id == who.id) if who.is_officer else within


def guidance_task_id(*, session: Session, banquet_id: int) -> int | None:
    """The id of a banquet's 现场指导 task (what a one-tap link to the banquet grants)."""
    task = banquet_task(session=session, banquet_id=banquet_id)
    return task.id if task is not None else None


def banquets_for(*, session: Session, who: Principal, limit: int = 300) -> list[BanquetItem]:
    """Banquets in who's scope, upcoming first then the latest past ones."""
    today = clock.today()
    query = banquet_query().where(banquet_scope(who))
    coming = query.where(Banquet.event_date >= today).order_by(Banquet.event_date, Banquet.id)
    past = query.where(Banquet.event_date < today).order_by(Banquet.event_date.desc())
    return [as_item(r) for q in (coming, past) for r in session.execute(q.limit(limit))]


def villages_for(*, session: Session, who: Principal) -> list[tuple[str, str]]:
    """(code, name) of the villages who may file banquets for, by code."""
    rows = session.execute(
        select(Jurisdiction.code, Jurisdiction.name)
        .where(
            Jurisdiction.level == JurisdictionLevel.VILLAGE,
            Jurisdiction.path.like(path_like(who.path), escape="\\"),
        )
        .order_by(Jurisdiction.code)
    )
    return [(code, name) for code, name in rows]


def banquet_page(*, session: Session, who: Principal, banquet_id: int) -> BanquetPage | None:
    """A banquet with its guidance checklist, hazards and what who may do; None outside scope."""
    row = session.execute(
        banquet_query().where(Banquet.id == banquet_id, banquet_scope(who))
    ).first()
    if row is None:
        return None
    banquet, task, today = row[0], row[-1], clock.today()
    hazards = [] if who.is_informant else [hazard_item(r, today) for r in session.execute(
        hazard_query().where(Hazard.banquet_id == banquet_id))]  # fmt: skip
    filed = banquet.status == "filed"
    open_task = filed and task is not None and task.status == "open"
    reassigns = open_task and may_reassign(session=session, who=who, banquet=banquet)
    return {
        "b": as_item(row),
        "hazards": hazards,
        "checklist": load_checklist().guidance,
        "answers": banquet.guidance or {},
        "note": banquet.guidance_note,
        "can_guide": filed and who.is_officer and task is not None
        and task.officer_id == who.id and task.status == "open",
        "can_follow_up": filed and banquet.followed_up_on is None and banquet.event_date <= today,
        "candidates": guide_candidates(session=session, banquet=banquet) if reassigns else [],
        "today": today,
    }  # fmt: skip


def file_as(*, session: Session, who: Principal, filing: Filing) -> FilingResult:
    """File a banquet for a village of who's scope (BadInput for any other)."""
    if filing.village.strip() not in dict(villages_for(session=session, who=who)):
        raise BadInput(f"区划代码 {filing.village} 不在您的辖区内，不能备案")
    return file_banquet(session=session, filing=filing, actor=who.account)


def guide_as(
    *, session: Session, who: Principal, banquet_id: int, visit_date: dt.date | None,
    answers: dict[str, str], note: str | None,
) -> dict[str, object] | None:  # fmt: skip
    """Record the 现场指导 visit as its guiding officer; None outside who's scope."""
    page = banquet_page(session=session, who=who, banquet_id=banquet_id)
    if page is None:
        return None
    if not page["can_guide"]:
        raise BadInput(f"聚餐备案 {banquet_id} 没有您待办的现场指导任务")
    return record_guidance(session=session, banquet_id=banquet_id, visit_date=visit_date,
                           answers=answers, note=note, actor=who.account)  # fmt: skip


def follow_up_as(
    *, session: Session, who: Principal, banquet_id: int, diners: int, ill: int
) -> FollowedUp | None:
    """Record the 回访 of a banquet in who's scope; None outside it."""
    if banquet_page(session=session, who=who, banquet_id=banquet_id) is None:
        return None
    return record_followup(
        session=session, banquet_id=banquet_id, diners=diners, ill=ill, actor=who.account
    )


def board(*, session: Session, who: Principal) -> dict[str, list[Any]]:
    """聚餐备案 page: the banquets in who's scope and the villages who may file for."""
    return {
        "items": banquets_for(session=session, who=who),
        "villages": villages_for(session=session, who=who),
    }
