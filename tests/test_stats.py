"""The stats service's hazard figures for a quarter: by township and level, carried over, by
source, and the repeat offenders — each expected figure worked out by hand below."""

import datetime as dt

import pytest
from sqlalchemy import text

from services.core.periods import quarter
from services.figures import quarter_stats
from tests.support.hazards import WEST, add_hazard_row, build_roster

D = dt.date
ZERO = {"carried_over": 0, "found": 0, "closed": 0, "open": 0, "overdue": 0, "verify_overdue": 0}


@pytest.fixture
def county(session):
    """Hazards of 2026Q2–Q4. For 2026Q3 (figures as of 2026-09-30):
    东镇 — h1 carried over (Q2) and closed in Q3; h3 found, open, overdue; h4 found, open, due
    in Q4; h2 found and closed in Q2 (not counted). 西镇 — h5 found and closed in Q3; h6
    carried over, open, reported in time and waiting for verification since (the office's
    verification overdue, not the officer's overdue); h8 found in Q4 (not counted). 福塘县本级 — h7 found, overdue.
    """
    r = build_roster(session)
    h = {}
    h[1] = add_hazard_row(
        session,
        entity=r.e1,
        level="major",
        found_on=D(2026, 5, 10),
        deadline=D(2026, 5, 15),
        status="closed",
        closed_on=D(2026, 7, 20),
    )
    h[2] = add_hazard_row(
        session,
        entity=r.e1,
        found_on=D(2026, 6, 1),
        deadline=D(2026, 6, 22),
        status="closed",
        closed_on=D(2026, 6, 20),
    )
    h[3] = add_hazard_row(
        session,
        entity=r.e1,
        level="serious",
        found_on=D(2026, 8, 3),
        deadline=D(2026, 8, 17),
        status="rectifying",
    )
    h[4] = add_hazard_row(session, entity=r.e3, found_on=D(2026, 9, 24), deadline=D(2026, 10, 22))
    h[5] = add_hazard_row(
        session,
        entity=r.e2,
        level="major",
        found_on=D(2026, 7, 6),
        deadline=D(2026, 7, 13),
        status="closed",
        closed_on=D(2026, 7, 10),
    )
    h[6] = add_hazard_row(
        session,
        entity=r.e2,
        found_on=D(2026, 4, 1),
        deadline=D(2026, 4, 22),
        status="awaiting_verification",
        reported_on=D(2026, 4, 20),
    )
    h[7] = add_hazard_row(
        session,
        place=r.county,
        source="sampling",
        level="serious",
        found_on=D(2026, 9, 1),
        deadline=D(2026, 9, 15),
    )
    h[8] = add_hazard_row(session, entity=r.e2, found_on=D(2026, 10, 9), deadline=D(2026, 10, 30))
    return r, h


def _c(**figures):
    return {**ZERO, **figures}


def _rated(figures: dict) -> dict:
    due = figures["carried_over"] + figures["found"]
    return {**figures, "closure_rate": round(figures["closed"] / due, 4) if due else None}


def test_quarter_figures_by_township_and_level(session, set_today, county):
    set_today("2026-10-12")
    stats = quarter_stats(session=session, quarter=quarter("2026Q3"))
    assert (stats["quarter"], stats["as_of"], stats["jurisdiction"]["code"]) == (
        "2026Q3",
        D(2026, 9, 30),
        "510101000000",
    )
    hazards = stats["hazards"]
    assert hazards["totals"] == _rated(
        _c(carried_over=2, found=4, closed=2, open=4, overdue=2, verify_overdue=1)
    )
    assert hazards["totals"]["closure_rate"] == round(2 / 6, 4)
    assert hazards["by_level"] == {
        "major": _rated(_c(carried_over=1, found=1, closed=2)),
        "serious": _rated(_c(found=2, open=2, overdue=2)),
        "general": _rated(_c(carried_over=1, found=1, open=2, verify_overdue=1)),
    }
    assert hazards["by_source"]["sampling"] == _rated(_c(found=1, open=1, overdue=1))
    assert hazards["by_source"]["complaint"] == _rated(ZERO)
    towns = {t["name"]: t for t in hazards["by_township"]}
    assert [t["code"] for t in hazards["by_township"]] == [
        "510101000000",
        "510101001000",
        "510101002000",
    ]
    assert towns["东镇"]["total"] == _rated(
        _c(carried_over=1, found=2, closed=1, open=2, overdue=1)
    )
    assert towns["东镇"]["levels"] == {
        "major": _rated(_c(carried_over=1, closed=1)),
        "serious": _rated(_c(found=1, open=1, overdue=1)),
        "general": _rated(_c(found=1, open=1)),
    }
    assert towns["西镇"]["total"] == _rated(
        _c(carried_over=1, found=1, closed=1, open=1, verify_overdue=1)
    )
    assert towns["福塘县本级"]["total"] == _rated(_c(found=1, open=1, overdue=1))


