"""现场指导 tasks are part of the office's work (rule 14): they show in the office's task lists
(pages and API), in the officer's and the responsible office's digests with a link to the
banquet's page, and the township office can reassign them; they stay out of the 包保 counts
(the weekly summary). A hazard returned (退回) and overdue is listed once in the digest."""

import datetime as dt

from sqlalchemy import select
from sqlmodel import Session

from models.banquet import Banquet
from models.db import get_engine
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from services.banquets.filing import Filing
from services.banquets.register import file_banquet
from services.core import audit
from services.figures.definitions import package_task
from services.reminders.digests import build_digests, with_one_tap_links
from tests.support import web as support
from tests.support.reminders import add_hazard, add_task, build_roster
from tests.support.web import csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def _file(session, village: str, day: dt.date, host: str = "陈 婚") -> tuple[int, int]:
    filing = Filing(village=village, host=host, event_date=day, diners=200, kind="婚宴")
    result = file_banquet(session=session, filing=filing, actor="test")
    assert result["task_id"] is not None
    return result["id"], result["task_id"]


def _own_village(world) -> str:
    with Session(get_engine(world.url)) as session:
        officer = session.get(Officer, world.officer_ids["a"])
        return session.get(Jurisdiction, officer.jurisdiction_id).code


def test_office_task_lists_show_guidance_tasks_linked_to_the_banquet(world, client_for):
    with Session(get_engine(world.url)) as session:
        banquet_id, task_id = _file(session, _own_village(world), dt.date(2026, 10, 20))
    office = client_for("supervisor_t1")
    listed = office.get("/office/tasks?source=banquet&status=")
    assert listed.status_code == 200
    assert f'href="/banquets/{banquet_id}"' in listed.text and "陈 婚家婚宴" in listed.text
    assert f'href="/tasks/{task_id}"' not in listed.text
    page = office.get(f"/office/officers/{world.accounts['officer_a']}?status=open").text
    assert f'href="/banquets/{banquet_id}"' in page
    token = office.post("/api/token", data={"username": world.accounts["supervisor_t1"],
                                            "password": support.PASSWORD}).json()  # fmt: skip
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    tasks = office.get("/api/tasks?limit=500", headers=auth).json()["tasks"]
    [mine] = [t for t in tasks if t["id"] == task_id]
    assert mine["banquet_id"] == banquet_id and mine["source"] == "banquet"
    other = client_for("supervisor_t2").get("/office/tasks?source=banquet&status=").text
    assert f"/banquets/{banquet_id}" not in other


