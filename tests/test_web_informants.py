"""The village network signs in: a 联络员/协管员/信息员 logs in with their 手机号 (invited like an
officer, by link or printed sheet) and sees their own village's banquets — list, filing, 回访 —
and nothing else: not another village's banquets (pages and API, 404 or a refusal with nothing
written), not tasks, hazards, the dashboard or the administration."""

import re
import subprocess

from sqlalchemy import func, select
from sqlmodel import Session

from models.audit import AuditEvent
from models.banquet import Banquet
from models.db import get_engine
from models.informant import Informant
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.sign_in import SignIn
from models.task import InspectionTask
from services.accounts.identity import hash_password
from services.banquets.filing import Filing
from services.banquets.register import file_banquet
from tests.support import web as support
from tests.support.web import PASSWORD, TODAY, csrf_of, login

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures
T1 = "510101001000"  # the demo town's township


def _informants(world) -> dict[str, tuple[int, str, str]]:
    """(id, mobile, village code) of the 信息员 of officer A's village ("own") and of another
    village ("other"), both given the test password."""
    with Session(get_engine(world.url)) as session:
        village = session.get(Officer, world.officer_ids["a"]).jurisdiction_id
        own = session.execute(
            select(Informant).where(Informant.jurisdiction_id == village)
        ).scalars().first()  # fmt: skip
        other = session.execute(
            select(Informant).where(Informant.jurisdiction_id != village).order_by(Informant.id)
        ).scalars().first()  # fmt: skip
        found = {}
        for key, person in (("own", own), ("other", other)):
            person.password_hash = hash_password(PASSWORD)
            code = session.get(Jurisdiction, person.jurisdiction_id).code
            found[key] = (person.id, person.mobile, code)
        session.commit()
        return found


def _banquet(world, village: str, host: str, day=TODAY) -> int:
    """A banquet filed by the township office for a village (the service, as `banquet add`)."""
    with Session(get_engine(world.url)) as session:
        filing = Filing(village=village, host=host, event_date=day, diners=150, kind="婚宴")
        result = file_banquet(session=session, filing=filing, actor="test")
        session.commit()
        return result["id"]


def _rows(world) -> tuple[int, int]:
    with Session(get_engine(world.url)) as session:
        return (
            session.execute(select(func.count()).select_from(Banquet)).scalar_one(),
            session.execute(select(func.count()).select_from(InspectionTask)).scalar_one(),
        )


