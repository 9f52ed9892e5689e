"""Next year's calendar without code: `calendar import` (TOML or CSV) into the database, read by
the working-day functions; checked (调休 on a weekday refused, nothing written); due dates
already computed for the year recomputed and listed; `calendar show` as a year view."""

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import AuditEvent, CalendarDay, CalendarYear, Hazard, InspectionTask
from services.core import calendar, calendar_store
from services.core.periods import parse_period
from tests.support.hazards import add_hazard_row
from tests.support.reminders import add_task, build_roster

D = dt.date.fromisoformat
FIXTURE = Path(__file__).parent / "fixtures" / "calendar" / "2027.toml"
CSV = """类型,名称,开始日期,结束日期
放假,元旦,2027/1/1,2027/1/3
放假,春节,2027-02-06,2027-02-14
放假,清明节,2027-04-03,2027-04-05
放假,劳动节,2027-05-01,2027-05-05
放假,端午节,2027-06-09,2027-06-11
放假,中秋节,2027-09-15,2027-09-17
放假,国庆节,2027-10-01,2027-10-07
调休上班,春节,2027-02-20,
调休上班,春节,2027-02-27,
调休上班,劳动节,2027-04-25,
调休上班,国庆节,2027-09-26,
调休上班,国庆节,2027-10-09,
"""


def held_count(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.execute(select(func.count()).select_from(CalendarYear)).scalar(),
            session.execute(select(func.count()).select_from(CalendarDay)).scalar(),
        )


def test_an_imported_year_drives_the_working_day_functions(db_url, cli, engine):
    assert calendar.year_source(2027) is None
    assert calendar.is_workday(D("2027-01-01")) is True  # Monday–Friday fallback: a Friday
    code, out, err = cli("--db", db_url, "calendar", "import", str(FIXTURE))
    assert code == 0, err
    assert "已录入 2027 年工作日历：放假 33 天，调休上班 5 天" in out
    assert held_count(engine) == (1, 38)
    assert calendar.year_source(2027) == "database"
    calendar.forget_unknown_years()
    assert calendar.is_workday(D("2027-01-01")) is False  # 元旦, a Friday
    assert calendar.is_workday(D("2027-02-27")) is True  # 调休, a Saturday
    assert calendar.is_workday(D("2027-02-15")) is True  # the Monday after 春节
    assert calendar.add_workdays(D("2026-12-31"), 1) == D("2027-01-04")
    assert calendar.last_workday_of(parse_period("2027-02")) == D("2027-02-27")
    assert calendar.workdays_between(D("2027-09-30"), D("2027-10-10")) == 2  # 10-08, 10-09
    assert calendar.unknown_years() == []  # 2027 is no longer a Monday–Friday guess
    assert calendar.is_workday(D("2026-09-25")) is False  # 2026 still from chinese-calendar


