"""Withdrawn hazards (rule 6): a supervisor withdraws the hazard of a closed entity with a
reason; it leaves the open lists and the closure denominators and stays listed as 已撤销."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Entity, Hazard
from services.core.periods import quarter
from services.figures.quarter import quarter_stats
from tests.support.hazards import COUNTY, add_hazard_row, build_roster

D = dt.date


@pytest.fixture
def roster(session, db_url, set_today):
    set_today("2026-09-24")
    r = build_roster(session)
    r.url = db_url
    return r


def withdraw(cli, url, hazard_id, *args, today="2026-09-24"):
    return cli("--db", url, "--today", today, "hazards", "withdraw", str(hazard_id), *args)


def close_entity(session, entity, status="deregistered"):
    session.get(Entity, entity.id).status = status
    session.commit()


def test_a_supervisor_withdraws_a_closed_entity_s_hazard(cli, session, roster):
    hazard = add_hazard_row(session, entity=roster.e1, officer=roster.officers["BBV001"])
    code, _, err = withdraw(cli, roster.url, hazard.id, "--by", "dbA", "--reason", "已注销")
    assert code == 2 and "在营" in err  # the entity still operates
    close_entity(session, roster.e1)
    events = session.execute(select(func.count()).select_from(AuditEvent)).scalar()
    for args, words in [
        (("--by", "dbB", "--reason", "已注销"), "不是该隐患所在区划"),  # another township
        (("--by", "BBV001", "--reason", "已注销"), "不是该隐患所在区划"),  # its own officer
        (("--by", "old", "--reason", "已注销"), "已停用"),
        (("--by", "dbA", "--reason", "  "), "原因"),
    ]:
        code, out, err = withdraw(cli, roster.url, hazard.id, *args)
        assert code == 2 and out == "" and words in err, (args, err)
    session.expire_all()
    assert session.get(Hazard, hazard.id).status == "pending"
    assert session.execute(select(func.count()).select_from(AuditEvent)).scalar() == events
    reason = "主体 2026-09-20 注销，经营场所已拆除"
    code, out, err = withdraw(
        cli, roster.url, hazard.id, "--by", "dbA", "--reason", reason, "--json"
    )
    assert code == 0, err
    assert json.loads(out) == {
        "id": hazard.id,
        "before": "pending",
        "by": "dbA",
        "reason": reason,
        "withdrawn_on": "2026-09-24",
    }
    session.expire_all()
    kept = session.get(Hazard, hazard.id)
    assert (kept.status, kept.withdrawn_on, kept.withdrawn_reason) == (
        "withdrawn",
        D(2026, 9, 24),
        reason,
    )
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "hazard.withdraw")
    ).scalar_one()
    assert event.actor == "dbA" and event.after["reason"] == reason
    assert event.before == {"status": "pending"}
    code, _, err = withdraw(cli, roster.url, hazard.id, "--by", "admin", "--reason", "再撤")
    assert code == 2 and "已撤销" in err


def test_closed_and_placeless_hazards_cannot_be_withdrawn(cli, session, roster):
    close_entity(session, roster.e2, "suspended")
    done = add_hazard_row(session, entity=roster.e2, status="closed", closed_on=D(2026, 9, 10))
    place = add_hazard_row(session, place=roster.west)
    code, _, err = withdraw(cli, roster.url, done.id, "--by", "dbB", "--reason", "停业")
    assert code == 2 and "已销号" in err
    code, _, err = withdraw(cli, roster.url, place.id, "--by", "dbB", "--reason", "停业")
    assert code == 2 and "不属于某个包保主体" in err
    code, _, err = withdraw(cli, roster.url, 99999, "--by", "dbB", "--reason", "停业")
    assert code == 2 and "不存在" in err


def test_withdrawn_hazards_leave_the_open_lists_and_the_closure_rate(cli, session, roster):
    """Figures of 2026Q3 with one hazard of each kind, computed a second time from the rows."""
    rows = [
        add_hazard_row(session, entity=roster.e1, status="closed", closed_on=D(2026, 9, 20)),
        add_hazard_row(session, entity=roster.e1, status="rectifying"),
        add_hazard_row(session, entity=roster.e2, status="pending"),
        add_hazard_row(session, entity=roster.e2, status="awaiting_verification"),
        add_hazard_row(session, entity=roster.e3, status="pending", found_on=D(2026, 6, 20)),
    ]
    close_entity(session, roster.e2, "suspended")
    for hazard in rows[2:4]:
        assert withdraw(cli, roster.url, hazard.id, "--by", "admin", "--reason", "停业")[0] == 0
    session.expire_all()
    hazards = session.execute(select(Hazard)).scalars().all()
    counted = [h for h in hazards if h.status != "withdrawn"]
    closed = sum(h.status == "closed" for h in counted)
    stats = quarter_stats(session=session, quarter=quarter("2026Q3"), jurisdiction_code=COUNTY)
    totals = stats["hazards"]["totals"]
    assert totals["found"] + totals["carried_over"] == len(counted) == 3
    assert totals["closed"] == closed and totals["closure_rate"] == round(closed / 3, 4)
    assert totals["open"] == sum(h.status != "closed" for h in counted)
    code, out, _ = cli(
        "--db", roster.url, "--today", "2026-09-24", "hazards", "list", "--status", "open", "--json"
    )
    listed = {h["id"] for h in json.loads(out)["hazards"]}
    assert listed == {h.id for h in counted if h.status != "closed"}
    code, out, _ = cli(
        "--db",
        roster.url,
        "--today",
        "2026-09-24",
        "hazards",
        "list",
        "--quarter",
        "2026Q3",
        "--json",
    )
    shown = {h["id"]: h["status"] for h in json.loads(out)["hazards"]}
    assert {shown[h.id] for h in rows[2:4]} == {"withdrawn"}  # still in the quarter's list
    code, out, _ = cli(
        "--db",
        roster.url,
        "--today",
        "2026-09-24",
        "hazards",
        "list",
        "--status",
        "已撤销",
        "--json",
    )
    assert {h["id"] for h in json.loads(out)["hazards"]} == {h.id for h in rows[2:4]}
    # Everything withdrawn in a township: nothing to close, so its closure rate is "—".
    west = [t for t in stats["hazards"]["by_township"] if t["code"] == roster.west.code]
    assert all(t["total"]["closure_rate"] is None for t in west)
    east = next(t for t in stats["hazards"]["by_township"] if t["code"] == roster.east.code)
    assert east["total"]["closure_rate"] == round(closed / 3, 4)
