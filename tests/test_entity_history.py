"""The entity history: a past day's figures count what the system held then (rule 9).

A county imported in 2026Q3 is re-imported mid-2026Q4 (businesses added, one closed, a 业态
changed, an entity moved, an officer gone with its assignment). The Q4 briefing's 上季度
column and 未包保 equal Q3's figures computed a second way from the first workbook, and equal
what Q3's figures were before the re-import; today's figures equal the entity table; the SQL
forms of "operating on D" and "covered on D" equal their Python forms; after every write path
the open history rows equal the entity table.
"""

import datetime as dt
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import Session

from models import Assignment
from models.enums import EntityStatus
from services.core.jurisdictions import places, resolve_scope
from services.core.periods import quarter
from services.demo import dataset as demo
from services.figures import operating, quarter_figures
from services.figures.coverage import coverage_figures
from services.reporting.briefing import document as briefing
from services.reporting.briefing.text import change
from services.roster.credit_code import make_credit_code
from services.roster.entity_history import TRACKED, record_history
from services.roster.importer import import_roster
from tests.support.hazards import build_roster
from tests.support.roster_books import Book

D = dt.date
A, E, OFF = "包保关系", "包保主体", "包保干部"
Q3_IMPORT, Q4_IMPORT, Q4_TODAY = "2026-08-03", "2026-11-10", "2026-12-15"
Q3_END = D(2026, 9, 30)
QINGSHAN = "511000200000"  # 青山镇
NEW_NOODLES = make_credit_code(registry="9", kind="2", area="511000", org_base="11223344")
NEW_SHOP = make_credit_code(registry="9", kind="2", area="511000", org_base="22334455")

# ---- the workbooks and their second computation -------------------------------------------


def _q4_book() -> Book:
    """The Q4 roster: 农家乐 (row 7) 注销, 面馆 (row 4) now 餐饮服务, 水果摊 (row 8) moved to
    青山镇松林村, SL2003 gone with its assignment of the 豆腐坊 (now 未包保), two new businesses
    (the new noodle shop covered from the import day, the new shop not)."""
    book = Book.full()
    book.set(E, 7, "经营状态", "注销").set(E, 4, "业态", "餐饮服务")
    book.set(E, 8, "所属区划代码", "511000200300")
    book.sheets[OFF] = [r for r in book.sheets[OFF] if r[0] != "SL2003"]
    book.sheets[A] = [r for r in book.sheets[A] if r[0] != "SL2003"]
    place = ["511000100200", "示例县河口镇柳湾村30号", "在营", None, None, None, None]
    book.add(E, [NEW_NOODLES, None, None, "柳湾村新开面馆", "小餐饮", "D", "B", *place])
    place = ["511000200300", "示例县青山镇松林村9号", "在营", None, None, None, None]
    book.add(E, [NEW_SHOP, None, None, "松林村新开超市", "食品销售", "D", "A", *place])
    book.add(A, ["SL2001", NEW_NOODLES, None, None, None, None, Q4_IMPORT, None])
    return book


def _entity_key(row: list) -> tuple:
    """An entity row's identity: its codes, else its name and place."""
    codes = tuple(row[0:3])
    return codes if any(codes) else (row[3], row[7])


def _assigned_key(row: list, entities: list[list]) -> tuple:
    """The identity of the entity a 包保关系 row names (by any code, else by name and place)."""
    for entity in entities:
        if any(code and code == entity[i] for i, code in enumerate(row[1:4])):
            return _entity_key(entity)
        if not any(row[1:4]) and (row[4], row[5]) == (entity[3], entity[7]):
            return _entity_key(entity)
    raise AssertionError(row)


def _running(row: list, day: dt.date) -> bool:
    end = row[7]
    return D.fromisoformat(row[6]) <= day and (end is None or day <= D.fromisoformat(end))


