"""The figures added for the monthly report and the annual summary, each counted a second way in
plain SQL: visits by tier and township, campaign completion, 未包保 by township, coverage rate."""

import datetime as dt

import pytest
from sqlalchemy import text

from services import figures
from services.core.jurisdictions import places, resolve_scope
from tests.support.briefing import T1, T2, T3, build_county
from tests.test_monthly import RECORDS

D = dt.date


@pytest.fixture
def county(engine, set_today, data_dir, session):
    build_county(engine, set_today)
    with engine.begin() as c:
        c.execute(text(RECORDS))
    root = resolve_scope(session=session)
    return {"scope_path": root.path, "where": places(session=session, root=root)}


def _rows(engine, sql: str, **params) -> list:
    with engine.connect() as c:
        return c.execute(text(sql), params).all()


def test_visits_by_tier_and_township(county, session, engine):
    got = figures.visit_figures(session=session, **county, start=D(2026, 9, 1), end=D(2026, 9, 30))
    window = "r.visit_date BETWEEN '2026-09-01' AND '2026-09-30'"
    by_tier = dict(
        _rows(
            engine,
            f"SELECT o.tier, COUNT(*) FROM inspection_record r JOIN officer o ON o.id = r.officer_id WHERE {window} GROUP BY o.tier",
        )
    )
    assert {t: n for t, n in got["by_tier"].items() if n} == by_tier
    assert got["visits"] == sum(by_tier.values()) > 0
    assert (
        got["onsite"]
        == _rows(
            engine, f"SELECT COUNT(*) FROM inspection_record r WHERE {window} AND r.mode = 'onsite'"
        )[0][0]
    )
    assert (
        got["entities_visited"]
        == _rows(
            engine, f"SELECT COUNT(DISTINCT entity_id) FROM inspection_record r WHERE {window}"
        )[0][0]
    )
    for town in (T1, T2, T3):
        n = _rows(
            engine,
            "SELECT COUNT(*) FROM inspection_record r JOIN inspection_task t ON t.id = r.task_id "
            f"JOIN jurisdiction j ON j.id = t.jurisdiction_id WHERE {window} AND j.path LIKE :p",
            p=f"%/{town}/%",
        )[0][0]
        assert got["by_township"].get(town, 0) == n
    empty = figures.visit_figures(
        session=session, **county, start=D(2025, 1, 1), end=D(2025, 1, 31)
    )
    assert empty["visits"] == 0 and empty["by_township"] == {}


def test_campaign_completion(county, session, engine):
    got = figures.campaign_figures(
        session=session,
        scope_path=county["scope_path"],
        start=D(2026, 1, 1),
        end=D(2026, 12, 31),
        as_of=D(2026, 9, 30),
    )
    expected = _rows(
        engine,
        "SELECT c.name, COUNT(*), SUM(CASE WHEN t.status = 'done' AND t.done_on <= '2026-09-30' THEN 1 ELSE 0 END) "
        "FROM campaign c JOIN inspection_task t ON t.campaign_id = c.id GROUP BY c.name ORDER BY MIN(c.due_date)",
    )
    assert [(c["name"], c["due"], c["done"]) for c in got] == [
        (n, due, done) for n, due, done in expected
    ]
    assert [c["completion_rate"] for c in got] == [
        round(done / due, 4) for _, due, done in expected
    ]


def test_unassigned_by_township_and_coverage_rate(county, session, engine):
    with engine.begin() as c:  # end the assignments of two entities in 二里镇
        c.execute(
            text(
                "UPDATE assignment SET end_date = '2026-08-31' WHERE entity_id IN (SELECT e.id FROM entity e "
                "JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE j.code = :t ORDER BY e.id LIMIT 2)"
            ),
            {"t": T2},
        )
    day = D(2026, 9, 30)
    assert figures.unassigned_by_township(session=session, **county, as_of=day) == {T2: 2}
    coverage = figures.coverage_figures(session=session, **county, as_of=day)
    entities = _rows(engine, "SELECT COUNT(*) FROM entity WHERE active AND status = 'operating'")[
        0
    ][0]
    assert figures.coverage_rate(coverage) == round((entities - 2) / entities, 4)
    assert figures.coverage_rate({"entities": 0, "unassigned": 0}) is None  # "—", never 100%
