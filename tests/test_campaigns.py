"""专项督导: one task per matching active assignment, filters, re-runs, refusals, the list."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text

from config.settings import configure
from models import Assignment, AuditEvent, Campaign, Entity, InspectionTask, Jurisdiction
from services.demo import dataset as demo
from services.tasks.generation import generate_routine_tasks
from tests.support.visits import onsite_args

TODAY = "2026-09-22"


@pytest.fixture
def town(engine, db_url):
    demo.fill(engine=engine, scale="town", seed=2)
    return db_url


def create(cli, url, *args, today=TODAY):
    return cli("--db", url, "--today", today, "campaign", "create", *args)


def matching(session, *, categories=(), package=(), risk=(), path=None, due="2026-10-20"):
    """Active assignments matching the filters, counted independently of the service."""
    sql = (
        "SELECT COUNT(*) FROM assignment a JOIN entity e ON e.id = a.entity_id "
        "JOIN officer o ON o.id = a.officer_id JOIN jurisdiction j ON j.id = e.jurisdiction_id "
        "WHERE a.start_date <= :due AND (a.end_date IS NULL OR a.end_date >= :today) "
        "AND e.status = 'operating' AND e.active AND o.active"
    )
    params = {"due": due, "today": TODAY}
    for name, column, values in (
        ("c", "e.category", categories),
        ("p", "e.package_grade", package),
        ("r", "e.risk_grade", risk),
    ):
        if values:
            marks = ", ".join(f":{name}{i}" for i in range(len(values)))
            sql += f" AND {column} IN ({marks})"
            params |= {f"{name}{i}": v for i, v in enumerate(values)}
    if path:
        sql += " AND substr(j.path, 1, :n) = :path"
        params |= {"n": len(path), "path": path}
    return session.execute(text(sql), params).scalar()


def test_one_task_per_matching_assignment_and_reruns_create_nothing(cli, town, session):
    args = (
        "--name",
        "国庆节前专项督导",
        "--due",
        "2026-10-20",
        "--category",
        "餐饮服务",
        "--category",
        "学校幼儿园食堂",
        "--json",
    )
    code, out, err = create(cli, town, *args)
    assert code == 0, err
    first = json.loads(out)
    expected = matching(session, categories=("餐饮服务", "学校幼儿园食堂"))
    assert first["created"] == expected > 0 and first["existing"] == 0
    assert first["filters"]["categories"] == ["学校幼儿园食堂", "餐饮服务"]
    code, out, _ = create(cli, town, *args)
    again = json.loads(out)
    assert (again["created"], again["existing"], again["id"]) == (0, expected, first["id"])
    tasks = (
        session.execute(select(InspectionTask).where(InspectionTask.campaign_id == first["id"]))
        .scalars()
        .all()
    )
    assert len(tasks) == expected
    assert {(t.source, t.period, t.due_date, t.status) for t in tasks} == {
        ("campaign", "2026Q4", dt.date(2026, 10, 20), "open")
    }
    assert (
        session.execute(select(func.count()).where(AuditEvent.action == "campaign.create")).scalar()
        == 2
    )


@pytest.mark.parametrize(
    "args, filters",
    [
        (("--risk-grade", "C", "--risk-grade", "d"), {"risk": ("C", "D")}),
        (
            ("--package-grade", "D", "--category", "食品销售"),
            {"package": ("D",), "categories": ("食品销售",)},
        ),
        ((), {}),
    ],
)
def test_filters_by_grades_and_category(cli, town, session, args, filters):
    code, out, err = create(cli, town, "--name", "专项", "--due", "2026-10-20", *args, "--json")
    assert code == 0, err
    assert json.loads(out)["created"] == matching(session, **filters) > 0


def test_jurisdiction_filter_takes_the_subtree_of_the_entities(cli, town, session):
    village = (
        session.execute(
            select(Jurisdiction)
            .join(Entity, Entity.jurisdiction_id == Jurisdiction.id)
            .where(Jurisdiction.level == "village")
            .order_by(Jurisdiction.code)
        )
        .scalars()
        .first()
    )
    code, out, err = create(
        cli,
        town,
        "--name",
        "村专项",
        "--due",
        "2026-10-20",
        "--jurisdiction",
        village.code,
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["created"] == matching(session, path=village.path) > 0
    township = (
        session.execute(select(Jurisdiction).where(Jurisdiction.level == "township"))
        .scalars()
        .first()
    )
    code, out, _ = create(
        cli,
        town,
        "--name",
        "镇专项",
        "--due",
        "2026-10-20",
        "--jurisdiction",
        township.code,
        "--json",
    )
    assert (
        json.loads(out)["created"]
        == matching(session, path=township.path)
        > matching(session, path=village.path)
    )


def test_closed_entities_and_ended_assignments_get_no_campaign_task(cli, town, session):
    assignments = (
        session.execute(
            select(Assignment).where(Assignment.end_date.is_(None)).order_by(Assignment.id).limit(2)
        )
        .scalars()
        .all()
    )
    assignments[0].end_date = dt.date(2026, 9, 21)
    session.get(Entity, assignments[1].entity_id).status = "suspended"
    session.commit()
    code, out, _ = create(cli, town, "--name", "全面专项", "--due", "2026-10-20", "--json")
    assert json.loads(out)["created"] == matching(session)
    for a in assignments:
        assert (
            session.execute(
                select(func.count()).where(InspectionTask.assignment_id == a.id)
            ).scalar()
            == 0
        )


def test_campaign_and_routine_tasks_live_side_by_side(cli, town, session):
    configure(today=dt.date(2026, 10, 9))
    routine = generate_routine_tasks(session=session)
    session.commit()
    code, out, _ = create(
        cli, town, "--name", "并行", "--due", "2026-12-20", "--json", today="2026-10-09"
    )
    assert code == 0 and json.loads(out)["created"] == routine["created"]
    again = generate_routine_tasks(session=session)
    assert (again["created"], again["cancelled"]) == (0, 0)


@pytest.mark.parametrize(
    "args, words",
    [
        (("--name", "x", "--due", "2026-09-21"), "早于今天"),
        (("--name", "x", "--due", "2026/10/20"), "YYYY-MM-DD"),
        (("--name", "x", "--due", "2026-10-20", "--category", "网吧"), "业态"),
        (("--name", "x", "--due", "2026-10-20", "--risk-grade", "E"), "等级"),
        (("--name", "x", "--due", "2026-10-20", "--jurisdiction", "999"), "区划代码"),
        (("--name", " ", "--due", "2026-10-20"), "名称"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(cli, town, session, args, words):
    code, out, err = create(cli, town, *args)
    assert code == 2 and out == "" and words in err, err
    assert session.execute(select(func.count()).select_from(Campaign)).scalar() == 0
    assert session.execute(select(func.count()).select_from(InspectionTask)).scalar() == 0


def test_same_name_with_another_scope_is_refused(cli, town, session):
    assert create(cli, town, "--name", "春节专项", "--due", "2026-10-20")[0] == 0
    tasks = session.execute(select(func.count()).select_from(InspectionTask)).scalar()
    code, _, err = create(cli, town, "--name", "春节专项", "--due", "2026-10-21")
    assert code == 2 and "已存在" in err
    code, _, err = create(
        cli, town, "--name", "春节专项", "--due", "2026-10-20", "--risk-grade", "D"
    )
    assert code == 2
    assert session.execute(select(func.count()).select_from(InspectionTask)).scalar() == tasks


def test_campaign_list_counts_by_status(cli, town, session, tmp_path):
    code, out, _ = cli("--db", town, "campaign", "list", "--json")
    assert code == 0 and json.loads(out) == {"total": 0, "campaigns": []}
    create(cli, town, "--name", "甲", "--due", "2026-09-30", "--risk-grade", "D")
    create(cli, town, "--name", "乙", "--due", "2026-10-30", "--category", "小作坊")
    task = (
        session.execute(
            select(InspectionTask)
            .where(InspectionTask.source == "campaign")
            .order_by(InspectionTask.id)
        )
        .scalars()
        .first()
    )
    code, _, err = cli(
        "--db",
        town,
        "--today",
        "2026-09-29",
        "tasks",
        "record",
        str(task.id),
        "--mode",
        "现场",
        *onsite_args(session, task.id, tmp_path),
    )
    assert code == 0, err
    code, out, _ = cli("--db", town, "--today", "2026-10-08", "campaign", "list", "--json")
    listed = json.loads(out)
    assert listed["total"] == 2
    first, second = listed["campaigns"]
    assert first["name"] == "甲" and first["done"] == 1
    assert first["overdue"] == first["total"] - 1 and first["open"] == 0
    assert second["open"] == second["total"] > 0 and second["overdue"] == 0
    code, out, _ = cli("--db", town, "campaign", "list")
    assert code == 0 and "甲" in out and "已逾期" in out
    code, out, _ = cli(
        "--db", town, "--today", "2026-10-08", "tasks", "list", "--json", "--status", "done"
    )
    assert json.loads(out)["tasks"][0]["campaign"] == "甲"
    assert json.loads(out)["tasks"][0]["source"] == "campaign"