def _from_book(book: Book, day: dt.date, scope: str = "") -> dict:
    """Coverage on day of a workbook imported before it and not changed since, in plain Python:
    在营 entities by 业态, 未包保 and the officers holding assignments of them that day (the
    import ends the assignments of an entity it closes)."""
    entities = book.sheets[E]
    operating_rows = [r for r in entities if r[9] == "在营" and _in(r[7], scope)]
    live = {_entity_key(r) for r in operating_rows}
    running = [r for r in book.sheets[A] if _running(r, day)]
    covered = {_assigned_key(r, entities) for r in running}
    officers = {r[0] for r in running if _assigned_key(r, entities) in live}
    return {
        "entities_by_category": dict(Counter(r[4] for r in operating_rows)),
        "unassigned": sum(_entity_key(r) not in covered for r in operating_rows),
        "officers": len(officers),
    }


def _in(place: str, scope: str) -> bool:
    """Whether a 区划代码 lies in the township scope (its first 9 digits), or any with none."""
    return not scope or place[:9] == scope[:9]


def _coverage_part(coverage: dict) -> dict:
    return {k: coverage[k] for k in ("entities_by_category", "unassigned", "officers")}


# ---- the county re-imported mid-quarter ---------------------------------------------------


def _import(engine, path: Path) -> None:
    with Session(engine) as session:
        result = import_roster(session=session, path=path)
        session.commit()
    assert result.ok, [e.as_dict() for e in result.errors]


def _q3_figures(session: Session) -> dict[str, dict]:
    return {
        code: quarter_figures(session=session, quarter=quarter("2026Q3"), jurisdiction_code=code)[
            "coverage"
        ]
        for code in (None, QINGSHAN)
    }


def test_last_quarter_counts_what_the_roster_held_then(engine, set_today, tmp_path):
    first = Book.full()
    set_today(Q3_IMPORT)
    _import(engine, first.save(tmp_path / "q3.xlsx"))
    set_today("2026-10-01")
    with Session(engine) as session:
        before = _q3_figures(session)
    set_today(Q4_IMPORT)
    second = _q4_book()
    _import(engine, second.save(tmp_path / "q4.xlsx"))
    set_today(Q4_TODAY)
    with Session(engine) as session:
        c = briefing.context(session=session, quarter=quarter("2026Q4"))
        doc = briefing.document(c)
        after = _q3_figures(session)

    # Q3's figures are what they were before the re-import, county and township alike …
    assert after == before
    # … and what the first workbook says of 2026-09-30, computed a second way.
    expected = _from_book(first, Q3_END)
    assert _coverage_part(c["prev"]["coverage"]) == expected
    assert _coverage_part(after[QINGSHAN]) == _from_book(first, Q3_END, QINGSHAN)
    assert c["prev"]["coverage"] == before[None]
    # The re-import changed the county: the comparison has something to show.
    now = _from_book(second, D.fromisoformat(Q4_TODAY))
    assert _coverage_part(c["cur"]["coverage"]) == now
    assert now != expected and now["unassigned"] != expected["unassigned"]

    table = next(
        b for s in doc["sections"] for b in s["blocks"] if b.get("caption", "").startswith("表1")
    )
    *rows, total = table["rows"]
    last = expected["entities_by_category"]
    assert {r[0]: r[2] for r in rows} == {r[0]: str(last.get(r[0], 0)) for r in rows}
    assert total[2] == str(sum(last.values()))
    said = "\n".join(b.get("text", "") for s in doc["sections"] for b in s["blocks"])
    assert f"尚未落实包保的主体{now['unassigned']}家" in said
    assert change(now["unassigned"], expected["unassigned"], "家") in said


def test_today_s_figures_are_the_entity_table_s(engine, set_today, tmp_path):
    set_today(Q3_IMPORT)
    _import(engine, Book.full().save(tmp_path / "q3.xlsx"))
    set_today(Q4_IMPORT)
    _import(engine, _q4_book().save(tmp_path / "q4.xlsx"))
    for day in (Q4_IMPORT, Q4_TODAY):
        set_today(day)
        with Session(engine) as session:
            root = resolve_scope(session=session, code=None)
            got = coverage_figures(
                session=session,
                scope_path=root.path,
                where=places(session=session, root=root),
                as_of=D.fromisoformat(day),
            )
            assert _coverage_part(got) == _from_tables(session, D.fromisoformat(day))


