"""Routine task generation: who owes what, at the edges of the 2026 calendar; idempotence,
cancellation, policy frequencies, scope, two generators at once and a killed run."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from models import (
    Assignment,
    AuditEvent,
    Entity,
    InspectionTask,
    Jurisdiction,
    Officer,
)
from models.db import get_engine
from services.core.jurisdictions import county_paths
from services.core.periods import parse_period
from services.demo import dataset as demo
from services.tasks import policy
from services.tasks.generation import generate_routine_tasks

ROOT = Path(__file__).resolve().parent.parent
D = dt.date


class Roster:
    """A tiny roster: county 100 → township 110 → villages 111, 112 (and township 120)."""

    def __init__(self, session: Session):
        self.s = session
        self.j = {}
        for code, level, parent in (
            ("100", "county", None),
            ("110", "township", "100"),
            ("111", "village", "110"),
            ("112", "village", "110"),
            ("120", "township", "100"),
        ):
            up = self.j.get(parent)
            row = Jurisdiction(
                code=code,
                name=f"区划{code}",
                level=level,
                parent_id=up.id if up else None,
                path=f"{up.path if up else '/'}{code}/",
            )
            session.add(row)
            session.flush()
            self.j[code] = row
        self.officers = 0
        self.entities = 0

    def officer(self, tier="village", where="111", active=True) -> Officer:
        self.officers += 1
        row = Officer(
            code=f"O{self.officers:03d}",
            name=f"干部{self.officers}",
            tier=tier,
            mobile=f"138{self.officers:08d}",
            jurisdiction_id=self.j[where].id,
            active=active,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def entity(
        self, where="111", category="餐饮服务", grade="D", risk="A", status="operating", active=True
    ) -> Entity:
        self.entities += 1
        row = Entity(
            licence_no=f"JY{self.entities:014d}",
            name=f"主体{self.entities}",
            category=category,
            package_grade=grade,
            risk_grade=risk,
            status=status,
            jurisdiction_id=self.j[where].id,
            active=active,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def assign(self, start="2026-01-01", end=None, officer=None, entity=None, **entity_kw):
        officer = officer or self.officer()
        entity = entity or self.entity(**entity_kw)
        row = Assignment(
            officer_id=officer.id,
            entity_id=entity.id,
            start_date=D.fromisoformat(start),
            end_date=D.fromisoformat(end) if end else None,
        )
        self.s.add(row)
        self.s.flush()
        return row


@pytest.fixture
def roster(session):
    return Roster(session)


def tasks_of(session, assignment) -> list[InspectionTask]:
    return list(
        session.execute(
            select(InspectionTask).where(InspectionTask.assignment_id == assignment.id)
        ).scalars()
    )


def test_first_visit_threshold_at_the_2026_edge(session, roster, set_today):
    set_today("2026-09-22")
    # Q3 2026: the 10th working day from the end is 09-17 (25–27 holiday, 20 a make-up day).
    early, on_cutoff, late = (
        roster.assign(start=s) for s in ("2026-07-01", "2026-09-17", "2026-09-18")
    )
    result = generate_routine_tasks(session=session)
    assert result == {
        "created": 2,
        "existing": 0,
        "cancelled": 0,
        "handed_over": 0,
        "periods": ["2026Q3"],
    }
    assert len(tasks_of(session, early)) == len(tasks_of(session, on_cutoff)) == 1
    assert tasks_of(session, late) == []
    # The late starter's first visit is the next period's.
    generate_routine_tasks(session=session, period="2026Q4")
    assert [t.period for t in tasks_of(session, late)] == ["2026Q4"]


def test_task_fields_due_date_and_jurisdiction_of_the_officer(session, roster, set_today):
    set_today("2026-09-22")
    township_officer = roster.officer(tier="township", where="110")
    a = roster.assign(officer=township_officer, where="112", grade="C")
    generate_routine_tasks(session=session, period="2026Q3")
    generate_routine_tasks(session=session, period="2026-10")  # not this policy's frequency
    (task,) = tasks_of(session, a)
    assert (task.source, task.period, task.status, task.campaign_id) == (
        "routine",
        "2026Q3",
        "open",
        None,
    )
    assert task.due_date == D(2026, 9, 30) and task.created_on == D(2026, 9, 22)
    assert task.jurisdiction_id == roster.j["110"].id  # the officer's, not the entity's (112)
    assert (task.officer_id, task.entity_id) == (a.officer_id, a.entity_id)


def test_ended_assignments_and_period_boundaries(session, roster, set_today):
    set_today("2026-09-22")
    owes = [
        roster.assign(end="2026-09-22"),
        roster.assign(end="2026-12-31"),
        roster.assign(start="2026-09-17", end="2026-09-30"),
    ]
    owes_nothing = [
        roster.assign(end="2026-09-21"),
        roster.assign(start="2026-01-01", end="2026-06-30"),
    ]
    generate_routine_tasks(session=session)
    assert all(len(tasks_of(session, a)) == 1 for a in owes)
    assert all(tasks_of(session, a) == [] for a in owes_nothing)
    # Generating Q4 ahead of time: an assignment ending before Q4 starts owes nothing there.
    ends_sept, ends_oct = roster.assign(end="2026-09-30"), roster.assign(end="2026-10-01")
    generate_routine_tasks(session=session, period="2026Q4")
    assert tasks_of(session, ends_sept) == []
    assert "2026Q4" in [t.period for t in tasks_of(session, ends_oct)]


def test_closed_inactive_entities_and_inactive_officers_owe_nothing(session, roster, set_today):
    set_today("2026-09-22")
    owed = roster.assign()
    skipped = [
        roster.assign(status="suspended"),
        roster.assign(status="deregistered"),
        roster.assign(active=False),
        roster.assign(officer=roster.officer(active=False)),
    ]
    result = generate_routine_tasks(session=session)
    assert result["created"] == 1 and len(tasks_of(session, owed)) == 1
    assert all(tasks_of(session, a) == [] for a in skipped)


def test_rerun_creates_nothing_and_audits_once_per_run(session, roster, set_today):
    set_today("2026-09-22")
    for _ in range(5):
        roster.assign()
    first = generate_routine_tasks(session=session)
    second = generate_routine_tasks(session=session)
    assert (first["created"], first["existing"]) == (5, 0)
    assert (second["created"], second["existing"]) == (0, 5)
    events = (
        session.execute(
            select(AuditEvent).where(AuditEvent.action == "tasks.generate").order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert len(events) == 2 and events[0].after["created"] == 5
    assert events[1].after["existing"] == 5


def test_lapsed_tasks_are_cancelled_and_never_overdue(session, roster, set_today):
    set_today("2026-09-22")
    ending, closing, done, kept = (roster.assign() for _ in range(4))
    generate_routine_tasks(session=session)
    done_task = tasks_of(session, done)[0]
    done_task.status, done_task.done_on = "done", D(2026, 9, 21)
    session.get(Assignment, ending.id).end_date = D(2026, 9, 23)
    session.get(Assignment, done.id).end_date = D(2026, 9, 23)
    session.get(Entity, closing.entity_id).status = "deregistered"
    session.flush()
    set_today("2026-09-24")
    result = generate_routine_tasks(session=session)
    assert result["cancelled"] == 2 and result["created"] == 0
    for a in (ending, closing):
        (task,) = tasks_of(session, a)
        session.refresh(task)
        assert (task.status, task.cancelled_on) == ("cancelled", D(2026, 9, 24))
    session.refresh(done_task)
    assert done_task.status == "done"
    assert tasks_of(session, kept)[0].status == "open"
    assert generate_routine_tasks(session=session)["cancelled"] == 0


def test_policy_frequencies_choose_one_period_per_assignment(
    session, roster, set_today, policy_file
):
    policy_file("[frequency.category]", '[frequency.category]\n"学校幼儿园食堂" = "monthly"')
    policy_file("[frequency.package_grade]", '[frequency.package_grade]\nC = "yearly"')
    policy_file('village = "quarterly"', 'village = "half-yearly"')
    set_today("2026-09-22")
    school = roster.assign(category="学校幼儿园食堂", grade="C")  # category wins
    grade_c = roster.assign(grade="C", officer=roster.officer(tier="township", where="110"))
    village = roster.assign(grade="D")  # tier village
    county = roster.assign(grade="B", officer=roster.officer(tier="county", where="100"))
    result = generate_routine_tasks(session=session)
    assert result["periods"] == ["2026-09", "2026Q3", "2026H2", "2026"]
    assert result["created"] == 4
    expected = {school.id: "2026-09", grade_c.id: "2026", village.id: "2026H2", county.id: "2026Q3"}
    for a_id, period in expected.items():
        assert [
            t.period
            for t in session.execute(
                select(InspectionTask).where(InspectionTask.assignment_id == a_id)
            ).scalars()
        ] == [period]
    done = {t.period: t.due_date for t in session.execute(select(InspectionTask)).scalars()}
    assert done["2026-09"] == D(2026, 9, 30) and done["2026"] == D(2026, 12, 31)


def test_sql_frequency_agrees_with_the_python_rule_on_the_demo(engine, session, policy_file):
    policy_file("[frequency.category]", '[frequency.category]\n"小作坊" = "monthly"')
    policy_file("[frequency.package_grade]", '[frequency.package_grade]\nD = "half-yearly"')
    policy_file('county = "quarterly"', 'county = "yearly"')
    demo.fill(engine=engine, scale="town", seed=2)
    sql, params = policy.frequency_sql(entity="e", officer="o")
    rows = session.execute(
        text(
            f"SELECT o.tier, e.package_grade, e.category, {sql} FROM assignment a "
            "JOIN entity e ON e.id = a.entity_id JOIN officer o ON o.id = a.officer_id"
        ),
        params,
    ).all()
    assert len(rows) > 100 and len({r[3] for r in rows}) >= 3
    for tier, grade, category, frequency in rows:
        assert frequency == policy.frequency_for(tier=tier, package_grade=grade, category=category)


def test_scope_limits_to_a_subtree_and_a_partial_run_is_completed(session, roster, set_today):
    set_today("2026-09-22")
    inside = [roster.assign(where="111"), roster.assign(where="112")]
    outside = roster.assign(
        where="120", grade="C", officer=roster.officer(tier="township", where="120")
    )
    part = generate_routine_tasks(session=session, scope_path=roster.j["110"].path)
    assert part["created"] == 2 and tasks_of(session, outside) == []
    assert all(len(tasks_of(session, a)) == 1 for a in inside)
    full = generate_routine_tasks(session=session)
    assert (full["created"], full["existing"]) == (1, 2)


def test_county_paths(session, roster):
    assert county_paths(session=session) == ["/100/"]


def _owed_count(url: str) -> int:
    """Assignments that owe 2026Q3 on 2026-09-22 in the town demo (counted independently)."""
    cutoff = policy.first_visit_cutoff(parse_period("2026Q3"))
    with Session(get_engine(url)) as s:
        return s.execute(
            text(
                "SELECT COUNT(*) FROM assignment a JOIN entity e ON e.id = a.entity_id "
                "JOIN officer o ON o.id = a.officer_id WHERE a.start_date <= :cutoff "
                "AND (a.end_date IS NULL OR a.end_date >= '2026-09-22') "
                "AND e.status = 'operating' AND e.active AND o.active"
            ),
            {"cutoff": cutoff},
        ).scalar()


def _generate_cmd(url: str) -> list[str]:
    return [
        str(ROOT / "baobao"),
        "--db",
        url,
        "--today",
        "2026-09-22",
        "tasks",
        "generate",
        "--json",
    ]


def test_two_generators_at_once_create_no_duplicates(engine, db_url, session):
    demo.fill(engine=engine, scale="town", seed=2)
    owed = _owed_count(db_url)
    runs = [
        subprocess.Popen(
            _generate_cmd(db_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    results = [json.loads(out) for out, _ in outputs]
    assert sum(r["created"] for r in results) == owed
    assert all(r["created"] + r["existing"] == owed for r in results)
    duplicates = session.execute(
        text(
            "SELECT COUNT(*) FROM (SELECT assignment_id FROM inspection_task "
            "GROUP BY assignment_id, period HAVING COUNT(*) > 1) d"
        )
    ).scalar()
    total = session.execute(select(func.count()).select_from(InspectionTask)).scalar()
    assert duplicates == 0 and total == owed


KILLED_RUN = """
import sys, time
sys.path.insert(0, {root!r})
from config.settings import configure
import datetime as dt
configure(database_url={url!r}, today=dt.date(2026, 9, 22))
from sqlmodel import Session
from models.db import get_engine
from services.tasks.generation import generate_routine_tasks
with Session(get_engine({url!r})) as session:
    result = generate_routine_tasks(session=session)
    print(result["created"], flush=True)
    time.sleep(60)  # killed here, the transaction never commits
