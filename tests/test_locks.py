"""Advisory locks (services.core.locks) on PostgreSQL: a lock held in one schema makes the same
lock in the same schema wait, and never the same lock in another schema (a county beside a
province, the test workers); the settlement lock is taken before a generation's scope lock."""

import threading
import time

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from models.db import get_engine
from services.core import locks
from services.tasks.generation import generate_routine_tasks
from tests.conftest import pg_schema


def _waits(holder_url: str, other_url: str, name: str, other_name: str | None = None) -> bool:
    """Whether taking other_name (else name) on other_url waits while holder_url's transaction
    holds name."""
    holder = get_engine(holder_url).connect()
    try:
        holder.begin()
        locks.hold(holder, name)
        return _waits_now(other_url, other_name or name)
    finally:
        holder.rollback()
        holder.close()


def test_a_lock_waits_in_its_own_schema_only():
    with pg_schema() as first, pg_schema() as second:
        assert _waits(first, first, locks.SETTLEMENT)
        assert not _waits(first, second, locks.SETTLEMENT)
        assert not _waits(first, first, locks.SETTLEMENT, "generate:/")  # another lock


def test_generation_takes_the_settlement_lock_first():
    """While another run holds the settlement, a generation waits before any scope lock (so a
    run holding a scope never waits for a settlement held by one waiting for that scope)."""
    with pg_schema() as db_url:
        _settlement_first(db_url)


def _settlement_first(db_url: str) -> None:
    holder = get_engine(db_url).connect()
    holder.begin()
    locks.hold(holder, locks.SETTLEMENT)
    done: list[object] = []

    def generate() -> None:
        with Session(get_engine(db_url)) as session:
            done.append(generate_routine_tasks(session=session, period="2026Q3"))
            session.commit()

    run = threading.Thread(target=generate)
    run.start()
    try:
        time.sleep(0.5)  # the generation is now waiting for the settlement
        assert run.is_alive() and not done
        assert not _waits_now(db_url, "generate:/")  # its scope lock is not taken yet
    finally:
        holder.rollback()
        holder.close()
        run.join(timeout=30)
    assert done  # and once the settlement is free, it runs


def _waits_now(url: str, name: str) -> bool:
    """Whether taking name on url waits (someone holds it)."""
    probe = get_engine(url).connect()
    try:
        probe.begin()
        probe.execute(text("SET LOCAL lock_timeout = '300ms'"))
        try:
            locks.hold(probe, name)
        except OperationalError as exc:
            assert "lock timeout" in str(exc)
            return True
        return False
    finally:
        probe.rollback()
        probe.close()
