"""The states of an outbox row while it is delivered, and the predicates delivery runs on.

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
Delivery itself (claim, send, mark; how its commits reach the disk) is services.reminders.delivery,
queueing and retrying services.reminders.outbox.
"""

import datetime as dt
from typing import TypedDict

from sqlalchemy import ColumnElement, Table, and_, bindparam, not_, or_, update
from sqlmodel import Session

from config.files import load_policy
from models.enums import NotificationStatus
from models.notification import Notification
from services.core import clock
from services.core.bulk import changed_rows

TABLE: Table = Notification.metadata.tables["notification"]
N = TABLE.c
IN_FLIGHT = "[投递中]"
UNKNOWN = "[状态不明]"
INTERRUPTED = (
    f"{UNKNOWN} 投递过程中断（进程退出或超时），无法确认是否已送达；为避免重复未自动重发。"
    "核实后可运行 ./baobao outbox retry ID 重发"
)


def not_in_flight() -> ColumnElement[bool]:
    """Rows no delivery run holds right now."""
    return or_(N.last_error.is_(None), not_(N.last_error.startswith(IN_FLIGHT, autoescape=True)))


def eligible() -> ColumnElement[bool]:
    """Eligible rows; the backoff thresholds are bound as :due_1 … (see backoff_thresholds)."""
    backoff = load_policy().reminders.retry_backoff_minutes
    due: list[ColumnElement[bool]] = [N.sent_at.is_(None)]
    for attempts in range(1, len(backoff) + 1):
        tried = N.attempts == attempts if attempts < len(backoff) else N.attempts >= attempts
        due.append(and_(tried, N.sent_at <= bindparam(f"due_{attempts}", type_=N.sent_at.type)))
    return and_(N.status == NotificationStatus.QUEUED, not_in_flight(), or_(*due))


class Mark(TypedDict, total=False):
    """How a delivery attempt marks its row (the mark statement's parameters; all None on
    PostgreSQL's first claim, which has no row to mark)."""

    row_id: int | None
    new_status: str | None
    new_error: str | None
    new_sent_at: dt.datetime | None


def backoff_thresholds(now: dt.datetime) -> dict[str, dt.datetime]:
    """The values of eligible()'s :due_N parameters at this moment."""
    backoff = load_policy().reminders.retry_backoff_minutes
    return {f"due_{n}": now - dt.timedelta(minutes=m) for n, m in enumerate(backoff, start=1)}


def failure(error: str, attempts: int) -> Mark:
    """The mark of a failed attempt: queued again, or failed after max_attempts."""
    final = attempts >= load_policy().reminders.max_attempts
    return {
        "new_status": NotificationStatus.FAILED if final else NotificationStatus.QUEUED,
        "new_error": error[:2000],
    }


def stale_before() -> dt.datetime:
    """Claims started before this moment belong to a run that died."""
    return clock.now() - dt.timedelta(minutes=load_policy().reminders.claim_timeout_minutes)


def recover_interrupted(*, session: Session) -> int:
    """Claims older than claim_timeout_minutes: failed [状态不明], never resent automatically."""
    result = session.execute(
        update(TABLE)
        .where(
            N.status == NotificationStatus.QUEUED,
            N.last_error.startswith(IN_FLIGHT, autoescape=True),
            N.sent_at < stale_before(),
        )
        .values(status=NotificationStatus.FAILED, last_error=INTERRUPTED)
    )
    session.commit()
    return changed_rows(result)