"""


def test_a_killed_generation_is_completed_by_the_next(engine, db_url, session, cli):
    demo.fill(engine=engine, scale="town", seed=2)
    owed = _owed_count(db_url)
    code = KILLED_RUN.format(root=str(ROOT), url=db_url)
    victim = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
        cwd=ROOT,
    )
    assert int(victim.stdout.readline()) == owed  # inserted, not committed
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    time.sleep(0.2)
    code, out, err = cli("--db", db_url, "--today", "2026-09-22", "tasks", "generate", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["created"], result["existing"]) == (owed, 0)
    code, out, _ = cli("--db", db_url, "--today", "2026-09-22", "tasks", "generate", "--json")
    assert json.loads(out)["created"] == 0 and json.loads(out)["existing"] == owed


def test_cli_generate_reports_counts_and_refuses_a_bad_period(engine, db_url, cli):
    demo.fill(engine=engine, scale="town", seed=2)
    code, out, _ = cli("--db", db_url, "--today", "2026-09-22", "tasks", "generate")
    assert code == 0 and "新建任务" in out
    code, out, _ = cli(
        "--db", db_url, "--today", "2026-09-22", "tasks", "generate", "--period", "2026Q3", "--json"
    )
    result = json.loads(out)
    assert code == 0 and result["created"] == 0 and result["existing"] > 100
    assert set(result) == {"created", "existing", "cancelled", "handed_over", "periods"}
    code, out, err = cli("--db", db_url, "tasks", "generate", "--period", "2026Q9")
    assert code == 2 and out == "" and "期间" in err


def test_an_unknown_year_is_a_warning_in_the_command_output(engine, db_url, cli, monkeypatch):
    from services.core import calendar

    monkeypatch.setattr(calendar, "_unknown_years", set())
    calendar._workdays_of_year.cache_clear()
    demo.fill(engine=engine, scale="town", seed=2)
    code, out, err = cli("--db", db_url, "--today", "2027-02-10", "tasks", "generate", "--json")
    assert code == 0 and json.loads(out)["periods"] == ["2027Q1"]
    assert "警告" in err and "2027" in err
