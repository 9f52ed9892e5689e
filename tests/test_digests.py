"""What goes to whom: officer digests, office digests, escalation at 5, the weekly summary."""

import datetime as dt

import pytest

from services.reminders.digests import build_digests, is_summary_day
from tests.support.reminders import add_hazard, add_task, build_roster, policy_dir

D = dt.date.fromisoformat


@pytest.fixture
def roster(session):
    return build_roster(session)


def _by_code(digests):
    return {d.code: d for d in digests}


def test_officer_digest_lists_overdue_and_due_soon_once(session, roster):
    late = add_task(session, roster, "o_village", "2026-09-30")
    soon = add_task(session, roster, "o_village", "2026-10-16")
    hazard = add_hazard(session, roster, "v_east", "2026-10-09", officer="o_village")
    add_task(session, roster, "o_village", "2026-10-21")  # 6th working day after 10-13
    officers, _ = build_digests(session=session, today=D("2026-10-13"))
    digest = _by_code(officers)["V001"]
    assert (digest.name, digest.place, digest.email) == ("李村官", "柳树村", "v001@example.cn")
    assert [(x.kind, x.overdue_by) for x in digest.overdue.lines] == [("task", 5), ("hazard", 3)]
    assert digest.overdue.lines[0].escalated and not digest.overdue.lines[1].escalated
    assert [(x.title, x.workdays_left) for x in digest.due_soon.lines] == [
        (soon_title(session, soon), 3)
    ]
    assert digest.overdue.lines[0].link.endswith(f"/tasks/{late.id}")
    assert digest.overdue.lines[1].link.endswith(f"/hazards/{hazard.id}")


def soon_title(session, task):
    from models import Entity

    return session.get(Entity, task.entity_id).name


def test_nobody_with_nothing_gets_anything(session, roster):
    add_task(session, roster, "o_village", "2026-10-16")  # due soon: only its officer hears
    officers, offices = build_digests(session=session, today=D("2026-10-13"))
    assert [d.code for d in officers] == ["V001"]
    assert offices == []  # nothing overdue, and Tuesday has no summary


def test_overdue_goes_to_the_responsible_office_and_escalates_exactly_at_5(session, roster):
    village = add_task(session, roster, "o_village", "2026-09-30")  # 东河镇 office
    west = add_task(session, roster, "o_west", "2026-09-30")  # 西山镇 has none → county
    county = add_task(session, roster, "o_county", "2026-10-09")  # the county office's own
    _, offices = build_digests(session=session, today=D("2026-10-12"))  # overdue by 4
    by = _by_code(offices)
    assert sorted(by) == ["510101000000", "510101001000"]
    assert [x.link.rsplit("/", 1)[1] for x in by["510101001000"].own.lines] == [str(village.id)]
    assert by["510101000000"].escalated.total == 0
    assert {int(x.link.rsplit("/", 1)[1]) for x in by["510101000000"].own.lines} == {
        west.id,
        county.id,
    }

    _, offices = build_digests(session=session, today=D("2026-10-13"))  # overdue by 5
    by = _by_code(offices)
    escalated = by["510101000000"].escalated
    assert [x.link.rsplit("/", 1)[1] for x in escalated.lines] == [str(village.id)]
    assert escalated.lines[0].escalated and escalated.lines[0].place == "东河镇"
    assert escalated.groups == [("东河镇", [("李村官", escalated.lines)])]
    assert by["510101001000"].own.total == 1  # the township office keeps hearing about it
    assert [m.account for m in by["510101000000"].members] == ["xian", "xianadmin"]


