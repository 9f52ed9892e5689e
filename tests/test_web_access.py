"""The access sweep: every route × every role × objects inside and outside scope.

Nothing outside a person's scope can be read or written: such objects answer 404, pages of
another audience answer 404, anonymous visitors are sent to the login page (the API answers
401), and the database is unchanged by every refused write.
"""

import re

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.audit import AuditEvent
from models.campaign import Campaign
from models.db import get_engine
from models.hazard import Hazard
from models.record import InspectionRecord
from tests.support import web as support
from tests.support.web import PNG, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures

ROLES = (
    "officer_a",
    "officer_b",
    "officer_t2",
    "supervisor_t1",
    "supervisor_t2",
    "supervisor_county",
    "admin_t1",
    "admin_county",
    "admin_city",
)
OFFICE = (
    "supervisor_t1",
    "supervisor_t2",
    "supervisor_county",
    "admin_t1",
    "admin_county",
    "admin_city",
)
ADMINS = ("admin_t1", "admin_county", "admin_city")
SYSTEM_ADMINS = ("admin_county", "admin_city")
T1_OFFICE = ("supervisor_t1", "supervisor_county", "admin_t1", "admin_county", "admin_city")
T2_OFFICE = ("supervisor_t2", "supervisor_county", "admin_county", "admin_city")
# Who may see each object of the world.
SEES_TASK = {
    "a_open": ("officer_a", *T1_OFFICE),
    "a_overdue": ("officer_a", *T1_OFFICE),
    "b_open": ("officer_b", *T1_OFFICE),
    "t2_open": ("officer_t2", *T2_OFFICE),
}
SEES_HAZARD = {
    "a": ("officer_a", *T1_OFFICE),
    "b": ("officer_b", *T1_OFFICE),
    "t2": ("officer_t2", *T2_OFFICE),
}

