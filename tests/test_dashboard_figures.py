"""The office dashboard and lists of a test county, every figure computed a second time over the
rows (tests.support.figures_county.expected), on both databases: a quarter with data, a quarter
with none yet, and a quarter whose roster changed in the middle (handover, an assignment ended).
"""

import datetime as dt

import pytest
from sqlmodel import Session

from services.accounts import access, access_office
from services.core.periods import period_containing
from services.permissions.principal import load_principal
from tests.support.figures_county import build_county, dated, expected, rate, rows, workdays_after

D = dt.date
ALARMS = ("overdue", "earlier_overdue", "unassigned", "hazards_overdue", "hazards_verify_overdue")
SCENARIOS = {
    "with_data": (D(2026, 9, 22), False, "2026-12"),  # Q3 running; Q2's leftovers are 往期逾期
    "none_yet": (D(2026, 10, 9), False, "2026-09"),  # Q4 holds no task: every rate is "—"
    "roster_changed": (D(2026, 8, 20), True, "2026-12"),  # 西村 handed over 07-15, 1 ended 08-10
}


@pytest.fixture(params=sorted(SCENARIOS))
def county(request, session: Session, set_today):
    today, change, through = SCENARIOS[request.param]
    set_today(today.isoformat())
    built = build_county(session, today=today, roster_change=change, through=through)
    who = load_principal(session=session, kind="admin", person_id=built.admin_id)
    return request.param, today, who


def test_dashboard_figures_agree_with_the_rows(session, county):
    scenario, today, who = county
    quarter = period_containing(today, "quarterly")
    figures = access_office.dashboard(session=session, who=who)
    board = figures["dashboard"]
    want = expected(session, quarter, today)

    rows_by_key = {r["key"]: r for r in board["task_rows"]}
    assert set(want["tasks"]) <= set(rows_by_key)  # every task has its row: tiers included
    assert {"county", "city"} <= set(rows_by_key)
    for key, row in rows_by_key.items():
        c = want["tasks"].get(
            key, dict.fromkeys(("due", "done", "on_time", "late", "overdue", "earlier_overdue"), 0)
        )
        got = {k: row[k] for k in c}
        assert got == c, (scenario, key)
        assert row["completion_rate"] == rate(c["done"], c["due"])
        assert row["on_time_rate"] == rate(c["on_time"], c["due"])
    # The headline equals the sum of the rows and the quarter's own figures.
    totals = board["task_totals"]
    for k in ("due", "done", "on_time", "overdue", "earlier_overdue"):
        assert totals[k] == sum(r[k] for r in board["task_rows"])
    assert totals["due"] == figures["tasks"]["all"]["due"]
    assert totals["done"] == figures["tasks"]["all"]["done"]
    assert totals["overdue"] == figures["tasks"]["all"]["overdue"]

    hazards = {h["key"]: h for h in board["hazard_rows"]}
    for key, c in want["hazards"].items():
        assert {k: hazards[key][k] for k in c} == c, (scenario, key)
    assert sum(h["open"] for h in board["hazard_rows"]) == board["hazard_totals"]["open"]

    cards = {c["key"]: c for c in board["cards"]}
    assert cards["completion_rate"]["value"] == rate(totals["done"], totals["due"])
    assert cards["on_time_rate"]["value"] == rate(totals["on_time"], totals["due"])
    assert cards["overdue"]["value"] == totals["overdue"]
    assert cards["earlier_overdue"]["value"] == totals["earlier_overdue"]
    assert cards["hazards_overdue"]["value"] == board["hazard_totals"]["overdue"]
    assert cards["hazards_verify_overdue"]["value"] == board["hazard_totals"]["verify_overdue"]
    assert cards["unassigned"]["value"] == _unassigned(session, today)
    for card in board["cards"]:
        assert card["period"], card["key"]  # every card says what it counts
        assert card["alarm"] == (card["key"] in ALARMS and bool(card["value"])), card
        if card["value"] is None:
            assert card["shown"] == "—"
    if scenario == "roster_changed":  # the handed-over tasks count for nobody; one entity 未包保
        moved = [t for t in rows(session, "inspection_task") if t["status"] == "handed_over"]
        assert moved and cards["unassigned"]["value"] == 1 and cards["unassigned"]["alarm"]
    if scenario == "none_yet":
        assert totals["due"] == 0 and cards["completion_rate"]["shown"] == "—"
        assert figures["tasks"]["all"]["completion_rate"] is None
        assert totals["earlier_overdue"] > 0  # Q3's leftovers, on their own card
    else:
        assert totals["due"] > 0 and totals["overdue"] > 0


def test_lists_agree_with_the_rows(session, county):
    scenario, today, who = county
    tasks = dated(rows(session, "inspection_task"))
    overdue_now = [
        t for t in tasks if t["status"] == "open" and workdays_after(t["due_date"], today) >= 1
    ]
    listed = access_office.tasks_in_scope(session=session, who=who, status="overdue", limit=1000)
    assert sorted(t["id"] for t in listed["tasks"]) == sorted(t["id"] for t in overdue_now)
    by_officer = access_office.overdue_by_officer(session=session, who=who)
    assert sum(o["overdue"] for o in by_officer) == len(overdue_now)
    board = access_office.dashboard(session=session, who=who)["dashboard"]
    cards = {c["key"]: c["value"] for c in board["cards"]}
    assert cards["overdue"] + cards["earlier_overdue"] == len(overdue_now)

    hazards = dated(rows(session, "hazard"))
    want = {
        "open": {h["id"] for h in hazards if h["status"] != "closed"},
        "overdue": {
            h["id"]
            for h in hazards
            if h["status"] in ("pending", "rectifying")
            and workdays_after(h["deadline"], today) >= 1
        },
        "verify_overdue": {
            h["id"]
            for h in hazards
            if h["status"] == "awaiting_verification"
            and workdays_after(h["reported_on"], today) > 5
        },
    }
    for status, ids in want.items():
        got = access.hazards_in_scope(session=session, who=who, status=status, limit=1000)
        assert {h["id"] for h in got} == ids, (scenario, status)
    assert len(want["overdue"]) == cards["hazards_overdue"]
    assert len(want["verify_overdue"]) == cards["hazards_verify_overdue"]


def _unassigned(session: Session, today: dt.date) -> int:
    covered = {
        a["entity_id"]
        for a in dated(rows(session, "assignment"))
        if a["start_date"] <= today and (a["end_date"] is None or a["end_date"] >= today)
    }
    return sum(
        1
        for e in rows(session, "entity")
        if e["status"] == "operating" and e["active"] and e["id"] not in covered
    )