def _from_tables(session: Session, day: dt.date) -> dict:
    """Today's coverage from the entity, assignment and officer tables as they are now: 在营
    listed entities, an active officer's running assignment covers."""
    entities = session.execute(text("SELECT id, category, status, active FROM entity")).all()
    rows = session.execute(
        text(
            "SELECT a.entity_id, a.officer_id, a.start_date, a.end_date, o.active "
            "FROM assignment a JOIN officer o ON o.id = a.officer_id"
        )
    ).all()
    running = [
        r for r in rows if r[4] and _day(r[2]) <= day and (r[3] is None or day <= _day(r[3]))
    ]
    covered = {r[0] for r in running}
    live = [e for e in entities if e[3] and e[2] == EntityStatus.OPERATING]
    return {
        "entities_by_category": dict(Counter(e[1] for e in live)),
        "unassigned": sum(e[0] not in covered for e in live),
        "officers": len({r[1] for r in running}),
    }


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else D.fromisoformat(str(value)[:10])


# ---- one definition: SQL equals Python ----------------------------------------------------

DAYS = st.dates(D(2026, 1, 1), D(2026, 12, 31))
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def _stretch(draw) -> dict:
    start = draw(DAYS)
    end = draw(st.one_of(st.none(), st.dates(start + dt.timedelta(days=1), D(2027, 1, 31))))
    return {
        "valid_from": start,
        "valid_to": end,
        "active": draw(st.booleans()),
        "status": draw(st.sampled_from(list(EntityStatus))),
    }


def test_operating_on_sql_equals_python(session):
    r = build_roster(session)
    ids = [r.e1.id, r.e2.id, r.e3.id]

    @SETTINGS
    @given(rows=st.lists(_stretch(), min_size=3, max_size=3), day=DAYS)
    def check(rows: list[dict], day: dt.date) -> None:
        session.execute(text("DELETE FROM entity_state"))
        for entity_id, row in zip(ids, rows, strict=True):
            session.execute(
                text(
                    "INSERT INTO entity_state (entity_id, valid_from, valid_to, status, active, "
                    "category, package_grade, jurisdiction_id) VALUES (:e, :valid_from, "
                    ":valid_to, :status, :active, '餐饮服务', 'D', :j)"
                ),
                {**row, "e": entity_id, "j": r.east.id},
            )
        found = dict(
            session.execute(
                text(
                    "SELECT entity_id, CASE WHEN "
                    f"{operating.operating_sql('s')} THEN 1 ELSE 0 END FROM entity_state s"
                ),
                {"as_of": day},
            ).all()
        )
        for entity_id, row in zip(ids, rows, strict=True):
            assert found[entity_id] == operating.operating_on(**row, day=day), row
        session.rollback()

    check()


@st.composite
def _assignment(draw) -> dict:
    start = draw(DAYS)
    end = draw(st.one_of(st.none(), st.dates(start, D(2027, 1, 31))))
    return {"start_date": start, "end_date": end, "active": draw(st.booleans())}


def test_covers_on_sql_equals_python(session):
    r = build_roster(session)
    officer = r.officers["BBV001"]

    @SETTINGS
    @given(row=_assignment(), day=DAYS)
    def check(row: dict, day: dt.date) -> None:
        session.execute(text("DELETE FROM assignment"))
        session.execute(text("UPDATE officer SET active = :a"), {"a": row["active"]})
        session.add(
            Assignment(
                officer_id=officer.id,
                entity_id=r.e1.id,
                start_date=row["start_date"],
                end_date=row["end_date"],
            )
        )
        session.flush()
        found = session.execute(
            text(
                f"SELECT CASE WHEN {operating.covers_sql('a', 'o')} THEN 1 ELSE 0 END "
                "FROM assignment a JOIN officer o ON o.id = a.officer_id"
            ),
            {"as_of": day},
        ).scalar_one()
        python = operating.covers_on(
            start=row["start_date"], end=row["end_date"], officer_active=row["active"], day=day
        )
        assert found == python, row
        session.rollback()
        session.expire_all()

    check()