# Pages by audience (GET): who gets 200.
PAGES = {
    "/account": ROLES,
    "/banquets": ROLES,
    "/my/tasks": ("officer_a", "officer_b", "officer_t2"),
    "/my/hazards": ("officer_a", "officer_b", "officer_t2"),
    "/office": OFFICE,
    "/office/overdue": OFFICE,
    "/office/tasks": OFFICE,
    "/office/tasks?status=done": OFFICE,
    "/office/unassigned": OFFICE,
    "/office/hazards": OFFICE,
    "/office/hazards?status=open": OFFICE,
    "/office/tasks.xlsx": OFFICE,
    "/office/hazards.xlsx?status=": OFFICE,
    "/office/downloads": OFFICE,
    "/office/downloads/lists.xlsx": OFFICE,
    "/office/visits/ledger.xlsx": OFFICE,
    "/office/ranking": OFFICE,
    "/office/ranking?format=csv": OFFICE,
    "/admin/users": ADMINS,
    "/admin/sessions?account=BB_T1_SUPERVISOR": ADMINS,
    "/admin/invitations": ADMINS,
    "/admin/network": ADMINS,
    "/admin/campaigns": ADMINS,
    "/admin/handover": ADMINS,
    "/admin/roster/template.xlsx": ADMINS,
    "/admin/roster": SYSTEM_ADMINS,
    "/admin/roster/export.xlsx": SYSTEM_ADMINS,
    "/admin/schedule": SYSTEM_ADMINS,
    "/admin/calendar": SYSTEM_ADMINS,
    "/admin/doctor": SYSTEM_ADMINS,
}
# Every route of the app must be listed here (the sweep fails when a new route is not).
COVERED = {
    "GET /",
    "GET /login",
    "POST /login",
    "POST /logout",
    "GET /invite/{token}",
    "POST /invite/{token}",
    "GET /account",
    "POST /account/password",
    "GET /my/tasks",
    "GET /tasks/{task_id}",
    "POST /tasks/{task_id}/record",
    "GET /tasks/{task_id}/photos/{sha256}",
    "GET /my/hazards",
    "GET /hazards/{hazard_id}",
    "POST /hazards/{hazard_id}/start",
    "POST /hazards/{hazard_id}/report",
    "GET /hazards/{hazard_id}/evidence/{sha256}",
    "GET /hazards/{hazard_id}/photos/{sha256}",
    "POST /hazards/{hazard_id}/verify",
    "POST /hazards/{hazard_id}/withdraw",
    "POST /admin/unassigned/assign",
    "GET /office",
    "GET /office/overdue",
    "GET /office/officers/{code}",
    "GET /office/tasks",
    "GET /office/unassigned",
    "GET /office/hazards",
    "GET /office/tasks.xlsx",
    "GET /office/hazards.xlsx",
    "GET /office/downloads",
    "GET /office/downloads/lists.xlsx",
    "GET /office/ranking",
    "GET /office/briefings/{briefing_id}/{fmt}",
    "GET /tasks/{task_id}/record.pdf",
    "GET /office/visits/records",
    "GET /office/visits/ledger.xlsx",
    "GET /admin",
    "GET /admin/roster",
    "POST /admin/roster",
    "POST /admin/roster/apply",
    "GET /admin/roster/export.xlsx",
    "GET /admin/roster/template.xlsx",
    "GET /admin/users",
    "GET /admin/sessions",
    "POST /admin/sessions/end",
    "POST /links/{kind}/{item_id}",
    "POST /admin/users/invite",
    "GET /admin/invitations",
    "POST /admin/invitations",
    "GET /admin/invitations/sheet",
    "GET /admin/network",
    "POST /admin/network/invite",
    "POST /admin/network/sheet",
    "GET /admin/campaigns",
    "POST /admin/campaigns",
    "GET /admin/schedule",
    "GET /admin/calendar",
    "POST /admin/calendar",
    "GET /admin/doctor",
    "GET /healthz",
    "GET /admin/handover",
    "POST /admin/handover",
    "POST /api/token",
    "GET /api/me",
    "GET /api/tasks",
    "GET /api/tasks/{task_id}",
    "GET /api/tasks/{task_id}/record",
    "POST /api/tasks/{task_id}/record",
    "GET /api/hazards",
    "GET /api/hazards/{hazard_id}",
    "POST /api/hazards/{hazard_id}/move",
    "POST /api/hazards/{hazard_id}/withdraw",
    "POST /api/uploads",
    "GET /api/stats",
    "GET /api/openapi.json",
    "GET /banquets",
    "POST /banquets",
    "GET /banquets/{banquet_id}",
    "POST /banquets/{banquet_id}/guide",
    "POST /banquets/{banquet_id}/followup",
    "POST /banquets/{banquet_id}/reassign",
    "GET /api/banquets",
    "POST /api/banquets",
    "GET /api/banquets/{banquet_id}",
    "POST /api/banquets/{banquet_id}/guidance",
    "POST /api/banquets/{banquet_id}/followup",
    "POST /api/banquets/{banquet_id}/reassign",
}


def _state(url: str) -> tuple:
    with Session(get_engine(url)) as session:
        return (
            session.execute(select(func.count()).select_from(InspectionRecord)).scalar(),
            session.execute(select(func.count()).select_from(AuditEvent)).scalar(),
            session.execute(select(func.count()).select_from(Campaign)).scalar(),
            tuple(session.execute(select(Hazard.id, Hazard.status).order_by(Hazard.id))),
        )


def _routes(routes) -> set[str]:
    found = set()
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's included routers
            found |= _routes(route.original_router.routes)
        elif hasattr(route, "methods"):
            found |= {f"{m} {route.path}" for m in route.methods if m != "HEAD"}
    return found


def test_every_route_is_in_the_sweep(app):
    routes = _routes(app.routes)
    assert routes - COVERED == set(), "add new routes to the access sweep"
    assert COVERED - routes == set()


