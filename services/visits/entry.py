"""When a visit may still be entered (rule 11): an officer enters it within
[visits] max_backdate_workdays working days of the visit date; later, only a supervisor of the
jurisdiction (食安办 督办 or 管理员 at or above the task's jurisdiction) enters it, with a reason."""

import datetime as dt

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from models.enums import TaskSource
from models.jurisdiction import Jurisdiction
from models.task import InspectionTask
from services.core import calendar
from services.core.errors import BadInput
from services.core.periods import parse_period
from services.permissions import rules as permissions
from services.permissions.principal import Principal

REASON_MAX = 500


def entered_late(*, visit_date: dt.date, today: dt.date) -> bool:
    """Whether a visit entered today is past the back-dating limit."""
    return calendar.workdays_between(visit_date, today) > load_policy().visits.max_backdate_workdays


def earliest_visit_date(*, today: dt.date) -> dt.date:
    """The earliest visit date an officer may still enter today."""
    day = today
    while not entered_late(visit_date=day - dt.timedelta(days=1), today=today):
        day -= dt.timedelta(days=1)
    return day


def period_start(*, task: InspectionTask) -> dt.date:
    """The first visit date a task accepts: a routine visit counts from its period's first day,
    a campaign visit from the campaign's creation."""
    return (
        task.created_on if task.source == TaskSource.CAMPAIGN else parse_period(task.period).start
    )


def date_bounds(*, task: InspectionTask, today: dt.date) -> tuple[dt.date, dt.date]:
    """The visit dates an officer may enter today for a task (the form's min and max)."""
    return max(period_start(task=task), earliest_visit_date(today=today)), today


def check_entry(
    *,
    session: Session,
    task: InspectionTask,
    visit_date: dt.date,
    today: dt.date,
    by: Principal | None,
    reason: str | None,
) -> str | None:
    """Check who may enter this visit now; returns the late-entry reason to keep (or None)."""
    reason = (reason or "").strip() or None
    if by is None:
        if reason:
            raise BadInput("补录原因（--reason）须与补录人（--by 食安办账号）一起给出")
        if entered_late(visit_date=visit_date, today=today):
            limit = load_policy().visits.max_backdate_workdays
            raise BadInput(
                f"督导日期 {visit_date} 距今已超过 {limit} 个工作日，包保干部不能再录入；"
                "须由所在区划或上级的食安办人员写明原因补录"
            )
        return None
    task_path = session.execute(
        select(Jurisdiction.path).where(Jurisdiction.id == task.jurisdiction_id)
    ).scalar_one()
    if not permissions.may(by, permissions.Action.OFFICE_WORK, permissions.Target(path=task_path)):
        raise BadInput(f"账号 {by.account} 不是该任务所在区划或上级的食安办人员，不能补录督导")
    if not reason:
        raise BadInput("食安办补录督导须写明原因（--reason）")
    if len(reason) > REASON_MAX:
        raise BadInput(f"补录原因不能超过 {REASON_MAX} 字")
    return reason
