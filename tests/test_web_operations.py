"""Operations on the web: /healthz for a monitor (200 / 503), the administrator's 系统自检 and
工作日历 pages (year view, upload of next year's schedule with the moved due dates listed)."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from models.db import get_engine
from services.core import calendar
from services.core.schema import upgrade
from tests.support import web as support
from tests.support.web import csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures
FIXTURE = Path(__file__).parent / "fixtures" / "calendar" / "2027.toml"


def test_healthz_answers_200_when_the_database_is_current(app, client_for):
    response = client_for().get("/healthz")
    assert response.status_code == 200
    assert response.json()["ok"] is True and response.json()["migrations"]["ok"] is True
    assert "set-cookie" not in response.headers


def test_healthz_answers_503_for_pending_migrations_or_no_database(tmp_path):
    from web.app import create_app

    old = f"sqlite:///{tmp_path}/old.db"
    upgrade(engine=get_engine(old), target="0003")
    with TestClient(create_app(database_url=old)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is True
    assert "0003" in response.json()["migrations"]["message"]
    with TestClient(create_app(database_url="postgresql+psycopg://127.0.0.1:1/x")) as client:
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"]["ok"] is False


def test_the_doctor_page_lists_every_check(world, client_for):
    page = client_for("admin_county").get("/admin/doctor")
    assert page.status_code == 200
    assert "系统自检" in page.text and "邮件服务器" in page.text and "需处理" in page.text
    assert "定时任务 remind" in page.text
    assert client_for("admin_t1").get("/admin/doctor").status_code == 404  # a township admin
    assert client_for("supervisor_county").get("/admin/doctor").status_code == 404


def test_the_calendar_page_shows_a_year_and_imports_the_next(world, client_for):
    client = client_for("admin_county")
    page = client.get("/admin/calendar?year=2026")
    assert page.status_code == 200 and "来源：chinese-calendar 内置" in page.text
    assert "全年工作日 248 天" in page.text and "调休上班 国庆节：2026-10-10" in page.text
    page = client.get("/admin/calendar")  # next year by default: 2027, not known yet
    assert "2027 年（来源：未知）" in page.text and "周一至周五" in page.text

    bad = client.post(
        "/admin/calendar",
        data={"csrf": csrf_of(page.text)},
        files=[
            (
                "file",
                ("2027.csv", "类型,名称,开始日期\n调休上班,春节,2027-02-17\n".encode(), "text/csv"),
            )
        ],
    )
    assert bad.status_code == 400 and "调休上班日必须是星期六或星期日" in bad.text
    assert calendar.year_source(2027) is None  # nothing written

    done = client.post(
        "/admin/calendar",
        data={"csrf": csrf_of(page.text)},
        files=[("file", ("2027.toml", FIXTURE.read_bytes(), "application/toml"))],
    )
    assert done.status_code == 200, done.text
    assert "已录入 2027 年：放假 33 天，调休上班 5 天" in done.text
    assert "2027 年（来源：数据库（已导入））" in done.text
    assert calendar.year_source(2027) == "database"  # this process reads it at once
    with get_engine(world.url).connect() as connection:
        actor = connection.execute(
            text("SELECT actor FROM audit_event WHERE action = 'calendar.import'")
        ).scalar_one()
    assert actor == "admin"
    assert client_for("admin_t1").get("/admin/calendar").status_code == 404
