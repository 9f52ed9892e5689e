"""The quarter's figures (services.figures.quarter_figures) against independent computations: plain
SELECTs of the rows, classified in Python with the working-day calendar."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from sqlalchemy import text

from services.core import calendar
from services.core.periods import quarter
from services.figures import quarter_figures
from services.figures.definitions import cutoff
from tests.support.briefing import (
    AS_OF,
    KEYS,
    T1,
    T2,
    T3,
    T4,
    build_county,
    day,
    expected_tasks,
    task_rows,
)

D = dt.date


@pytest.fixture
def county(engine, set_today):
    return build_county(engine, set_today)


def same_counts(figures: dict, expected: Counter) -> None:
    """figures (a stats task bucket) agrees with an expected Counter, rates included."""
    assert {k: figures[k] for k in KEYS} == {k: expected[k] for k in KEYS}
    due = expected["due"]
    assert figures["completion_rate"] == (round(expected["done"] / due, 4) if due else None)
    assert figures["on_time_rate"] == (round(expected["on_time"] / due, 4) if due else None)


def test_task_figures_equal_a_direct_computation(session, county):
    figures = quarter_figures(session=session, quarter=quarter("2026Q3"))
    expected = expected_tasks(session)
    tasks = figures["tasks"]
    assert figures["as_of"] == "2026-09-30"
    same_counts(tasks["all"], expected["all"])
    for tier in ("city", "county", "township", "village"):
        same_counts(tasks["by_tier"][tier], expected["tier"][tier])
    for source in ("routine", "campaign"):
        same_counts(tasks["by_source"][source], expected["source"][source])
    assert set(tasks["by_township"]) == {T1, T2, T3, T4}
    for town in (T1, T2, T3, T4):
        same_counts(tasks["by_township"][town], expected["town"][town])
    # The fixture's known outcomes, so the comparison above is not vacuous.
    assert tasks["by_township"][T2]["on_time_rate"] < 1 and tasks["by_township"][T2]["late"] == 1
    assert tasks["by_township"][T3]["done"] == 0 and tasks["by_township"][T3]["escalated"] == 2
    assert (
        tasks["by_township"][T4]["total"] == 0 and tasks["by_township"][T4]["on_time_rate"] is None
    )
    assert tasks["all"]["cancelled"] == 1 and expected["all"]["late"] >= 1


def test_coverage_equals_a_direct_computation(session, county):
    # One entity loses its officer on 2026-09-20: 未包保 on 09-30.
    session.execute(
        text("UPDATE assignment SET end_date = :d WHERE entity_id = :e"),
        {"d": D(2026, 9, 20), "e": county["t3_entities"][0]},
    )
    session.commit()
    figures = quarter_figures(session=session, quarter=quarter("2026Q3"))["coverage"]
    entities = session.execute(
        text(
            "SELECT e.id, e.category, e.package_grade, e.risk_grade FROM entity e "
            "JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE j.path LIKE '/510100000000/"
            "510101000000/%' AND e.active AND e.status = 'operating'"
        )
    ).all()
    assignments = session.execute(
        text(
            "SELECT a.entity_id, a.officer_id, a.start_date, a.end_date, o.tier, o.active "
            "FROM assignment a JOIN officer o ON o.id = a.officer_id"
        )
    ).all()
    running = [
        a
        for a in assignments
        if a.active
        and day(a.start_date) <= AS_OF
        and (a.end_date is None or day(a.end_date) >= AS_OF)
    ]
    in_scope = {e.id for e in entities}
    covered = {a.entity_id for a in running}
    all_in_scope = {
        r[0]
        for r in session.execute(
            text(
                "SELECT e.id FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id "
                "WHERE j.path LIKE '/510100000000/510101000000/%'"
            )
        )
    }
    officers = {(a.officer_id, a.tier) for a in running if a.entity_id in all_in_scope}
    assert figures["entities"] == len(entities)
    assert figures["entities_by_category"] == dict(Counter(e.category for e in entities))
    assert figures["entities_by_package_grade"] == dict(Counter(e.package_grade for e in entities))
    assert figures["entities_by_risk_grade"] == dict(Counter(e.risk_grade or "-" for e in entities))
    assert figures["officers"] == len(officers)
    assert figures["officers_by_tier"] == {
        t: sum(1 for _, tier in officers if tier == t)
        for t in ("city", "county", "township", "village")
    }
    assert figures["unassigned"] == len(in_scope - covered) >= 1
    assert [e["key"] for e in figures["unassigned_entities"]] == [
        r[0]
        for r in session.execute(
            text("SELECT licence_no FROM entity WHERE id = :id"), {"id": county["t3_entities"][0]}
        )
    ]


def test_hazard_figures_equal_a_direct_computation(session, county):
    figures = quarter_figures(session=session, quarter=quarter("2026Q3"))
    rows = session.execute(
        text(
            "SELECT h.level, h.source, h.found_on, h.closed_on, h.deadline, j.path FROM hazard h "
            "JOIN jurisdiction j ON j.id = h.jurisdiction_id"
        )
    ).all()
    start = D(2026, 7, 1)
    live = [
        r
        for r in rows
        if day(r.found_on) <= AS_OF and (r.closed_on is None or day(r.closed_on) >= start)
    ]
    still_open = [r for r in live if r.closed_on is None or day(r.closed_on) > AS_OF]
    totals = figures["hazards"]["totals"]
    assert totals["found"] == sum(1 for r in live if day(r.found_on) >= start) == 6
    assert totals["carried_over"] == sum(1 for r in live if day(r.found_on) < start) == 1
    assert totals["closed"] == sum(1 for r in live if r.closed_on and day(r.closed_on) <= AS_OF)
    assert totals["open"] == len(still_open) == 5
    assert totals["overdue"] == sum(1 for r in still_open if day(r.deadline) < AS_OF) == 4
    escalated = defaultdict(int)
    for r in still_open:
        if calendar.workdays_between(day(r.deadline), AS_OF) >= 5:
            code = next((c for c in (T1, T2, T3, T4) if f"/{c}/" in r.path), "510101000000")
            escalated[code] += 1
    assert figures["escalated_hazards"] == dict(escalated) == {T1: 2, "510101000000": 1}
    major = [(h["description"], h["overdue_workdays"]) for h in figures["major_open"]]
    assert major == [
        ("抽检发现农药残留超标 & 未下架", calendar.workdays_between(D(2026, 8, 10), AS_OF)),
        ("使用过期原料", 1),
    ]
    keys = (
        session.execute(
            text(
                "SELECT COALESCE(credit_code, licence_no) FROM entity e WHERE EXISTS (SELECT 1 FROM hazard "
                "h WHERE h.entity_id = e.id AND h.found_on >= '2026-07-01') AND EXISTS (SELECT 1 FROM "
                "hazard h WHERE h.entity_id = e.id AND h.found_on BETWEEN '2025-10-01' AND '2026-06-30') "
                "ORDER BY e.id"
            )
        )
        .scalars()
        .all()
    )
    assert len(keys) == 2
    assert [o["entity_key"] for o in figures["repeat_offenders"]] == keys  # 3 hazards, then 2


def test_escalation_cutoff_counts_working_days_of_the_2026_calendar(set_today):
    # 5 working days back from 2026-09-30: 30, 29, 28, (27 Sun, 26 Sat, 25 holiday) 24, 23.
    assert cutoff(as_of=D(2026, 9, 30), workdays=5) == D(2026, 9, 23)
    assert calendar.workdays_between(D(2026, 9, 22), D(2026, 9, 30)) == 5
    assert calendar.workdays_between(D(2026, 9, 23), D(2026, 9, 30)) == 4
    # Across the National Day holidays and the make-up Saturday 2026-10-10.
    assert cutoff(as_of=D(2026, 10, 13), workdays=5) == D(2026, 10, 8)


def test_previous_quarter_is_its_own_snapshot(session, county):
    q2 = quarter_figures(session=session, quarter=quarter("2026Q2"))
    assert q2["as_of"] == "2026-06-30"
    rows = [r for r in task_rows(session) if D(2026, 4, 1) <= r["due_date"] <= D(2026, 6, 30)]
    done = sum(1 for r in rows if r["status"] == "done" and r["done_on"] <= D(2026, 6, 30))
    assert q2["tasks"]["all"]["done"] == done > 0
    assert q2["tasks"]["all"]["total"] == len(rows)


def test_a_quarter_not_started_is_refused(session, county):
    from services.core.errors import BadInput

    with pytest.raises(BadInput, match="尚未开始"):
        quarter_figures(session=session, quarter=quarter("2027Q1"))