def test_pages_answer_only_their_audience(world, client_for):
    anonymous = client_for()
    pages = {
        p.replace("BB_T1_SUPERVISOR", world.accounts["supervisor_t1"]): a for p, a in PAGES.items()
    }
    for path in pages:
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/login?next="
        ), path
    for role in ROLES:
        client = client_for(role)
        for path, allowed in pages.items():
            expected = 200 if role in allowed else 404
            assert client.get(path).status_code == expected, (role, path)


def test_objects_outside_scope_answer_404_for_reading(world, client_for):
    for role in ROLES:
        client = client_for(role)
        for name, task_id in world.tasks.items():
            expected = 200 if role in SEES_TASK.get(name, ()) else 404
            if name == "a_done":
                expected = 200 if role in SEES_TASK["a_open"] else 404
            assert client.get(f"/tasks/{task_id}").status_code == expected, (role, name)
        for name, hazard_id in world.hazards.items():
            expected = 200 if role in SEES_HAZARD[name] else 404
            assert client.get(f"/hazards/{hazard_id}").status_code == expected, (role, name)


def test_lists_hold_only_what_is_in_scope(world, client_for):
    t2_task, a_task = world.tasks["t2_open"], world.tasks["a_overdue"]
    t2_page = client_for("supervisor_t2").get("/office/tasks?status=open").text
    assert (
        f'href="/tasks/{t2_task}"' in t2_page
        and f'href="/tasks/{world.tasks["a_open"]}"' not in t2_page
    )
    t1_page = client_for("supervisor_t1").get("/office/tasks?status=overdue").text
    assert f'href="/tasks/{a_task}"' in t1_page
    assert (
        f'href="/tasks/{t2_task}"'
        not in client_for("supervisor_t1").get("/office/tasks?status=open").text
    )
    t2_hazards = client_for("supervisor_t2").get("/office/hazards?status=open").text
    assert f'/hazards/{world.hazards["t2"]}"' in t2_hazards
    assert f'/hazards/{world.hazards["a"]}"' not in t2_hazards
    b_tasks = client_for("officer_b").get("/my/tasks").text
    assert f'/tasks/{a_task}"' not in b_tasks
    users = client_for("admin_t1").get("/admin/users").text
    assert "db_t2" not in users and ">duban<" not in users
    assert (
        client_for("supervisor_t2")
        .get(f"/office/officers/{world.accounts['officer_a']}")
        .status_code
        == 404
    )
    assert (
        client_for("supervisor_t1")
        .get(f"/office/officers/{world.accounts['officer_a']}")
        .status_code
        == 200
    )


def _post_as(client, path: str, data: dict | None = None, files=None):
    token = csrf_of(client.get("/account").text) if "csrf" not in (data or {}) else None
    body = {**(data or {}), **({"csrf": token} if token else {})}
    return client.post(path, data=body, files=files, follow_redirects=False)


def test_writes_outside_scope_are_refused_and_change_nothing(world, client_for):
    before = _state(world.url)
    for role in ROLES:
        client = client_for(role)
        for name, task_id in world.tasks.items():
            owner = SEES_TASK.get(name, SEES_TASK["a_open"])[0]
            if role == owner:
                continue
            response = _post_as(
                client, f"/tasks/{task_id}/record", {"mode": "现场", "answer_daily_control": "否"}
            )
            assert response.status_code == 404, (role, name)
        for name, hazard_id in world.hazards.items():
            if role != SEES_HAZARD[name][0]:
                for action in ("start", "report"):
                    response = _post_as(
                        client,
                        f"/hazards/{hazard_id}/{action}",
                        {},
                        files=[("evidence", ("e.png", PNG, "image/png"))],
                    )
                    assert response.status_code == 404, (role, name, action)
            if role not in SEES_HAZARD[name][1:]:
                response = _post_as(client, f"/hazards/{hazard_id}/verify", {"decision": "close"})
                assert response.status_code == 404, (role, name)
                response = _post_as(client, f"/hazards/{hazard_id}/withdraw", {"reason": "停业"})
                assert response.status_code == 404, (role, name)
    assert _state(world.url) == before