def _token(client, login_name: str) -> dict[str, str]:
    response = client.post("/api/token", data={"username": login_name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _file_page(client, village: str, host: str, day: str):
    token = csrf_of(client.get("/banquets").text)
    form = {"csrf": token, "village": village, "host": host, "event_date": day, "diners": "120",
            "kind": "寿宴", "contact": "", "place": "", "menu": ""}  # fmt: skip
    return client.post("/banquets", data=form, follow_redirects=False)


def test_an_informant_sees_and_files_for_their_own_village_only(world, client_for):
    people = _informants(world)
    _, mobile, own = people["own"]
    other = people["other"][2]
    mine = _banquet(world, own, "本村 张")
    theirs = _banquet(world, other, "外村 李")
    client = client_for()
    signed = login(client, mobile)
    assert signed.headers["location"] == "/banquets"
    listed = client.get("/banquets")
    assert listed.status_code == 200
    assert "本村 张" in listed.text and "外村 李" not in listed.text
    assert 'href="/my/tasks"' not in listed.text and 'href="/office"' not in listed.text
    assert client.get(f"/banquets/{mine}").status_code == 200
    assert client.get(f"/banquets/{theirs}").status_code == 404
    # the village form offers the own village only
    assert re.findall(r'<option value="(\d+)"', listed.text) == [own]

    before = _rows(world)
    refused = _file_page(client, other, "越权 王", "2026-10-20")
    assert refused.status_code == 400 and "不在您的辖区内" in refused.text
    assert _rows(world) == before
    filed = _file_page(client, own, "本村 赵", "2026-10-20")
    assert filed.status_code == 303
    with Session(get_engine(world.url)) as session:
        row = session.execute(select(Banquet).where(Banquet.host == "本村 赵")).scalar_one()
        assert row.filed_by == mobile and row.officer_id is not None  # a guidance task opened

    api = client_for()
    auth = _token(api, mobile)
    assert api.get("/api/me", headers=auth).json()["kind"] == "informant"
    ids = {b["id"] for b in api.get("/api/banquets", headers=auth).json()["banquets"]}
    assert mine in ids and theirs not in ids and row.id in ids
    assert api.get(f"/api/banquets/{theirs}", headers=auth).status_code == 404
    before = _rows(world)
    body = {"village": other, "host": "越权 钱", "event_date": "2026-10-21", "diners": 150}
    refused_api = api.post("/api/banquets", headers=auth, json=body)
    assert refused_api.status_code == 400 and "不在您的辖区内" in refused_api.json()["detail"]
    assert _rows(world) == before
    assert api.post("/api/banquets", headers=auth, json=body | {"village": own}).status_code == 201
    assert api.post(f"/api/banquets/{theirs}/followup", headers=auth,
                    json={"diners": 140}).status_code == 404  # fmt: skip
    done = api.post(f"/api/banquets/{mine}/followup", headers=auth, json={"diners": 140})
    assert done.status_code == 201, done.text
    with Session(get_engine(world.url)) as session:
        assert session.get(Banquet, mine).followed_up_by == mobile
        assert session.get(Banquet, theirs).followed_up_on is None


def test_an_informant_sees_nothing_but_banquets(world, client_for):
    _, mobile, _ = _informants(world)["own"]
    client = client_for()
    login(client, mobile)
    for path in ("/my/tasks", "/my/hazards", "/office", "/office/overdue", "/admin/network",
                 f"/tasks/{world.tasks['a_open']}", f"/hazards/{world.hazards['a']}"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    api = client_for()
    auth = _token(api, mobile)
    assert api.get("/api/stats", headers=auth).status_code == 404
    assert api.get("/api/tasks", headers=auth).json()["total"] == 0
    assert api.get("/api/hazards", headers=auth).json()["total"] == 0
    assert api.get(f"/api/tasks/{world.tasks['a_open']}", headers=auth).status_code == 404
    assert api.get(f"/api/hazards/{world.hazards['a']}", headers=auth).status_code == 404


def test_invitation_then_sign_in_for_an_informant(world, client_for):
    with Session(get_engine(world.url)) as session:
        person = session.execute(
            select(Informant).where(Informant.password_hash.is_(None)).order_by(Informant.id)
        ).scalars().first()  # fmt: skip
        informant_id, mobile, name = person.id, person.mobile, person.name
    admin = client_for("admin_t1")
    page = admin.get("/admin/network")
    assert page.status_code == 200 and mobile in page.text
    row = re.search(rf"<tr>(?:(?!</tr>).)*{mobile}(?:(?!</tr>).)*</tr>", page.text, re.S).group(0)
    assert "未设置" in row
    invited = admin.post("/admin/network/invite",
                         data={"csrf": csrf_of(page.text), "informant_id": str(informant_id)})  # fmt: skip
    assert invited.status_code == 200 and name in invited.text
    link = re.search(r'value="(https?://[^"]+/invite/[^"]+)"', invited.text).group(1)
    path = "/invite/" + link.rsplit("/invite/", 1)[1]
    visitor = client_for()
    form = visitor.get(path)
    assert form.status_code == 200 and mobile in form.text
    done = visitor.post(path, data={"csrf": csrf_of(form.text), "password": "Village-2026",
                                    "repeat": "Village-2026"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert visitor.get(path).status_code == 403  # once only
    login(visitor, mobile, "Village-2026")
    assert "农村集体聚餐备案" in visitor.get("/banquets").text
    again = admin.get("/admin/network").text
    row = re.search(rf"<tr>(?:(?!</tr>).)*{mobile}(?:(?!</tr>).)*</tr>", again, re.S).group(0)
    assert "已设置" in row and "2026-09-22" in row  # the last sign-in, today
    with Session(get_engine(world.url)) as session:
        kinds = (
            session.execute(select(SignIn.account_kind).where(SignIn.account_id == informant_id))
            .scalars()
            .all()
        )
        assert set(kinds) == {"informant"}
        events = (
            session.execute(select(AuditEvent.action).where(AuditEvent.object_id == mobile))
            .scalars()
            .all()
        )
        assert {"account.invite", "account.set_password"} <= set(events)


def test_an_admin_invites_only_the_network_of_its_subtree(world, client_for):
    with Session(get_engine(world.url)) as session:
        t2 = session.execute(
            select(Jurisdiction).where(Jurisdiction.code == "510101002000")
        ).scalar_one()
        village = Jurisdiction(code="510101002001", name="北岭村", level="village",
                               parent_id=t2.id, path=f"{t2.path}510101002001/")  # fmt: skip
        session.add(village)
        session.flush()
        outsider = Informant(name="北岭信息员", mobile="13900000099", role="informant",
                             jurisdiction_id=village.id)  # fmt: skip
        session.add(outsider)
        session.commit()
        outsider_id = outsider.id
    admin = client_for("admin_t1")
    page = admin.get("/admin/network")
    assert "13900000099" not in page.text
    refused = admin.post("/admin/network/invite",
                         data={"csrf": csrf_of(page.text), "informant_id": str(outsider_id)})  # fmt: skip
    assert refused.status_code == 400
    county = client_for("admin_county")
    assert "13900000099" in county.get("/admin/network").text


def test_the_printed_sheet_invites_a_townships_network(world, cli, tmp_path):
    sheet = tmp_path / "信息员邀请单.pdf"
    code, out, err = cli("--db", world.url, "users", "invite", "--jurisdiction", T1, "--network",
                         "--sheet", str(sheet), "--json")  # fmt: skip
    assert code == 0, err
    import json

    result = json.loads(out)
    with Session(get_engine(world.url)) as session:
        path = session.execute(
            select(Jurisdiction.path).where(Jurisdiction.code == T1)
        ).scalar_one()
        expected = sorted(session.execute(
            select(Informant.mobile)
            .join(Jurisdiction, Jurisdiction.id == Informant.jurisdiction_id)
            .where(Informant.active, Jurisdiction.path.startswith(path))
        ).scalars())  # fmt: skip
    assert result["network"] and sorted(o["code"] for o in result["officers"]) == expected
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "信息员设置密码邀请单" in text and f"手机号：{expected[0]}" in text
    code, _, err = cli("--db", world.url, "users", "invite", expected[0], "--network")
    assert code == 2 and "--network" in err
