"""专项督导 (campaigns): one campaign task per matching active assignment, set-based.

A campaign matches the active assignments (see services.tasks.generation: entity 在营 and active,
officer active, started on or before the campaign's due date, not ended before today) whose
entity has one of the given 业态, 主体等级 and 风险等级 (each filter optional) and lies in the
given jurisdiction's subtree. Its tasks carry the campaign's due date and, as period, the
quarter of that date. Re-running a campaign (same name, due date and filters) only adds the
tasks still missing, e.g. for assignments made since.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypedDict

from sqlalchemy import BindParameter, bindparam, func, select, text
from sqlmodel import Session

from models.campaign import Campaign
from models.enums import Category, Grade, TaskSource, TaskState, TaskStatus, sql_literal
from models.task import InspectionTask
from services.core import audit, clock
from services.core.bulk import changed_rows
from services.core.errors import BadInput
from services.core.jurisdictions import by_code
from services.core.periods import period_containing
from services.figures.definitions import shown_status
from services.tasks.generation import owed_assignments_sql

GRADES = tuple(Grade)
# The states a campaign's tasks are counted by (a handed-over task counts for nobody).
COUNTED = (TaskState.OPEN, TaskState.OVERDUE, TaskState.DONE, TaskState.CANCELLED)


class CampaignFilters(TypedDict):
    """The scope of a campaign, as Campaign.filters stores it (each list empty: any)."""

    categories: list[str]
    package_grades: list[str]
    risk_grades: list[str]
    jurisdiction: str | None


class CampaignCreated(TypedDict):
    """What create_campaign did: the campaign, its scope, the tasks created and already there."""

    campaign: str
    id: int | None
    due_date: str
    filters: CampaignFilters
    created: int
    existing: int


def campaign_filters(
    *,
    session: Session,
    categories: Iterable[str] = (),
    package_grades: Iterable[str] = (),
    risk_grades: Iterable[str] = (),
    jurisdiction: str | None = None,
) -> CampaignFilters:
    """Validated, normalised filters of a campaign; BadInput names the first bad value."""
    known = {c.value for c in Category}
    categories, package_grades, risk_grades = (
        list(categories),
        list(package_grades),
        list(risk_grades),
    )
    for category in categories:
        if category not in known:
            raise BadInput(f"业态 {category!r} 无效，可选：{'、'.join(sorted(known))}")
    for grade in (*package_grades, *risk_grades):
        if grade.upper() not in GRADES:
            raise BadInput(f"等级 {grade!r} 无效，应为 A、B、C 或 D")
    if jurisdiction is not None:
        jurisdiction = by_code(session=session, code=jurisdiction).code
    return {
        "categories": sorted(set(categories)),
        "package_grades": sorted({g.upper() for g in package_grades}),
        "risk_grades": sorted({g.upper() for g in risk_grades}),
        "jurisdiction": jurisdiction,
    }


def _campaign(
    *, session: Session, name: str, due_date: dt.date, filters: CampaignFilters
) -> Campaign:
    found = session.execute(select(Campaign).where(Campaign.name == name)).scalar_one_or_none()
    if found is None:
        found = Campaign(
            name=name, due_date=due_date, filters=dict(filters), created_on=clock.today()
        )
        session.add(found)
        session.flush()
    elif found.due_date != due_date or found.filters != filters:
        raise BadInput(f"专项督导 {name!r} 已存在，但截止日期或范围不同；请换一个名称")
    return found


def _insert_tasks(
    *, session: Session, campaign: Campaign, filters: CampaignFilters
) -> tuple[int, int]:
    scope = None
    if filters["jurisdiction"]:
        scope = by_code(session=session, code=filters["jurisdiction"]).path
    where, params = owed_assignments_sql(scope_path=scope)
    binds: list[BindParameter[Any]] = []
    chosen: tuple[tuple[str, list[str], str], ...] = (
        ("categories", filters["categories"], "e.category"),
        ("package_grades", filters["package_grades"], "e.package_grade"),
        ("risk_grades", filters["risk_grades"], "e.risk_grade"),
    )
    for key, values, column in chosen:
        if values:
            where += f"AND {column} IN :{key} "
            params[key] = values
            binds.append(bindparam(key, expanding=True))
    params |= {
        "cutoff": campaign.due_date,
        "active_from": clock.today(),
        "period": period_containing(campaign.due_date, "quarterly").name,
        "due": campaign.due_date,
        "campaign": campaign.id,
        "today": clock.today(),
    }
    insert = text(
        "INSERT INTO inspection_task (source, period, due_date, status, assignment_id, "
        "officer_id, entity_id, jurisdiction_id, place_id, campaign_id, created_on) "
        f"SELECT {sql_literal(TaskSource.CAMPAIGN)}, :period, :due, {sql_literal(TaskStatus.OPEN)}, "
        "a.id, a.officer_id, a.entity_id, "
        f"o.jurisdiction_id, e.jurisdiction_id, :campaign, :today {where}"
        "ORDER BY a.id ON CONFLICT DO NOTHING"
    ).bindparams(*binds)
    created = changed_rows(session.execute(insert, params))
    total = session.execute(
        select(func.count()).where(InspectionTask.campaign_id == campaign.id)
    ).scalar_one()
    return created, total - created


def create_campaign(
    *,
    session: Session,
    name: str,
    due_date: dt.date,
    categories: Iterable[str] = (),
    package_grades: Iterable[str] = (),
    risk_grades: Iterable[str] = (),
    jurisdiction: str | None = None,
    actor: str = "cli",
) -> CampaignCreated:
    """Create (or complete) a campaign and its tasks: {"campaign", "id", "created", "existing"}."""
    name = name.strip()
    if not name:
        raise BadInput("专项督导名称不能为空")
    if due_date < clock.today():
        raise BadInput(f"截止日期 {due_date} 早于今天 {clock.today()}")
    filters = campaign_filters(
        session=session,
        categories=categories,
        package_grades=package_grades,
        risk_grades=risk_grades,
        jurisdiction=jurisdiction,
    )
    campaign = _campaign(session=session, name=name, due_date=due_date, filters=filters)
    created, existing = _insert_tasks(session=session, campaign=campaign, filters=filters)
    result: CampaignCreated = {
        "campaign": name,
        "id": campaign.id,
        "due_date": due_date.isoformat(),
        "filters": filters,
        "created": created,
        "existing": existing,
    }
    audit.record_event(
        session=session,
        actor=actor,
        action="campaign.create",
        object_type="campaign",
        object_id=campaign.id,
        after=result,
    )
    session.flush()
    return result


class CampaignSummary(TypedDict):
    """A campaign with its tasks counted by how lists show them."""

    id: int
    name: str
    due_date: str
    created_on: str
    filters: dict[str, Any]
    total: int
    open: int
    overdue: int
    done: int
    cancelled: int


def list_campaigns(*, session: Session) -> list[CampaignSummary]:
    """Every campaign with its task counts (total, done, open, overdue, cancelled); a task
    handed over (已交接) is counted for nobody: its successor's copy counts instead."""
    task, today = InspectionTask, clock.today()
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(task.campaign_id, task.status, task.due_date, func.count())
        .where(task.campaign_id.is_not(None))
        .group_by(task.campaign_id, task.status, task.due_date)
    )
    for campaign_id, status, due, n in rows:
        if status == TaskStatus.HANDED_OVER:
            continue
        shown = shown_status(status=status, due_date=due, today=today)
        counts.setdefault(campaign_id, dict.fromkeys(COUNTED, 0))
        counts[campaign_id][shown] += n
    result: list[CampaignSummary] = []
    for campaign in session.execute(select(Campaign).order_by(Campaign.id)).scalars():
        tally = counts.get(campaign.id or 0, dict.fromkeys(COUNTED, 0))
        result.append(
            CampaignSummary(
                id=campaign.id or 0,
                name=campaign.name,
                due_date=campaign.due_date.isoformat(),
                created_on=campaign.created_on.isoformat(),
                filters=campaign.filters,
                total=sum(tally.values()),
                open=tally[TaskState.OPEN],
                overdue=tally[TaskState.OVERDUE],
                done=tally[TaskState.DONE],
                cancelled=tally[TaskState.CANCELLED],
            )
        )
    return result
