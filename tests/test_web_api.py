"""The JSON API: tokens, scoped tasks, visit records, hazard moves, stats; and schemathesis
against its OpenAPI document (no 5xx, responses match their schemas)."""

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.support import web as support
from tests.support.web import PASSWORD, PNG, TODAY

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def _token(client, account: str) -> dict:
    response = client.post("/api/token", data={"username": account, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_token_and_me(world, client_for):
    client = client_for()
    assert client.post("/api/token", data={"username": "duban", "password": "x"}).status_code == 400
    auth = _token(client, "duban")
    me = client.get("/api/me", headers=auth).json()
    assert me["kind"] == "supervisor" and me["jurisdiction_name"]
    assert client.get("/api/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_nul_characters_are_refused_not_stored(world, client_for):
    client = client_for()
    assert client.post("/api/token", data={"username": "\x00", "password": "x"}).status_code == 422
    auth = _token(client, world.accounts["officer_a"])
    assert client.get("/api/tasks?period=%00", headers=auth).status_code == 422
    response = client.post(
        f"/api/tasks/{world.tasks['a_open']}/record",
        headers=auth,
        json={"mode": "现场", "note": "a\x00b"},
    )
    assert response.status_code == 422
    office = client_for("supervisor_county")
    assert office.get("/admin/users?q=%00").status_code == 404  # not an admin: 404 first
    assert office.get("/office/officers/%00").status_code == 400


def test_officer_records_a_visit_through_the_api(world, client_for):
    client = client_for()
    auth = _token(client, world.accounts["officer_a"])
    task_id = world.tasks["a_open"]
    detail = client.get(f"/api/tasks/{task_id}", headers=auth).json()
    assert detail["status"] == "open" and detail["checklist"] and detail["record"] is None
    bad = client.post(
        f"/api/tasks/{task_id}/record",
        headers=auth,
        json={"mode": "现场", "answers": {"no_such_item": "是"}},
    )
    assert bad.status_code == 400 and "未知的检查项" in bad.json()["detail"]
    items = [i["id"] for i in detail["checklist"]]
    partial = client.post(
        f"/api/tasks/{task_id}/record",
        headers=auth,
        json={"mode": "现场", "answers": {"daily_control": "否"}},
    )
    assert partial.status_code == 400 and "尚未回答" in partial.json()["detail"]
    # Photos are uploaded first, then attached by id; an id is good only for its uploader.
    name = ("冷库温度计读数照片" * 12)[:100] + ".png"
    uploaded = client.post("/api/uploads", headers=auth, files=[("file", (name, PNG, "image/png"))])
    assert uploaded.status_code == 201, uploaded.text
    upload = uploaded.json()
    assert upload["filename"] == name and upload["size"] == len(PNG)
    other = _token(client, world.accounts["officer_b"])
    foreign = client.post(
        "/api/uploads", headers=other, files=[("file", ("b.png", PNG + b"b", "image/png"))]
    ).json()["id"]
    note = "冷库实测 12℃，无温度记录"
    answers = {key: "是" for key in items} | {
        "daily_control": {"answer": "否", "note": note, "photos": [upload["id"]]}
    }
    refused = client.post(
        f"/api/tasks/{task_id}/record",
        headers=auth,
        json={"mode": "现场", "answers": answers, "photos": [foreign]},
    )
    assert refused.status_code == 400 and "本人上传" in refused.json()["detail"]
    saved = client.post(
        f"/api/tasks/{task_id}/record",
        headers=auth,
        json={
            "mode": "现场",
            "visit_date": str(TODAY),
            "answers": answers,
            "problems": [{"description": "冷库温度超标", "level": "较大"}],
        },
    )
    assert saved.status_code == 201, saved.text
    body = saved.json()
    kept = body["answers"]["daily_control"]
    assert kept["answer"] == "否" and kept["note"] == note
    assert [p["sha256"] for p in kept["photos"]] == [upload["sha256"]]
    assert len(body["answers"]) == len(items) and len(body["hazards"]) == 2
    assert body["recorded_by"] == world.accounts["officer_a"] and body["late_reason"] is None
    failed = next(h for h in body["hazards"] if h["description"] == note)
    evidence = client.get(f"/api/hazards/{failed['id']}", headers=auth).json()["evidence"]
    assert [e["filename"] for e in evidence] == [name]
    assert client.get(f"/api/tasks/{task_id}/record", headers=auth).json()["id"] == body["id"]
    again = client.post(f"/api/tasks/{task_id}/record", headers=auth, json={"mode": "现场"})
    assert again.status_code == 400


def test_hazard_moves_through_the_api(world, client_for):
    client = client_for()
    officer, office = _token(client, world.accounts["officer_a"]), _token(client, "duban")
    hazard_id = world.hazards["a"]
    started = client.post(
        f"/api/hazards/{hazard_id}/move", headers=officer, data={"target": "rectifying"}
    )
    assert started.status_code == 200 and started.json()["to_status"] == "rectifying"
    reported = client.post(
        f"/api/hazards/{hazard_id}/move",
        headers=officer,
        data={"target": "awaiting_verification", "note": "已整改"},
        files=[("evidence", ("a.png", PNG, "image/png"))],
    )
    assert reported.status_code == 200 and len(reported.json()["evidence"]) == 1
    refused = client.post(
        f"/api/hazards/{hazard_id}/move", headers=officer, data={"target": "closed"}
    )
    assert refused.status_code == 400
    closed = client.post(
        f"/api/hazards/{hazard_id}/move", headers=office, data={"target": "closed"}
    )
    assert closed.status_code == 200 and closed.json()["closed_on"] == str(TODAY)
    detail = client.get(f"/api/hazards/{hazard_id}", headers=office).json()
    assert detail["hazard"]["status"] == "closed" and detail["evidence"][0]["size"] == len(PNG)


def test_stats_for_office_and_officer(world, client_for):
    client = client_for()
    office = client.get("/api/stats", headers=_token(client, "duban")).json()
    assert office["quarter"] == "2026Q3" and "by_township" in office["tasks"]
    mine = client.get("/api/stats", headers=_token(client, world.accounts["officer_a"])).json()
    assert mine["tasks"]["overdue"] >= 1 and mine["hazards"]["open"] == 1


def test_token_stops_working_after_a_password_change(world, client_for):
    from sqlmodel import Session, select

    from models.db import get_engine
    from models.user import User
    from services.accounts.identity import hash_password

    client = client_for()
    auth = _token(client, "duban")
    with Session(get_engine(world.url)) as session:
        session.exec(
            select(User).where(User.account == "duban")
        ).one().password_hash = hash_password("Changed-pass-1")
        session.commit()
    assert client.get("/api/me", headers=auth).status_code == 401


def test_expired_token_is_refused(world, client_for):
    from services.accounts.identity import web_policy

    client = client_for()
    auth = _token(client, "duban")
    world.set_today(TODAY + dt.timedelta(days=web_policy().api_token_days + 1))
    assert client.get("/api/me", headers=auth).status_code == 401


def _fuzz(operation, headers: dict, examples: int) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case):
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    run()


@pytest.mark.parametrize("role", ["officer_a", "supervisor_county"])
def test_api_never_answers_5xx(world, app, client_for, role):
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = _token(client_for(), world.accounts[role])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "GET /api/tasks",
        "POST /api/hazards/{hazard_id}/move",
        "POST /api/tasks/{task_id}/record",
    }
    for operation in operations:
        _fuzz(operation, headers, examples=15)
