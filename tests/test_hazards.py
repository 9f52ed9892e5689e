"""Hazards from visits and from other sources: deadlines on the 2026 calendar, governance-duty
defaults, `hazards add` and `hazards list`."""

import datetime as dt
import json

import pytest
from sqlmodel import select

from models import Assignment, AuditEvent, Hazard, InspectionRecord, InspectionTask
from services.core.errors import BadInput
from services.hazards.create import add_hazard
from services.hazards.duty import deadline_for
from services.visits.findings import findings_of_record
from tests.support.hazards import COUNTY, EAST, WEST, add_hazard_row, build_roster

D = dt.date


@pytest.mark.parametrize(
    ("level", "due"),
    [
        # Working days after Thursday 2026-09-24, counted by hand: 09-25 (Fri) is 中秋, 09-26/27
        # weekend; 09-28 1, 09-29 2, 09-30 3; 10-01…07 National Day; 10-08 4, 10-09 5,
        # 10-10 (Saturday, make-up workday) 6, 10-12 7, 10-13 8, 10-14 9, 10-15 10, 10-16 11,
        # 10-19 12, 10-20 13, 10-21 14, 10-22 15.
        ("major", D(2026, 10, 9)),
        ("serious", D(2026, 10, 15)),
        ("general", D(2026, 10, 22)),
    ],
)
def test_deadline_counts_2026_working_days(level, due):
    assert deadline_for(level=level, found_on=D(2026, 9, 24)) == due


def test_add_at_an_entity_takes_the_covering_officer_and_policy_defaults(session, set_today):
    set_today("2026-09-24")
    r = build_roster(session)
    hazard = add_hazard(
        session=session,
        source="抽检不合格",
        description="大米镉超标",
        level="一般",
        entity_key=r.e1.licence_no,
        actor="admin",
    )
    session.commit()
    assert (hazard.source, hazard.level, hazard.status) == ("sampling", "general", "pending")
    assert hazard.found_on == D(2026, 9, 24) and hazard.deadline == D(2026, 10, 22)
    assert hazard.entity_id == r.e1.id and hazard.jurisdiction_id == r.east_village.id
    assert hazard.officer_id == r.officers["BBV001"].id
    assert hazard.responsible_unit == "东镇市场监管所"
    assert hazard.responsible_person == "李村干"
    assert hazard.measure.startswith("督促主体限期整改")
    event = session.exec(select(AuditEvent)).one()
    assert (event.actor, event.action, event.object_id) == ("admin", "hazard.open", str(hazard.id))
    assert event.after["deadline"] == "2026-10-22" and event.after["source"] == "sampling"


def test_cli_add_at_a_jurisdiction_with_given_duty(db_url, session, cli):
    build_roster(session)
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-09-24",
        "hazards",
        "add",
        "--source",
        "投诉举报",
        "--jurisdiction",
        WEST,
        "--description",
        "12315 投诉：夜市摊点无证经营",
        "--level",
        "较大",
        "--responsible-unit",
        "西镇人民政府",
        "--responsible-person",
        "赵镇长",
        "--measure",
        "取缔无证摊点",
        "--deadline",
        "2026-10-09",
        "--json",
    )
    assert code == 0, err
    item = json.loads(out)
    assert item["source"] == "complaint" and item["level"] == "serious"
    assert item["jurisdiction_code"] == WEST and item["entity_key"] is None
    assert item["deadline"] == "2026-10-09" and item["status"] == "pending"
    assert (item["responsible_unit"], item["responsible_person"]) == ("西镇人民政府", "赵镇长")
    session.expire_all()
    assert session.get(Hazard, item["id"]).measure == "取缔无证摊点"


def test_cli_add_without_an_officer_leaves_the_person_blank(db_url, session, cli):
    build_roster(session)
    code, out, _ = cli(
        "--db",
        db_url,
        "--today",
        "2026-09-24",
        "hazards",
        "add",
        "--source",
        "风险研判",
        "--jurisdiction",
        COUNTY,
        "--description",
        "节日期间集中供餐",
        "--level",
        "重大",
        "--json",
    )
    item = json.loads(out)
    assert code == 0 and item["responsible_person"] is None
    assert item["responsible_unit"] == "福塘县市场监管所" and item["deadline"] == "2026-10-09"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "督导", "--jurisdiction", EAST], "督导发现的隐患由督导记录自动生成"),
        (["--source", "抽检", "--jurisdiction", EAST], "来源"),
        (["--source", "其他"], "二选一"),
        (["--source", "其他", "--jurisdiction", EAST, "--entity", "JY15101010000001"], "二选一"),
        (["--source", "其他", "--entity", "JY00000000000000"], "找不到"),
        (["--source", "其他", "--jurisdiction", "999"], "区划代码 999 不存在"),
        (["--source", "其他", "--jurisdiction", EAST, "--level", "特大"], "隐患等级"),
        (["--source", "其他", "--jurisdiction", EAST, "--deadline", "2026-09-01"], "早于发现日期"),
        (["--source", "其他", "--jurisdiction", EAST, "--deadline", "2026/10/01"], "YYYY-MM-DD"),
        (["--source", "其他", "--jurisdiction", EAST, "--found-on", "2026-09-25"], "晚于今天"),
        (["--source", "其他", "--jurisdiction", EAST, "--description", "  "], "不能为空"),
    ],
)
def test_cli_add_refusals_write_nothing(db_url, session, cli, args, message):
    build_roster(session)
    defaults = {"--description": "隐患", "--level": "一般"}
    for option, value in defaults.items():
        if option not in args:
            args = [*args, option, value]
    code, out, err = cli("--db", db_url, "--today", "2026-09-24", "hazards", "add", *args)
    assert code == 2 and out == "" and message in err
    assert len(err.strip().splitlines()) == 1
    assert session.exec(select(Hazard)).all() == []
    assert session.exec(select(AuditEvent)).all() == []


