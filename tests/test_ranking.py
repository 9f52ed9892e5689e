"""红黑榜 on the fixture county, on both databases: every component and score against a second,
plain-Python computation over the rows; an empty quarter; a township with no hazards; a city
office ranking its counties; "连续N个季度" over ranked quarters only; the CLI's JSON contract."""

import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlmodel import select

from config.files import load_policy
from models import Jurisdiction
from services.core import calendar
from services.core.periods import quarter
from services.reporting.ranking import board_of, ranking, units
from services.reporting.ranking.history import black_streaks
from tests.support.briefing import (
    AS_OF,
    COUNTY,
    COUNTY2,
    T2,
    T3,
    T4,
    build_county,
    campaign_tasks,
    day,
    expected_tasks,
    second_county,
)

D = dt.date
START = D(2026, 7, 1)


@pytest.fixture(scope="module", autouse=True)
def _report_commands():
    """The report commands on the root app (until cli/app.py registers them itself)."""
    from cli import report_commands
    from cli.app import app

    if not any(c.name == "ranking" for c in app.registered_commands):
        report_commands.register(app)


@pytest.fixture
def county(engine, set_today):
    return build_county(engine, set_today)


def hazard_rows(session, scope: str) -> list[dict]:
    rows = session.execute(
        text(
            "SELECT h.found_on, h.closed_on, h.deadline, j.path FROM hazard h "
            "JOIN jurisdiction j ON j.id = h.jurisdiction_id"
        )
    ).all()
    return [
        {"found_on": day(f), "closed_on": day(c), "deadline": day(d), "path": p}
        for f, c, d, p in rows
        if f"/{scope}/" in p
    ]


def expected_hazards(rows: list[dict]) -> dict:
    """Hazards to close / closed / open ≥ 5 working days overdue on AS_OF, counted by hand."""
    live = [
        h
        for h in rows
        if h["found_on"] <= AS_OF and (h["closed_on"] is None or h["closed_on"] >= START)
    ]
    closed = sum(1 for h in live if h["closed_on"] is not None and h["closed_on"] <= AS_OF)
    late = sum(
        1
        for h in live
        if (h["closed_on"] is None or h["closed_on"] > AS_OF)
        and calendar.workdays_between(h["deadline"], AS_OF) >= 5
    )
    return {"to_close": len(live), "closed": closed, "escalated": late}


def expected_score(on_time: float, closure: float | None, overdue: int) -> float:
    w = load_policy().ranking
    parts = [(w.on_time_weight, on_time)] + (
        [(w.closure_weight, closure)] if closure is not None else []
    )
    weight = sum(x for x, _ in parts)
    return round(100 * sum(x * r for x, r in parts) / weight - w.overdue_penalty * overdue, 2)


def test_the_county_board_matches_a_second_computation(session, county):
    board = ranking(session=session, quarter="2026Q3")
    assert board["ranked"] and board["unit_level"] == "township" and "counties" not in board
    tasks = expected_tasks(session)["town"]
    scores = {}
    for row in units(board):
        c, t = row["components"], tasks[row["code"]]
        h = expected_hazards(hazard_rows(session, row["code"]))
        assert (c["tasks_due"], c["tasks_on_time"], c["tasks_late"], c["tasks_unfinished"]) == (
            t["due"],
            t["on_time"],
            t["late"],
            t["undone"],
        )
        assert (c["hazards_to_close"], c["hazards_closed"]) == (h["to_close"], h["closed"])
        assert c["overdue_items"] == t["escalated"] + h["escalated"]
        closure = h["closed"] / h["to_close"] if h["to_close"] else None
        expected = expected_score(t["on_time"] / t["due"], closure, c["overdue_items"])
        assert row["score"] == pytest.approx(expected, abs=0.02)
        scores[row["code"]] = row["score"]
    for row in units(board):
        assert row["rank"] == 1 + sum(1 for s in scores.values() if s > row["score"])
    # 四方镇 had nothing due: not ranked (no 100 points for doing nothing), said under the table.
    assert [u["code"] for u in board["unranked"]] == [T4] and T4 not in scores
    assert "四方镇本季度没有到期的督导任务" in board["note"]
    assert set(board["red"]).isdisjoint(board["black"])


def test_a_township_with_no_hazards_is_scored_on_its_tasks(session, county):
    t2 = session.exec(select(Jurisdiction).where(Jurisdiction.code == T2)).one()
    session.execute(text("DELETE FROM hazard WHERE jurisdiction_id = :j"), {"j": t2.id})
    session.commit()
    board = ranking(session=session, quarter="2026Q3")
    row = next(u for u in units(board) if u["code"] == T2)
    t = expected_tasks(session)["town"][T2]
    assert row["components"]["closure_rate"] is None
    assert row["components"]["left_out"] == ["closure_rate"]
    assert row["score"] == pytest.approx(
        expected_score(t["on_time"] / t["due"], None, t["escalated"]), abs=0.02
    )
    assert "二里镇销号率为“—”" in board["note"] and "权重" in board["note"]


