"""聚餐备案 (rule 14): filing with its 现场指导 task on the 2026 calendar's edges, who guides, refusals
that write nothing, cancellation, the guidance visit, and the 包保 figures left alone."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from models.audit import AuditEvent
from models.banquet import Banquet
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from services.core import calendar
from services.core.jurisdictions import places, resolve_scope
from services.figures.tasks import task_figures


@pytest.fixture
def run(town_tasks, cli):
    """The command line on the demo town's database: run(*args) -> (code, out, err)."""
    return lambda *args: cli("--db", town_tasks, *args)


def _village_officer(session: Session) -> tuple[str, str]:
    """A village with a village-tier officer: (village code, its first officer's code)."""
    code, first = session.execute(
        select(Jurisdiction.code, func.min(Officer.code))
        .join(Officer, Officer.jurisdiction_id == Jurisdiction.id)
        .where(Officer.tier == "village", Officer.active.is_(True))
        .group_by(Jurisdiction.code)
        .order_by(Jurisdiction.code)
    ).first()
    return code, first


def _add(run, today: str, *args: str) -> tuple[int, dict | str]:
    code, out, err = run("--today", today, "banquet", "add", *args, "--json")
    return code, (json.loads(out) if code == 0 else err)


def _counts(session: Session) -> tuple[int, int, int]:
    session.rollback()
    return (
        session.execute(select(func.count()).select_from(Banquet)).scalar_one(),
        session.execute(select(func.count()).select_from(InspectionTask)).scalar_one(),
        session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
    )


def _previous_workday(day: dt.date) -> dt.date:
    """The working day before day, counted a second way (walking the calendar backwards)."""
    return next(
        day - dt.timedelta(days=n)
        for n in range(1, 30)
        if calendar.is_workday(day - dt.timedelta(days=n))
    )


@pytest.mark.parametrize(
    ("filed", "event", "due", "late"),
    [
        ("2026-09-28", "2026-10-01", "2026-09-30", False),  # 国庆: the Wednesday before
        ("2026-09-30", "2026-10-01", "2026-10-01", True),  # no working day left: the event day
        ("2026-09-29", "2026-10-01", "2026-09-30", True),  # late, yet a working day is left
        ("2026-09-28", "2026-10-10", "2026-10-09", False),  # an event on the 调休 Saturday
        ("2026-09-28", "2026-10-11", "2026-10-10", False),  # due on the 调休 Saturday
        ("2026-09-28", "2026-10-08", "2026-09-30", False),  # the holiday week is skipped
        ("2026-02-10", "2026-02-15", "2026-02-14", False),  # 春节: the 调休 Saturday 02-14
    ],
)
def test_guidance_due_on_the_working_day_before(run, engine, filed, event, due, late):
    with Session(engine) as session:
        village, officer = _village_officer(session)
    code, result = _add(run, filed, "--village", village, "--host", "王 大明", "--date", event,
                        "--diners", "180", "--kind", "婚宴")  # fmt: skip
    assert code == 0, result
    assert result["task_due"] == due and result["late_filing"] is late
    assert result["officer"] == officer and result["task_id"]
    event_day, filed_day = dt.date.fromisoformat(event), dt.date.fromisoformat(filed)
    before = _previous_workday(event_day)
    assert dt.date.fromisoformat(due) == (before if before > filed_day else event_day)
    assert late is (filed_day > event_day - dt.timedelta(days=3))
    code, out, _ = run("--today", filed, "tasks", "list", "--officer", officer, "--json")
    listed = [t for t in json.loads(out)["tasks"] if t["id"] == result["task_id"]]
    assert listed and listed[0]["source"] == "banquet" and listed[0]["entity_key"] is None
    assert listed[0]["due_date"] == due and "王 大明" in listed[0]["entity_name"]


def test_small_banquets_are_filed_without_a_task(run, engine, policy_file):
    policy_file("min_diners = 100", "min_diners = 50")
    with Session(engine) as session:
        village, _ = _village_officer(session)
        before = _counts(session)
    code, small = _add(
        run,
        "2026-09-22",
        "--village",
        village,
        "--host",
        "李四",
        "--date",
        "2026-10-20",
        "--diners",
        "49",
    )
    assert code == 0 and small["task_id"] is None and small["officer"] is None
    code, edge = _add(
        run,
        "2026-09-22",
        "--village",
        village,
        "--host",
        "李四",
        "--date",
        "2026-10-20",
        "--diners",
        "50",
    )
    assert code == 0 and edge["task_id"] is not None
    with Session(engine) as session:
        after = _counts(session)
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)


