"""The quarterly risk review: the command, its files, and the scheduled run on the first working
day of a quarter (2026 calendar)."""

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from services.core.periods import quarter
from services.reporting import review
from tests.support.hazards import add_hazard_row, build_roster

D = dt.date


@pytest.fixture
def county(session):
    r = build_roster(session)
    add_hazard_row(
        session,
        entity=r.e1,
        found_on=D(2026, 5, 6),
        deadline=D(2026, 5, 27),
        status="closed",
        closed_on=D(2026, 5, 20),
    )
    add_hazard_row(
        session,
        entity=r.e1,
        found_on=D(2026, 8, 3),
        deadline=D(2026, 8, 24),
        level="major",
        description="超过保质期的食品未下架",
    )
    add_hazard_row(
        session,
        entity=r.e2,
        found_on=D(2026, 7, 6),
        deadline=D(2026, 7, 27),
        status="closed",
        closed_on=D(2026, 7, 20),
    )
    return r


@pytest.mark.parametrize(
    ("name", "first"),
    [
        # 2026: 01-01…03 New Year, 01-04 (Sunday) a make-up workday; 04-01 Wednesday;
        # 07-01 Wednesday; 10-01…07 National Day, so Thursday 10-08.
        ("2026Q1", D(2026, 1, 4)),
        ("2026Q2", D(2026, 4, 1)),
        ("2026Q3", D(2026, 7, 1)),
        ("2026Q4", D(2026, 10, 8)),
    ],
)
def test_first_working_day_of_each_quarter(name, first):
    assert review.first_workday(quarter(name)) == first


def test_cli_review_writes_figures_and_the_workbook(db_url, cli, county, tmp_path):
    out_dir = tmp_path / "研判"
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-10-12",
        "review",
        "--quarter",
        "2026Q3",
        "--out",
        str(out_dir),
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["quarter"] == "2026Q3" and result["lists"] == 2
    assert result["hazards"]["totals"]["found"] == 2
    assert result["hazards"]["totals"]["overdue"] == 1
    assert [o["entity_name"] for o in result["repeat_offenders"]] == ["东村好味餐馆"]
    workbook = out_dir / "风险研判-510101000000-2026Q3.xlsx"
    assert result["files"]["workbook"] == str(workbook)
    saved = json.loads((out_dir / "风险研判-510101000000-2026Q3.json").read_text("utf-8"))
    assert saved["hazards"] == result["hazards"]
    wb = load_workbook(workbook)
    assert wb.sheetnames == ["研判汇总", "屡查屡犯主体", "风险隐患清单", "治理责任清单"]
    summary = wb["研判汇总"]
    assert summary["A1"].value == "福塘县食品安全风险研判汇总（2026年第三季度）"
    rows = [list(r) for r in summary.iter_rows(min_row=4, values_only=True)]
    assert rows[0] == ["东镇", "重大", 0, 1, 0, 1, 1, "0.0%"]
    assert rows[-1] == ["合计", None, 0, 2, 1, 1, 1, "50.0%"]
    assert len(rows) == 2 * 4 + 1  # two townships × (3 levels + 小计) + 合计
    repeat = [list(r) for r in wb["屡查屡犯主体"].iter_rows(min_row=4, values_only=True)]
    assert repeat == [[1, "东村好味餐馆", "JY15101010000001", "东镇东村", "2026Q2、2026Q3", 2]]
    assert wb["风险隐患清单"].max_row == 3 + 2 and wb["研判汇总"].print_title_rows == "$3:$3"


def test_cli_review_defaults_to_the_previous_quarter_as_text(db_url, cli, county, data_dir):
    code, out, err = cli("--db", db_url, "--today", "2026-10-12", "review")
    assert code == 0, err
    assert out.startswith("福塘县食品安全风险研判（2026年第三季度）")
    assert "合计\t0\t2\t1\t1\t1\t50.0%" in out and "屡查屡犯主体 1 个" in out
    assert (data_dir / "review" / "2026Q3" / "风险研判-510101000000-2026Q3.xlsx").is_file()


def test_cli_review_refuses_a_bad_quarter(db_url, cli, county, data_dir):
    code, out, err = cli("--db", db_url, "review", "--quarter", "2026H2")
    assert code == 2 and "季度" in err and out == ""
    assert not (data_dir / "review").exists()


def test_scheduled_review_runs_once_from_the_first_working_day(
    session, set_today, county, data_dir
):
    set_today("2026-10-07")  # last day of the National Day holiday
    assert "早于本季度第一个工作日 2026-10-08" in review.run_scheduled(session=session)["skipped"]
    assert not (data_dir / "review").exists()
    set_today("2026-10-08")
    done = review.run_scheduled(session=session)
    assert done["quarter"] == "2026Q3" and done["lists"] == 2
    set_today("2026-10-09")
    assert review.run_scheduled(session=session) == {"skipped": "2026Q3 的风险研判已生成"}


def test_a_missed_first_day_is_caught_up(session, set_today, county, data_dir):
    set_today("2026-10-10")  # Saturday make-up workday, two days late
    assert review.run_scheduled(session=session)["quarter"] == "2026Q3"


def test_the_flow_reviews_the_previous_quarter(db_url, county, set_today, data_dir, monkeypatch):
    from config import settings
    from flows.risk_review_flow import risk_review_flow

    monkeypatch.setenv("BAOBAO_DATABASE_URL", db_url)
    settings.reset()
    set_today("2026-10-08")
    first = risk_review_flow.fn()
    again = risk_review_flow.fn()
    assert first["reviewed"] == 1 and first["reviews"][0]["quarter"] == "2026Q3"
    assert first["reviews"][0]["hazards"]["found"] == 2
    assert again == {
        "reviewed": 0,
        "skipped": 1,
        "reviews": [{"jurisdiction": None, "skipped": "2026Q3 的风险研判已生成"}],
    }