def test_admin_writes_stay_inside_the_subtree(world, client_for):
    before = _state(world.url)
    client = client_for("admin_t1")
    response = _post_as(client, "/admin/users/invite", {"account": "db_t2"})
    assert response.status_code == 400
    response = _post_as(client, "/admin/invitations", {"jurisdiction": "510101002000"})
    assert response.status_code == 400 and "不存在" in response.text
    response = _post_as(client, "/admin/network/sheet", {"jurisdiction": "510101002000"})
    assert response.status_code == 400 and "不存在" in response.text
    response = _post_as(
        client,
        "/admin/campaigns",
        {"name": "越界", "due": "2026-12-01", "jurisdiction": "510101002000"},
    )
    assert response.status_code == 400 and "不在您的管辖范围内" in response.text
    officers = world.accounts
    for handover in (
        {"from_code": officers["officer_t2"], "to_code": officers["officer_a"]},
        {"from_code": officers["officer_a"], "to_code": officers["officer_t2"]},
    ):
        response = _post_as(client, "/admin/handover", handover)
        assert response.status_code == 400 and "不存在" in response.text
    for role in ("officer_a", "supervisor_county", "admin_t1"):
        response = _post_as(
            client_for(role),
            "/admin/roster",
            files=[("file", ("r.xlsx", b"x", "application/octet-stream"))],
        )
        assert response.status_code == 404, role
        calendar_file = "类型,名称,开始日期\n放假,元旦,2027-01-01\n".encode()
        response = _post_as(
            client_for(role),
            "/admin/calendar",
            files=[("file", ("2027.csv", calendar_file, "text/csv"))],
        )
        assert response.status_code == 404, role
    assert _state(world.url) == before


