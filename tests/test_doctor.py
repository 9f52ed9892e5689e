"""The doctor: all well on a healthy installation, and each check failing on purpose — a stopped
SMTP server and robot, no 2027 calendar on 2026-12-01, a job not run for two days, a failed run,
no base URL, a full disk, pending migrations, an unreachable database."""

import datetime as dt
import json

import pytest
from sqlmodel import Session

from models import JobRun
from models.db import get_engine
from services.core import clock
from services.core.schema import upgrade
from services.scheduling import schedule
from tests.support.servers import MailServer, RobotServer

TODAY = "2026-11-30"  # Monday; 2026 is known and next year is not yet due
KEY = "doctor-secret-key-0123"


@pytest.fixture
def servers(monkeypatch):
    """A real SMTP server and a robot webhook on loopback, configured; both stopped afterwards."""
    mail, robot = MailServer().start(), RobotServer().start()
    monkeypatch.setenv("BAOBAO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BAOBAO_SMTP_PORT", str(mail.port))
    monkeypatch.setenv("BAOBAO_WECOM_WEBHOOK", f"{robot.url}/cgi-bin/webhook/send?key={KEY}")
    monkeypatch.setenv("BAOBAO_BASE_URL", "https://baobao.example.gov.cn")
    yield mail, robot
    mail.stop()
    robot.stop()


def ran(engine, job: str, *, ago: dt.timedelta = dt.timedelta(0), outcome="ok", detail=None):
    """Record a run of job started `ago` before now (on the test's clock)."""
    moment = clock.now() - ago
    with Session(engine) as session:
        session.add(
            JobRun(
                job=job,
                runner="apscheduler",
                started_at=moment,
                finished_at=moment,
                outcome=outcome,
                detail=detail,
            )
        )
        session.commit()


@pytest.fixture
def healthy(db_url, engine, servers, data_dir, set_today):
    """Everything well: every job ran just now; (URL, mail server, robot server)."""
    set_today(TODAY)
    for job in schedule.jobs():
        ran(engine, job.name)
    return db_url, *servers


def doctor(cli, url: str, today: str = TODAY) -> tuple[int, dict]:
    code, out, err = cli("--db", url, "--today", today, "doctor", "--json")
    result = json.loads(out)
    assert set(result) == {"ok", "checks"}
    assert all(set(check) == {"name", "ok", "message"} for check in result["checks"])
    return code, result


def failing(result: dict) -> dict[str, str]:
    return {c["name"]: c["message"] for c in result["checks"] if not c["ok"]}


def test_a_healthy_installation_passes_every_check(healthy, cli):
    url, mail, robot = healthy
    code, result = doctor(cli, url)
    assert code == 0 and result["ok"] is True and failing(result) == {}
    names = [c["name"] for c in result["checks"]]
    assert names[:7] == [
        "database",
        "migrations",
        "calendar",
        "mail",
        "robots",
        "base_url",
        "disk",
    ]
    assert {n for n in names if n.startswith("job:")} == {f"job:{j.name}" for j in schedule.jobs()}
    assert mail.messages == [] and robot.requests == []  # a connection only: nothing sent
    assert mail.handler.connections == 1


def test_a_stopped_mail_server_needs_attention(healthy, cli):
    url, mail, _ = healthy
    mail.stop()
    code, result = doctor(cli, url)
    assert code == 1 and list(failing(result)) == ["mail"]
    assert "无法连接邮件服务器" in failing(result)["mail"]
    code, out, _ = cli("--db", url, "--today", TODAY, "doctor")
    assert code == 1 and "需处理  邮件服务器" in out and "共 1 项需要处理" in out


def test_a_stopped_robot_is_named_without_its_key(healthy, cli):
    url, _, robot = healthy
    robot.stop()
    code, result = doctor(cli, url)
    assert code == 1 and list(failing(result)) == ["robots"]
    assert "企业微信" in failing(result)["robots"] and KEY not in json.dumps(result)


