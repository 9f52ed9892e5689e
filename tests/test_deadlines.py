"""Due soon and overdue-by-N-working-days on the real 2026 calendar (09-25 and 10-01…07
holidays, 09-20 and 10-10 make-up workdays)."""

import datetime as dt

import pytest

from services.figures import deadlines
from tests.support.reminders import add_hazard, add_task, build_roster

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "today, limit",
    [
        ("2026-09-22", "2026-09-30"),  # 23 24 (25 holiday) 28 29 30
        ("2026-09-20", "2026-09-28"),  # make-up Sunday: 21 22 23 24 28
        ("2026-09-30", "2026-10-13"),  # 10-08 09 10(Sat, workday) 12 13
    ],
)
def test_due_soon_limit_is_the_fifth_working_day_after_today(today, limit):
    assert deadlines.due_soon_limit(D(today)) == D(limit)


@pytest.mark.parametrize(
    "due, today, n",
    [
        ("2026-09-30", "2026-09-30", 0),
        ("2026-09-30", "2026-10-07", 0),  # the national-day holiday adds nothing
        ("2026-09-30", "2026-10-08", 1),
        ("2026-09-30", "2026-10-10", 3),  # Saturday 10-10 is a workday
        ("2026-09-30", "2026-10-12", 4),
        ("2026-09-30", "2026-10-13", 5),
        ("2026-09-24", "2026-09-28", 1),  # 09-25 is a holiday
        ("2026-10-16", "2026-10-13", 0),  # not due yet
    ],
)
def test_overdue_by_counts_working_days_after_the_due_date(due, today, n):
    assert deadlines.overdue_by(D(due), D(today)) == n


def test_escalation_starts_exactly_at_the_configured_number():
    assert not deadlines.is_escalated(4)
    assert deadlines.is_escalated(5)


@pytest.mark.parametrize(
    "day, works",
    [
        ("2026-09-20", True),
        ("2026-09-26", False),
        ("2026-09-25", False),
        ("2026-10-03", False),
        ("2026-10-10", True),
        ("2026-10-12", True),
    ],
)
def test_reminders_only_on_working_days(day, works):
    assert deadlines.reminder_day(D(day)) is works


def test_open_items_due_across_the_0925_holiday(session):
    roster = build_roster(session)
    inside = add_task(session, roster, "o_village", "2026-09-30")
    add_task(session, roster, "o_village", "2026-10-08")  # 6th working day: not yet
    add_task(session, roster, "o_village", "2026-09-29", status="done")
    add_task(session, roster, "o_village", "2026-09-29", status="cancelled")
    late = add_task(session, roster, "o_village", "2026-09-18")
    items = deadlines.open_items_due(session=session, today=D("2026-09-22"))
    assert [(i.id, i.overdue_by, i.workdays_left) for i in items] == [
        (late.id, 3, 0),
        (inside.id, 0, 5),
    ]  # late: 09-20 (make-up Sunday), 21, 22
    assert [i.id for i in deadlines.due_soon(session=session, today=D("2026-09-22"))] == [inside.id]
    assert [i.id for i in deadlines.overdue(session=session, today=D("2026-09-22"))] == [late.id]


def test_items_carry_entity_and_source_for_messages(session):
    roster = build_roster(session)
    task = add_task(session, roster, "o_town", "2026-09-30", entity_name="东河镇中心小学食堂")
    item = deadlines.open_tasks_due(session=session, today=D("2026-10-13"))[0]
    assert (item.kind, item.id, item.title) == ("task", task.id, "东河镇中心小学食堂")
    assert item.detail.startswith("常规督导")
    assert item.overdue and item.escalated and item.overdue_by == 5
    assert item.officer_id == roster["o_town"].id
    assert item.jurisdiction_id == roster["east"].id


def test_hazards_waiting_for_rectification_only(session):
    roster = build_roster(session)
    pending = add_hazard(session, roster, "v_east", "2026-10-09", officer="o_village")
    rectifying = add_hazard(session, roster, "v_east", "2026-10-13", status="rectifying")
    add_hazard(session, roster, "v_east", "2026-10-09", status="awaiting_verification")
    add_hazard(session, roster, "v_east", "2026-10-09", status="closed")
    add_hazard(session, roster, "v_east", "2026-10-30")  # beyond the window
    items = deadlines.open_hazards_due(session=session, today=D("2026-10-13"))
    assert {(i.id, i.overdue_by) for i in items} == {(pending.id, 3), (rectifying.id, 0)}
    first = next(i for i in items if i.id == pending.id)
    assert first.kind == "hazard" and "后厨未设置防鼠设施" in first.title
    assert first.detail == "一般隐患（待整改）"