def test_an_empty_quarter_is_not_ranked(cli, db_url, county):
    code, out, err = cli(
        "--db", db_url, "--today", "2026-10-13", "ranking", "--quarter", "2026Q4", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["ranked"] is False and data["reason"]
    assert data["townships"] == [] and data["red"] == [] and data["black"] == []
    assert data["unit_level"] == "township" and len(data["unranked"]) == 4
    code, out, _ = cli("--db", db_url, "--today", "2026-10-13", "ranking", "--quarter", "2026Q4")
    assert code == 0 and data["reason"] in out


def test_cli_json_contract_and_a_township_reads_its_county_board(cli, db_url, county):
    base = ("--db", db_url, "--today", "2026-10-13", "ranking", "--quarter", "2026Q3", "--json")
    code, out, err = cli(*base)
    assert code == 0, err
    data = json.loads(out)
    assert data["ranked"] is True and data["reason"] == "" and data["unit_level"] == "township"
    for row in data["townships"]:
        assert {"code", "name", "score", "rank", "list", "components"} <= set(row)
        assert {"tasks_late", "tasks_unfinished", "closure_rate"} <= set(row["components"])
    assert data["unranked"][0]["components"]["on_time_rate"] is None  # null, never 100 %
    code, out, err = cli(*base, "--jurisdiction", T2)
    town = json.loads(out)
    assert code == 0 and town["highlight"] == T2
    assert town["jurisdiction"]["code"] == COUNTY and town["townships"] == data["townships"]
    code, out, err = cli(*base[:-1], "--jurisdiction", T2)
    assert code == 0 and "▶ 二里镇" in out and "黑榜" in out and "四方镇" in out
    code, out, err = cli("--db", db_url, "--today", "2026-10-13", "ranking", "--quarter", "2026Q5")
    assert code == 2 and out == "" and "2026Q5" in err


def test_a_city_office_ranks_its_counties(session, county):
    second_county(session)
    city = session.exec(select(Jurisdiction).where(Jurisdiction.level == "city")).one()
    board = ranking(session=session, quarter="2026Q3", jurisdiction=city.code)
    assert board["unit_level"] == "county" and "townships" not in board
    rows = {u["code"]: u for u in board["counties"]}
    assert set(rows) == {COUNTY, COUNTY2}
    county1 = expected_tasks(session)["all"]
    c = rows[COUNTY]["components"]
    assert (c["tasks_due"], c["tasks_on_time"], c["tasks_unfinished"]) == (
        county1["due"],
        county1["on_time"],
        county1["undone"],
    )
    assert (c["hazards_to_close"], c["hazards_closed"]) == tuple(
        expected_hazards(hazard_rows(session, COUNTY))[k] for k in ("to_close", "closed")
    )
    south = rows[COUNTY2]["components"]
    assert (south["tasks_due"], south["tasks_on_time"], south["tasks_unfinished"]) == (3, 2, 1)
    assert south["closure_rate"] is None and south["overdue_items"] == 1  # 09-15 + 11 workdays


def test_black_streaks_count_ranked_quarters_only(session, county, set_today):
    """2026Q4 has nothing due (not ranked); 三河镇 misses its targets in 2027Q1 and 2026Q3:
    its streak runs over the unranked quarter between them."""
    t3_entities = [
        e
        for (e,) in session.execute(
            text(
                "SELECT e.id FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id "
                "WHERE j.code = :c ORDER BY e.id"
            ),
            {"c": T3},
        )
    ]
    campaign_tasks(session, "春季专项", D(2027, 3, 15), t3_entities)
    session.commit()
    set_today("2027-04-12")
    county_row = session.exec(select(Jurisdiction).where(Jurisdiction.code == COUNTY)).one()
    now = board_of(session=session, quarter=quarter("2027Q1"), office=county_row)
    assert T3 in now["black"]
    streaks = black_streaks(
        session=session, quarter=quarter("2027Q1"), office=county_row, board=now
    )
    # A second computation: walk back board by board, skipping quarters where T3 was not ranked.
    expected, q = 1, ["2026Q4", "2026Q3", "2026Q2", "2026Q1"]
    skipped = 0
    for name in q:
        before = board_of(session=session, quarter=quarter(name), office=county_row)
        if T3 not in {u["code"] for u in units(before)}:
            skipped += 1
            if not before["ranked"] and name == "2026Q1":
                break
            continue
        if T3 not in before["black"]:
            break
        expected += 1
    assert skipped >= 1 and streaks[T3] == expected and expected >= 2
