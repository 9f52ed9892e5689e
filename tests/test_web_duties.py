"""Separation of duties on the pages and the API (rule 12): a 食安办 account holding the 手机号 of
the officer who reported a rectification is the same person, and may not verify it there
either; another supervisor of the jurisdiction may."""

from sqlalchemy import select
from sqlmodel import Session

from models.db import get_engine
from models.hazard import Hazard
from models.officer import Officer
from models.user import User
from tests.support import web as support
from tests.support.web import PASSWORD, PNG, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def _status(world, hazard_id: int) -> str:
    with Session(get_engine(world.url)) as session:
        return session.get(Hazard, hazard_id).status


def test_a_linked_account_cannot_verify_its_own_report_on_any_route(world, client_for):
    hazard_id = world.hazards["a"]
    with Session(get_engine(world.url)) as session:
        officer = session.get(Officer, world.officer_ids["a"])
        supervisor = session.execute(
            select(User).where(User.account == world.accounts["supervisor_t1"])
        ).scalar_one()
        supervisor.mobile = officer.mobile  # one person: the officer is also the supervisor
        session.commit()
    officer_page = client_for("officer_a")
    page = officer_page.get(f"/hazards/{hazard_id}")
    reported = officer_page.post(
        f"/hazards/{hazard_id}/report",
        data={"csrf": csrf_of(page.text), "note": "已整改"},
        files=[("evidence", ("整改.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert reported.status_code == 303 and _status(world, hazard_id) == "awaiting_verification"

    linked = client_for("supervisor_t1")
    page = linked.get(f"/hazards/{hazard_id}")
    assert (
        page.status_code == 200
        and 'value="close"' not in page.text
        and "须由其他人验收" in page.text
    )
    refused = linked.post(
        f"/hazards/{hazard_id}/verify", data={"csrf": csrf_of(page.text), "decision": "close"}
    )
    assert refused.status_code == 400 and "须由他人验收" in refused.text
    token = linked.post(
        "/api/token", data={"username": world.accounts["supervisor_t1"], "password": PASSWORD}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client_for().get(f"/api/hazards/{hazard_id}", headers=auth).json()["moves"] == []
    moved = client_for().post(
        f"/api/hazards/{hazard_id}/move", headers=auth, data={"target": "closed"}
    )
    assert moved.status_code == 400 and "须由他人验收" in moved.json()["detail"]
    assert _status(world, hazard_id) == "awaiting_verification"

    other = client_for("supervisor_county")
    page = other.get(f"/hazards/{hazard_id}")
    assert 'value="close"' in page.text
    closed = other.post(
        f"/hazards/{hazard_id}/verify",
        data={"csrf": csrf_of(page.text), "decision": "close"},
        follow_redirects=False,
    )
    assert closed.status_code == 303 and _status(world, hazard_id) == "closed"
