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
"""

import datetime as dt
import logging
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import and_, bindparam, case, func, not_, or_, select, update
from sqlmodel import Session

from config.files import load_policy
from models.notification import Notification
from notifications.channels import Channels
from notifications.senders import SendFailed, SendUnknown
from services import clock
from services.audit import record_event
from services.errors import BadInput

log = logging.getLogger("baobao.outbox")
TABLE = Notification.__table__
N = TABLE.c
IN_FLIGHT = "[投递中]"
UNKNOWN = "[状态不明]"
INTERRUPTED = (f"{UNKNOWN} 投递过程中断（进程退出或超时），无法确认是否已送达；为避免重复未自动重发。"
               "核实后可运行 ./baobao outbox retry ID 重发")


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


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def existing_keys(*, session: Session, keys: list[str]) -> set[str]:
    """Which of these dedupe keys are already in the outbox."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
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
        rows = [{**asdict(m), "status": "queued", "attempts": 0, "queued_at": now}
                for m in ordered[start:start + 500]]
        statement = insert(TABLE).on_conflict_do_nothing(
            index_elements=["dedupe_key"]).returning(N.id)
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


class _Delivery:
    """One delivery run. Each transaction marks the previous row and claims the next one, so
    a message costs one commit; statements are built once and executed with new values."""

    def __init__(self, session: Session):
        self.session, self.marker = session, f"{IN_FLIGHT} {uuid.uuid4().hex[:12]}"
        self.after, self.down = 0, set()
        self.claim = self._claim_statement()
        self.mark = (update(TABLE).where(N.id == bindparam("row_id"), N.last_error == self.marker)
                     .values(status=bindparam("new_status"), last_error=bindparam("new_error"),
                             sent_at=bindparam("new_sent_at", type_=N.sent_at.type)))

    def _claim_statement(self):
        pick = (select(N.id).where(_eligible(), N.id > bindparam("after"),
                                   N.channel.not_in(sorted(self.down) or [""]))
                .order_by(N.id).limit(1))
        if _postgres(self.session):
            pick = pick.with_for_update(skip_locked=True)
        return (update(TABLE).where(N.id == pick.scalar_subquery(), _eligible())
                .values(attempts=N.attempts + 1, last_error=self.marker,
                        sent_at=bindparam("now", type_=N.sent_at.type))
                .returning(N.id, N.channel, N.address, N.subject, N.body_text, N.body_html,
                           N.dedupe_key, N.attempts, N.sent_at))

    def step(self, outcome: dict | None):
        """Record the previous row's outcome and claim the next row (None: nothing left)."""
        connection = self.session.connection()  # Core: no ORM bookkeeping per message
        if outcome is not None:
            connection.execute(self.mark, outcome)
        now = clock.now()
        row = connection.execute(self.claim, {"after": self.after, "now": now,
                                              **_thresholds(now)}).first()
        self.session.commit()
        if row is not None:
            self.after = row.id
        return row

    def fail_channel(self, channel: str, error: str) -> int:
        """A channel that is down: its eligible rows not tried yet in this run record one
        failed attempt each."""
        now, most = clock.now(), load_policy().reminders.max_attempts
        self.down.add(channel)
        self.claim = self._claim_statement()
        result = self.session.execute(
            update(TABLE).where(_eligible(), N.channel == channel, N.id > self.after)
            .values(attempts=N.attempts + 1, sent_at=now, last_error=error[:2000],
                    status=case((N.attempts + 1 >= most, "failed"), else_="queued")),
            _thresholds(now))
        self.session.commit()
        return result.rowcount


def _stale_before() -> dt.datetime:
    return clock.now() - dt.timedelta(minutes=load_policy().reminders.claim_timeout_minutes)


def recover_interrupted(*, session: Session) -> int:
    """Claims older than claim_timeout_minutes: failed [状态不明], never resent automatically."""
    result = session.execute(
        update(TABLE)
        .where(N.status == "queued", N.last_error.startswith(IN_FLIGHT, autoescape=True),
               N.sent_at < _stale_before())
        .values(status="failed", last_error=INTERRUPTED))
    session.commit()
    return result.rowcount


def _attempt(run: _Delivery, channels: Channels, row, counts: dict) -> dict | None:
    """Send one claimed row; returns the values that mark its outcome."""
    outcome = {"row_id": row.id, "new_sent_at": row.sent_at}
    try:
        channels.send(row)
    except SendFailed as exc:
        counts["failed"] += 1
        outcome.update(_failure(str(exc), row.attempts))
        if exc.down:
            run.session.execute(run.mark, outcome)
            counts["failed"] += run.fail_channel(row.channel, str(exc))
            return None
    except SendUnknown as exc:
        counts["unknown"] += 1
        outcome.update(new_status="failed", new_error=f"{UNKNOWN} {exc}"[:2000])
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the batch
        log.exception("delivering notification %s", row.id)
        counts["failed"] += 1
        outcome.update(_failure(f"内部错误：{type(exc).__name__}", row.attempts))
    else:
        counts["sent"] += 1
        outcome.update(new_status="sent", new_error=None, new_sent_at=clock.now())
    return outcome


def deliver(*, session: Session) -> dict:
    """Deliver every eligible queued row once; returns counts of this run."""
    counts = {"sent": 0, "failed": 0, "unknown": recover_interrupted(session=session)}
    run, outcome = _Delivery(session), None
    with Channels(date=clock.now()) as channels:
        while (row := run.step(outcome)) is not None:
            outcome = _attempt(run, channels, row, counts)
    counts["waiting"] = session.execute(
        select(func.count()).where(N.status == "queued")).scalar_one()
    return counts


def _check_retryable(session: Session, notification_id: int) -> None:
    found = session.execute(select(N.status, N.last_error, N.sent_at)
                            .where(N.id == notification_id)).first()
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
        where.append(or_(N.status == "queued", N.last_error.is_(None),
                         not_(N.last_error.startswith(UNKNOWN, autoescape=True))))
    else:
        where.append(N.id == notification_id)
    result = session.execute(update(TABLE).where(*where).values(status="queued", sent_at=None))
    record_event(session=session, actor=actor, action="outbox.retry", object_type="notification",
                 object_id=notification_id or "*", after={"queued": result.rowcount})
    session.commit()
    return result.rowcount


def list_notifications(*, session: Session, status: str | None = None,
                       limit: int = 100) -> list[dict]:
    """Outbox rows, newest first, optionally of one status."""
    statement = select(N.id, N.channel, N.recipient, N.address, N.subject, N.status,
                       N.attempts, N.last_error, N.queued_at, N.sent_at, N.dedupe_key)
    if status is not None:
        if status not in ("queued", "sent", "failed"):
            raise BadInput(f"状态 {status!r} 无效，可选：queued、sent、failed")
        statement = statement.where(N.status == status)
    rows = session.execute(statement.order_by(N.id.desc()).limit(limit)).mappings()
    return [dict(row) for row in rows]