def test_who_guides_a_village_without_its_own_officer(run, engine):
    with Session(engine) as session:
        town = (
            session.execute(select(Jurisdiction).where(Jurisdiction.level == "township"))
            .scalars()
            .first()
        )
        session.add(Jurisdiction(code="510101001099", name="新 村", level="village", parent_id=town.id,
                                 path=f"{town.path}510101001099/"))  # fmt: skip
        session.commit()
        expected = session.execute(
            select(func.min(Officer.code)).where(Officer.tier == "township", Officer.jurisdiction_id == town.id,
                                                 Officer.active.is_(True))
        ).scalar_one()  # fmt: skip
        village, named = _village_officer(session)
    code, result = _add(
        run,
        "2026-09-22",
        "--village",
        "510101001099",
        "--host",
        "赵",
        "--date",
        "2026-10-20",
        "--diners",
        "200",
    )
    assert code == 0 and result["officer"] == expected
    code, err = _add(run, "2026-09-22", "--village", "510101001099", "--host", "赵", "--date", "2026-10-20",
                     "--diners", "200", "--officer", named)  # fmt: skip
    assert code == 2 and "不属于" in err  # another village's officer is refused


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--village", "{v}", "--date", "2026-09-21", "--diners", "150"), "已过"),
        (
            ("--village", "510101009999", "--date", "2026-10-21", "--diners", "150"),
            "不存在或不是村",
        ),
        (("--village", "{town}", "--date", "2026-10-21", "--diners", "150"), "不存在或不是村"),
        (
            ("--village", "{v}", "--date", "2026-10-21", "--diners", "150", "--kind", "满月酒"),
            "聚餐类型",
        ),
        (("--village", "{v}", "--date", "2026-10-21", "--diners", "0"), "正整数"),
        (("--village", "{v}", "--date", "2026-10-21", "--diners", "150", "--chef", "999"), "乡厨"),
        (
            ("--village", "{v}", "--date", "2026-10-21", "--diners", "150", "--officer", "NOPE"),
            "不存在",
        ),
    ],
)
def test_refused_filings_write_nothing(run, engine, args, message):
    with Session(engine) as session:
        village, _ = _village_officer(session)
        town = session.execute(
            select(Jurisdiction.code).where(Jurisdiction.level == "township")
        ).scalar()
        before = _counts(session)
    filled = [a.format(v=village, town=town) for a in args]
    code, err = _add(run, "2026-09-22", "--host", "王五", *filled)
    assert code == 2 and message in err and err.startswith("错误：")
    with Session(engine) as session:
        assert _counts(session) == before


def test_cancelling_cancels_the_open_task(run, engine):
    with Session(engine) as session:
        village, _ = _village_officer(session)
    _, filed = _add(
        run,
        "2026-09-22",
        "--village",
        village,
        "--host",
        "钱",
        "--date",
        "2026-10-20",
        "--diners",
        "300",
    )
    code, out, _ = run("--today", "2026-09-23", "banquet", "cancel", str(filed["id"]))
    assert code == 0 and "现场指导任务已取消" in out
    with Session(engine) as session:
        task = session.get(InspectionTask, filed["task_id"])
        assert (task.status, task.cancelled_on) == ("cancelled", dt.date(2026, 9, 23))
        assert session.get(Banquet, filed["id"]).status == "cancelled"
    code, _, err = run("--today", "2026-09-23", "banquet", "cancel", str(filed["id"]))
    assert code == 2 and "已取消" in err


