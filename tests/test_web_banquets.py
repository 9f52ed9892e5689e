"""聚餐备案 on the phone pages and the API: an officer files for its own village only, guides
the banquet, records the 回访; nobody outside the village's scope sees or touches it (404)."""

import re

from sqlalchemy import func, select
from sqlmodel import Session

from config.files import load_checklist
from models.banquet import Banquet
from models.db import get_engine
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from tests.support import web as support
from tests.support.web import PASSWORD, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def _token(client, account: str) -> dict:
    response = client.post("/api/token", data={"username": account, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _places(world) -> tuple[str, str]:
    """Officer A's village code and another village's code (of the other township)."""
    with Session(get_engine(world.url)) as session:
        own = session.get(
            Jurisdiction, session.get(Officer, world.officer_ids["a"]).jurisdiction_id
        )
        other = session.execute(
            select(Jurisdiction.code).where(Jurisdiction.level == "village", Jurisdiction.id != own.id)
            .order_by(Jurisdiction.code)
        ).scalars().first()  # fmt: skip
        return own.code, other


def _rows(world) -> tuple[int, int]:
    with Session(get_engine(world.url)) as session:
        return (
            session.execute(select(func.count()).select_from(Banquet)).scalar_one(),
            session.execute(select(func.count()).select_from(InspectionTask)).scalar_one(),
        )


def _file(client, village: str, host: str = "王 大明", day: str = "2026-10-20"):
    token = csrf_of(client.get("/banquets").text)
    form = {"csrf": token, "village": village, "host": host, "event_date": day, "diners": "180",
            "kind": "婚宴", "contact": "13800001111", "place": "村委会广场", "menu": ""}  # fmt: skip
    return client.post("/banquets", data=form, follow_redirects=False)


def test_officer_files_guides_and_follows_up_on_the_phone(world, client_for):
    own, other = _places(world)
    officer = client_for("officer_a")
    before = _rows(world)
    refused = _file(officer, other)
    assert refused.status_code == 400 and "不在您的辖区内" in refused.text
    assert _rows(world) == before  # nothing written
    response = _file(officer, own)
    assert response.status_code == 303
    banquet_id = int(re.search(r"/banquets/(\d+)", response.headers["location"]).group(1))
    page = officer.get(f"/banquets/{banquet_id}").text
    with Session(get_engine(world.url)) as session:
        task = session.execute(
            select(InspectionTask).where(InspectionTask.banquet_id == banquet_id)
        ).scalar_one()
        guide = session.get(Officer, task.officer_id).code
    assert guide == world.accounts["officer_a"]  # the demo town: one village officer a village
    assert "记录现场指导" in page and str(task.due_date) in page
    assert f"/banquets/{banquet_id}" in officer.get("/my/tasks").text
    form = {"csrf": csrf_of(page), "visit_date": "2026-09-22", "note": ""}
    form |= {f"a_{i.id}": "是" for i in load_checklist().guidance}
    done = officer.post(f"/banquets/{banquet_id}/guide", data=form, follow_redirects=False)
    assert done.status_code == 303
    with Session(get_engine(world.url)) as session:
        assert session.get(InspectionTask, task.id).status == "done"


def test_banquets_outside_scope_answer_404(world, client_for):
    own, _ = _places(world)
    auth_a = _token(client_for(), world.accounts["officer_a"])
    api = client_for()
    filed = api.post("/api/banquets", headers=auth_a,
                     json={"village": own, "host": "李 四", "event_date": "2026-10-20", "diners": 150})  # fmt: skip
    assert filed.status_code == 201, filed.text
    banquet_id = filed.json()["id"]
    assert api.get(f"/api/banquets/{banquet_id}", headers=auth_a).json()["host"] == "李 四"
    sees = {"officer_a": 200, "supervisor_t1": 200, "supervisor_county": 200,
            "officer_t2": 404, "supervisor_t2": 404}  # fmt: skip
    for role, expected in sees.items():
        client = client_for(role)
        assert client.get(f"/banquets/{banquet_id}").status_code == expected, role
        listed = client.get("/banquets").text
        assert ("李 四" in listed) is (expected == 200), role
        auth = _token(client_for(), world.accounts[role])
        assert api.get(f"/api/banquets/{banquet_id}", headers=auth).status_code == expected, role
        ids = [b["id"] for b in api.get("/api/banquets", headers=auth).json()["banquets"]]
        assert (banquet_id in ids) is (expected == 200), role
    auth_t2 = _token(client_for(), world.accounts["officer_t2"])
    before = _rows(world)
    answers = {i.id: "是" for i in load_checklist().guidance}
    assert api.post(f"/api/banquets/{banquet_id}/guidance", headers=auth_t2,
                    json={"answers": answers}).status_code == 404  # fmt: skip
    assert api.post(f"/api/banquets/{banquet_id}/followup", headers=auth_t2,
                    json={"diners": 10}).status_code == 404  # fmt: skip
    refused = api.post("/api/banquets", headers=auth_t2,
                       json={"village": own, "host": "赵", "event_date": "2026-10-20", "diners": 150})  # fmt: skip
    assert refused.status_code == 400 and "不在您的辖区内" in refused.json()["detail"]
    assert _rows(world) == before
    past = api.post("/api/banquets", headers=auth_a,
                    json={"village": own, "host": "赵", "event_date": "2026-09-21", "diners": 150})  # fmt: skip
    assert past.status_code == 400 and "已过" in past.json()["detail"]
    early = api.post(f"/api/banquets/{banquet_id}/followup", headers=auth_a, json={"diners": 140})
    assert early.status_code == 400 and "未到" in early.json()["detail"]
