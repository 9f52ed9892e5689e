"""红黑榜: the score and its components, the order, deterministic tie-breaks, the lists, the CLI."""

import json

import pytest

from services.reporting.ranking import rank_figures, ranking, score
from tests.support.briefing import T1, T2, T3, T4, build_county, expected_tasks


@pytest.fixture(scope="module", autouse=True)
def _report_commands():
    """The report commands on the root app (until cli/app.py registers them itself)."""
    from cli import report_commands
    from cli.app import app

    if not any(c.name == "ranking" for c in app.registered_commands):
        report_commands.register(app)


def _figures(towns: list[tuple]) -> dict:
    """Synthetic figures: (code, on_time_rate, closure_rate, escalated tasks, hazards)."""
    return {
        "quarter": "2026Q3",
        "as_of": "2026-09-30",
        "jurisdiction": {"code": "C", "name": "某县", "level": "county"},
        "townships": [{"code": c, "name": f"{c}镇"} for c, *_ in towns],
        "tasks": {
            "by_township": {
                c: {
                    "due": 10,
                    "on_time": 0 if r is None else round(r * 10),
                    "on_time_rate": r,
                    "escalated": t,
                }
                for c, r, _, t, _ in towns
            }
        },
        "hazards": {
            "by_township": [
                {
                    "code": c,
                    "total": {"carried_over": 0, "found": 4, "closed": 0, "closure_rate": k},
                }
                for c, _, k, _, _ in towns
            ]
        },
        "escalated_hazards": {c: h for c, *_, h in towns if h},
    }


def test_score_is_the_weighted_rates_minus_the_penalty():
    points = score(on_time_rate=0.8, closure_rate=0.5, overdue_items=3)
    assert points == {"on_time_points": 48.0, "closure_points": 20.0, "penalty": 1.5, "score": 66.5}
    assert score(on_time_rate=None, closure_rate=None, overdue_items=0)["score"] == 100.0


def test_ties_break_on_on_time_rate_then_closure_then_overdue_then_code():
    result = rank_figures(
        figures=_figures(
            [
                ("E", 0.5, 0.5, 0, 0),  # 50.0
                ("D", 0.5, 0.5, 0, 0),  # 50.0, same everything: code order puts D before E
                ("C", 0.75, 0.125, 0, 0),  # 50.0 with a better on-time rate
                ("B", 0.5, 0.5, 0, 0),  # 50.0
                ("A", 0.5, 0.625, 2, 0),  # 30 + 25 - 1 = 54.0: first on score
            ]
        )
    )
    assert [t["code"] for t in result["townships"]] == ["A", "C", "B", "D", "E"]
    assert [t["rank"] for t in result["townships"]] == [1, 2, 3, 4, 5]
    assert result["red"] == ["A", "C", "B"] and result["black"] == ["E", "D"]
    same = rank_figures(figures=_figures([("Y", 0.5, 0.6, 1, 0), ("X", 0.5, 0.6, 0, 1)]))
    # Equal scores and rates, equal overdue items (1 task vs 1 hazard): the code decides.
    assert [t["code"] for t in same["townships"]] == ["X", "Y"]


def test_lists_never_overlap_and_follow_the_configured_sizes():
    result = rank_figures(
        figures=_figures([(c, 0.1 * i, 0.5, 0, 0) for i, c in enumerate("ABCDEFGH")])
    )
    assert result["red"] == ["H", "G", "F"] and result["black"] == ["A", "B", "C"]
    assert {t["code"]: t["list"] for t in result["townships"]}["D"] is None
    small = rank_figures(figures=_figures([("A", 1.0, 1.0, 0, 0), ("B", 0.5, 0.5, 0, 0)]))
    assert small["red"] == ["A", "B"] and small["black"] == []


def test_fixture_county_order_and_components(session, county):
    result = ranking(session=session, quarter="2026Q3")
    towns = {t["code"]: t for t in result["townships"]}
    assert [t["code"] for t in result["townships"]] == [T4, T2, T1, T3]
    assert result["red"] == [T4, T2, T1] and result["black"] == [T3]
    # T4: nothing due, nothing to close: both rates count as 100 %.
    assert towns[T4]["components"]["on_time_rate"] is None and towns[T4]["score"] == 100.0
    # T2: 4 routine done on time + 2 campaign (1 done late, 1 open): 4/6 on time;
    # hazards 1 carried over + 1 found, 1 closed; nothing overdue 5 working days.
    t2 = towns[T2]["components"]
    assert (t2["tasks_due"], t2["tasks_on_time"], t2["on_time_rate"]) == (6, 4, 0.6667)
    assert (t2["hazards_to_close"], t2["hazards_closed"], t2["closure_rate"]) == (2, 1, 0.5)
    assert towns[T2]["score"] == round(100 * 0.6 * 0.6667 + 100 * 0.4 * 0.5, 2)
    # T3: nothing done; the two campaign tasks due 2026-09-22 are 5 working days overdue.
    t3 = towns[T3]["components"]
    assert (t3["on_time_rate"], t3["closure_rate"], t3["overdue_tasks"]) == (0.0, 0.0, 2)
    assert towns[T3]["score"] == -1.0
    # T1 against the independent task computation; its two hazards overdue since August/Sept.
    expected = expected_tasks(session)["town"][T1]
    t1 = towns[T1]["components"]
    assert (t1["tasks_due"], t1["tasks_on_time"]) == (expected["due"], expected["on_time"])
    assert (t1["hazards_to_close"], t1["hazards_closed"], t1["overdue_hazards"]) == (3, 1, 2)
    assert towns[T1]["score"] == round(
        t1["on_time_points"] + t1["closure_points"] - t1["penalty"], 2
    )


def test_cli_ranking_json_and_table(cli, db_url, county):
    code, out, err = cli(
        "--db", db_url, "--today", "2026-10-13", "ranking", "--quarter", "2026Q3", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["quarter"] == "2026Q3" and [t["rank"] for t in data["townships"]] == [1, 2, 3, 4]
    assert set(data["townships"][0]) >= {"code", "name", "score", "rank", "components"}
    code, out, _ = cli("--db", db_url, "--today", "2026-10-13", "ranking", "--quarter", "2026Q3")
    assert code == 0 and "红榜" in out and "黑榜" in out and "四方镇" in out
    code, out, err = cli("--db", db_url, "--today", "2026-10-13", "ranking", "--quarter", "2026Q5")
    assert code == 2 and out == "" and "2026Q5" in err


@pytest.fixture
def county(engine, set_today):
    return build_county(engine, set_today)
