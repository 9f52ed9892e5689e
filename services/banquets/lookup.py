"""Finding one banquet and its 现场指导 task."""

from sqlalchemy import select
from sqlmodel import Session

from models.banquet import Banquet
from models.enums import BanquetStatus
from models.task import InspectionTask
from services.core.errors import BadInput


def open_banquet(*, session: Session, banquet_id: int) -> Banquet:
    """The filed (not cancelled) banquet, locked for update; BadInput otherwise."""
    banquet = session.get(Banquet, banquet_id, with_for_update=True)
    if banquet is None:
        raise BadInput(f"聚餐备案 {banquet_id} 不存在")
    if banquet.status == BanquetStatus.CANCELLED:
        raise BadInput(f"聚餐备案 {banquet_id} 已取消")
    return banquet


def banquet_task(*, session: Session, banquet_id: int) -> InspectionTask | None:
    """The banquet's 现场指导 task (None below [banquets] min_diners)."""
    return session.execute(
        select(InspectionTask).where(InspectionTask.banquet_id == banquet_id)
    ).scalar_one_or_none()
