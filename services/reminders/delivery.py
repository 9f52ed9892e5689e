"""Delivering the outbox: claim a row, send it, mark it (the states: services.reminders.outbox_states).

A run works on a connection of its own. Each message costs one commit that marks the previous
row's outcome and claims the next row, before the next send. These commits do not wait for the
disk (PostgreSQL synchronous_commit off, SQLite synchronous NORMAL in WAL mode): the database
has them as soon as they return, so a killed run loses no claim and no mark; only a crash of
the database server or machine can lose the last ones. Every DURABLE_EVERY messages, when a
channel fails and at the end of the run a commit waits for the disk, which makes every earlier
one durable too (and PostgreSQL's WAL writer flushes within a fraction of a second anyway).
"""

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypedDict, TypeVar

from sqlalchemy import (
    CursorResult,
    Executable,
    Row,
    Update,
    and_,
    bindparam,
    case,
    func,
    not_,
    select,
    update,
)
from sqlmodel import Session

from config.files import load_policy
from models.db import engine_of, is_postgres
from models.enums import NotificationStatus
from notifications.channels import ROBOTS, Channels
from notifications.outcomes import SendFailed, SendUnknown
from services.core import clock
from services.reminders.outbox_states import (
    IN_FLIGHT,
    TABLE,
    UNKNOWN,
    Mark,
    N,
    backoff_thresholds,
    eligible,
    failure,
    recover_interrupted,
)

log = logging.getLogger("baobao.outbox")
DURABLE_EVERY = 50
T = TypeVar("T")
NO_MARK: Mark = {"row_id": None, "new_status": None, "new_error": None, "new_sent_at": None}


class DeliveryRun:
    """One delivery run on its own connection; statements are built once, executed with new
    values, without ORM bookkeeping per message. On PostgreSQL the connection autocommits and
    one statement marks and claims (a data-modifying CTE): one round trip per message."""

    def __init__(self, session: Session) -> None:
        self.connection = engine_of(session).connect()
        self.postgres = is_postgres(self.connection)
        self.marker = f"{IN_FLIGHT} {uuid.uuid4().hex[:12]}"
        self.after, self.steps = 0, 0
        self.down: set[tuple[str, str | None]] = set()  # (channel, robot address or None)
        self.mark = (
            update(TABLE)
            .where(N.id == bindparam("row_id"), N.last_error == self.marker)
            .values(
                status=bindparam("new_status"),
                last_error=bindparam("new_error"),
                sent_at=bindparam("new_sent_at", type_=N.sent_at.type),
            )
        )
        self.restore = self._fast_commits()
        self.claim = self._claim_statement()

    def _fast_commits(self) -> str:
        """Commits of this connection stop waiting for the disk; returns the statement that
        restores the setting."""
        if self.postgres:
            self.connection = self.connection.execution_options(isolation_level="AUTOCOMMIT")
            self.connection.exec_driver_sql("SET synchronous_commit TO off")
            return "RESET synchronous_commit"
        level = self.connection.exec_driver_sql("PRAGMA synchronous").scalar_one()
        self.connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
        return f"PRAGMA synchronous = {int(level)}"

    def _run(
        self,
        statement: Executable,
        values: Mapping[str, object],
        read: Callable[[CursorResult[Any]], T],
        *,
        durable: bool,
    ) -> T:
        """Execute, read the result and commit; a durable commit waits for the disk, with every
        earlier one."""
        if not self.postgres:
            found = read(self.connection.execute(statement, values))
            self.connection.commit()
            if durable:  # syncs the WAL, then copies it into the database file
                self.connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            return found
        if durable:
            self.connection.exec_driver_sql("SET synchronous_commit TO on")
        found = read(self.connection.execute(statement, values))
        if durable:
            self.connection.exec_driver_sql("SET synchronous_commit TO off")
        return found

    def _claim_statement(self) -> Update:
        skip = [
            not_(and_(N.channel == c, N.address == a)) if a else N.channel != c
            for c, a in sorted(self.down, key=str)
        ]
        pick = (
            select(N.id).where(eligible(), N.id > bindparam("after"), *skip).order_by(N.id).limit(1)
        )
        if self.postgres:
            pick = pick.with_for_update(skip_locked=True)
        claim = (
            update(TABLE)
            .where(N.id == pick.scalar_subquery(), eligible())
            .values(
                attempts=N.attempts + 1,
                last_error=self.marker,
                sent_at=bindparam("now", type_=N.sent_at.type),
            )
            .returning(
                N.id,
                N.channel,
                N.address,
                N.subject,
                N.body_text,
                N.body_html,
                N.attachments,
                N.dedupe_key,
                N.attempts,
                N.sent_at,
            )
        )
        return claim.add_cte(self.mark.returning(N.id).cte("marked")) if self.postgres else claim

    def step(self, outcome: Mark | None) -> Row[Any] | None:
        """Record the previous row's outcome and claim the next row (None: nothing left)."""
        now = clock.now()
        values: dict[str, object] = {"after": self.after, "now": now, **backoff_thresholds(now)}
        self.steps += 1
        durable = self.steps % DURABLE_EVERY == 0
        if self.postgres:
            values.update(outcome or NO_MARK)
        elif outcome is not None:
            self.connection.execute(self.mark, dict(outcome))
        row = self._run(self.claim, values, _first, durable=durable)
        if row is None and not durable and not self.postgres:
            self.connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        if row is not None:
            self.after = row.id
        return row

    def fail_channel(self, outcome: Mark, channel: str, address: str | None, error: str) -> int:
        """A channel (or one robot group) that is down: the row that found it so, and its
        eligible rows not tried yet in this run, record one failed attempt each."""
        now, most = clock.now(), load_policy().reminders.max_attempts
        self.connection.execute(self.mark, dict(outcome))
        self.down.add((channel, address))
        self.claim = self._claim_statement()
        where = [eligible(), N.channel == channel, N.id > self.after]
        if address:
            where.append(N.address == address)
        return self._run(
            update(TABLE)
            .where(*where)
            .values(
                attempts=N.attempts + 1,
                sent_at=now,
                last_error=error[:2000],
                status=case(
                    (N.attempts + 1 >= most, NotificationStatus.FAILED),
                    else_=NotificationStatus.QUEUED,
                ),
            ),
            backoff_thresholds(now),
            _rowcount,
            durable=True,
        )

    def close(self) -> None:
        """Restore the connection's commit setting and give it back."""
        try:
            self.connection.rollback()
            self.connection.exec_driver_sql(self.restore)
            if self.postgres:  # a transaction with an id commits durably: so are all before it
                self.connection.exec_driver_sql("SELECT txid_current()")
            self.connection.commit()
        finally:
            self.connection.close()


