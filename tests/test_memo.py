"""Remembered figures (services.core.memo): answered within their seconds, counted again in the
background once half of them have passed (one recount at a time, never while a request waits),
forgotten on a write; and the office dashboard renewed that way on both databases."""

import threading
import time

import pytest
from sqlalchemy import text

from services.accounts import access_office
from services.core import memo
from services.permissions.principal import load_principal
from tests.support.figures_county import build_county


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    memo.forget()
    found = Clock()
    monkeypatch.setattr(memo, "monotonic", found)
    yield found
    _settled()
    memo.forget()


def _settled(timeout: float = 30) -> None:
    until = time.monotonic() + timeout
    while memo.recounting():
        assert time.monotonic() < until, "the background recount did not end"
        time.sleep(0.01)


class Counter:
    """compute/recount stand-ins that say how often they ran and on which thread."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self) -> int:
        self.calls.append(threading.current_thread().name)
        return len(self.calls)


def test_a_value_is_answered_within_its_seconds_and_counted_again_after(clock):
    count = Counter()
    assert memo.remembered("k", 30, count) == 1
    clock.now += 29.9
    assert memo.remembered("k", 30, count) == 1
    clock.now += 0.1  # 30 s: counted again while the request waits (no recount given)
    assert memo.remembered("k", 30, count) == 2
    assert memo.remembered("k", 0, count) == 3  # 0: every time
    assert memo.remembered("k", 0, count) == 4


def test_past_half_its_seconds_a_recount_runs_in_the_background_once(clock):
    compute, recount = Counter(), Counter()
    gate = threading.Event()

    def slow() -> int:
        gate.wait(10)
        return 100 + recount()

    assert memo.remembered("k", 30, compute, recount=slow) == 1
    clock.now += 14.9  # before half: nothing recounted
    assert memo.remembered("k", 30, compute, recount=slow) == 1
    assert not memo.recounting()
    clock.now += 0.1  # half: the remembered value answers, one recount starts
    answers = [memo.remembered("k", 30, compute, recount=slow) for _ in range(20)]
    assert answers == [1] * 20 and memo.recounting()
    gate.set()
    _settled()
    assert memo.remembered("k", 30, compute, recount=slow) == 101
    assert compute.calls == ["MainThread"]
    assert len(recount.calls) == 1 and recount.calls[0].startswith("baobao-recount")


def test_the_recounted_value_is_as_old_as_its_counting(clock):
    compute = Counter()
    memo.remembered("k", 30, compute, recount=lambda: 50)
    clock.now += 20
    memo.remembered("k", 30, compute, recount=lambda: 50)  # recounted at 1020
    _settled()
    clock.now += 29.9
    assert memo.remembered("k", 30, compute) == 50
    clock.now += 0.1  # 30 s after the recount began: counted again
    assert memo.remembered("k", 30, compute) == 2


def test_a_write_during_a_recount_throws_its_value_away(clock):
    compute, gate = Counter(), threading.Event()

    def recount() -> int:
        gate.wait(10)
        return 99

    memo.remembered("k", 30, compute, recount=recount)
    clock.now += 16
    memo.remembered("k", 30, compute, recount=recount)
    memo.forget()  # a figure table written while the recount runs
    gate.set()
    _settled()
    assert memo.remembered("k", 30, compute) == 2  # counted anew, not the recount's 99


def test_a_failed_recount_is_logged_and_the_value_runs_out_as_usual(clock, caplog):
    compute = Counter()

    def broken() -> int:
        raise RuntimeError("数据库连接中断")

    memo.remembered("k", 30, compute, recount=broken)
    clock.now += 20
    assert memo.remembered("k", 30, compute, recount=broken) == 1
    _settled()
    assert "后台重新统计失败" in caplog.text and "数据库连接中断" in caplog.text
    assert memo.remembered("k", 30, compute, recount=broken) == 1  # still within 30 s
    clock.now += 10
    assert memo.remembered("k", 30, compute, recount=broken) == 2


def test_a_write_to_a_figure_table_forgets_and_a_read_does_not(clock, engine):
    count = Counter()
    memo.remembered("k", 30, count)
    with engine.begin() as c:
        c.execute(text("SELECT count(*) FROM inspection_task"))
    assert memo.remembered("k", 30, count) == 1
    with engine.begin() as c:
        c.execute(text("UPDATE inspection_task SET status = status WHERE id < 0"))
    assert memo.remembered("k", 30, count) == 2


def test_the_dashboard_is_recounted_on_its_own_connection(clock, session, set_today):
    import datetime as dt

    today = dt.date(2026, 9, 22)
    set_today(today.isoformat())
    built = build_county(session, today=today, roster_change=False, through="2026-12")
    session.commit()
    who = load_principal(session=session, kind="admin", person_id=built.admin_id)
    first = access_office.dashboard(session=session, who=who)
    raw = session.get_bind().raw_connection()  # another process: no event of this one fires
    try:
        cursor = raw.cursor()
        cursor.execute(
            f"UPDATE inspection_task SET status = 'cancelled' WHERE id = {_an_open_task(session)}"
        )
        raw.commit()
    finally:
        raw.close()
    clock.now += 16
    again = access_office.dashboard(session=session, who=who)
    assert again == first  # answered from memory while the recount runs
    _settled()
    session.rollback()  # a new transaction: what the recount saw
    clock.now += 0.1
    renewed = access_office.dashboard(session=session, who=who)
    assert renewed != first
    with memo._lock:
        memo._store.clear()  # counted inline, on the request's session, to compare
    assert access_office.dashboard(session=session, who=who) == renewed


def _an_open_task(session) -> int:
    return int(
        session.execute(
            text("SELECT min(id) FROM inspection_task WHERE status = 'open' AND due_date "
                 "BETWEEN '2026-07-01' AND '2026-09-30'")
        ).scalar_one()
    )  # fmt: skip
