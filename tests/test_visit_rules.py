"""Visit records that hold up (rule 11) on the demo town: the back-dating limit across 国庆 and
the 10-10 调休 Saturday, a supervisor's late entry with a reason, on-site visits that answer
every item and carry photos, a 否 answer's own note and photos, and recurrences."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from models import (
    AuditEvent,
    Entity,
    Hazard,
    HazardEvidence,
    HazardRecurrence,
    InspectionRecord,
    InspectionTask,
    Jurisdiction,
    User,
)
from services.visits.entry import earliest_visit_date
from tests.support.hazards import PNG
from tests.support.visits import all_answers, applicable

D = dt.date
# The 2026 days off and make-up workdays around 国庆, written out here: a second reading of the
# calendar, independent of services.core.calendar.
OFF = {D(2026, 10, d) for d in (1, 2, 3, 4, 5, 6, 7, 11)} | {D(2026, 9, 26), D(2026, 9, 27)}
MAKEUP = {D(2026, 10, 10)}
# The longest Chinese name a Linux file system holds (255 bytes); the web test uploads 100.
LONG_NAME = ("食品经营许可证现场检查照片" * 7)[:80] + ".png"


def workdays_after(start: dt.date, end: dt.date) -> int:
    """Working days after start up to end, by the lists above (late September to mid October)."""
    days = (start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for d in days if d in MAKEUP or (d.weekday() < 5 and d not in OFF))


@pytest.fixture
def town(town_tasks):
    return town_tasks


def a_task(session, category: str = "餐饮服务") -> InspectionTask:
    return (
        session.execute(
            select(InspectionTask)
            .join(Entity, Entity.id == InspectionTask.entity_id)
            .where(InspectionTask.status == "open", Entity.category == category)
            .order_by(InspectionTask.id)
        )
        .scalars()
        .first()
    )


def write(tmp_path, document, name="answers.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def photo(tmp_path, name="现场.png", content=PNG) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def record(cli, url, task_id, *args, today):
    return cli("--db", url, "--today", today, "tasks", "record", str(task_id), *args, "--json")


def counts(session) -> tuple:
    session.expire_all()
    return tuple(
        session.execute(select(func.count()).select_from(table)).scalar()
        for table in (InspectionRecord, AuditEvent, Hazard, HazardRecurrence, HazardEvidence)
    )


def supervisor_of(session, task: InspectionTask, *, inside: bool = True) -> str:
    """A 督办 account whose jurisdiction holds the task's; inside=False: a new 督办 of a village
    that does not."""
    path = session.get(Jurisdiction, task.jurisdiction_id).path
    places = session.execute(select(Jurisdiction).order_by(Jurisdiction.id)).scalars().all()
    if not inside:
        other = next(p for p in places if p.level == "village" and not path.startswith(p.path))
        session.add(
            User(account="db-other", name="别村 督办", role="supervisor", jurisdiction_id=other.id)
        )
        session.commit()
        return "db-other"
    for user, place in session.execute(
        select(User, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
        .where(User.role == "supervisor", User.active)
        .order_by(User.id)
    ):
        if path.startswith(place.path):
            return user.account
    raise AssertionError("no supervisor above the task in the demo town")


@pytest.mark.parametrize(
    ("visit", "today", "allowed"),
    [
        ("2026-09-29", "2026-10-09", True),  # 09-30, 10-08, 10-09: three working days
        ("2026-09-29", "2026-10-10", False),  # the 调休 Saturday is the fourth
        ("2026-09-30", "2026-10-10", True),
        ("2026-09-30", "2026-10-11", True),  # Sunday: no working day added
        ("2026-09-30", "2026-10-12", False),
        ("2026-09-29", "2026-10-14", False),  # the case the issue found counted as on time
    ],
)
def test_the_back_dating_limit_across_national_day(cli, town, session, visit, today, allowed):
    task = a_task(session, "食品销售")
    late = workdays_after(D.fromisoformat(visit), D.fromisoformat(today)) > 3
    assert late is not allowed
    before = counts(session)
    code, out, err = record(cli, town, task.id, "--mode", "线上", "--date", visit, today=today)
    if allowed:
        assert code == 0, err
        result = json.loads(out)
        assert result["done_on"] == visit and result["recorded_at"].startswith(today)
        saved = session.get(InspectionRecord, result["record_id"])
        assert saved.visit_date == D.fromisoformat(visit) and saved.late_reason is None
        return
    assert code == 2 and out == "" and "食安办" in err and "3 个工作日" in err, err
    assert counts(session) == before


def test_the_earliest_date_an_officer_may_enter(set_today):
    from services.visits.entry import entered_late

    for today in (D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12), D(2026, 10, 14)):
        earliest = earliest_visit_date(today=today)
        assert workdays_after(earliest, today) <= 3 < workdays_after(earliest - D.resolution, today)
        assert not entered_late(visit_date=earliest, today=today)
        assert entered_late(visit_date=earliest - D.resolution, today=today)
    assert earliest_visit_date(today=D(2026, 10, 10)) == D(2026, 9, 30)
    # 春节: 02-16..20 and 02-23 off, Saturday 02-14 a make-up workday. Entered on Tuesday 02-24,
    # a visit of 02-12 has 02-13, 02-14 and 02-24 after it: the earliest allowed.
    assert earliest_visit_date(today=D(2026, 2, 24)) == D(2026, 2, 12)
    # 元旦: 01-01/02 off, Sunday 01-04 a make-up workday; entered on Monday 01-05.
    assert earliest_visit_date(today=D(2026, 1, 5)) == D(2025, 12, 30)


def test_a_supervisor_enters_a_late_visit_with_a_reason(cli, town, session):
    task = a_task(session, "食品销售")
    args = ("--mode", "线上", "--date", "2026-09-29")
    today = "2026-10-10"
    inside, outside = supervisor_of(session, task), supervisor_of(session, task, inside=False)
    before = counts(session)
    for extra, words in [
        (("--by", inside), "原因"),
        (("--reason", "补录"), "--by"),
        (("--by", outside, "--reason", "补录"), "不是该任务所在区划"),
        (("--by", "no-such-account", "--reason", "补录"), "不存在"),
    ]:
        code, out, err = record(cli, town, task.id, *args, *extra, today=today)
        assert code == 2 and out == "" and words in err, (extra, err)
        assert counts(session) == before
    officer = session.execute(
        select(func.min(InspectionTask.officer_id)).where(InspectionTask.id == task.id)
    ).scalar()
    from models import Officer

    code_of_officer = session.get(Officer, officer).code
    code, _, err = record(
        cli, town, task.id, *args, "--by", code_of_officer, "--reason", "x", today=today
    )
    assert code == 2 and "不是该任务所在区划或上级的食安办人员" in err
    reason = "包保干部 9 月 29 日现场督导后住院，纸质记录由所里补录"
    code, out, err = record(
        cli, town, task.id, *args, "--by", inside, "--reason", reason, today=today
    )
    assert code == 0, err
    saved = session.get(InspectionRecord, json.loads(out)["record_id"])
    assert (saved.recorded_by, saved.late_reason, saved.visit_date) == (
        inside,
        reason,
        D(2026, 9, 29),
    )
    assert saved.officer_id == task.officer_id
    event = session.execute(
        select(AuditEvent).where(
            AuditEvent.action == "task.record", AuditEvent.object_id == str(task.id)
        )
    ).scalar_one()
    assert event.actor == inside and event.after["late_reason"] == reason


def test_an_onsite_visit_answers_every_item_and_carries_a_photo(cli, town, session, tmp_path):
    task = a_task(session, "小作坊")
    items = applicable("小作坊")
    today, args = "2026-09-29", ("--mode", "现场", "--date", "2026-09-28")
    missing = all_answers("小作坊")
    missing.pop(items[-1])
    before = counts(session)
    code, _, err = record(
        cli,
        town,
        task.id,
        *args,
        "--answers",
        write(tmp_path, {"answers": missing}),
        "--photo",
        photo(tmp_path),
        today=today,
    )
    assert code == 2 and "尚未回答" in err and counts(session) == before, err
    code, _, err = record(
        cli,
        town,
        task.id,
        *args,
        "--answers",
        write(tmp_path, {"answers": all_answers("小作坊")}),
        today=today,
    )
    assert code == 2 and "至少附 1 张照片" in err and counts(session) == before, err
    # A photo of a 否 item counts.
    answers = all_answers("小作坊", daily_control={"answer": "否", "photos": [photo(tmp_path)]})
    code, out, err = record(
        cli, town, task.id, *args, "--answers", write(tmp_path, {"answers": answers}), today=today
    )
    assert code == 0, err
    assert json.loads(out)["answers"] == len(items)


def test_the_policy_may_relax_both(cli, town, session, tmp_path, policy_file):
    policy_file("require_all_items = true", "require_all_items = false")
    policy_file("min_photos_on_site = 1", "min_photos_on_site = 0")
    task = a_task(session, "小作坊")
    code, out, err = record(
        cli,
        town,
        task.id,
        "--mode",
        "现场",
        "--date",
        "2026-09-28",
        "--answers",
        write(tmp_path, {"answers": {"daily_control": "是"}}),
        today="2026-09-29",
    )
    assert code == 0, err
    assert json.loads(out)["answers"] == 1 and json.loads(out)["photos"] == 0


def test_a_failed_item_s_note_and_photos_become_the_hazard_s(cli, town, session, tmp_path):
    task = a_task(session)
    note = "冷藏柜实测 12℃，超过 0-8℃ 要求，柜内有过期酸奶 3 盒"
    shot = photo(tmp_path, LONG_NAME, PNG + b"cold")
    answers = all_answers(
        "餐饮服务",
        daily_control={"answer": "否", "note": note, "photos": [shot]},
        purchase_check="否",
    )
    code, out, err = record(
        cli,
        town,
        task.id,
        "--mode",
        "现场",
        "--date",
        "2026-09-28",
        "--answers",
        write(tmp_path, {"answers": answers}),
        "--photo",
        photo(tmp_path),
        today="2026-09-29",
    )
    assert code == 0, err
    result = json.loads(out)
    saved = session.get(InspectionRecord, result["record_id"])
    kept = saved.answers["daily_control"]
    assert kept["answer"] == "否" and kept["note"] == note
    assert [p["filename"] for p in kept["photos"]] == [LONG_NAME]
    assert saved.answers["purchase_check"] == "否"
    hazards = {
        h.checklist_item: h
        for h in session.execute(select(Hazard).where(Hazard.record_id == saved.id)).scalars()
    }
    assert hazards["daily_control"].description == note
    assert hazards["purchase_check"].description.startswith("检查项不符合：")
    (first,) = session.execute(
        select(HazardEvidence).where(HazardEvidence.hazard_id == hazards["daily_control"].id)
    ).scalars()
    assert first.sha256 == kept["photos"][0]["sha256"] and first.filename == LONG_NAME
    assert not session.execute(
        select(HazardEvidence).where(HazardEvidence.hazard_id == hazards["purchase_check"].id)
    ).all()


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"answer": "是", "note": "很好"}, "只有“否”可附"),
        ({"answer": "不涉及", "photos": ["PHOTO"]}, "只有“否”可附"),
        ({"answer": "否", "note": 12}, "应为文字"),
        ({"answer": "否", "photos": "PHOTO"}, "列表"),
        ({"answer": "否", "seen": "x"}, "只能含"),
        ({"answer": "否", "photos": ["missing.png"]}, "不存在"),
    ],
)
def test_bad_item_answers_are_refused(cli, town, session, tmp_path, answer, words):
    task = a_task(session)
    shot = photo(tmp_path)
    answer = {k: ([shot] if v == ["PHOTO"] else v) for k, v in answer.items()}
    before = counts(session)
    code, out, err = record(
        cli,
        town,
        task.id,
        "--mode",
        "现场",
        "--date",
        "2026-09-28",
        "--photo",
        shot,
        "--answers",
        write(tmp_path, {"answers": all_answers("餐饮服务", daily_control=answer)}),
        today="2026-09-29",
    )
    assert code == 2 and out == "" and words in err, err
    assert counts(session) == before


def test_a_repeated_no_recurs_on_the_open_hazard(cli, town, session, tmp_path):
    from config import settings
    from services.tasks.campaigns import create_campaign

    first = a_task(session)
    entity = session.get(Entity, first.entity_id)
    settings.configure(today=D(2026, 9, 22))
    create_campaign(
        session=session, name="国庆专项", due_date=D(2026, 10, 30), categories=["餐饮服务"]
    )
    session.commit()
    second = session.execute(
        select(InspectionTask).where(
            InspectionTask.entity_id == entity.id, InspectionTask.source == "campaign"
        )
    ).scalar_one()

    def visit(task, today, note):
        answers = all_answers(
            "餐饮服务",
            daily_control={
                "answer": "否",
                "note": note,
                "photos": [photo(tmp_path, f"{note}.png", PNG + note.encode())],
            },
        )
        code, out, err = record(
            cli,
            town,
            task.id,
            "--mode",
            "现场",
            "--answers",
            write(tmp_path, {"answers": answers}),
            today=today,
        )
        assert code == 0, err
        return json.loads(out)

    opened = visit(first, "2026-09-24", "无日管控记录")
    (hazard_id,) = opened["hazards"]
    again = visit(second, "2026-10-09", "仍无日管控记录")
    assert again["hazards"] == [] and again["recurred"] == [hazard_id]
    session.expire_all()
    assert (
        session.execute(
            select(func.count()).select_from(Hazard).where(Hazard.entity_id == entity.id)
        ).scalar()
        == 1
    )
    (recurrence,) = session.execute(select(HazardRecurrence)).scalars()
    assert (recurrence.hazard_id, recurrence.found_on, recurrence.note) == (
        hazard_id,
        D(2026, 10, 9),
        "仍无日管控记录",
    )
    assert recurrence.record_id == again["record_id"]
    evidence = (
        session.execute(
            select(HazardEvidence.filename).where(HazardEvidence.hazard_id == hazard_id)
        )
        .scalars()
        .all()
    )
    assert sorted(evidence) == ["仍无日管控记录.png", "无日管控记录.png"]
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "hazard.recur")
    ).scalar_one()
    assert event.object_id == str(hazard_id) and event.after["note"] == "仍无日管控记录"