def test_csv_as_excel_saves_it_gives_the_same_year(db_url, cli, engine, tmp_path):
    path = tmp_path / "2027年放假安排.csv"
    path.write_bytes(CSV.encode("gb18030"))  # Excel on Chinese Windows saves CSV as GBK
    code, out, err = cli("--db", db_url, "calendar", "import", str(path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["year"], result["holidays"], result["workdays"]) == (2027, 33, 5)
    from_csv = calendar_store.cached(reload_seconds=0)[2027]
    code, _, _ = cli("--db", db_url, "calendar", "import", str(FIXTURE), "--json")
    from_toml = calendar_store.cached(reload_seconds=0)[2027]
    assert from_csv == from_toml and from_csv.names == from_toml.names
    assert held_count(engine) == (1, 38)  # a second import replaces the year


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("调休上班,春节,2027-02-17,", "2027-02-17（星期三） 调休上班日必须是星期六或星期日"),
        ("放假,元旦,2027-01-03,2027-01-01", "结束日期 2027-01-01（星期五） 早于开始日期"),
        ("放假,元旦,2027-12-31,2028-01-01", "不在 2027 年内"),
        ("休假,元旦,2027-01-01,", "类型 '休假' 无效"),
        ("放假,,2027-01-01,", "缺少名称"),
        ("放假,元旦,2027-13-01,", "日期无效"),
        ("放假,元旦,2027-01-01,2027-01-03\n调休上班,元旦,2027-01-02,", "已在 第 2 行 中出现"),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_written(
    db_url, cli, engine, tmp_path, rows, expected
):
    path = tmp_path / "bad.csv"
    path.write_text(f"类型,名称,开始日期,结束日期\n{rows}\n", encoding="utf-8")
    code, out, err = cli("--db", db_url, "calendar", "import", str(path))
    assert code == 2 and out == "" and expected in err, err
    assert "未导入" in err
    assert held_count(engine) == (0, 0)


def test_bad_toml_and_headers_are_explained(db_url, cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('year = 2027\n[[workdays]]\nname = "春节"\ndate = 2027-02-17\n', "utf-8")
    code, _, err = cli("--db", db_url, "calendar", "import", str(path))
    assert code == 2 and "星期三" in err and "没有任何放假安排" in err
    path.write_text('year = "2027"\nextra = 1\n', "utf-8")
    code, _, err = cli("--db", db_url, "calendar", "import", str(path))
    assert code == 2 and "不认识的配置项 extra" in err and "缺少年份" in err
    path = tmp_path / "bad.csv"
    path.write_text("日子,说明\n2027-01-01,元旦\n", "utf-8")
    code, _, err = cli("--db", db_url, "calendar", "import", str(path))
    assert code == 2 and "表头" in err and "类型" in err
    code, _, err = cli("--db", db_url, "calendar", "import", str(tmp_path / "none.toml"))
    assert code == 2 and "不存在" in err


def test_importing_2027_moves_the_dates_computed_with_the_weekday_fallback(
    db_url, cli, session, set_today
):
    set_today("2026-12-28")
    roster = build_roster(session)
    monthly = add_task(session, roster, "o_village", "2027-02-26")  # Mon–Fri: Friday 26th
    later = add_task(session, roster, "o_west", "2027-02-26")
    kept = add_task(session, roster, "o_town", "2027-02-26", status="cancelled")
    for task in (monthly, later, kept):
        task.period = "2027-02"
    hand_set = add_task(session, roster, "o_county", "2027-03-31")
    hand_set.period, hand_set.due_date = "2027Q1", D("2027-03-25")  # set by hand: stays
    session.commit()
    found = D("2026-12-24")  # 15 working days: 5 in 2026, 10 in 2027
    place = roster["v_east"]
    moved = add_hazard_row(session, place=place, found_on=found, deadline=D("2027-01-14"))
    manual = add_hazard_row(session, place=place, found_on=found, deadline=D("2027-01-20"))
    serious = add_hazard_row(session, place=place, found_on=found, deadline=D("2027-01-07"),
                             level="serious")  # fmt: skip
    assert calendar.add_workdays(found, 15) == D("2027-01-14")  # without the 2027 schedule

    code, out, err = cli(
        "--db", db_url, "--today", "2026-12-28", "calendar", "import", str(FIXTURE)
    )
    assert code == 0, err
    assert "督导任务 2027-02（2 个）截止日期：2027-02-26（周五） → 2027-02-27（周六）" in out
    assert (
        f"隐患 #{moved.id}（一般，2026-12-24 发现，1 个）整改时限：2027-01-14（周四） → 2027-01-15（周五）"
        in out
    )
    assert f"#{serious.id}（较大" in out  # 10 working days: 2027-01-07 → 2027-01-08
    session.expire_all()
    assert session.get(InspectionTask, monthly.id).due_date == D("2027-02-27")
    assert session.get(InspectionTask, later.id).due_date == D("2027-02-27")
    assert session.get(InspectionTask, kept.id).due_date == D("2027-02-26")
    assert session.get(InspectionTask, hand_set.id).due_date == D("2027-03-25")
    assert session.get(Hazard, moved.id).deadline == D("2027-01-15")
    assert session.get(Hazard, manual.id).deadline == D("2027-01-20")
    assert session.get(Hazard, serious.id).deadline == D("2027-01-08")
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "calendar.import")
    ).scalar_one()
    assert event.after["holidays"] == 33 and len(event.after["changes"]) == 3

    code, out, _ = cli("--db", db_url, "calendar", "import", str(FIXTURE), "--json")
    again = json.loads(out)
    assert code == 0 and again["replaced"] is True and again["changes"] == []


def test_other_processes_read_the_year_after_the_reload_interval(db_url, engine):
    from services.operations.calendar_file import read_schedule

    assert calendar.is_workday(D("2027-01-01")) is True
    with Session(engine) as other:  # another process imports; this one has read already
        calendar_store.write_year(
            session=other, held=read_schedule(path=FIXTURE), source="2027.toml", actor="其他进程"
        )
        other.commit()
    calendar_store._state["at"] -= 30
    assert calendar.year_source(2027) is None  # read 30 s ago: still the old calendar
    calendar_store._state["at"] -= 31  # older than [calendar] reload_seconds (60)
    assert calendar.year_source(2027) == "database"
    assert calendar.is_workday(D("2027-01-01")) is False


def test_show_prints_a_year_view(db_url, cli):
    code, out, _ = cli("--db", db_url, "calendar", "show", "2026")
    assert code == 0 and "2026 年工作日历（来源：chinese-calendar 内置），全年工作日 248 天" in out
    assert "放假  国庆节：2026-10-01（周四）–2026-10-07（周三），7 天" in out
    assert "上班  国庆节：2026-09-20（周日）" in out
    assert "2026年10月" in out and " 1休  2休  3休  4休" in out and "10班" in out
    code, out, _ = cli("--db", db_url, "calendar", "show", "2027", "--json")
    view = json.loads(out)
    assert code == 0 and view["known"] is False and "周一至周五" in view["warning"]
    assert view["workday_count"] == 261  # every Monday–Friday of 2027
    cli("--db", db_url, "calendar", "import", str(FIXTURE))
    code, out, _ = cli("--db", db_url, "calendar", "show", "2027", "--json")
    view = json.loads(out)
    assert (
        view["source"] == "database" and view["workday_count"] == 261 - 21 + 5
    )  # 21 holidays fall on weekdays
    assert view["holidays"][1] == {
        "name": "春节",
        "start": "2027-02-06",
        "end": "2027-02-14",
        "days": 9,
    }