def test_one_tap_session_reaches_its_one_task_only(world, client_for):
    client = client_for()
    opened = client.get(
        support.one_tap_link(world, "task", world.tasks["a_open"]), follow_redirects=False
    )
    assert opened.status_code == 303 and opened.headers["location"] == (
        f"/tasks/{world.tasks['a_open']}"
    )
    assert client.get(f"/tasks/{world.tasks['a_open']}").status_code == 200
    assert client.get(f"/tasks/{world.tasks['a_overdue']}").status_code == 404
    assert client.get(f"/hazards/{world.hazards['a']}").status_code == 404
    for path in ("/my/tasks", "/my/hazards", "/office", "/account"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"], path


def _tokens(client_for, world) -> dict:
    client, tokens = client_for(), {}
    for role in ROLES:
        response = client.post(
            "/api/token", data={"username": world.accounts[role], "password": "Secret-2026"}
        )
        assert response.status_code == 200, response.text
        tokens[role] = response.json()["access_token"]
    return tokens


def test_api_is_scoped_like_the_pages(world, client_for):
    client, tokens = client_for(), _tokens(client_for, world)
    assert client.get("/api/tasks").status_code == 401
    before = _state(world.url)
    for role, token in tokens.items():
        auth = {"Authorization": f"Bearer {token}"}
        listed = {t["id"] for t in client.get("/api/tasks?limit=500", headers=auth).json()["tasks"]}
        for name, task_id in world.tasks.items():
            sees = role in SEES_TASK.get(name, SEES_TASK["a_open"])
            assert (task_id in listed) == sees, (role, name)
            expected = 200 if sees else 404
            assert client.get(f"/api/tasks/{task_id}", headers=auth).status_code == expected
            if not sees:
                response = client.post(
                    f"/api/tasks/{task_id}/record",
                    headers=auth,
                    json={"mode": "现场", "answers": {}},
                )
                assert response.status_code == 404, (role, name)
        hazards = {
            h["id"] for h in client.get("/api/hazards?limit=500", headers=auth).json()["hazards"]
        }
        for name, hazard_id in world.hazards.items():
            sees = role in SEES_HAZARD[name]
            assert (hazard_id in hazards) == sees, (role, name)
            if not sees:
                assert client.get(f"/api/hazards/{hazard_id}", headers=auth).status_code == 404
                response = client.post(
                    f"/api/hazards/{hazard_id}/move", headers=auth, data={"target": "closed"}
                )
                assert response.status_code == 404, (role, name)
            if not sees or role.startswith("officer"):
                response = client.post(
                    f"/api/hazards/{hazard_id}/withdraw", headers=auth, json={"reason": "停业"}
                )
                assert response.status_code == 404, (role, name)
        if not role.startswith("officer"):
            response = client.post(
                "/api/uploads", headers=auth, files=[("file", ("p.png", PNG, "image/png"))]
            )
            assert response.status_code == 404, role
    assert _state(world.url) == before


@pytest.mark.parametrize("path", ["/tasks/{t}/photos/{sha}", "/hazards/{h}/evidence/{sha}"])
def test_files_outside_scope_answer_404(world, client_for, path):
    client = client_for("officer_b")
    page = client.get(f"/tasks/{world.tasks['b_open']}")
    items = list(dict.fromkeys(re.findall(r'name="answer_(\w+)"', page.text)))
    form = {
        "csrf": csrf_of(page.text),
        "mode": "现场",
        "visit_date": "2026-09-22",
        **{f"answer_{i}": "是" for i in items},
    }
    client.post(
        f"/tasks/{world.tasks['b_open']}/record",
        data=form,
        files=[("photos", ("p.png", PNG, "image/png"))],
    )
    sha = re.search(r'/photos/(\w+)"', client.get(f"/tasks/{world.tasks['b_open']}").text)[1]
    url = path.format(t=world.tasks["b_open"], h=world.hazards["b"], sha=sha)
    if "evidence" in path:
        page = client.get(f"/hazards/{world.hazards['b']}")
        client.post(
            f"/hazards/{world.hazards['b']}/report",
            data={"csrf": csrf_of(page.text)},
            files=[("evidence", ("p.png", PNG, "image/png"))],
        )
    assert client.get(url).status_code == 200
    for role in ("officer_a", "supervisor_t2"):
        assert client_for(role).get(url).status_code == 404, role
    assert client_for("supervisor_t1").get(url).status_code == 200


def test_sessions_of_a_foreign_jurisdiction_are_neither_listed_nor_ended(world, client_for):
    """Every administrator × every person outside its subtree: the sessions page and ending
    them answer 400 (no such account for you) and end nothing."""
    from models.sign_in import SignIn

    for role in ROLES:  # everyone signs in: a running session each
        client_for(role)
    with Session(get_engine(world.url)) as session:
        running = session.execute(select(func.count()).where(SignIn.ended_at.is_(None))).scalar()
    foreign = {
        "admin_t1": ("supervisor_t2", "officer_t2", "supervisor_county", "admin_county"),
        "admin_county": ("admin_city",),
        "admin_city": (),
    }
    for admin, outside in foreign.items():
        client = client_for(admin)
        token = csrf_of(client.get("/account").text)
        for role in outside:
            account = world.accounts[role]
            assert client.get(f"/admin/sessions?account={account}").status_code == 400, role
            response = client.post("/admin/sessions/end", data={"csrf": token, "account": account})
            assert response.status_code == 400, (admin, role)
    for role in ROLES:
        if role not in ADMINS:
            client = client_for(role)
            token = csrf_of(client.get("/account").text)
            response = client.post(
                "/admin/sessions/end", data={"csrf": token, "account": world.accounts[role]}
            )
            assert response.status_code == 404, role
    with Session(get_engine(world.url)) as session:
        after = session.execute(select(func.count()).where(SignIn.ended_at.is_(None))).scalar()
    assert after == running + len(foreign) + len(ROLES) - len(ADMINS)