def test_next_years_calendar_is_asked_for_from_december(healthy, cli, tmp_path, engine, set_today):
    url, _, _ = healthy
    set_today("2026-12-01")
    for job in schedule.jobs():
        ran(engine, job.name)
    code, result = doctor(cli, url, today="2026-12-01")
    assert code == 1 and list(failing(result)) == ["calendar"]
    assert "2027 年的法定节假日尚未录入" in failing(result)["calendar"]
    schedule_file = tmp_path / "2027.csv"
    schedule_file.write_text("类型,名称,开始日期,结束日期\n放假,元旦,2027-01-01,2027-01-03\n")
    assert (
        cli("--db", url, "--today", "2026-12-01", "calendar", "import", str(schedule_file))[0] == 0
    )
    code, result = doctor(cli, url, today="2026-12-01")
    assert code == 0, failing(result)
    calendar_check = next(c for c in result["checks"] if c["name"] == "calendar")
    assert "2027 年（已导入）" in calendar_check["message"]


def test_a_year_nobody_entered_is_named_by_the_doctor(healthy, cli):
    url, _, _ = healthy
    code, result = doctor(cli, url, today="2027-03-01")
    assert code == 1 and "2027" in failing(result)["calendar"]
    assert "周一至周五" in failing(result)["calendar"]


def test_a_job_not_run_for_two_days_needs_attention(healthy, cli, engine):
    url, _, _ = healthy
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM job_run WHERE job = 'remind'")
    ran(engine, "remind", ago=dt.timedelta(days=2))
    code, result = doctor(cli, url)
    assert code == 1 and list(failing(result)) == ["job:remind"]
    assert (
        "应在" in failing(result)["job:remind"] and "最近一次成功" in failing(result)["job:remind"]
    )


def test_a_failed_run_and_a_job_that_never_ran(healthy, cli, engine):
    url, _, _ = healthy
    ran(engine, "backup", outcome="failed", detail={"error": "磁盘已满"})
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM job_run WHERE job = 'briefing'")
    code, result = doctor(cli, url)
    assert code == 1 and set(failing(result)) == {"job:backup", "job:briefing"}
    assert "运行失败：磁盘已满" in failing(result)["job:backup"]
    assert "从未运行" in failing(result)["job:briefing"]


def test_base_url_and_disk_space(healthy, cli, monkeypatch, policy_file):
    url, _, _ = healthy
    monkeypatch.delenv("BAOBAO_BASE_URL")
    policy_file("min_free_disk_mb = 1024", "min_free_disk_mb = 10000000")
    code, result = doctor(cli, url)
    assert code == 1 and set(failing(result)) == {"base_url", "disk"}
    assert "http://127.0.0.1:8000" in failing(result)["base_url"]
    assert "低于 10000000 MB" in failing(result)["disk"]


def test_pending_migrations_and_an_unreachable_database(cli, tmp_path, data_dir):
    old = f"sqlite:///{tmp_path}/old.db"
    upgrade(engine=get_engine(old), target="0003")
    code, result = doctor(cli, old)
    assert code == 1 and "版本为 0003" in failing(result)["migrations"]
    assert not any(c["name"].startswith("job:") for c in result["checks"])
    code, result = doctor(cli, "postgresql+psycopg://127.0.0.1:1/nothing")
    assert code == 1 and "无法连接" in failing(result)["database"]
    assert "migrations" not in {c["name"] for c in result["checks"]}


def test_the_county_office_weekly_summary_carries_the_doctors_line(session, data_dir):
    from notifications import builders
    from services.reminders.digests import build_digests
    from tests.support.reminders import add_task, build_roster

    roster = build_roster(session)
    add_task(session, roster, "o_village", "2026-09-30")
    _, offices = build_digests(session=session, today=dt.date(2026, 10, 12))  # a Monday
    county = next(d for d in offices if d.code == "510101000000")
    assert county.attention.startswith("系统自检：") and "邮件服务器" in county.attention
    mail = builders.office_email(county, strict=True)
    assert county.attention in mail.text and county.attention in mail.html
    assert county.attention in builders.office_markdown(county, strict=True).text
    town = next(d for d in offices if d.code == "510101001000")
    assert town.attention is None  # the county office only
    _, tuesday = build_digests(session=session, today=dt.date(2026, 10, 13))
    assert all(d.attention is None for d in tuesday)  # and on the summary day only