def test_figures_agree_with_direct_sql(session, set_today, county):
    set_today("2026-10-12")
    totals = quarter_stats(session=session, quarter=quarter("2026Q3"))["hazards"]["totals"]
    q = {"s": "2026-07-01", "e": "2026-09-30"}
    sql = {
        "found": "found_on BETWEEN :s AND :e",
        "closed": "closed_on BETWEEN :s AND :e",
        "carried_over": "found_on < :s AND (closed_on IS NULL OR closed_on >= :s)",
        "open": "found_on <= :e AND (closed_on IS NULL OR closed_on > :e)",
        "overdue": "found_on <= :e AND (closed_on IS NULL OR closed_on > :e) AND deadline < :e "
        "AND (reported_on IS NULL OR reported_on > :e)",
    }
    for figure, where in sql.items():
        count = session.execute(text(f"SELECT COUNT(*) FROM hazard WHERE {where}"), q).scalar()
        assert totals[figure] == count, figure


def test_repeat_offenders_have_hazards_in_two_quarters(session, set_today, county):
    set_today("2026-10-12")
    offenders = quarter_stats(session=session, quarter=quarter("2026Q3"))["repeat_offenders"]
    assert [(o["entity_name"], o["quarters"], o["hazards"], o["township"]) for o in offenders] == [
        ("东村好味餐馆", ["2026Q2", "2026Q3"], 3, "东镇"),  # h1, h2 in Q2; h3 in Q3
        ("西村便民超市", ["2026Q2", "2026Q3"], 2, "西镇"),  # h6 in Q2; h5 in Q3 (h8 is Q4)
    ]
    assert offenders[0]["entity_key"] == "JY15101010000001"
    assert offenders[0]["jurisdiction"] == "东镇东村"
    # In Q4 only 西村便民超市 has a hazard (h8), and it had some in Q2 and Q3 too.
    set_today("2026-12-31")
    q4 = quarter_stats(session=session, quarter=quarter("2026Q4"))["repeat_offenders"]
    assert [(o["entity_name"], o["quarters"]) for o in q4] == [
        ("西村便民超市", ["2026Q2", "2026Q3", "2026Q4"])
    ]


def test_a_running_quarter_is_counted_as_of_today(session, set_today, county):
    set_today("2026-08-20")
    stats = quarter_stats(session=session, quarter=quarter("2026Q3"))
    # As of 08-20: h1 closed (07-20), h3 found and overdue (due 08-17), h5 found and closed,
    # h6 carried over and waiting for verification too long; h4 and h7 are not found yet.
    assert stats["as_of"] == D(2026, 8, 20)
    assert stats["hazards"]["totals"] == _rated(
        _c(carried_over=2, found=2, closed=2, open=2, overdue=1, verify_overdue=1)
    )


def test_a_township_subtree(session, set_today, county):
    set_today("2026-10-12")
    stats = quarter_stats(session=session, quarter=quarter("2026Q3"), jurisdiction_code=WEST)
    assert stats["jurisdiction"]["name"] == "西镇"
    assert [t["name"] for t in stats["hazards"]["by_township"]] == ["西镇"]
    assert stats["hazards"]["totals"] == _rated(
        _c(carried_over=1, found=1, closed=1, open=1, verify_overdue=1)
    )
    assert [o["entity_name"] for o in stats["repeat_offenders"]] == ["西村便民超市"]
