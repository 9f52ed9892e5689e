"""Deadlines of open work: what is due soon, and the open items reminders list.

Due soon: open and due on or before the due_soon_workdays-th working day after today (today not
counted). Overdue by N (services.figures.definitions.overdue_by): N working days lie after the
due date up to and including today; escalated from [reminders] escalate_after_workdays.
"""

import datetime as dt
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from models.banquet import Banquet
from models.campaign import Campaign
from models.entity import Entity
from models.enums import (
    BanquetKind,
    HazardLevel,
    HazardStatus,
    ItemKind,
    TaskSource,
    TaskStatus,
    label,
)
from models.hazard import Hazard
from models.task import InspectionTask
from services.core.calendar import add_workdays, is_workday, workdays_between
from services.figures.definitions import OFFICERS_TURN, is_escalated, overdue_by, package_task

# Hazards still waiting for the officer's rectification (待验收 and 已销号 are not).
OPEN_HAZARD_STATUSES = OFFICERS_TURN


class DueItem(NamedTuple):
    """An open task or hazard that is due soon or overdue today (a tuple: a province day
    holds a million of them)."""

    kind: ItemKind
    id: int
    title: str  # the entity's name, or the hazard's description
    detail: str  # 常规督导 2026Q3 · 专项督导 名称 · 一般隐患（整改中）
    due: dt.date
    overdue_by: int  # working days overdue; 0 when not overdue
    workdays_left: int  # working days from today to the due date; 0 when due today or late
    escalated: bool  # overdue by at least escalate_after_workdays
    officer_id: int | None
    jurisdiction_id: int
    source: str = ""  # a task's TaskSource ("" for a hazard)
    banquet_id: int | None = None  # a 现场指导 task's banquet

    @property
    def overdue(self) -> bool:
        return self.overdue_by >= 1

    @property
    def package_work(self) -> bool:
        """Whether the item is 包保 work (a hazard, or a task definitions.package_task counts);
        a 现场指导 task is reminded but counted in the banquet figures only."""
        return self.kind == ItemKind.HAZARD or package_task(source=self.source, status="open")


def due_soon_limit(today: dt.date) -> dt.date:
    """The last due date that counts as due soon today."""
    return add_workdays(today, load_policy().reminders.due_soon_workdays)


def reminder_day(today: dt.date) -> bool:
    """Reminders go out on working days only (make-up workdays included)."""
    return is_workday(today)


class _Clock:
    """overdue_by / workdays_left per distinct due date (a day's items share few dates)."""

    def __init__(self, today: dt.date):
        self.today = today
        self.cache: dict[dt.date, tuple[int, int, bool]] = {}

    def __call__(self, due: dt.date) -> tuple[int, int, bool]:
        if due not in self.cache:
            late = overdue_by(due, self.today)
            left = workdays_between(self.today, due)
            self.cache[due] = (late, left, is_escalated(late))
        return self.cache[due]


def open_tasks_due(*, session: Session, today: dt.date) -> list[DueItem]:
    """Open inspection tasks due soon or overdue today (现场指导 tasks named by their banquet)."""
    task = InspectionTask
    rows = session.connection().execute(  # Core rows: a province day is a million of them
        select(
            task.id,
            task.due_date,
            task.source,
            task.period,
            task.officer_id,
            task.jurisdiction_id,
            Entity.name,
            Campaign.name,
        )
        .add_columns(task.banquet_id, Banquet.host, Banquet.kind, Banquet.event_date)
        .outerjoin(Entity, Entity.id == task.entity_id)  # none for a 现场指导 task
        .outerjoin(Banquet, Banquet.id == task.banquet_id)
        .outerjoin(Campaign, Campaign.id == task.campaign_id)
        .where(task.status == TaskStatus.OPEN, task.due_date <= due_soon_limit(today))
    )
    clock, details, items = _Clock(today), {}, []
    for tid, due, source, period, officer_id, jid, entity, campaign, bid, host, kind, day in rows:
        if bid is not None:
            title, detail = _banquet_title(host, kind), f"{label(TaskSource, source)} 聚餐 {day}"
        else:
            if (source, period, campaign) not in details:
                details[source, period, campaign] = (
                    f"{label(TaskSource, source)} {campaign or period}"
                )
            title, detail = entity, details[source, period, campaign]
        items.append(
            DueItem(
                ItemKind.TASK, tid, title, detail, due, *clock(due), officer_id, jid, source, bid
            )
        )
    return items


def _banquet_title(host: str, kind: str) -> str:
    return f"{host}家{label(BanquetKind, kind)}"


def open_hazards_due(*, session: Session, today: dt.date) -> list[DueItem]:
    """Hazards awaiting rectification whose deadline is near or past."""
    rows = session.execute(
        select(
            Hazard.id,
            Hazard.deadline,
            Hazard.level,
            Hazard.status,
            Hazard.description,
            Hazard.officer_id,
            Hazard.jurisdiction_id,
            Entity.name,
        )
        .outerjoin(Entity, Entity.id == Hazard.entity_id)
        .where(
            Hazard.status.in_([str(s) for s in OPEN_HAZARD_STATUSES]),
            Hazard.deadline <= due_soon_limit(today),
        )
    )
    clock, items = _Clock(today), []
    for hid, due, level, status, description, officer_id, jid, entity in rows:
        title = f"{entity}：{description}" if entity else description
        detail = f"{label(HazardLevel, level)}隐患（{label(HazardStatus, status)}）"
        items.append(
            DueItem(ItemKind.HAZARD, hid, title, detail, due, *clock(due), officer_id, jid)
        )
    return items


def open_items_due(*, session: Session, today: dt.date) -> list[DueItem]:
    """Tasks and hazards due soon or overdue today, most overdue (earliest due) first."""
    items = open_tasks_due(session=session, today=today)
    items += open_hazards_due(session=session, today=today)
    items.sort(key=attrgetter("due", "kind", "id"))  # overdue_by falls as the due date rises
    return items


def due_soon(*, session: Session, today: dt.date) -> list[DueItem]:
    """Open items due soon today that are not overdue yet."""
    return [i for i in open_items_due(session=session, today=today) if not i.overdue]


def overdue(*, session: Session, today: dt.date, at_least: int = 1) -> list[DueItem]:
    """Open items overdue by at least this many working days today."""
    return [i for i in open_items_due(session=session, today=today) if i.overdue_by >= at_least]
