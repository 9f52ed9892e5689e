"""The outbox: every message is a Notification row before it is sent; delivery claims rows.

The status CHECK allows queued / sent / failed only, so "being delivered" is expressed with the
other columns. A claim is one UPDATE of one eligible row (FOR UPDATE SKIP LOCKED on PostgreSQL;
on SQLite the statement runs under the single write lock) that sets attempts + 1, sent_at = the
attempt's start and last_error = '[投递中] <run token>', committed before anything is sent.
A row carrying that marker is not eligible, so no other run can take it. Marking is a
conditional UPDATE on (id, marker): sent; queued again with the error (failed after
max_attempts); or failed '[状态不明]' when the send may have been delivered.
A claim older than claim_timeout_minutes belongs to a run that died between claiming and
marking: it is marked failed '[状态不明]' and never resent automatically (it may have been
delivered); `outbox retry ID` resends it once a person has checked. Eligible rows: queued, not
in flight, never tried (sent_at NULL) or past their backoff since the last attempt (sent_at).
Delivery itself (claim, send, mark; how its commits reach the disk) is services.reminders.delivery.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import and_, bindparam, not_, or_, select, update
from sqlmodel import Session

from config.files import load_policy
from models.notification import Notification
from services.core import clock
from services.core.audit import record_event
from services.core.errors import BadInput

TABLE = Notification.__table__
N = TABLE.c
IN_FLIGHT = "[投递中]"
UNKNOWN = "[状态不明]"
INTERRUPTED = (
    f"{UNKNOWN} 投递过程中断（进程退出或超时），无法确认是否已送达；为避免重复未自动重发。"
    "核实后可运行 ./baobao outbox retry ID 重发"
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


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def existing_keys(*, session: Session, keys: list[str]) -> set[str]:
    """Which of these dedupe keys are already in the outbox."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(session.execute(select(N.dedupe_key).where(N.dedupe_key.in_(chunk))).scalars())
    return found


def enqueue(*, session: Session, messages: list[Outgoing]) -> int:
    """Add messages whose dedupe key is new (ON CONFLICT DO NOTHING); returns how many."""
    if _postgres(session):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now, added = clock.now(), 0
    ordered = sorted(messages, key=lambda m: m.dedupe_key)  # one lock order for every run
    for start in range(0, len(ordered), 500):
        rows = [
            {**asdict(m), "status": "queued", "attempts": 0, "queued_at": now}
            for m in ordered[start : start + 500]
        ]
        statement = (
            insert(TABLE).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(N.id)
        )
        added += len(session.execute(statement, rows).all())
    session.commit()
    return added


def _not_in_flight():
    return or_(N.last_error.is_(None), not_(N.last_error.startswith(IN_FLIGHT, autoescape=True)))


def _eligible():
    """Eligible rows; the backoff thresholds are bound as :due_1 … (see _thresholds)."""
    backoff = load_policy().reminders.retry_backoff_minutes
    due = [N.sent_at.is_(None)]
    for attempts in range(1, len(backoff) + 1):
        tried = N.attempts == attempts if attempts < len(backoff) else N.attempts >= attempts
        due.append(and_(tried, N.sent_at <= bindparam(f"due_{attempts}", type_=N.sent_at.type)))
    return and_(N.status == "queued", _not_in_flight(), or_(*due))


def _thresholds(now: dt.datetime) -> dict:
    backoff = load_policy().reminders.retry_backoff_minutes
    return {f"due_{n}": now - dt.timedelta(minutes=m) for n, m in enumerate(backoff, start=1)}


def _failure(error: str, attempts: int) -> dict:
    final = attempts >= load_policy().reminders.max_attempts
    return {"new_status": "failed" if final else "queued", "new_error": error[:2000]}


def _stale_before() -> dt.datetime:
    return clock.now() - dt.timedelta(minutes=load_policy().reminders.claim_timeout_minutes)


def recover_interrupted(*, session: Session) -> int:
    """Claims older than claim_timeout_minutes: failed [状态不明], never resent automatically."""
    result = session.execute(
        update(TABLE)
        .where(
            N.status == "queued",
            N.last_error.startswith(IN_FLIGHT, autoescape=True),
            N.sent_at < _stale_before(),
        )
        .values(status="failed", last_error=INTERRUPTED)
    )
    session.commit()
    return result.rowcount


def _check_retryable(session: Session, notification_id: int) -> None:
    found = session.execute(
        select(N.status, N.last_error, N.sent_at).where(N.id == notification_id)
    ).first()
    if found is None:
        raise BadInput(f"通知 {notification_id} 不存在")
    if found.status == "sent":
        raise BadInput(f"通知 {notification_id} 已发送，不会重发")
    if (found.last_error or "").startswith(IN_FLIGHT) and found.sent_at >= _stale_before():
        raise BadInput(f"通知 {notification_id} 正在投递中，请稍后再试")


def retry(*, session: Session, notification_id: int | None = None, actor: str) -> int:
    """Queue failed rows (or one row) for delivery now; returns how many were queued.

    Without an id, rows whose outcome is unknown ([状态不明]) are left alone: they may have
    been delivered, so only an explicit id resends them.
    """
    if notification_id is not None:
        _check_retryable(session, notification_id)
    recover_interrupted(session=session)
    where = [N.status != "sent", _not_in_flight()]
    if notification_id is None:
        where.append(
            or_(
                N.status == "queued",
                N.last_error.is_(None),
                not_(N.last_error.startswith(UNKNOWN, autoescape=True)),
            )
        )
    else:
        where.append(N.id == notification_id)
    result = session.execute(update(TABLE).where(*where).values(status="queued", sent_at=None))
    record_event(
        session=session,
        actor=actor,
        action="outbox.retry",
        object_type="notification",
        object_id=notification_id or "*",
        after={"queued": result.rowcount},
    )
    session.commit()
    return result.rowcount


def list_notifications(
    *, session: Session, status: str | None = None, limit: int = 100
) -> list[dict]:
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
        if status not in ("queued", "sent", "failed"):
            raise BadInput(f"状态 {status!r} 无效，可选：queued、sent、failed")
        statement = statement.where(N.status == status)
    rows = session.execute(statement.order_by(N.id.desc()).limit(limit)).mappings()
    return [dict(row) for row in rows]


from services.reminders.delivery import _Delivery, deliver  # noqa: E402 - uses the names above

__all__ = [
    "Outgoing",
    "_Delivery",
    "deliver",
    "enqueue",
    "existing_keys",
    "list_notifications",
    "recover_interrupted",
    "retry",
]