def test_office_digest_groups_by_township_then_officer(session, roster):
    add_task(session, roster, "o_village", "2026-10-09")
    add_task(session, roster, "o_nomail", "2026-10-09")
    add_task(session, roster, "o_town", "2026-10-09")
    add_hazard(session, roster, "v_east", "2026-10-09")  # no officer: held by the office
    _, offices = build_digests(session=session, today=D("2026-10-13"))
    groups = _by_code(offices)["510101001000"].own.groups
    assert [place for place, _ in groups] == ["东河镇"]
    assert [officer for officer, _ in groups[0][1]] == sorted(
        ["李村官", "孙无邮", "赵镇长", "（未指定包保干部）"]
    )


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-10-12", True),  # Monday
        ("2026-10-13", False),
        ("2026-10-05", False),  # Monday in the national-day holiday …
        ("2026-10-08", True),  # … so the week's summary goes on its first working day
        ("2026-10-10", False),  # a make-up Saturday is not the first working day of its week
        ("2026-09-20", False),  # a make-up Sunday neither
        ("2026-09-28", True),
    ],
)
def test_summary_day_is_the_first_working_day_from_monday(day, expected):
    assert is_summary_day(D(day)) is expected


def test_monday_summary_counts_by_township(session, roster):
    add_task(session, roster, "o_village", "2026-09-30")  # 东河镇, overdue 4 on 10-12
    add_task(session, roster, "o_village", "2026-12-31")  # 东河镇, open, not due
    add_task(session, roster, "o_west", "2026-10-14")  # 西山镇, due soon
    add_task(session, roster, "o_county", "2026-09-29")  # 县本级, overdue 5
    add_hazard(session, roster, "v_west", "2026-10-09")  # 西山镇 hazard overdue 2
    _, offices = build_digests(session=session, today=D("2026-10-12"))
    county = _by_code(offices)["510101000000"]
    rows = {
        r.place: (r.open_tasks, r.due_soon, r.overdue, r.escalated, r.hazards_overdue)
        for r in county.summary
    }
    assert rows == {
        "青石县（县本级）": (1, 0, 1, 1, 0),
        "东河镇": (2, 0, 1, 0, 0),
        "西山镇": (1, 1, 0, 0, 1),
    }
    assert _by_code(offices)["510101001000"].summary == []  # only the county level


def test_no_digests_on_a_day_off(session, roster):
    add_task(session, roster, "o_village", "2026-09-24")
    assert build_digests(session=session, today=D("2026-09-26")) == ([], [])


def test_make_up_sunday_is_a_reminder_day(session, roster):
    add_task(session, roster, "o_village", "2026-09-28")
    officers, _ = build_digests(session=session, today=D("2026-09-20"))
    assert [(d.code, d.due_soon.lines[0].workdays_left) for d in officers] == [("V001", 5)]


def test_long_lists_are_capped_but_counted(session, roster, tmp_path, monkeypatch):
    monkeypatch.setenv("BAOBAO_CONFIG_DIR", str(policy_dir(tmp_path, max_items_listed=2)))
    from config import settings

    settings.reset()
    for _ in range(5):
        add_task(session, roster, "o_village", "2026-10-16")
    officers, _ = build_digests(session=session, today=D("2026-10-13"))
    assert (officers[0].due_soon.total, len(officers[0].due_soon.lines)) == (5, 2)
    assert officers[0].due_soon.more == 3


def test_inactive_officers_get_no_digest_but_their_office_still_hears(session, roster):
    from models import Officer

    add_task(session, roster, "o_village", "2026-10-09")
    officer = session.get(Officer, roster["o_village"].id)
    officer.active = False
    session.commit()
    officers, offices = build_digests(session=session, today=D("2026-10-13"))
    assert officers == []
    assert _by_code(offices)["510101001000"].own.total == 1


def test_fast_one_tap_tokens_are_the_tokens_itsdangerous_signs(tmp_path, monkeypatch):
    from config import settings
    from services.core import links

    monkeypatch.setenv("BAOBAO_DATA_DIR", str(tmp_path))
    settings.reset()
    for _ in range(3):  # the two tokens carry the clock's second: retry across a tick
        fast = links.item_token(kind="hazard", item_id=4321, officer_id=77, pv="0a1b2c3d4e5f6a7b")
        slow = links.sign(links.LINK, {"o": 77, "pv": "0a1b2c3d4e5f6a7b", "t": "hazard", "i": 4321})
        if fast == slow:
            break
    assert fast == slow
    assert links.check_item_token(fast, kind="hazard", item_id=4321, max_age_seconds=60) == (
        77,
        "0a1b2c3d4e5f6a7b",
    )