def test_guidance_tasks_stay_out_of_the_package_figures(run, engine, set_today):
    """包保 completion and on-time rates do not see 现场指导 tasks (rule 14), done or open."""

    def figures() -> dict:
        set_today("2026-09-28")
        with Session(engine) as session:
            root = resolve_scope(session=session)
            return task_figures(session=session, scope_path=root.path, where=places(session=session, root=root),
                                start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), as_of=dt.date(2026, 9, 28))  # fmt: skip

    before = figures()
    with Session(engine) as session:
        village, _ = _village_officer(session)
    _, filed = _add(
        run,
        "2026-09-22",
        "--village",
        village,
        "--host",
        "孙",
        "--date",
        "2026-09-29",
        "--diners",
        "300",
    )
    answers = _answers_file(engine)
    code, _, err = run(
        "--today", "2026-09-28", "banquet", "guide", str(filed["id"]), "--answers", answers
    )
    assert code == 0, err
    assert figures() == before
    with Session(engine) as session:  # and the task is done, counted a second way
        task = session.get(InspectionTask, filed["task_id"])
        assert task.status == "done" and task.entity_id is None and task.assignment_id is None


def _answers_file(engine, no: tuple[str, ...] = ()) -> str:
    import tempfile

    from config.files import load_checklist

    answers = {i.id: ("否" if i.id in no else "是") for i in load_checklist().guidance}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(answers, f, ensure_ascii=False)
    return f.name


def test_guidance_visit_opens_hazards_like_any_visit(run, engine):
    from config.files import load_checklist

    with Session(engine) as session:
        village, officer = _village_officer(session)
    _, filed = _add(
        run,
        "2026-09-22",
        "--village",
        village,
        "--host",
        "周",
        "--date",
        "2026-10-20",
        "--diners",
        "300",
    )
    items = {i.id: i for i in load_checklist().guidance}
    no = ("banquet_food_sourcing", "banquet_tableware")
    partial = _answers_file(engine)
    with open(partial, encoding="utf-8") as f:
        given = json.load(f)
    del given["banquet_water"]
    with open(partial, "w", encoding="utf-8") as f:
        json.dump(given, f, ensure_ascii=False)
    code, _, err = run(
        "--today", "2026-09-24", "banquet", "guide", str(filed["id"]), "--answers", partial
    )
    assert code == 2 and "未回答" in err
    code, out, err = run("--today", "2026-09-24", "banquet", "guide", str(filed["id"]),
                         "--answers", _answers_file(engine, no), "--json")  # fmt: skip
    assert code == 0, err
    opened = json.loads(out)["hazards"]
    with Session(engine) as session:
        hazards = session.execute(select(Hazard).where(Hazard.id.in_(opened))).scalars().all()
        assert sorted(h.checklist_item for h in hazards) == sorted(no)
        for h in hazards:
            assert h.level == items[h.checklist_item].hazard_level and h.source == "banquet"
            assert h.entity_id is None and h.banquet_id == filed["id"]
            assert session.get(Officer, h.officer_id).code == officer
            assert h.deadline == calendar.add_workdays(
                dt.date(2026, 9, 24), {"major": 5, "serious": 10, "general": 15}[h.level]
            )
        assert session.get(Banquet, filed["id"]).guided_on == dt.date(2026, 9, 24)
    code, _, err = run(
        "--today",
        "2026-09-24",
        "banquet",
        "guide",
        str(filed["id"]),
        "--answers",
        _answers_file(engine),
    )
    assert code == 2 and "没有待办" in err


def test_banquet_list_by_month(run, engine):
    with Session(engine) as session:
        village, _ = _village_officer(session)
    for day in ("2026-10-02", "2026-10-31", "2026-11-01"):
        _add(
            run,
            "2026-09-22",
            "--village",
            village,
            "--host",
            "吴 小 红",
            "--date",
            day,
            "--diners",
            "120",
        )
    code, out, _ = run("--today", "2026-09-22", "banquet", "list", "--month", "2026-10", "--json")
    listed = json.loads(out)["banquets"]
    assert code == 0 and [b["event_date"] for b in listed] == ["2026-10-02", "2026-10-31"]
    with Session(engine) as session:
        n = session.execute(
            text(
                "SELECT COUNT(*) FROM banquet WHERE event_date BETWEEN '2026-10-01' AND '2026-10-31'"
            )
        ).scalar()
    assert json.loads(out)["total"] == n
    code, _, err = run("banquet", "list", "--month", "2026-13")
    assert code == 2