class Delivered(TypedDict):
    """Counts of one delivery run: sent, failed, of unknown fate, still waiting in the outbox."""

    sent: int
    failed: int
    unknown: int
    waiting: int


class Mailed(Delivered):
    """Messages queued for one purpose (a report, a notice), then the delivery run's counts."""

    queued: int


def _first(result: CursorResult[Any]) -> Row[Any] | None:
    return result.first()


def _rowcount(result: CursorResult[Any]) -> int:
    return result.rowcount


def _attempt(run: DeliveryRun, channels: Channels, row: Row[Any], counts: Delivered) -> Mark | None:
    """Send one claimed row; returns the values that mark its outcome."""
    outcome: Mark = {"row_id": row.id, "new_sent_at": row.sent_at}
    try:
        channels.send(row)
    except SendFailed as exc:
        counts["failed"] += 1
        outcome.update(failure(str(exc), row.attempts))
        if exc.down:
            address = row.address if row.channel in ROBOTS else None
            counts["failed"] += run.fail_channel(outcome, row.channel, address, str(exc))
            return None
    except SendUnknown as exc:
        counts["unknown"] += 1
        outcome["new_status"] = NotificationStatus.FAILED
        outcome["new_error"] = f"{UNKNOWN} {exc}"[:2000]
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the batch
        log.exception("delivering notification %s", row.id)
        counts["failed"] += 1
        outcome.update(failure(f"内部错误：{type(exc).__name__}", row.attempts))
    else:
        counts["sent"] += 1
        outcome["new_status"], outcome["new_error"] = NotificationStatus.SENT, None
        outcome["new_sent_at"] = clock.now()
    return outcome


def deliver(*, session: Session) -> Delivered:
    """Deliver every eligible queued row once; returns counts of this run."""
    counts = Delivered(sent=0, failed=0, unknown=recover_interrupted(session=session), waiting=0)
    run, outcome = DeliveryRun(session), None
    try:
        with Channels(date=clock.now()) as channels:
            while (row := run.step(outcome)) is not None:
                outcome = _attempt(run, channels, row, counts)
    finally:
        run.close()
    counts["waiting"] = session.execute(
        select(func.count()).where(N.status == NotificationStatus.QUEUED)
    ).scalar_one()
    return counts
