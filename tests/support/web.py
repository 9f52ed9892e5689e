"""Shared set-up of the web tests (no tests here): the demo town plus a second township, tasks of
two quarters, a recorded visit with a hazard, accounts with passwords, and a logged-in client.

World on 2026-09-22 (a Tuesday): township T1 = the demo town's, T2 = added (with its own
supervisor, officer, entity, task and hazard). Officer A and officer B are village officers of
T1; A has an overdue 2026Q2 task, open 2026Q3 tasks and a done task whose visit opened a hazard.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from config import settings as settings_module
from models.assignment import Assignment
from models.entity import Entity
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from models.user import User
from services.accounts import identity as accounts
from services.demo import dataset as demo
from services.hazards.create import add_hazard
from services.roster.entity_history import record_history
from services.tasks.generation import generate_routine_tasks

PASSWORD = "Secret-2026"
TODAY = dt.date(2026, 9, 22)
PNG = bytes.fromhex(
    "89504E470D0A1A0A0000000D49484452000000010000000108060000001F15C489"
    "0000000A49444154789C6360000000020001E221BC330000000049454E44AE426082"
)


@dataclass
class World:
    url: str
    accounts: dict[str, str] = field(default_factory=dict)  # role name → account
    tasks: dict[str, int] = field(default_factory=dict)
    hazards: dict[str, int] = field(default_factory=dict)
    officer_ids: dict[str, int] = field(default_factory=dict)
    data_dir: object = None

    def set_today(self, day: dt.date) -> None:
        """Move the one clock, keeping this world's database and data directory."""
        settings_module.configure(database_url=self.url, today=day, data_dir=self.data_dir)


