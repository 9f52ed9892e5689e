"""What a 食安办 user sees of their subtree: the dashboard's figures, overdue tasks by officer,
the people they may invite, campaigns and briefings (see services.accounts.access for the scope rules).
"""

import datetime as dt
from pathlib import Path
from typing import TypedDict

from sqlalchemy import func, or_, select
from sqlmodel import Session

from config.files import load_policy
from models.banquet import Banquet
from models.briefing import Briefing
from models.campaign import Campaign
from models.db import stored_id
from models.entity import KEY, Entity
from models.enums import JurisdictionLevel, TaskState, TaskStatus
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from models.user import User
from services.core import clock
from services.core.jurisdictions import county_paths
from services.core.memo import remembered
from services.core.periods import period_containing
from services.figures import as_date
from services.figures.dashboard import Dashboard
from services.figures.definitions import overdue_cutoff, shown_status
from services.figures.quarter import QuarterFigures, quarter_figures
from services.figures.tasks import Township
from services.permissions import rules as permissions
from services.permissions.principal import Principal
from services.permissions.rules import EntityJ, TaskJ, task_scope
from services.permissions.rules import within_sql as _within
from services.roster.handovers import HandoverLine
from services.tasks.campaigns import CampaignSummary, list_campaigns
from services.tasks.listing import banquet_name


class OfficeFigures(QuarterFigures):
    """The office dashboard's figures: the quarter's, its cards and rows, handovers, banquets."""

    dashboard: Dashboard
    handovers: list[HandoverLine]


class OverdueOfficer(TypedDict):
    """An officer with overdue open tasks in the office's scope."""

    township_code: str
    township: str
    officer_code: str
    officer: str
    tier: str
    overdue: int
    oldest_due: dt.date
    overdue_workdays: int


class ScopeTask(TypedDict):
    """A task as the office's task list shows it."""

    id: int
    entity_name: str | None  # the entity's, or the banquet's name (a 现场指导 task)
    entity_key: str | None
    officer_code: str
    officer_name: str
    place: str  # the entity's jurisdiction (a 现场指导 task: its officer's)
    period: str
    source: str
    campaign: str | None
    due_date: str
    status: TaskState
    done_on: str | None
    banquet_id: int | None


class ScopeTasks(TypedDict):
    total: int
    tasks: list[ScopeTask]


class UserLine(TypedDict):
    account: str
    name: str
    role: str
    place: str
    active: bool
    has_password: bool


class OfficerLine(TypedDict):
    account: str  # the 干部编号
    name: str
    tier: str
    place: str
    mobile: str | None
    active: bool
    has_password: bool


class People(TypedDict):
    """The 食安办 users and officers of a subtree (the invitation page)."""

    users: list[UserLine]
    officers: list[OfficerLine]


class BriefingLine(TypedDict):
    id: int
    quarter: str
    place: str
    created_at: dt.datetime
    formats: list[str | None]


def dashboard(*, session: Session, who: Principal) -> OfficeFigures:
    """This quarter's figures of who's subtree (tasks by township and tier, 未包保, hazards), the
    dashboard's cards and rows built on them (services.figures.dashboard), 往期逾期 and the
    quarter's handovers (交接); remembered [dashboard] remember_seconds per office and counted
    again ahead of time on a connection of its own (services.core.memo)."""
    today, bind = clock.today(), session.get_bind()
    key = ("dashboard", str(bind.engine.url), who.jurisdiction_code, today)
    seconds = load_policy().dashboard.remember_seconds

    def recount() -> OfficeFigures:
        with Session(bind) as own:
            return _dashboard(own, who, today)

    return remembered(key, seconds, lambda: _dashboard(session, who, today), recount=recount)


def _dashboard(session: Session, who: Principal, today: dt.date) -> OfficeFigures:
    from services.core.jurisdictions import places, resolve_scope
    from services.figures.dashboard import earlier_overdue, office_dashboard
    from services.roster.handovers import quarter_handovers

    quarter = period_containing(today, "quarterly")
    figures = quarter_figures(
        session=session, quarter=quarter, jurisdiction_code=who.jurisdiction_code
    )
    where = places(session=session, root=resolve_scope(session=session, code=who.jurisdiction_code))
    earlier = earlier_overdue(
        session=session, scope_path=who.path, where=where, before=quarter.start, today=today
    )
    return {
        **figures,
        "dashboard": office_dashboard(figures=figures, earlier=earlier),
        "handovers": quarter_handovers(session=session, scope_path=who.path),
    }


