"""Comparisons only with data (rule 9): last quarter's figures are printed only where the system
held data then (a roster import or tasks by the end of that quarter), the trend starts at the
first quarter with data; a city's briefing is by county, townships only among the worst N."""

import datetime as dt
import re

from sqlalchemy import text
from sqlmodel import Session, select

from models import Jurisdiction
from services.core import audit
from services.core.periods import quarter
from services.demo import dataset as demo
from services.reporting.briefing import document as briefing
from services.tasks.generation import generate_routine_tasks
from tests.support.briefing import (
    COUNTY,
    COUNTY2,
    T21,
    build_county,
    second_county,
)

COMPARED = re.compile(r"较上季度|与上季度持平")


def _texts(doc: dict) -> str:
    return "\n".join(
        b.get("text", "") + "".join("".join(r) for r in b.get("rows", []))
        for s in doc["sections"]
        for b in s["blocks"]
    )


def _table(doc: dict, prefix: str) -> dict:
    return next(
        b for s in doc["sections"] for b in s["blocks"] if b.get("caption", "").startswith(prefix)
    )


def _new_county(engine, set_today, imported: str | None) -> None:
    """The demo town with 2026Q3 tasks generated on 2026-07-01 (a third done), and, when given, a
    roster import recorded on that day."""
    demo.fill(engine=engine, scale="town", seed=2)
    with Session(engine) as session:
        if imported:
            set_today(imported)
            audit.record_event(
                session=session,
                actor="admin",
                action="roster.import",
                object_type="roster",
                object_id="0" * 64,
            )
        set_today("2026-07-01")
        generate_routine_tasks(session=session, period="2026Q3")
        session.execute(
            text("UPDATE inspection_task SET status = 'done', done_on = :d WHERE id % 3 = 0"),
            {"d": dt.date(2026, 9, 1)},
        )
        session.commit()
    set_today("2026-10-13")


def test_no_comparison_with_a_quarter_the_system_held_nothing_of(engine, set_today, session):
    _new_county(engine, set_today, imported=None)
    c = briefing.context(session=session, quarter=quarter("2026Q3"))
    doc = briefing.document(c)
    said = _texts(doc)
    assert c["prev"] is None and c["rank_prev"] is None
    assert not COMPARED.search(said) and "上季度无可比数据" in said
    assert {row[2] for row in _table(doc, "表1")["rows"]} == {"—"}
    assert {row[-1] for row in _table(doc, "表3")["rows"]} == {"—"}
    assert {row[-2] for row in _table(doc, "表8")["rows"]} == {"—"}
    assert [t["quarter"] for t in c["trend"]] == ["2026Q3"]
    assert len(doc["charts"]["trend"]["labels"]) == 1
    assert "有数据以来" in said or any(
        b.get("caption", "").startswith("图2 有数据以来")
        for s in doc["sections"]
        for b in s["blocks"]
    )


def test_a_roster_imported_last_quarter_makes_it_comparable(engine, set_today, session):
    _new_county(engine, set_today, imported="2026-06-15")
    c = briefing.context(session=session, quarter=quarter("2026Q3"))
    doc = briefing.document(c)
    assert c["prev"] is not None and c["prev"]["as_of"] == "2026-06-30"
    assert [t["quarter"] for t in c["trend"]] == ["2026Q2", "2026Q3"]
    said = _texts(doc)
    # Entities are compared; last quarter's rates had nothing to measure: still no comparison.
    assert COMPARED.search(said) and "上季度无可比数据" in said


def test_the_trend_starts_at_the_first_quarter_with_data(engine, set_today, session):
    build_county(engine, set_today)  # 2026Q2 tasks generated on 2026-04-01
    c = briefing.context(session=session, quarter=quarter("2026Q3"))
    assert [t["quarter"] for t in c["trend"]] == ["2026Q2", "2026Q3"]
    assert c["prev"]["quarter"] == "2026Q2" and c["rank_prev"]["ranked"]


def test_a_city_briefing_is_by_county(engine, set_today, session):
    build_county(engine, set_today)
    second_county(session)
    city = session.exec(select(Jurisdiction).where(Jurisdiction.level == "city")).one()
    c = briefing.context(session=session, quarter=quarter("2026Q3"), jurisdiction=city.code)
    doc = briefing.document(c)
    counties = {COUNTY: "", COUNTY2: ""}
    for row in session.exec(select(Jurisdiction).where(Jurisdiction.level == "county")):
        counties[row.code] = row.name
    assert c["by_county"] and c["rank"]["unit_level"] == "county"
    assert [r[0] for r in _table(doc, "表3 ")["rows"]] == [counties[COUNTY], counties[COUNTY2]]
    assert {r[1] for r in _table(doc, "表8")["rows"]} == set(counties.values())
    assert doc["charts"]["completion"]["labels"] == [counties[COUNTY], counties[COUNTY2]]
    # Townships appear only among the worst N (表3-1), computed here from the task rows.
    towns = {
        code: name
        for code, name in session.execute(
            text("SELECT code, name FROM jurisdiction WHERE level = 'township'")
        )
    }
    rates = c["cur"]["tasks"]["by_township"]
    rated = sorted(
        (rates[code]["completion_rate"], code)
        for code in towns
        if rates[code]["completion_rate"] is not None
    )
    worst = {towns[code] for _, code in rated[: c["policy"].briefing.worst_listed]}
    listed = _table(doc, "表3-1")
    assert {r[1] for r in listed["rows"]} == worst and T21 in towns
    for caption in ("表2", "表3 ", "表4", "表8"):
        cells = {cell for row in _table(doc, caption)["rows"] for cell in row}
        assert not cells & (set(towns.values()) - worst), caption