def csrf_of(html: str) -> str:
    """The CSRF token in a page's form."""
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client, account: str, password: str = PASSWORD):
    """Sign a test client in (asserting success)."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"login": account, "password": password, "csrf": token, "next": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response


def _second_township(session: Session) -> dict:
    county = session.execute(
        select(Jurisdiction).where(Jurisdiction.level == "county")
    ).scalar_one()
    town = Jurisdiction(
        code="510101002000",
        name="北岭镇",
        level="township",
        parent_id=county.id,
        path=f"{county.path}510101002000/",
    )
    session.add(town)
    session.flush()
    officer = Officer(
        code="BBT2000001",
        name="北岭干部",
        tier="township",
        mobile="13900000001",
        jurisdiction_id=town.id,
        email="t2@example.cn",
    )
    entity = Entity(
        licence_no="JY25101010020001",
        name="北岭饭店",
        category="餐饮服务",
        package_grade="C",
        risk_grade="B",
        address="北岭镇1号",
        jurisdiction_id=town.id,
    )
    session.add_all(
        [
            officer,
            entity,
            User(
                account="db_t2",
                name="北岭督办",
                role="supervisor",
                jurisdiction_id=town.id,
                email="dbt2@example.cn",
            ),
        ]
    )
    session.flush()
    session.add(
        Assignment(officer_id=officer.id, entity_id=entity.id, start_date=dt.date(2026, 1, 5))
    )
    session.flush()
    record_history(connection=session.connection(), day=dt.date(2026, 1, 5))
    return {"town": town, "officer": officer, "entity": entity}


def _busiest_village_officers(session: Session) -> list[Officer]:
    rows = session.execute(
        select(Officer, func.count(InspectionTask.id))
        .join(InspectionTask, InspectionTask.officer_id == Officer.id)
        .where(Officer.tier == "village", InspectionTask.period == "2026Q3")
        .group_by(Officer.id)
        .order_by(func.count(InspectionTask.id).desc(), Officer.id)
    ).all()
    return [officer for officer, _ in rows[:2]]


def _task_of(session: Session, officer_id: int, period: str, nth: int = 0) -> int:
    return session.execute(
        select(InspectionTask.id)
        .where(InspectionTask.officer_id == officer_id, InspectionTask.period == period)
        .order_by(InspectionTask.id)
        .offset(nth)
        .limit(1)
    ).scalar_one()


def _visit_with_hazard(session: Session, task_id: int, officer: Officer) -> int:
    from services.visits.records import record_visit
    from tests.support.visits import onsite_visit

    saved = record_visit(
        session=session,
        task_id=task_id,
        visit_date=TODAY,
        recorded_by=officer.code,
        **onsite_visit(session, task_id, daily_control="否"),
    )
    return saved.hazards[0].id


def build_world(url: str, data_dir) -> World:
    """Fill an empty migrated database with the test world."""
    from models.db import get_engine

    settings_module.configure(database_url=url, today=TODAY, data_dir=data_dir)
    engine = get_engine(url)
    demo.fill(engine=engine, scale="town", seed=2)
    world = World(url=url, data_dir=data_dir)
    hashed = accounts.hash_password(PASSWORD)
    with Session(engine) as session:
        t2 = _second_township(session)
        generate_routine_tasks(session=session, period="2026Q2")
        generate_routine_tasks(session=session, period="2026Q3")
        a, b = _busiest_village_officers(session)
        t1 = session.get(Jurisdiction, session.get(Jurisdiction, a.jurisdiction_id).parent_id)
        for officer in (a, b, t2["officer"]):
            officer.password_hash = hashed
        users = {u.account: u for u in session.execute(select(User)).scalars()}
        t1_supervisor = next(
            u for u in users.values() if u.jurisdiction_id == t1.id and u.role == "supervisor"
        )
        t1_admin = User(
            account="gly_t1",
            name="镇管理员",
            role="admin",
            jurisdiction_id=t1.id,
            email="glyt1@example.cn",
        )
        session.add(t1_admin)
        for user in (*users.values(), t1_admin):
            user.password_hash = hashed
        world.accounts = {
            "officer_a": a.code,
            "officer_b": b.code,
            "officer_t2": t2["officer"].code,
            "supervisor_t1": t1_supervisor.account,
            "supervisor_t2": "db_t2",
            "supervisor_county": "duban",
            "admin_county": "admin",
            "admin_city": "cityadmin",
            "admin_t1": "gly_t1",
        }
        world.officer_ids = {"a": a.id, "b": b.id, "t2": t2["officer"].id}
        world.tasks = {
            "a_open": _task_of(session, a.id, "2026Q3", 0),
            "a_overdue": _task_of(session, a.id, "2026Q2", 0),
            "a_done": _task_of(session, a.id, "2026Q3", 1),
            "b_open": _task_of(session, b.id, "2026Q3", 0),
            "t2_open": _task_of(session, t2["officer"].id, "2026Q3", 0),
        }
        world.hazards["a"] = _visit_with_hazard(session, world.tasks["a_done"], a)
        world.hazards["b"] = _visit_with_hazard(session, _task_of(session, b.id, "2026Q3", 1), b)
        world.hazards["t2"] = add_hazard(
            session=session,
            source="投诉举报",
            description="后厨脏乱",
            level="一般",
            entity_key="JY25101010020001",
            actor="test",
        ).id
        session.commit()
    return world


def add_colleague(world: World, who: str) -> str:
    """A new village officer (接任干部, BBNEW0001) in the village of the world's officer `who`,
    to hand over to; returns its code."""
    from models.db import get_engine

    with Session(get_engine(world.url)) as session:
        officer = session.get(Officer, world.officer_ids[who])
        session.add(
            Officer(
                code="BBNEW0001",
                name="接任干部",
                tier="village",
                mobile="13999990001",
                email="new@example.cn",
                jurisdiction_id=officer.jurisdiction_id,
            )
        )
        session.commit()
    return "BBNEW0001"


@pytest.fixture
def world(db_url, tmp_path) -> World:
    """The test world on either database."""
    return build_world(db_url, tmp_path / "data")


@pytest.fixture
def app(world):
    from web.app import create_app

    made = create_app(database_url=world.url)
    made.state.world_accounts = world.accounts
    return made


@pytest.fixture
def client_for(app):
    """client_for(role) → a TestClient signed in as that role of the world (None: anonymous)."""
    from fastapi.testclient import TestClient

    made = []

    def make(role: str | None = None, world_accounts: dict | None = None):
        client = TestClient(app)
        made.append(client)
        if role is not None:
            login(client, (world_accounts or app.state.world_accounts)[role])
        return client

    yield make
    for client in made:
        client.close()


def one_tap_link(world: World, kind: str, item_id: int, officer: str = "a") -> str:
    """The one-tap link (path and query) a digest gives the world's officer for an item today,
    signed under the officer's current credential version."""
    from models.db import get_engine
    from services.core import links

    with Session(get_engine(world.url)) as session:
        person = session.get(Officer, world.officer_ids[officer])
        pv = links.password_version(person.password_hash)
    url = links.item_link(kind=kind, item_id=item_id, officer_id=person.id, pv=pv)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def last_event(url: str, action: str):
    """The newest audit event of an action."""
    from models.audit import AuditEvent
    from models.db import get_engine

    with Session(get_engine(url)) as session:
        return session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
        ).first()