def overdue_by_officer(*, session: Session, who: Principal) -> list[OverdueOfficer]:
    """Officers with overdue open tasks in who's scope (any period, 现场指导 tasks included), by
    township, most first."""
    from services.core.jurisdictions import places, resolve_scope
    from services.figures.definitions import overdue_by

    today, task = clock.today(), InspectionTask
    rows = session.execute(
        select(
            Officer.code,
            Officer.name,
            Officer.tier,
            Officer.jurisdiction_id,
            func.count(task.id).label("overdue"),
            func.min(task.due_date).label("oldest"),
        )
        .join(task, task.officer_id == Officer.id)
        .outerjoin(Entity, Entity.id == task.entity_id)  # 现场指导 tasks have none
        .join(TaskJ, TaskJ.id == task.jurisdiction_id)
        .outerjoin(EntityJ, EntityJ.id == Entity.jurisdiction_id)
        .where(
            task_scope(who), task.status == TaskStatus.OPEN, task.due_date < overdue_cutoff(today)
        )
        .group_by(Officer.code, Officer.name, Officer.tier, Officer.jurisdiction_id)
    ).all()
    where = places(session=session, root=resolve_scope(session=session, code=who.jurisdiction_code))
    found: list[OverdueOfficer] = []
    for r in rows:
        place = where.get(r.jurisdiction_id)
        oldest = as_date(r.oldest)
        found.append(
            {
                "township_code": place.group_code if place else "",
                "township": place.group_name if place else "辖区外",
                "officer_code": r.code,
                "officer": r.name,
                "tier": r.tier,
                "overdue": r.overdue,
                "oldest_due": oldest,
                "overdue_workdays": overdue_by(oldest, today),
            }
        )
    return sorted(found, key=lambda r: (r["township_code"], -r["overdue"], r["officer_code"]))


def officer_in_scope(*, session: Session, who: Principal, code: str) -> Officer | None:
    """The officer with this 干部编号 if their jurisdiction lies in who's subtree."""
    found: Officer | None = session.execute(
        select(Officer)
        .join(Jurisdiction, Jurisdiction.id == Officer.jurisdiction_id)
        .where(Officer.code == code, _within(Jurisdiction.path, who))
    ).scalar_one_or_none()
    return found


