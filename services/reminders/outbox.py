"""The outbox: every message is a Notification row before it is sent (enqueue, deduplicated by
key); failed rows are queued again by a person (retry); listed for `outbox list`. How a row moves
while it is delivered is services.reminders.outbox_states, delivery services.reminders.delivery.
"""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TypedDict

from sqlalchemy import not_, or_, select, update
from sqlmodel import Session

from models.db import is_postgres
from models.enums import NotificationStatus
from services.core import clock
from services.core.audit import record_event
from services.core.bulk import changed_rows
from services.core.errors import BadInput
from services.reminders.outbox_states import (
    IN_FLIGHT,
    TABLE,
    UNKNOWN,
    N,
    not_in_flight,
    recover_interrupted,
    stale_before,
)


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: one row of the outbox."""

    channel: str
    recipient: str
    address: str
    subject: str
    body_text: str
    body_html: str | None
    dedupe_key: str
    attachments: list[str] | None = None  # files sent with an e-mail (absolute paths)


def existing_keys(*, session: Session, keys: list[str]) -> set[str]:
    """Which of these dedupe keys are already in the outbox."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(session.execute(select(N.dedupe_key).where(N.dedupe_key.in_(chunk))).scalars())
    return found


def enqueue(*, session: Session, messages: list[Outgoing], commit: bool = True) -> int:
    """Add messages whose dedupe key is new (ON CONFLICT DO NOTHING); returns how many.
    commit=False leaves them in the caller's transaction (queued only if it commits)."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if is_postgres(session.get_bind()) else sqlite.insert
    now, added = clock.now(), 0
    ordered = sorted(messages, key=lambda m: m.dedupe_key)  # one lock order for every run
    for start in range(0, len(ordered), 500):
        rows = [
            {**asdict(m), "status": NotificationStatus.QUEUED, "attempts": 0, "queued_at": now}
            for m in ordered[start : start + 500]
        ]
        statement = (
            insert(TABLE).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(N.id)
        )
        added += len(session.execute(statement, rows).all())
    if commit:
        session.commit()
    return added


def _check_retryable(session: Session, notification_id: int) -> None:
    found = session.execute(
        select(N.status, N.last_error, N.sent_at).where(N.id == notification_id)
    ).first()
    if found is None:
        raise BadInput(f"通知 {notification_id} 不存在")
    if found.status == NotificationStatus.SENT:
        raise BadInput(f"通知 {notification_id} 已发送，不会重发")
    if (found.last_error or "").startswith(IN_FLIGHT) and found.sent_at >= stale_before():
        raise BadInput(f"通知 {notification_id} 正在投递中，请稍后再试")


def retry(*, session: Session, notification_id: int | None = None, actor: str) -> int:
    """Queue failed rows (or one row) for delivery now; returns how many were queued.

    Without an id, rows whose outcome is unknown ([状态不明]) are left alone: they may have
    been delivered, so only an explicit id resends them.
    """
    if notification_id is not None:
        _check_retryable(session, notification_id)
    recover_interrupted(session=session)
    where = [N.status != NotificationStatus.SENT, not_in_flight()]
    if notification_id is None:
        where.append(
            or_(
                N.status == NotificationStatus.QUEUED,
                N.last_error.is_(None),
                not_(N.last_error.startswith(UNKNOWN, autoescape=True)),
            )
        )
    else:
        where.append(N.id == notification_id)
    result = session.execute(
        update(TABLE).where(*where).values(status=NotificationStatus.QUEUED, sent_at=None)
    )
    record_event(
        session=session,
        actor=actor,
        action="outbox.retry",
        object_type="notification",
        object_id=notification_id or "*",
        after={"queued": changed_rows(result)},
    )
    session.commit()
    return changed_rows(result)


class OutboxLine(TypedDict):
    """An outbox row as `outbox list` shows it."""

    id: int
    channel: str
    recipient: str
    address: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    queued_at: dt.datetime
    sent_at: dt.datetime | None
    dedupe_key: str


def list_notifications(
    *, session: Session, status: str | None = None, limit: int = 100
) -> list[OutboxLine]:
    """Outbox rows, newest first, optionally of one status."""
    statement = select(
        N.id,
        N.channel,
        N.recipient,
        N.address,
        N.subject,
        N.status,
        N.attempts,
        N.last_error,
        N.queued_at,
        N.sent_at,
        N.dedupe_key,
    )
    if status is not None:
        if status not in tuple(NotificationStatus):
            raise BadInput(f"状态 {status!r} 无效，可选：queued、sent、failed")
        statement = statement.where(N.status == status)
    rows = session.execute(statement.order_by(N.id.desc()).limit(limit))
    return [
        {
            "id": r.id,
            "channel": r.channel,
            "recipient": r.recipient,
            "address": r.address,
            "subject": r.subject,
            "status": r.status,
            "attempts": r.attempts,
            "last_error": r.last_error,
            "queued_at": r.queued_at,
            "sent_at": r.sent_at,
            "dedupe_key": r.dedupe_key,
        }
        for r in rows
    ]
