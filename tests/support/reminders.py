"""Shared helpers of the reminder tests: a small roster, tasks and hazards, a config folder with
[reminders] overridden (the mail and robot servers are in tests.support.servers)."""

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text

from models import (
    Assignment,
    Entity,
    Hazard,
    InspectionTask,
    Jurisdiction,
    Officer,
    User,
)
from services.roster.entity_history import record_history

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- roster
@dataclass
class Roster:
    """A county 青石县 with townships 东河镇 (office) and 西山镇 (no office of its own)."""

    ids: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.ids[key]


def build_roster(session) -> Roster:
    r = Roster()

    def place(key, code, name, level, parent=None):
        parent_row = r.ids.get(parent)
        path = (parent_row.path if parent_row else "/") + code + "/"
        row = Jurisdiction(
            code=code,
            name=name,
            level=level,
            path=path,
            parent_id=parent_row.id if parent_row else None,
        )
        session.add(row)
        session.flush()
        r.ids[key] = row

    place("county", "510101000000", "青石县", "county")
    place("east", "510101001000", "东河镇", "township", "county")
    place("west", "510101002000", "西山镇", "township", "county")
    place("v_east", "510101001001", "柳树村", "village", "east")
    place("v_west", "510101002001", "杏花村", "village", "west")

    def officer(key, code, name, tier, where, mail=True):
        row = Officer(
            code=code,
            name=name,
            tier=tier,
            mobile=f"139{len(r.ids):08d}",
            email=f"{code.lower()}@example.cn" if mail else None,
            jurisdiction_id=r.ids[where].id,
        )
        session.add(row)
        session.flush()
        r.ids[key] = row

    officer("o_village", "V001", "李村官", "village", "v_east")
    officer("o_west", "V002", "王联络", "village", "v_west")
    officer("o_town", "T001", "赵镇长", "township", "east")
    officer("o_county", "C001", "钱局长", "county", "county")
    officer("o_nomail", "V003", "孙无邮", "village", "v_east", mail=False)

    def user(key, account, name, where, role="supervisor", mail=True):
        row = User(
            account=account,
            name=name,
            role=role,
            jurisdiction_id=r.ids[where].id,
            email=f"{account}@example.cn" if mail else None,
        )
        session.add(row)
        session.flush()
        r.ids[key] = row

    user("u_county", "xian", "周督办", "county")
    user("u_admin", "xianadmin", "吴管理", "county", role="admin")
    user("u_east", "donghe", "郑督办", "east")
    session.commit()
    return r


_SEQ = iter(range(1, 10_000))


def add_task(
    session,
    roster: Roster,
    officer: str,
    due: str,
    *,
    status="open",
    entity_name: str | None = None,
) -> InspectionTask:
    """An open routine task of an officer for a new entity in the officer's jurisdiction."""
    who = roster[officer]
    n = next(_SEQ)
    entity = Entity(
        licence_no=f"JY{n:014d}",
        name=entity_name or f"测试餐馆{n}号",
        category="餐饮服务",
        package_grade="D",
        jurisdiction_id=who.jurisdiction_id,
    )
    session.add(entity)
    session.flush()
    record_history(connection=session.connection(), day=dt.date(2026, 1, 1))
    assignment = Assignment(officer_id=who.id, entity_id=entity.id, start_date=dt.date(2026, 1, 1))
    session.add(assignment)
    session.flush()
    task = InspectionTask(
        source="routine",
        period=f"P{n}",
        due_date=dt.date.fromisoformat(due),
        status=status,
        assignment_id=assignment.id,
        officer_id=who.id,
        entity_id=entity.id,
        jurisdiction_id=who.jurisdiction_id,
        place_id=entity.jurisdiction_id,
        created_on=dt.date(2026, 7, 1),
    )
    session.add(task)
    session.commit()
    return task


def add_hazard(
    session,
    roster: Roster,
    where: str,
    deadline: str,
    *,
    officer: str | None = None,
    status="pending",
    description="后厨未设置防鼠设施",
) -> Hazard:
    hazard = Hazard(
        source="inspection",
        level="general",
        description=description,
        found_on=dt.date(2026, 9, 1),
        deadline=dt.date.fromisoformat(deadline),
        status=status,
        jurisdiction_id=roster[where].id,
        officer_id=roster[officer].id if officer else None,
    )
    session.add(hazard)
    session.commit()
    return hazard


def policy_dir(tmp_path: Path, **reminders) -> Path:
    """A copy of config/ whose [reminders] keys are overridden (BAOBAO_CONFIG_DIR)."""
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    for name in ("policy.toml", "checklist.toml", "schedules.toml"):
        shutil.copy(ROOT / "config" / name, folder / name)
    shutil.copytree(ROOT / "config" / "documents", folder / "documents", dirs_exist_ok=True)
    policy = (folder / "policy.toml").read_text(encoding="utf-8")
    for key, value in reminders.items():
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
        # the first key of that name: [briefing] recipients comes before [reports] recipients
        policy, n = re.subn(rf"(?m)^{key} = .*$", lambda _, line=line: line, policy, count=1)
        assert n == 1, key
    (folder / "policy.toml").write_text(policy, encoding="utf-8")
    return folder


def count_rows(engine, sql: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def demo_tasks(engine, due: str, period: str = "2026Q3") -> int:
    """One open routine task per active demo assignment (set-based), due on one date."""
    with engine.begin() as connection:
        return connection.execute(
            text(
                "INSERT INTO inspection_task (source, period, due_date, status, assignment_id, "
                "officer_id, entity_id, jurisdiction_id, place_id, created_on) "
                "SELECT 'routine', :period, :due, 'open', a.id, a.officer_id, a.entity_id, "
                "o.jurisdiction_id, e.jurisdiction_id, :created FROM assignment a "
                "JOIN officer o ON o.id = a.officer_id JOIN entity e ON e.id = a.entity_id "
                "WHERE a.end_date IS NULL"
            ),
            {"period": period, "due": dt.date.fromisoformat(due), "created": dt.date(2026, 7, 1)},
        ).rowcount


@pytest.fixture
def mail(monkeypatch, tmp_path):
    """A real SMTP server on loopback with the settings pointing at it (fast retries); yields it."""
    from config import settings
    from tests.support.servers import MailServer

    server = MailServer().start()
    env = {
        "BAOBAO_SMTP_HOST": "127.0.0.1",
        "BAOBAO_SMTP_PORT": str(server.port),
        "BAOBAO_SMTP_SENDER": "青石县食安办 <baobao@qingshi.gov.cn>",
        "BAOBAO_DATA_DIR": str(tmp_path / "data"),
        "BAOBAO_CONFIG_DIR": str(policy_dir(tmp_path, retry_backoff_minutes=[0])),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings.reset()
    server.env = env
    yield server
    server.stop()