def tasks_in_scope(
    *,
    session: Session,
    who: Principal,
    officer_id: int | None = None,
    status: str | None = None,
    period: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> ScopeTasks:
    """Tasks of who's scope (officer's own, or the office's), filtered, by due date."""
    today, task = clock.today(), InspectionTask
    conditions = [task_scope(who)]
    if officer_id is not None:
        conditions.append(task.officer_id == officer_id)
    if status == TaskState.OVERDUE:
        conditions += [task.status == TaskStatus.OPEN, task.due_date < overdue_cutoff(today)]
    elif status == TaskState.OPEN:
        conditions += [task.status == TaskStatus.OPEN, task.due_date >= overdue_cutoff(today)]
    elif status:
        conditions.append(task.status == status)
    if period:
        conditions.append(task.period == period)
    base = (  # a 现场指导 task has no entity: in scope by its officer's jurisdiction
        select(task.id)
        .outerjoin(Entity, Entity.id == task.entity_id)
        .join(TaskJ, TaskJ.id == task.jurisdiction_id)
        .outerjoin(EntityJ, EntityJ.id == Entity.jurisdiction_id)
        .where(*conditions)
    )
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = session.execute(
        select(
            task,
            Entity.name.label("entity_name"),
            KEY.label("entity_key"),
            Officer.code.label("officer_code"),
            Officer.name.label("officer_name"),
            EntityJ.name.label("place"),
            Campaign.name.label("campaign"),
        )
        .add_columns(Banquet.host, Banquet.kind, TaskJ.name.label("officer_place"))
        .outerjoin(Entity, Entity.id == task.entity_id)
        .outerjoin(Banquet, Banquet.id == task.banquet_id)
        .join(Officer, Officer.id == task.officer_id)
        .join(TaskJ, TaskJ.id == task.jurisdiction_id)
        .outerjoin(EntityJ, EntityJ.id == Entity.jurisdiction_id)
        .outerjoin(Campaign, Campaign.id == task.campaign_id)
        .where(*conditions)
        .order_by(task.due_date, task.id)
        .limit(limit)
        .offset(offset)
    )
    items: list[ScopeTask] = []
    for r in rows:
        t = r.InspectionTask
        items.append(
            {
                "id": stored_id(t),
                "entity_name": (
                    r.entity_name if r.host is None else banquet_name(host=r.host, kind=r.kind)
                ),
                "entity_key": r.entity_key,
                "officer_code": r.officer_code,
                "officer_name": r.officer_name,
                "place": r.place or r.officer_place,
                "period": t.period,
                "source": t.source,
                "campaign": r.campaign,
                "due_date": t.due_date.isoformat(),
                "status": shown_status(status=t.status, due_date=t.due_date, today=today),
                "done_on": t.done_on.isoformat() if t.done_on else None,
                "banquet_id": t.banquet_id,
            }
        )
    return {"total": total, "tasks": items}


def people(*, session: Session, who: Principal, query: str = "", limit: int = 100) -> People:
    """食安办 users and officers of who's subtree (matching query), with password state."""
    text = f"%{query.strip()}%" if query.strip() else None
    users = (
        select(User, Jurisdiction.name)
        .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
        .where(_within(Jurisdiction.path, who))
    )
    officers = (
        select(Officer, Jurisdiction.name)
        .join(Jurisdiction, Jurisdiction.id == Officer.jurisdiction_id)
        .where(_within(Jurisdiction.path, who))
    )
    if text:
        users = users.where(or_(User.account.like(text), User.name.like(text)))
        officers = officers.where(
            or_(Officer.code.like(text), Officer.name.like(text), Officer.mobile.like(text))
        )
    return {
        "users": [
            {
                "account": u.account,
                "name": u.name,
                "role": u.role,
                "place": place,
                "active": u.active,
                "has_password": u.password_hash is not None,
            }
            for u, place in session.execute(users.order_by(User.id).limit(limit))
        ],
        "officers": [
            {
                "account": o.code,
                "name": o.name,
                "tier": o.tier,
                "place": place,
                "mobile": o.mobile,
                "active": o.active,
                "has_password": o.password_hash is not None,
            }
            for o, place in session.execute(officers.order_by(Officer.id).limit(limit))
        ],
    }


def covers_everything(*, session: Session, who: Principal) -> bool:
    """Whether who is an administrator whose subtree holds every county (roster, schedule)."""
    return permissions.covers_all(who, county_paths(session=session))


def campaigns_in_scope(*, session: Session, who: Principal) -> list[CampaignSummary]:
    """Campaigns limited to who's subtree (and county-wide ones for an all-county admin)."""
    everything = covers_everything(session=session, who=who)
    campaigns = list_campaigns(session=session)
    codes = {(c["filters"] or {}).get("jurisdiction") for c in campaigns} - {None}
    inside = set(
        session.execute(
            select(Jurisdiction.code).where(
                Jurisdiction.code.in_(codes or {""}), _within(Jurisdiction.path, who)
            )
        ).scalars()
    )
    return [
        c
        for c in campaigns
        if ((c["filters"] or {}).get("jurisdiction") in inside)
        or ((c["filters"] or {}).get("jurisdiction") is None and everything)
    ]


def briefings(*, session: Session, who: Principal, limit: int = 12) -> list[BriefingLine]:
    """The latest briefings of jurisdictions in who's subtree, newest first."""
    rows = session.execute(
        select(Briefing, Jurisdiction.name)
        .join(Jurisdiction, Jurisdiction.id == Briefing.jurisdiction_id)
        .where(_within(Jurisdiction.path, who))
        .order_by(Briefing.created_at.desc(), Briefing.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": stored_id(b),
            "quarter": b.quarter,
            "place": place,
            "created_at": b.created_at,
            "formats": [f.get("format") for f in b.files or []],
        }
        for b, place in rows
    ]


def briefing_file(*, session: Session, who: Principal, briefing_id: int, fmt: str) -> Path | None:
    """The file of one format of a briefing in who's subtree, if it still exists."""
    row = session.execute(
        select(Briefing)
        .join(Jurisdiction, Jurisdiction.id == Briefing.jurisdiction_id)
        .where(Briefing.id == briefing_id, _within(Jurisdiction.path, who))
    ).scalar_one_or_none()
    for item in (row.files or []) if row else []:
        if item.get("format") == fmt and item.get("path") and Path(item["path"]).is_file():
            return Path(item["path"])
    return None


def jurisdiction_in_scope(*, session: Session, who: Principal, code: str) -> Jurisdiction | None:
    """The jurisdiction with this code if it lies in who's subtree."""
    return session.execute(
        select(Jurisdiction).where(
            Jurisdiction.code == code.strip(), _within(Jurisdiction.path, who)
        )
    ).scalar_one_or_none()


def townships_in_scope(*, session: Session, who: Principal) -> list[Township]:
    """The office's own jurisdiction, then the townships of its subtree: [{code, name}]."""
    own: Township = {"code": who.jurisdiction_code, "name": f"{who.jurisdiction_name}（全部）"}
    rows = session.execute(
        select(Jurisdiction.code, Jurisdiction.name)
        .where(Jurisdiction.level == JurisdictionLevel.TOWNSHIP, _within(Jurisdiction.path, who))
        .order_by(Jurisdiction.code)
    ).all()
    return [own] + [{"code": c, "name": n} for c, n in rows if c != who.jurisdiction_code]
