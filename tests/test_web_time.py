"""Times on pages and in the API are Asia/Shanghai wall time on both databases (fixed clock)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.db import get_engine
from services.core import clock
from tests.support import web as support
from tests.support.web import PASSWORD, PNG, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures

# 07:30 in Shanghai is 23:30 UTC of the day before: a UTC slip would show the wrong day too.
MOMENT = dt.datetime(2026, 9, 22, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MOMENT)
    return MOMENT


def test_report_time_is_shanghai_wall_time_on_page_api_and_in_storage(
    world, client_for, fixed_clock
):
    hazard_id = world.hazards["a"]
    client = client_for("officer_a")
    page = client.get(f"/hazards/{hazard_id}")
    response = client.post(
        f"/hazards/{hazard_id}/report",
        data={"csrf": csrf_of(page.text), "note": "已整改"},
        files=[("evidence", ("整改.png", PNG, "image/png"))],
    )
    assert response.status_code == 200, response.text
    assert "2026-09-22 07:30" in response.text and "2026-09-21 23:30" not in response.text
    with Session(get_engine(world.url)) as session:
        stored = (
            session.execute(
                select(AuditEvent.occurred_at)
                .where(AuditEvent.object_type == "hazard", AuditEvent.object_id == str(hazard_id))
                .order_by(AuditEvent.id.desc())
            )
            .scalars()
            .first()
        )
    assert stored == MOMENT
    token = client.post(
        "/api/token", data={"username": world.accounts["officer_a"], "password": PASSWORD}
    ).json()["access_token"]
    detail = client.get(
        f"/api/hazards/{hazard_id}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert detail["evidence"][0]["uploaded_at"] == "2026-09-22T07:30:00+08:00"
