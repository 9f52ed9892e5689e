"""已撤销 (rule 6): a supervisor withdraws the hazard of an entity that closed (停业/注销), with a
reason. A withdrawn hazard leaves the open lists and every closure-rate denominator, and stays
visible as 已撤销 in the quarter's lists."""

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from models.entity import Entity
from models.enums import EntityStatus, HazardStatus, label
from models.hazard import Hazard
from services.core import audit, clock
from services.core.errors import BadInput
from services.figures.definitions import OPEN
from services.hazards.lifecycle import swap_status, target_of
from services.permissions.principal import Principal
from services.permissions.rules import OFFICE, hazard_role

REASON_MAX = 500
CLOSED_ENTITY = (EntityStatus.SUSPENDED, EntityStatus.DEREGISTERED)


@dataclass(frozen=True)
class Withdrawn:
    """A hazard withdrawn: from which state, by whom, when and why."""

    id: int
    before: str
    by: str
    reason: str
    withdrawn_on: dt.date


def withdraw_hazard(*, session: Session, hazard_id: int, who: Principal, reason: str) -> Withdrawn:
    """Withdraw (已撤销) an open hazard of a closed entity: a 食安办 user at or above its
    jurisdiction, with a reason; audited."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        raise BadInput(f"隐患 {hazard_id} 不存在")
    if hazard_role(who, target_of(session=session, hazard=hazard)) != OFFICE:
        raise BadInput(f"账号 {who.account} 不是该隐患所在区划或上级的食安办人员，不能撤销隐患")
    if hazard.status not in OPEN:
        raise BadInput(f"隐患 {hazard.id} {label(HazardStatus, hazard.status)}，不能撤销")
    _entity_closed(session=session, hazard=hazard)
    reason = (reason or "").strip()
    if not reason:
        raise BadInput("撤销隐患须写明原因（--reason）")
    if len(reason) > REASON_MAX:
        raise BadInput(f"撤销原因不能超过 {REASON_MAX} 字")
    today, before = clock.today(), hazard.status
    swap_status(session=session, hazard=hazard, status=HazardStatus.WITHDRAWN,
                withdrawn_on=today, withdrawn_reason=reason)  # fmt: skip
    audit.record_event(
        session=session,
        actor=who.account,
        action="hazard.withdraw",
        object_type="hazard",
        object_id=hazard.id,
        before={"status": before},
        after={
            "status": HazardStatus.WITHDRAWN,
            "actor_kind": who.kind,
            "reason": reason,
            "withdrawn_on": today.isoformat(),
        },
    )
    session.refresh(hazard)
    return Withdrawn(hazard_id, before, who.account, reason, today)


def _entity_closed(*, session: Session, hazard: Hazard) -> None:
    """Only the hazard of an entity that closed (停业/注销) may be withdrawn."""
    entity = session.get(Entity, hazard.entity_id) if hazard.entity_id else None
    if entity is None:
        raise BadInput(f"隐患 {hazard.id} 不属于某个包保主体，不能撤销")
    if entity.status not in CLOSED_ENTITY:
        raise BadInput(
            f"只有主体停业或注销后才能撤销其隐患：{entity.name} 当前为"
            f"「{label(EntityStatus, entity.status)}」"
        )


def can_withdraw(*, session: Session, hazard: Hazard) -> bool:
    """Whether a hazard is one a supervisor could withdraw (open, of a closed entity)."""
    if hazard.status not in OPEN or hazard.entity_id is None:
        return False
    entity = session.get(Entity, hazard.entity_id)
    return entity is not None and entity.status in CLOSED_ENTITY
