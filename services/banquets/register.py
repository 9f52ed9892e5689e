"""One filing as a person makes it (CLI, page, API), and cancelling a filing with its task."""

from typing import TypedDict

from sqlalchemy import select
from sqlmodel import Session

from models.banquet import Banquet
from models.enums import BanquetStatus, TaskStatus
from models.officer import Officer
from models.task import InspectionTask
from services.banquets import notices
from services.banquets.filing import Filing, file_banquets
from services.core import audit, clock
from services.core.errors import BadInput
from services.reminders.offices import load_offices


class FilingResult(TypedDict):
    """What `banquet add --json` reports."""

    id: int
    task_id: int | None
    task_due: str | None
    late_filing: bool
    chef_cert_expired: bool
    officer: str | None  # 干部编号 of the guiding officer


def file_banquet(*, session: Session, filing: Filing, actor: str) -> FilingResult:
    """File one banquet (with its 现场指导 task when large enough), commit; an expired chef's
    certificate is sent to the township office at once."""
    filed = file_banquets(session=session, filings=[filing], actor=actor)
    banquet = session.get(Banquet, filed.ids[0])
    assert banquet is not None
    session.commit()
    if banquet.chef_cert_expired:
        _chef_notice(session, banquet)
    return result_of(session=session, banquet=banquet)


def result_of(*, session: Session, banquet: Banquet) -> FilingResult:
    """A filed banquet as `banquet add` reports it."""
    task = session.execute(
        select(InspectionTask.id, InspectionTask.due_date, Officer.code)
        .join(Officer, Officer.id == InspectionTask.officer_id)
        .where(InspectionTask.banquet_id == banquet.id)
    ).first()
    return {
        "id": banquet.id or 0,
        "task_id": task[0] if task else None,
        "task_due": task[1].isoformat() if task else None,
        "late_filing": banquet.late_filing,
        "chef_cert_expired": banquet.chef_cert_expired,
        "officer": task[2] if task else None,
    }


def _chef_notice(session: Session, banquet: Banquet) -> None:
    offices = load_offices(session=session)
    notices.notify_offices(
        session=session,
        banquet=banquet,
        key=f"banquet-chef:{banquet.id}",
        subject="聚餐备案：乡厨健康证明已过期",
        text=f"{notices.describe(offices=offices, banquet=banquet)}的乡厨健康证明在聚餐日前已过期，"
        "请督促更换持有效健康证明的厨师。",
        levels=notices.TOWNSHIP,
    )


def cancel_banquet(*, session: Session, banquet_id: int, actor: str) -> dict[str, object]:
    """Cancel a filed banquet before its event and its open 现场指导 task; commit."""
    banquet = session.get(Banquet, banquet_id, with_for_update=True)
    if banquet is None:
        raise BadInput(f"聚餐备案 {banquet_id} 不存在")
    if banquet.status == BanquetStatus.CANCELLED:
        raise BadInput(f"聚餐备案 {banquet_id} 已取消")
    today = clock.today()
    if banquet.event_date < today:
        raise BadInput(f"聚餐备案 {banquet_id} 的聚餐日期 {banquet.event_date} 已过，不能取消")
    banquet.status, banquet.cancelled_on = BanquetStatus.CANCELLED, today
    task = session.execute(
        select(InspectionTask).where(InspectionTask.banquet_id == banquet_id)
    ).scalar_one_or_none()
    task_cancelled = task is not None and task.status == TaskStatus.OPEN
    if task is not None and task_cancelled:
        task.status, task.cancelled_on = TaskStatus.CANCELLED, today
    audit.record_event(
        session=session,
        actor=actor,
        action="banquet.cancel",
        object_type="banquet",
        object_id=banquet_id,
        before={"status": BanquetStatus.FILED},
        after={"status": BanquetStatus.CANCELLED, "task_cancelled": task_cancelled},
    )
    session.commit()
    return {"id": banquet_id, "cancelled_on": today.isoformat(), "task_cancelled": task_cancelled}
