"""Shared helpers of the reminder tests: a small roster, tasks and hazards, a real SMTP server
(aiosmtpd on loopback) and a real HTTP server standing in for the WeCom / DingTalk robots."""

import datetime as dt
import email
import email.policy
import json
import re
import shutil
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
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
from tests.waiting import free_port

ROOT = Path(__file__).resolve().parent.parent


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
    policy = (folder / "policy.toml").read_text(encoding="utf-8")
    for key, value in reminders.items():
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
        policy, n = re.subn(rf"(?m)^{key} = .*$", lambda _, line=line: line, policy)
        assert n == 1, key
    (folder / "policy.toml").write_text(policy, encoding="utf-8")
    return folder


def count_rows(engine, sql: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


# ---------------------------------------------------------------- SMTP
class MailHandler:
    """Records every message; can refuse recipients or hold a message before replying."""

    def __init__(self):
        self.messages: list = []
        self.refuse: set[str] = set()
        self.refusal = "550 5.1.1 用户不存在 mailbox unavailable"
        self.hold: threading.Event | None = None
        self.received = threading.Event()
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.received.set()
        if self.hold is not None:
            import asyncio

            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait, 30)
        return "250 OK queued"


class MailServer:
    def __init__(self, port: int | None = None, **tls):
        self.port = port or free_port()
        self.handler = MailHandler()
        self.controller = None
        self.tls = tls  # tls_context=…, require_starttls=True | ssl_context=…

    def start(self) -> "MailServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.tls)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


# ---------------------------------------------------------------- robots
class RobotServer:
    """A local HTTP server standing in for a robot webhook.

    replies: a list consumed one per request, each ("json", dict) | ("status", code) |
    ("sleep", seconds) | ("close", None); when empty, {"errcode": 0, "errmsg": "ok"}.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple] = []
        self.received = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                url = urllib.parse.urlsplit(self.path)
                outer.requests.append(
                    {
                        "path": url.path,
                        "query": dict(urllib.parse.parse_qsl(url.query)),
                        "json": json.loads(body),
                        "at": time.time(),
                    }
                )
                outer.received.set()
                kind, value = outer.replies.pop(0) if outer.replies else ("json", None)
                if kind == "close":
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if kind == "sleep":
                    time.sleep(value)
                    kind, value = "json", None
                status = value if kind == "status" else 200
                payload = json.dumps(
                    value
                    if kind == "json" and value is not None
                    else {"errcode": 0, "errmsg": "ok"}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "RobotServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def demo_tasks(engine, due: str, period: str = "2026Q3") -> int:
    """One open routine task per active demo assignment (set-based), due on one date."""
    with engine.begin() as connection:
        return connection.execute(
            text(
                "INSERT INTO inspection_task (source, period, due_date, status, assignment_id, "
                "officer_id, entity_id, jurisdiction_id, created_on) "
                "SELECT 'routine', :period, :due, 'open', a.id, a.officer_id, a.entity_id, "
                "o.jurisdiction_id, :created FROM assignment a JOIN officer o ON o.id = a.officer_id "
                "WHERE a.end_date IS NULL"
            ),
            {"period": period, "due": dt.date.fromisoformat(due), "created": dt.date(2026, 7, 1)},
        ).rowcount