def _list(cli, db_url, *args) -> dict:
    code, out, err = cli(
        "--db", db_url, "--today", "2026-10-12", "hazards", "list", "--json", *args
    )
    assert code == 0, err
    return json.loads(out)


def test_cli_list_filters_and_overdue_working_days(db_url, session, cli):
    r = build_roster(session)
    late = add_hazard_row(
        session,
        entity=r.e1,
        officer=r.officers["BBV001"],
        deadline=D(2026, 9, 30),
        status="rectifying",
    )
    due = add_hazard_row(session, entity=r.e2, deadline=D(2026, 10, 12), source="sampling")
    closed = add_hazard_row(
        session, entity=r.e3, deadline=D(2026, 9, 1), status="closed", closed_on=D(2026, 9, 10)
    )
    office = add_hazard_row(
        session, place=r.county, deadline=D(2026, 10, 9), level="major", source="review"
    )
    everything = _list(cli, db_url)
    assert everything["total"] == 4
    assert [h["id"] for h in everything["hazards"]] == [late.id, due.id, closed.id, office.id]
    first = everything["hazards"][0]
    assert set(first) >= {
        "id",
        "entity_key",
        "entity_name",
        "jurisdiction_code",
        "source",
        "level",
        "status",
        "found_on",
        "deadline",
        "overdue_workdays",
        "closed_on",
        "responsible_unit",
        "responsible_person",
    }
    assert first["entity_key"] == "JY15101010000001" and first["officer_id"] == "BBV001"
    # Due 2026-09-30, today 2026-10-12: 10-08, 10-09, 10-10 (make-up), 10-12 → 4 working days.
    assert first["overdue_workdays"] == 4 and first["overdue"] is True
    overdue = _list(cli, db_url, "--overdue")
    # Due 2026-10-09 (Friday): 10-10 (make-up Saturday) and 10-12 → 2; due today is not late.
    assert {h["id"]: h["overdue_workdays"] for h in overdue["hazards"]} == {
        late.id: 4,
        office.id: 2,
    }
    assert [h["id"] for h in _list(cli, db_url, "--status", "已销号")["hazards"]] == [closed.id]
    assert _list(cli, db_url, "--status", "逾期")["total"] == 2
    assert _list(cli, db_url, "--status", "未销号")["total"] == 3
    assert [h["id"] for h in _list(cli, db_url, "--jurisdiction", EAST)["hazards"]] == [
        late.id,
        closed.id,
    ]
    assert [h["id"] for h in _list(cli, db_url, "--source", "抽检不合格")["hazards"]] == [due.id]
    limited = _list(cli, db_url, "--limit", "1")
    assert limited["total"] == 4 and len(limited["hazards"]) == 1


def test_cli_list_table_and_bad_filter(db_url, session, cli):
    r = build_roster(session)
    add_hazard_row(session, entity=r.e1, description="后厨无防蝇设施")
    code, out, _ = cli("--db", db_url, "--today", "2026-10-12", "hazards", "list")
    assert code == 0 and "后厨无防蝇设施" in out and "共 1 项隐患" in out
    code, out, err = cli("--db", db_url, "hazards", "list", "--status", "完成")
    assert code == 2 and "状态" in err and out == ""


def _visit(session, r, *, answers: dict, problems: list) -> tuple:
    """BBV001's visit of E1 (see _visit_on)."""
    assignment = session.exec(select(Assignment).where(Assignment.entity_id == r.e1.id)).one()
    return _visit_on(session, assignment, answers=answers, problems=problems)


