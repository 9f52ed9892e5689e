"""A backup taken while the web application records visits and `remind` delivers mail is one
consistent state: restored, every done task has its visit record, the rows match the manifest,
and neither writer noticed the backup."""

import os
import subprocess
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import bindparam, text

from config import settings as settings_module
from models.db import get_engine
from services.accounts.identity import hash_password
from services.operations.backup import take_backup
from services.operations.restore import restore
from tests.support.operations import wipe
from tests.support.servers import MailServer
from tests.support.waiting import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Secret-2026"
DAY = "2026-09-22"


def _online_tasks(engine, limit: int = 150) -> dict[str, list[int]]:
    """Open tasks a visit online may close (not high-risk entities), by officer code; those
    officers get the test password."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT o.code, t.id FROM inspection_task t JOIN officer o ON o.id = t.officer_id "
                "JOIN entity e ON e.id = t.entity_id WHERE t.status = 'open' "
                "AND (e.risk_grade IS NULL OR e.risk_grade IN ('A', 'B')) ORDER BY t.id LIMIT :n"
            ),
            {"n": limit},
        ).all()
    tasks: dict[str, list[int]] = {}
    for code, task_id in rows:
        tasks.setdefault(code, []).append(task_id)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE officer SET password_hash = :h WHERE code IN :codes").bindparams(
                bindparam("codes", expanding=True)
            ),
            {"h": hash_password(PASSWORD), "codes": list(tasks)},
        )
    return tasks


class Visits(threading.Thread):
    """Records visits through the web API, one after another; keeps when each one finished."""

    def __init__(self, base: str, tasks: dict[str, list[int]]):
        super().__init__(daemon=True)
        self.base, self.tasks, self.done, self.errors = base, tasks, [], []
        self.enough = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            for code, ids in self.tasks.items():
                token = client.post("/api/token", data={"username": code, "password": PASSWORD})
                auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
                for task_id in ids:
                    if self.enough.is_set():
                        return
                    reply = client.post(
                        f"/api/tasks/{task_id}/record",
                        headers=auth,
                        json={"mode": "线上", "visit_date": DAY, "note": "线上督导"},
                    )
                    if reply.status_code == 201:
                        self.done.append(time.monotonic())
                    else:
                        self.errors.append((task_id, reply.status_code, reply.text[:200]))


def _count(engine, sql: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def test_a_backup_taken_while_remind_and_the_web_app_write(town_tasks, engine, data_dir, tmp_path):
    url = town_tasks
    tasks = _online_tasks(engine)
    mail = MailServer()
    mail.handler.hold = threading.Event()  # the first message waits until the backup is taken
    mail.start()
    port = free_port()
    env = {
        **os.environ,
        "BAOBAO_DATA_DIR": str(data_dir),
        "BAOBAO_SMTP_HOST": "127.0.0.1",
        "BAOBAO_SMTP_PORT": str(mail.port),
    }
    baobao = [str(ROOT / "baobao"), "--db", url, "--today", DAY]
    server = subprocess.Popen(
        [*baobao, "serve", "--no-scheduler", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _healthy(base), seconds=60, what="the web app")
        visits = Visits(base, tasks)
        visits.start()
        remind = subprocess.Popen(
            [*baobao, "remind"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        wait_for(lambda: len(visits.done) >= 3 and mail.messages, seconds=60, what="writes")
        started = time.monotonic()
        made = take_backup(engine=engine, out_dir=tmp_path / "backups")
        finished = time.monotonic()
        sent_during, recorded = len(mail.messages), len(visits.done)
        mail.handler.hold.set()
        wait_for(lambda: len(visits.done) >= recorded + 3, seconds=60, what="later visits")
        visits.enough.set()
        visits.join(timeout=60)
        out, err = remind.communicate(timeout=120)
    finally:
        mail.handler.hold.set()
        server.terminate()
        server.wait(timeout=30)
        mail.stop()
    assert remind.returncode == 0, err
    assert visits.errors == [] and not visits.is_alive()
    assert any(t < started for t in visits.done) and any(t > finished for t in visits.done)
    assert 0 < sent_during < len(mail.messages)  # mail went out before and after the backup
    records_after = _count(engine, "SELECT COUNT(*) FROM inspection_record")
    assert records_after == len(visits.done)

    target = _empty_target(url, engine, tmp_path)
    settings_module.configure(data_dir=tmp_path / "restored-data")
    result = restore(engine=get_engine(target), path=Path(made["archive"]))
    restored = get_engine(target)
    records = _count(restored, "SELECT COUNT(*) FROM inspection_record")
    done = _count(restored, "SELECT COUNT(*) FROM inspection_task WHERE status = 'done'")
    assert records == done == result["tables"]["inspection_record"]  # one consistent state
    assert 3 <= records <= records_after
    queued = _count(restored, "SELECT COUNT(*) FROM notification")
    assert queued == result["tables"]["notification"]
    restored.dispose()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _empty_target(url: str, engine, tmp_path) -> str:
    """An empty database to restore into: a new SQLite file, or the wiped PostgreSQL schema
    (a dump restores into the schema it came from)."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/restored.db"
    engine.dispose()
    wipe(url)
    return url
