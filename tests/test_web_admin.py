"""Administrator pages: roster upload (dry run, the row-level error table, confirm), users and
invitations, campaigns, the schedule."""

import io

import openpyxl
from sqlalchemy import func, select
from sqlmodel import Session

from models.campaign import Campaign
from models.db import get_engine
from models.job_run import JobRun
from models.officer import Officer
from services.core import clock
from tests.support import web as support
from tests.support.web import csrf_of, last_event

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, content: bytes, name: str = "名册.xlsx"):
    page = client.get("/admin/roster")
    return client.post(
        "/admin/roster", data={"csrf": csrf_of(page.text)}, files=[("file", (name, content, XLSX))]
    )


def test_roster_with_errors_shows_the_row_table_and_writes_nothing(world, client_for):
    client = client_for("admin_county")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/admin/roster/export.xlsx").content))
    sheet = book["包保干部"]
    mobile_column = next(c.column for c in sheet[1] if c.value and "手机号" in str(c.value))
    sheet.cell(row=2, column=mobile_column, value="12345")
    out = io.BytesIO()
    book.save(out)
    with Session(get_engine(world.url)) as session:
        before = session.execute(select(func.count()).select_from(Officer)).scalar()
    page = _upload(client, out.getvalue())
    assert page.status_code == 200 and "名册有误" in page.text and "未写入任何数据" in page.text
    assert "<td>包保干部</td><td>2</td><td>手机号</td>" in page.text.replace("\n", "")
    assert "确认导入" not in page.text
    with Session(get_engine(world.url)) as session:
        assert session.execute(select(func.count()).select_from(Officer)).scalar() == before


def test_roster_dry_run_then_confirm(world, client_for):
    client = client_for("admin_county")
    exported = client.get("/admin/roster/export.xlsx")
    assert exported.status_code == 200
    page = _upload(client, exported.content, name="../九月名册.xlsx")
    assert "试运行通过" in page.text and "确认导入" in page.text
    token = page.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    applied = client.post("/admin/roster/apply", data={"csrf": csrf_of(page.text), "token": token})
    assert applied.status_code == 200 and "导入完成" in applied.text
    event = last_event(world.url, "roster.import")
    assert event[0].after["file"] == "九月名册.xlsx"  # the user's name, not the upload's hash
    again = client.post("/admin/roster/apply", data={"csrf": csrf_of(page.text), "token": "x"})
    assert again.status_code == 400


def test_not_a_workbook_is_refused(world, client_for):
    response = _upload(client_for("admin_county"), b"hello", name="a.txt")
    assert response.status_code == 400


def test_invite_from_the_users_page_shows_the_link(world, client_for):
    client = client_for("admin_t1")
    page = client.get("/admin/users?q=" + world.accounts["officer_a"])
    assert world.accounts["officer_a"] in page.text
    invited = client.post(
        "/admin/users/invite",
        data={"csrf": csrf_of(page.text), "account": world.accounts["officer_a"]},
    )
    assert invited.status_code == 200 and "/invite/" in invited.text


def test_campaign_created_inside_the_admins_subtree(world, client_for):
    client = client_for("admin_t1")
    page = client.get("/admin/campaigns")
    response = client.post(
        "/admin/campaigns",
        data={
            "csrf": csrf_of(page.text),
            "name": "国庆前专项",
            "due": "2026-09-30",
            "categories": ["餐饮服务", "小餐饮"],
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    listed = client.get("/admin/campaigns")
    assert "国庆前专项" in listed.text
    with Session(get_engine(world.url)) as session:
        campaign = session.execute(select(Campaign)).scalar_one()
    town = client_for("admin_t1").get("/account").text
    assert campaign.filters["jurisdiction"] == "510101001000" and "镇管理员" in town
    assert "国庆前专项" not in client_for("supervisor_t2").get("/office/tasks?status=open").text


def test_schedule_shows_next_and_last_runs_with_outcome(world, client_for):
    with Session(get_engine(world.url)) as session:
        moment = clock.now()
        session.add(
            JobRun(
                job="remind",
                runner="apscheduler",
                started_at=moment,
                finished_at=moment,
                outcome="failed",
                detail={"error": "邮件服务器拒绝"},
            )
        )
        session.commit()
    page = client_for("admin_county").get("/admin/schedule")
    assert page.status_code == 200
    assert "generate-tasks" in page.text and "失败" in page.text and "邮件服务器拒绝" in page.text


def test_handover_page_moves_the_officers_work_and_the_dashboard_lists_it(world, client_for):
    from models.hazard import Hazard
    from models.task import InspectionTask

    successor = support.add_colleague(world, "a")
    client = client_for("admin_county")
    page = client.get("/admin/handover")
    assert page.status_code == 200 and "本季度没有交接" in page.text
    done = client.post(
        "/admin/handover",
        data={
            "csrf": csrf_of(page.text),
            "from_code": world.accounts["officer_a"],
            "to_code": successor,
            "day": "",
        },
        follow_redirects=True,
    )
    assert (
        done.status_code == 200 and "已交接" in done.text and "接任干部（BBNEW0001）" in done.text
    )
    with Session(get_engine(world.url)) as session:
        moved = session.get(InspectionTask, world.tasks["a_open"])
        assert moved.status == "handed_over"
        hazard = session.get(Hazard, world.hazards["a"])
        assert session.get(Officer, hazard.officer_id).code == successor
    dashboard = client.get("/office")
    assert "本季度交接" in dashboard.text and "接任干部" in dashboard.text
    assert '<small class="code">BBNEW0001</small>' in dashboard.text  # the name, then its code
    officer = client_for("officer_a")
    assert officer.get(f"/hazards/{world.hazards['a']}").status_code == 404
    assert "任务已交接" in officer.get(f"/tasks/{world.tasks['a_open']}").text


def test_handover_to_an_officer_of_another_village_is_refused(world, client_for):
    client = client_for("admin_county")
    page = client.get("/admin/handover")
    refused = client.post(
        "/admin/handover",
        data={
            "csrf": csrf_of(page.text),
            "from_code": world.accounts["officer_a"],
            "to_code": world.accounts["officer_b"],
            "day": "",
        },
    )
    assert refused.status_code == 400 and "层级对应" in refused.text