# ---- the invariant: after every write path, the open rows are the entity table -------------


def _disagreements(engine) -> list[tuple]:
    """Entities whose open history row is missing or differs, and open rows too many."""
    equal = " AND ".join(f"(s.{c} = e.{c} OR (s.{c} IS NULL AND e.{c} IS NULL))" for c in TRACKED)
    with engine.connect() as connection:
        missing = connection.execute(
            text(
                "SELECT e.id FROM entity e WHERE NOT EXISTS (SELECT 1 FROM entity_state s "
                f"WHERE s.entity_id = e.id AND s.valid_to IS NULL AND {equal})"
            )
        ).all()
        extra = connection.execute(
            text(
                "SELECT entity_id, COUNT(*) FROM entity_state WHERE valid_to IS NULL "
                "GROUP BY entity_id HAVING COUNT(*) > 1"
            )
        ).all()
    return [tuple(r) for r in [*missing, *extra]]


def _history(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                text(
                    "SELECT entity_id, CAST(valid_from AS VARCHAR(10)), "
                    "CAST(valid_to AS VARCHAR(10)), status, active, category, jurisdiction_id "
                    "FROM entity_state ORDER BY entity_id, valid_from"
                )
            )
        ]


def test_every_write_path_keeps_the_history_equal_to_the_entities(engine, set_today, tmp_path):
    demo.fill(engine=engine, scale="town", seed=2)  # the demo: inserts (COPY on PostgreSQL)
    assert _disagreements(engine) == []
    assert {r[1] for r in _history(engine)} == {"2024-01-01"}
    set_today(Q3_IMPORT)
    _import(engine, Book.full().save(tmp_path / "first.xlsx"))
    assert _disagreements(engine) == []
    held = _history(engine)

    set_today(Q4_IMPORT)
    with Session(engine) as session:  # a dry run writes nothing
        result = import_roster(session=session, path=_q4_book().save(tmp_path / "dry.xlsx"),
                               dry_run=True)  # fmt: skip
        session.commit()
    assert result.ok and _history(engine) == held

    _import(engine, _q4_book().save(tmp_path / "q4.xlsx"))
    assert _disagreements(engine) == []
    changed = _history(engine)
    closed = [r for r in changed if r[2] == Q4_IMPORT]
    assert len(closed) == 3  # 农家乐 注销, 面馆's 业态, 水果摊 moved
    assert len(changed) == len(held) + 3 + 2  # their new rows and the two new businesses

    _import(engine, _q4_book().save(tmp_path / "again.xlsx"))  # the same book: nothing new
    assert _history(engine) == changed

    # The same day again, another change: the row opened today is replaced, not closed.
    same_day = _q4_book().set(E, 7, "经营状态", "停业")
    _import(engine, same_day.save(tmp_path / "same-day.xlsx"))
    assert _disagreements(engine) == [] and len(_history(engine)) == len(changed)

    partial = Book({E: [_q4_book().sheets[E][0]]}).set(E, 2, "风险等级", "D")
    with Session(engine) as session:
        result = import_roster(session=session, path=partial.save(tmp_path / "p.xlsx"),
                               partial=True)  # fmt: skip
        session.commit()
    assert result.ok, [e.as_dict() for e in result.errors]
    assert _disagreements(engine) == [] and len(_history(engine)) == len(changed) + 1

    # Entities written directly (as tests do) get their rows from record_history.
    set_today(Q4_TODAY)
    with Session(engine) as session:
        session.execute(text("UPDATE entity SET active = FALSE WHERE id = 1"))
        record_history(connection=session.connection(), day=D.fromisoformat(Q4_TODAY))
        session.commit()
    assert _disagreements(engine) == []
