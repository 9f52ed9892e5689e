"""The stats service's other figures against direct computations: the officers with unfinished
tasks, and what the briefing reads (briefing_figures: each quarter computed once, the hazard
trend and next quarter's work)."""

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import text

from services import figures as stats
from services.core import calendar
from services.core.periods import quarter
from services.figures import quarter_figures
from tests.support.briefing import AS_OF, build_county, campaign_tasks, day

D = dt.date


@pytest.fixture
def county(engine, set_today):
    return build_county(engine, set_today)


SCOPE = "/510100000000/510101000000/%"


def test_unfinished_officers_equal_a_direct_computation(session, county):
    rows = session.execute(
        text(
            "SELECT o.code, t.status, t.due_date, t.done_on, COALESCE(t.cancelled_on, t.created_on) "
            "AS cancelled_on FROM inspection_task t JOIN officer o ON o.id = t.officer_id "
            "JOIN entity e ON e.id = t.entity_id JOIN jurisdiction j ON j.id = e.jurisdiction_id "
            f"WHERE j.path LIKE '{SCOPE}'"
        )
    ).all()
    oldest: dict[str, list] = defaultdict(list)
    for r in rows:
        due = day(r.due_date)
        if not D(2026, 7, 1) <= due <= AS_OF:
            continue
        done = r.status == "done" and day(r.done_on) <= AS_OF
        cancelled = r.status == "cancelled" and day(r.cancelled_on) <= AS_OF
        if not done and not cancelled:
            oldest[r.code].append(due)
    expected = {
        (code, len(dues), calendar.workdays_between(min(dues), AS_OF))
        for code, dues in oldest.items()
    }
    figures = quarter_figures(session=session, quarter=quarter("2026Q3"))
    listed = {
        (o["officer_code"], o["unfinished"], o["overdue_workdays"])
        for o in figures["unfinished_officers"]
    }
    assert listed == expected and len(expected) >= 2


def test_briefing_figures_are_the_quarter_figures_computed_once(session, county):
    campaign_tasks(session, "元旦春节专项督导", D(2026, 12, 20), county["t2_entities"][:3])
    session.commit()
    got = stats.briefing_figures(session=session, quarter=quarter("2026Q3"))
    assert got["cur"] == quarter_figures(session=session, quarter=quarter("2026Q3"))
    assert got["prev"] == quarter_figures(session=session, quarter=quarter("2026Q2"))
    assert got["trend"] == stats.hazard_trend(session=session, quarter=quarter("2026Q3"))
    direct = []
    for name, start, end in (
        ("2025Q4", "2025-10-01", "2025-12-31"),
        ("2026Q1", "2026-01-01", "2026-03-31"),
        ("2026Q2", "2026-04-01", "2026-06-30"),
        ("2026Q3", "2026-07-01", "2026-09-30"),
    ):
        found, closed = (
            session.execute(
                text(f"SELECT COUNT(*) FROM hazard WHERE {column} BETWEEN :s AND :e"),
                {"s": D.fromisoformat(start), "e": D.fromisoformat(end)},
            ).scalar()
            for column in ("found_on", "closed_on")
        )
        direct.append({"quarter": name, "found": found, "closed": closed})
    assert got["trend"] == direct and direct[-1]["found"] == 6
    counts = dict(
        session.execute(
            text(
                "SELECT t.source, COUNT(*) FROM inspection_task t JOIN entity e ON e.id = t.entity_id "
                "JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE j.path LIKE :p AND "
                "t.due_date BETWEEN :s AND :e AND t.status <> 'cancelled' GROUP BY t.source"
            ),
            {"p": SCOPE, "s": D(2026, 10, 1), "e": D(2026, 12, 31)},
        ).all()
    )
    assert got["next"] == {
        "quarter": "2026Q4",
        "start": "2026-10-01",
        "end": "2026-12-31",
        "routine_tasks": counts.get("routine", 0),
        "campaign_tasks": counts["campaign"],
        "campaigns": [{"name": "元旦春节专项督导", "due_date": "2026-12-20", "tasks": 3}],
    }