def _visit_on(session, assignment, *, answers: dict, problems: list) -> tuple:
    """The assignment's done 2026Q3 task and its on-site visit of 2026-09-24: (record, task)."""
    from models import Entity, Officer

    officer = session.get(Officer, assignment.officer_id)
    entity = session.get(Entity, assignment.entity_id)
    task = InspectionTask(
        source="routine",
        period="2026Q3",
        due_date=D(2026, 9, 30),
        status="done",
        assignment_id=assignment.id,
        officer_id=officer.id,
        entity_id=entity.id,
        jurisdiction_id=officer.jurisdiction_id,
        place_id=entity.jurisdiction_id,
        created_on=D(2026, 7, 1),
        done_on=D(2026, 9, 24),
    )
    session.add(task)
    session.flush()
    record = InspectionRecord(
        task_id=task.id,
        officer_id=officer.id,
        entity_id=entity.id,
        recorded_by=officer.code,
        recorded_at=dt.datetime(2026, 9, 24, 16, 30, tzinfo=dt.UTC),
        visit_date=D(2026, 9, 24),
        mode="onsite",
        answers=answers,
        problems=problems,
    )
    session.add(record)
    session.flush()
    return record, task


def test_a_visit_opens_one_hazard_per_no_and_per_problem(session, set_today):
    from config.files import load_checklist

    set_today("2026-09-24")
    r = build_roster(session)
    items = load_checklist().items
    no = [i for i in items if i.hazard_level == "serious"][:1] + [
        i for i in items if i.hazard_level == "major"
    ][:1]
    others = [i for i in items if i not in no][:2]
    answers = {no[0].id: "否", no[1].id: "否", others[0].id: "是", others[1].id: "不涉及"}
    problems = [
        {"description": "冷藏柜温度显示 12℃", "level": "较大"},
        {"description": "垃圾桶未加盖", "level": "一般"},
    ]
    record, task = _visit(session, r, answers=answers, problems=problems)
    hazards = findings_of_record(session=session, record=record, task=task).opened
    session.commit()
    got = [(h.checklist_item, h.level, h.deadline) for h in hazards]
    assert got == [
        (no[0].id, "serious", D(2026, 10, 15)),
        (no[1].id, "major", D(2026, 10, 9)),
        (None, "serious", D(2026, 10, 15)),
        (None, "general", D(2026, 10, 22)),
    ]
    assert no[0].text in hazards[0].description and hazards[2].description == "冷藏柜温度显示 12℃"
    for h in hazards:
        assert (h.source, h.status, h.found_on) == ("inspection", "pending", D(2026, 9, 24))
        assert (h.record_id, h.entity_id, h.jurisdiction_id) == (
            record.id,
            r.e1.id,
            r.east_village.id,
        )
        assert h.officer_id == r.officers["BBV001"].id
        assert (h.responsible_unit, h.responsible_person) == ("东镇市场监管所", "李村干")
    opened = session.exec(select(AuditEvent).where(AuditEvent.action == "hazard.open")).all()
    assert len(opened) == 4 and {e.actor for e in opened} == {"BBV001"}
    # Called again for the same record: nothing new.
    assert [h.id for h in findings_of_record(session=session, record=record, task=task).opened] == [
        h.id for h in hazards
    ]
    assert len(session.exec(select(Hazard)).all()) == 4


def test_a_clean_visit_opens_nothing_and_a_bad_problem_is_refused(session, set_today):
    set_today("2026-09-24")
    r = build_roster(session)
    record, task = _visit(session, r, answers={}, problems=[])
    assert findings_of_record(session=session, record=record, task=task).opened == []
    session.rollback()
    record, task = _visit(
        session, r, answers={}, problems=[{"description": "无健康证", "level": "严重"}]
    )
    with pytest.raises(BadInput, match="隐患等级"):
        findings_of_record(session=session, record=record, task=task)


def test_a_visit_in_the_demo_town(engine, session, set_today):
    """The demo town roster: the township's name makes the default 责任单位."""
    from models import Jurisdiction, Officer
    from services.demo import dataset as demo

    set_today("2026-09-24")
    demo.fill(engine=engine, scale="town", seed=2)
    assignment = session.exec(select(Assignment).where(Assignment.end_date.is_(None))).first()
    officer = session.get(Officer, assignment.officer_id)
    record, task = _visit_on(
        session, assignment, answers={}, problems=[{"description": "无消毒记录", "level": "一般"}]
    )
    (hazard,) = findings_of_record(session=session, record=record, task=task).opened
    township = session.exec(select(Jurisdiction).where(Jurisdiction.level == "township")).one()
    assert hazard.responsible_unit == f"{township.name}市场监管所"
    assert hazard.responsible_person == officer.name and hazard.deadline == D(2026, 10, 22)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('responsible_unit = "{town}市场监管所"', "hazards.responsible_unit"),
        ('evidence_types = ["txt"]', "hazards.evidence_types"),
    ],
)
def test_a_broken_hazard_policy_stops_the_command(tmp_path, monkeypatch, cli, line, key):
    import re
    import shutil

    from config.settings import ROOT

    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    policy = folder / "policy.toml"
    name = line.split(" = ")[0]
    text, n = re.subn(rf"(?m)^{name} = .*$", line, policy.read_text(encoding="utf-8"))
    assert n == 1
    policy.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BAOBAO_CONFIG_DIR", str(folder))
    code, _, err = cli("--db", f"sqlite:///{tmp_path}/x.db", "init")
    assert code == 2 and "policy.toml" in err and key in err
