"""退回整改 as the officer sees it (one definition, for pages and digests): a hazard is returned when its latest move sent it back from
待验收 to 整改中; the mark (with the verifier's reason) stays until it is reported again. Read from
the audit log, which every move writes (services.hazards.lifecycle)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.entity import Entity
from models.enums import HazardStatus, ItemKind
from models.hazard import Hazard
from services.core.calendar import workdays_between
from services.core.names import names_of
from services.figures.deadlines import DueItem
from services.figures.definitions import is_escalated, overdue_by

MOVE = "hazard.move"


@dataclass(frozen=True)
class Return:
    """The latest 退回 of a hazard still being rectified."""

    hazard_id: int
    at: dt.datetime
    by: str  # account
    by_name: str
    reason: str


def is_return(event: AuditEvent) -> bool:
    """Whether a hazard move sent the hazard back (待验收 → 整改中)."""
    before, after = event.before or {}, event.after or {}
    return (
        before.get("status") == HazardStatus.AWAITING_VERIFICATION
        and after.get("status") == HazardStatus.RECTIFYING
    )


def returns_of(*, session: Session, hazard_ids: Iterable[int]) -> dict[int, Return]:
    """The hazards among these whose latest move was a return, with its reason and verifier."""
    keys = [str(i) for i in set(hazard_ids)]
    latest: dict[str, AuditEvent] = {}
    for start in range(0, len(keys), 1000):
        events = session.execute(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == ItemKind.HAZARD,
                AuditEvent.object_id.in_(keys[start : start + 1000]),
                AuditEvent.action == MOVE,
            )
            .order_by(AuditEvent.id)
        ).scalars()
        latest.update((e.object_id, e) for e in events)
    found = {int(k): e for k, e in latest.items() if is_return(e)}
    names = names_of(session=session, accounts={e.actor for e in found.values()})
    return {
        hid: Return(hid, e.occurred_at, e.actor, names.get(e.actor, e.actor), _reason(e))
        for hid, e in found.items()
    }


def _reason(event: AuditEvent) -> str:
    return str((event.after or {}).get("note") or "")


def since_last_digest(today: dt.date) -> dt.datetime:
    """From when a return is news in today's digest: the start of the previous working day."""
    from services.core import calendar, clock

    previous = today - dt.timedelta(days=1)
    while not calendar.is_workday(previous):
        previous -= dt.timedelta(days=1)
    return dt.datetime.combine(previous, dt.time.min, tzinfo=clock.tz())


def returned_due_items(*, session: Session, today: dt.date) -> list[DueItem]:
    """Hazards sent back since the last digest and still 整改中 after that return, as digest
    items (the reason and verifier in the detail)."""
    since = since_last_digest(today)
    ids = session.execute(
        select(AuditEvent.object_id)
        .where(AuditEvent.occurred_at >= since, AuditEvent.action == MOVE)
        .where(AuditEvent.object_type == ItemKind.HAZARD)
        .distinct()
    ).scalars()
    found = returns_of(session=session, hazard_ids=[int(i) for i in ids])
    if not found:
        return []
    rows = session.execute(
        select(Hazard, Entity.name)
        .outerjoin(Entity, Entity.id == Hazard.entity_id)
        .where(Hazard.id.in_(found), Hazard.status == HazardStatus.RECTIFYING)
        .order_by(Hazard.deadline, Hazard.id)
    ).all()
    items = []
    for hazard, entity in rows:
        back = found[hazard.id]
        late = overdue_by(hazard.deadline, today)
        items.append(
            DueItem(
                ItemKind.HAZARD,
                hazard.id,
                f"{entity}：{hazard.description}" if entity else hazard.description,
                f"退回原因：{back.reason or '—'}（{back.by_name}）",
                hazard.deadline,
                late,
                workdays_between(today, hazard.deadline),
                is_escalated(late),
                hazard.officer_id,
                hazard.jurisdiction_id,
            )  # fmt: skip
        )
    return items
