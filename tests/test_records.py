"""tasks record: a visit makes its task done; every refusal exits 2 with nothing written."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from config.settings import configure
from models import Assignment, AuditEvent, Entity, Hazard, InspectionRecord, InspectionTask
from services.tasks.generation import generate_routine_tasks
from tests.support.hazards import PNG
from tests.support.visits import all_answers, applicable


@pytest.fixture
def town(town_tasks):
    """The town demo with its 2026Q3 routine tasks generated on 2026-09-22 (tests/conftest.py)."""
    return town_tasks


def task_with(session, *, risk: tuple[str, ...], category: str | None = None) -> InspectionTask:
    query = (
        select(InspectionTask)
        .join(Entity, Entity.id == InspectionTask.entity_id)
        .where(Entity.risk_grade.in_(risk), InspectionTask.status == "open")
        .order_by(InspectionTask.id)
    )
    if category:
        query = query.where(Entity.category == category)
    return session.execute(query).scalars().first()


def write(tmp_path, document, name="answers.json"):
    path = tmp_path / name
    path.write_text(
        document if isinstance(document, str) else json.dumps(document, ensure_ascii=False),
        encoding="utf-8",
    )
    return str(path)


def record(cli, url, task_id, *args, today="2026-09-29"):
    return cli("--db", url, "--today", today, "tasks", "record", str(task_id), *args)


def state(session) -> tuple:
    session.expire_all()
    return (
        session.execute(select(func.count()).select_from(InspectionRecord)).scalar(),
        session.execute(select(func.count()).select_from(AuditEvent)).scalar(),
        session.execute(select(func.count()).where(InspectionTask.status != "open")).scalar(),
    )


def test_an_onsite_visit_with_answers_problems_and_a_photo(cli, town, session, tmp_path, data_dir):
    task = task_with(session, risk=("C", "D"), category="餐饮服务")
    answers = write(
        tmp_path,
        {
            "answers": all_answers(
                "餐饮服务",
                safety_director="是",
                purchase_check="否",
                tableware_disinfection="不涉及",
                daily_control="是",
            ),
            "problems": [
                {"description": "冷藏柜温度 12℃", "level": "较大"},
                {"description": "后厨有鼠迹", "level": "重大"},
            ],
        },
    )
    photo = tmp_path / "后厨.png"
    photo.write_bytes(PNG)
    code, out, err = record(
        cli,
        town,
        task.id,
        "--mode",
        "现场",
        "--date",
        "2026-09-24",
        "--answers",
        answers,
        "--note",
        "负责人在场",
        "--photo",
        str(photo),
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert result == {
        "task_id": task.id,
        "record_id": result["record_id"],
        "status": "done",
        "done_on": "2026-09-24",
        "recorded_at": result["recorded_at"],
        "recorded_by": "cli",
        "mode": "onsite",
        "answers": len(applicable("餐饮服务")),
        "problems": 2,
        "photos": 1,
        "hazards": result["hazards"],
        "recurred": [],
    }
    assert result["recorded_at"].startswith("2026-09-29") and len(result["hazards"]) == 3
    session.expire_all()
    saved = session.execute(
        select(InspectionRecord).where(InspectionRecord.task_id == task.id)
    ).scalar_one()
    assert saved.answers["purchase_check"] == "否" and saved.note == "负责人在场"
    assert saved.problems == [
        {"description": "冷藏柜温度 12℃", "level": "serious"},
        {"description": "后厨有鼠迹", "level": "major"},
    ]
    assert (saved.officer_id, saved.entity_id, saved.mode) == (
        task.officer_id,
        task.entity_id,
        "onsite",
    )
    done = session.get(InspectionTask, task.id)
    assert (done.status, done.done_on) == ("done", dt.date(2026, 9, 24))
    event = session.execute(
        select(AuditEvent).where(
            AuditEvent.action == "task.record", AuditEvent.object_id == str(task.id)
        )
    ).scalar_one()
    assert event.before == {"status": "open"} and event.after["failed_items"] == ["purchase_check"]
    (kept,) = saved.photos
    assert kept["filename"] == "后厨.png" and kept["content_type"] == "image/png"
    assert (data_dir / "evidence" / kept["sha256"][:2] / kept["sha256"]).read_bytes() == PNG
    opened = session.execute(
        select(func.count()).select_from(Hazard).where(Hazard.record_id == saved.id)
    ).scalar_one()
    assert opened == 3  # the 否 answer and the two problems


def test_low_risk_entities_may_be_visited_online_and_the_date_defaults_to_today(cli, town, session):
    task = task_with(session, risk=("A", "B"))
    code, out, err = record(cli, town, task.id, "--mode", "线上", "--json")
    assert code == 0, err
    assert json.loads(out)["done_on"] == "2026-09-29" and json.loads(out)["answers"] == 0
    other = task_with(session, risk=("A", "B"))
    code, _, err = record(cli, town, other.id, "--mode", "集中", "--date", "2026-09-24")
    assert code == 0 and "已完成" in _


@pytest.mark.parametrize(
    "mode, date, document, words",
    [
        ("线上", None, None, "只能现场督导"),
        ("集中", None, None, "只能现场督导"),
        ("电话", None, None, "督导方式"),
        ("现场", "2026-09-30", None, "晚于今天"),
        ("现场", "2026-06-30", None, "早于"),
        ("现场", "2026-9-1", None, "YYYY-MM-DD"),
        ("现场", None, {"answers": {"no_such_item": "是"}}, "未知的检查项"),
        ("现场", None, {"answers": {"safety_director": "有"}}, "是、否 或 不涉及"),
        ("现场", None, {"answers": {"principal_accompany": "是"}}, "不适用于业态"),
        (
            "现场",
            None,
            {"answers": {}, "problems": [{"description": "x", "level": "严重"}]},
            "level",
        ),
        ("现场", None, {"problems": [{"level": "一般"}]}, "description"),
        ("现场", None, {"answers": [], "problems": []}, "answers"),
        ("现场", None, {"answer": {}}, "答题文件"),
        ("现场", None, "{not json", "不是有效的 JSON"),
        ("现场", None, "photo", "类型不允许"),
    ],
)
def test_refusals_exit_2_and_write_nothing(
    cli, town, session, tmp_path, mode, date, document, words
):
    task = task_with(session, risk=("C", "D"), category="餐饮服务")
    args = ["--mode", mode]
    if date:
        args += ["--date", date]
    if document == "photo":  # a photo that is not an image
        args += ["--photo", write(tmp_path, "照片", name="照片.png")]
    elif document is not None:
        args += ["--answers", write(tmp_path, document)]
    before = state(session)
    code, out, err = record(cli, town, task.id, *args)
    assert code == 2 and out == "" and words in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert state(session) == before


def test_done_cancelled_and_unknown_tasks_are_refused(cli, town, session, tmp_path):
    task = task_with(session, risk=("A", "B"))
    assert record(cli, town, task.id, "--mode", "线上")[0] == 0
    before = state(session)
    code, _, err = record(cli, town, task.id, "--mode", "线上")
    assert code == 2 and "已完成" in err and state(session) == before
    lapsed = task_with(session, risk=("A", "B"))
    session.get(Assignment, lapsed.assignment_id).end_date = dt.date(2026, 9, 23)
    session.commit()
    configure(today=dt.date(2026, 9, 24))
    generate_routine_tasks(session=session, period="2026Q3")
    session.commit()
    before = state(session)
    code, _, err = record(cli, town, lapsed.id, "--mode", "现场", today="2026-09-24")
    assert code == 2 and "已取消" in err and state(session) == before
    code, _, err = record(cli, town, 999999, "--mode", "现场")
    assert code == 2 and "不存在" in err
    code, _, err = record(
        cli, town, task.id, "--mode", "现场", "--answers", str(tmp_path / "missing.json")
    )
    assert code == 2 and "不存在" in err


def test_a_campaign_visit_counts_from_the_campaign_s_creation(cli, town, session):
    code, out, err = cli(
        "--db",
        town,
        "--today",
        "2026-09-22",
        "campaign",
        "create",
        "--name",
        "中秋国庆专项",
        "--due",
        "2026-10-15",
        "--risk-grade",
        "A",
        "--json",
    )
    assert code == 0 and json.loads(out)["created"] > 0, err
    task = (
        session.execute(select(InspectionTask).where(InspectionTask.source == "campaign"))
        .scalars()
        .first()
    )
    assert task.period == "2026Q4"
    code, _, err = record(
        cli, town, task.id, "--mode", "线上", "--date", "2026-09-21", today="2026-09-24"
    )
    assert code == 2 and "早于" in err
    code, _, err = record(
        cli, town, task.id, "--mode", "线上", "--date", "2026-09-22", today="2026-09-24"
    )
    assert code == 0, err