def test_the_township_office_reassigns_a_guidance_task(world, client_for):
    with Session(get_engine(world.url)) as session:
        banquet_id, task_id = _file(session, _own_village(world), dt.date(2026, 10, 20))
        village = session.get(Jurisdiction, session.get(Banquet, banquet_id).jurisdiction_id)
        township = session.execute(
            select(Officer).where(Officer.jurisdiction_id == village.parent_id,
                                  Officer.tier == "township", Officer.active).order_by(Officer.code)
        ).scalars().first()  # fmt: skip
        township_code, township_id = township.code, township.id
    path = f"/banquets/{banquet_id}/reassign"
    guide = world.accounts["officer_a"]
    for role in ("officer_a", "supervisor_t2"):
        client = client_for(role)
        token = csrf_of(client.get("/banquets").text)
        refused = client.post(path, data={"csrf": token, "officer": township_code})
        assert refused.status_code == 404, role
    office = client_for("supervisor_t1")
    page = office.get(f"/banquets/{banquet_id}").text
    assert "改派现场指导" in page and township_code in page
    wrong = office.post(path, data={"csrf": csrf_of(page), "officer": world.accounts["officer_b"]})
    assert wrong.status_code == 400 and "不是该村或所属乡镇" in wrong.text
    done = office.post(path, data={"csrf": csrf_of(page), "officer": township_code},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    with Session(get_engine(world.url)) as session:
        task = session.get(InspectionTask, task_id)
        assert task.officer_id == township_id == session.get(Banquet, banquet_id).officer_id
        assert task.jurisdiction_id == village.parent_id
    assert f"/banquets/{banquet_id}" not in client_for("officer_a").get("/my/tasks").text
    api = client_for()
    for role, expected in (("officer_a", 404), ("supervisor_t2", 404), ("supervisor_t1", 200)):
        auth = api.post("/api/token", data={"username": world.accounts[role],
                                            "password": support.PASSWORD}).json()  # fmt: skip
        back = api.post(path.replace("/banquets", "/api/banquets"), json={"officer": guide},
                        headers={"Authorization": f"Bearer {auth['access_token']}"})  # fmt: skip
        assert back.status_code == expected, (role, back.text)
    assert back.json()["officer"] == guide  # back to the village officer, by the API


def test_a_one_tap_link_opens_the_banquet_of_its_guidance_task_only(world, client_for):
    village = _own_village(world)
    with Session(get_engine(world.url)) as session:
        banquet_id, task_id = _file(session, village, dt.date(2026, 10, 20))
        other_id, _ = _file(session, village, dt.date(2026, 10, 21), host="另 一")
    link = support.one_tap_link(world, "task", task_id)
    path = link.replace(f"/tasks/{task_id}?k=", f"/banquets/{banquet_id}?k=")
    phone = client_for()
    opened = phone.get(path, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/banquets/{banquet_id}"
    page = phone.get(f"/banquets/{banquet_id}")
    assert page.status_code == 200 and "记录现场指导" in page.text
    assert phone.get(f"/banquets/{other_id}").status_code == 404  # that one banquet only
    assert phone.get("/banquets", follow_redirects=False).status_code == 303  # not the list
    wrong = link.replace(f"/tasks/{task_id}?k=", f"/banquets/{other_id}?k=")
    assert client_for().get(wrong).status_code == 403  # the token is for the other task


def test_digests_list_guidance_tasks_with_the_banquets_link(session, set_today):
    set_today("2026-10-13")
    roster = build_roster(session)
    soon, _ = _file(session, roster["v_east"].code, dt.date(2026, 10, 15), host="近 期")
    add_task(session, roster, "o_village", "2026-09-30")  # an overdue 包保 task beside it
    # a guidance task overdue by 5 working days (the filing lies in the past)
    late_banquet, late_task = _file(session, roster["v_east"].code, dt.date(2026, 10, 20), "早 期")
    session.get(InspectionTask, late_task).due_date = dt.date(2026, 9, 30)
    session.commit()
    today = dt.date(2026, 10, 13)  # a Tuesday; Monday's summary is shown on 10-12
    officers, offices = build_digests(session=session, today=today)
    [digest] = [d for d in officers if d.code == "V001"]
    links = {x.id: x.link for x in digest.due_soon.lines + digest.overdue.lines}
    tasks = {t.banquet_id: t.id for t in session.execute(select(InspectionTask)).scalars()}
    assert links[tasks[soon]].endswith(f"/banquets/{soon}")
    assert links[tasks[late_banquet]].endswith(f"/banquets/{late_banquet}")
    signed = with_one_tap_links(digest)
    tapped = {x.id: x.link for x in signed.overdue.lines + signed.due_soon.lines}
    assert tapped[tasks[soon]].startswith(links[tasks[soon]] + "?k=")  # one tap, banquet's page
    assert all("?k=" in link for link in tapped.values())
    office = {d.code: d for d in offices}["510101001000"]  # 东河镇 office: overdue items
    assert any(x.link.endswith(f"/banquets/{late_banquet}") for x in office.own.lines)

    _, offices = build_digests(session=session, today=dt.date(2026, 10, 12))  # summary day
    county = {d.code: d for d in offices}["510101000000"]
    east = next(r for r in county.summary if r.place == "东河镇")
    open_package = sum(
        package_task(source=t.source, status=t.status)
        for t in session.execute(select(InspectionTask).where(InspectionTask.status == "open"))
        .scalars() if t.jurisdiction_id in {roster["v_east"].id, roster["east"].id}
    )  # fmt: skip
    assert east.open_tasks == open_package == 1  # the two guidance tasks are left out
    assert east.overdue == 1


def test_a_returned_overdue_hazard_is_listed_once(session, set_today):
    set_today("2026-10-13")
    roster = build_roster(session)
    hazard = add_hazard(session, roster, "v_east", "2026-09-30", officer="o_village",
                        status="rectifying")  # fmt: skip
    audit.record_event(session=session, actor="donghe", action="hazard.move",
                       object_type="hazard", object_id=hazard.id,
                       before={"status": "awaiting_verification"},
                       after={"status": "rectifying", "note": "照片不清楚"})  # fmt: skip
    session.commit()
    officers, offices = build_digests(session=session, today=dt.date(2026, 10, 13))
    [digest] = [d for d in officers if d.code == "V001"]
    listed = [x.id for s in (digest.returned, digest.overdue, digest.due_soon) for x in s.lines]
    assert listed == [hazard.id]
    assert digest.returned.lines[0].overdue_by > 0  # shown with its overdue state
    office = {d.code: d for d in offices}["510101001000"]
    assert [x.id for x in office.own.lines] == [hazard.id]  # the office still hears of it
