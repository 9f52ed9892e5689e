"""An entity's lifecycle through the roster, on both databases: 新开 → 未包保 until assigned;
停业/注销 cancels its open tasks at once and keeps its open hazards visible (with the office from
the next day); re-opening starts it again."""

import datetime as dt

import pytest
from sqlalchemy import text
from sqlmodel import Session

from services.figures.coverage import coverage_figures
from services.hazards.listing import list_hazards
from services.tasks.generation import generate_routine_tasks
from tests.support.roster_books import TODAY
from tests.support.roster_county import NOODLES, county_book, hazard_officer, load_county, rows

E, A = "包保主体", "包保关系"


@pytest.fixture
def county(engine, tmp_path, set_today, monkeypatch):
    return load_county(engine, tmp_path, set_today, monkeypatch)


def _unassigned(engine, day: dt.date) -> set[str]:
    with Session(engine) as session:
        root = session.execute(text("SELECT path FROM jurisdiction WHERE code = '511000000000'"))
        found = coverage_figures(session=session, scope_path=root.scalar_one(), where={}, as_of=day)
    return {e["name"] for e in found["unassigned_entities"]}


def _noodle_tasks(engine) -> list[tuple]:
    return rows(
        engine,
        """SELECT t.status, t.period, CAST(t.cancelled_on AS VARCHAR(10)) FROM inspection_task t
           JOIN entity e ON e.id = t.entity_id WHERE e.licence_no = :k ORDER BY t.id""",
        k=NOODLES,
    )


def test_a_new_entity_is_unassigned_until_an_assignment_covers_it(county, engine):
    book = county_book()
    row = book.copy_row(
        E, 4, 统一社会信用代码=None, 许可证编号="JY25110000000042", 主体名称="柳湾村新开小吃店"
    )
    county(book)
    assert "柳湾村新开小吃店" in _unassigned(engine, dt.date.fromisoformat(TODAY))
    book.add(A, ["SL2005", None, book.get(E, row, "许可证编号"), None, None, None, TODAY, None])
    county(book)
    assert "柳湾村新开小吃店" not in _unassigned(engine, dt.date.fromisoformat(TODAY))


def test_closing_cancels_open_tasks_at_once_and_keeps_hazards_visible(county, engine, set_today):
    book = county_book().set(E, 4, "经营状态", "停业")
    result = county(book)
    assert result.counts[E]["updated"] == 1
    assert _noodle_tasks(engine) == [("cancelled", "2026Q3", TODAY)]
    with Session(engine) as session:
        shown = list_hazards(session=session, status="open")
    assert [h["entity_name"] for h in shown["hazards"]] == ["柳湾村老王面馆"]
    assert hazard_officer(engine) == "SL2001"  # its assignment runs to the end of today
    set_today("2026-09-23")
    with Session(engine) as session:
        generate_routine_tasks(session=session)
        session.commit()
        assert list_hazards(session=session, status="open")["total"] == 1
    assert hazard_officer(engine) is None  # with the responsible office until closed
    assert rows(engine, "SELECT COUNT(*) FROM handover") == [(0,)]  # a closure, not a handover


def test_reopening_starts_it_again(county, engine, set_today):
    county(county_book().set(E, 4, "经营状态", "注销"))
    set_today("2026-09-24")
    reopened = county_book()
    reopened.set(A, 4, "开始日期", "2026-09-24")  # a new assignment from the day it reopens
    result = county(reopened)
    assert result.counts[A]["created"] == 1
    with Session(engine) as session:
        generate_routine_tasks(session=session, period="2026Q4")
        session.commit()
    assert [t[:2] for t in _noodle_tasks(engine)] == [("cancelled", "2026Q3"), ("open", "2026Q4")]
    assert "柳湾村老王面馆" not in _unassigned(engine, dt.date(2026, 9, 24))
    assert hazard_officer(engine) == "SL2001"  # the office-held hazard is its officer's again
