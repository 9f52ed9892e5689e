"""Re-import keeps history: changed rows update, a changed officer ends the old assignment the
day before the new start, absent rows end or go inactive, 停业/注销 ends assignments, every
change is audited with the file's name and sha256; --dry-run and --partial behave."""

import hashlib

import pytest
from sqlalchemy import text
from sqlmodel import Session

from services.roster.importer import import_roster
from tests.support.roster_books import CREDIT_6, CREDIT_7, TODAY, Book, snapshot

A, E, OFF, J = "包保关系", "包保主体", "包保干部", "区划"


def _rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


@pytest.fixture
def county(engine, tmp_path, set_today):
    """The test county imported once; returns an importer of changed books."""
    set_today(TODAY)
    counter = iter(range(1, 100))

    def run(book: Book, **options):
        path = book.save(tmp_path / f"roster-{next(counter)}.xlsx")
        with Session(engine) as session:
            result = import_roster(session=session, path=path, **options)
            session.commit()
        assert result.ok, [e.as_dict() for e in result.errors]
        return result

    first = run(Book())
    assert first.counts[A]["created"] == 6
    return run


def _assignment(engine, officer: str, credit: str) -> list[tuple]:
    return _rows(
        engine,
        """SELECT CAST(a.start_date AS VARCHAR(10)), CAST(a.end_date AS VARCHAR(10))
        FROM assignment a JOIN officer o ON o.id = a.officer_id JOIN entity e ON e.id = a.entity_id
        WHERE o.code = :officer AND e.credit_code = :credit ORDER BY a.start_date""",
        officer=officer,
        credit=credit,
    )


def test_an_officer_swap_ends_one_assignment_and_opens_one(county, engine):
    book = Book()
    book.add(
        OFF,
        ["SL0002", "王刚", "县级", "县市场监管局局长", "511000000000", "13800000008", None, None],
    )
    book.set(A, 2, "干部编号", "SL0002").set(A, 2, "开始日期", "2026-09-01")
    result = county(book)
    assert result.counts[A] == {"created": 1, "updated": 0, "unchanged": 5, "ended": 1}
    assert result.counts[OFF] == {"created": 1, "updated": 0, "unchanged": 7, "ended": 0}
    assert _assignment(engine, "SL0001", "91511000123456788W") == [("2025-01-01", "2026-08-31")]
    assert _assignment(engine, "SL0002", "91511000123456788W") == [("2026-09-01", None)]
    ended = _rows(
        engine,
        """SELECT object_id, before, after FROM audit_event
                             WHERE action = 'roster.assignment.ended'""",
    )
    assert len(ended) == 1
    again = county(book)  # the same workbook again: nothing changes
    assert all(c["created"] == c["updated"] == c["ended"] == 0 for c in again.counts.values())


def test_a_full_import_ends_and_deactivates_what_it_no_longer_lists(county, engine):
    book = Book()
    del book.sheets[E][5]  # CREDIT_6, covered by SL1002 (包保关系 row 7)
    del book.sheets[A][5]
    del book.sheets[OFF][6]  # SL2004, no assignment
    result = county(book)
    assert result.counts[E]["ended"] == 1 and result.counts[OFF]["ended"] == 1
    assert result.counts[A] == {"created": 0, "updated": 0, "unchanged": 5, "ended": 1}
    assert _assignment(engine, "SL1002", CREDIT_6) == [("2025-06-01", TODAY)]
    assert _rows(engine, "SELECT active FROM entity WHERE credit_code = :c", c=CREDIT_6) in (
        [(False,)],
        [(0,)],
    )
    assert _rows(engine, "SELECT COUNT(*) FROM officer WHERE code = 'SL2004'") == [(1,)]
    back = county(Book())  # listed again: active again, the listed assignment open again
    assert back.counts[OFF]["updated"] == 1 and back.counts[E]["updated"] == 1
    assert back.counts[A] == {"created": 0, "updated": 1, "unchanged": 5, "ended": 0}
    assert _assignment(engine, "SL1002", CREDIT_6) == [("2025-06-01", None)]


def test_a_closed_entity_ends_its_assignments(county, engine):
    result = county(Book().set(E, 7, "经营状态", "注销"))
    assert result.counts[E]["updated"] == 1
    assert result.counts[A] == {"created": 0, "updated": 0, "unchanged": 5, "ended": 1}
    assert _assignment(engine, "SL1002", CREDIT_6) == [("2025-06-01", TODAY)]
    reasons = _rows(
        engine, "SELECT after FROM audit_event WHERE action = 'roster.assignment.ended'"
    )
    assert "workbook" in str(reasons) or "closed" in str(reasons)
    again = county(Book().set(E, 7, "经营状态", "注销"))
    assert again.counts[A] == {"created": 0, "updated": 0, "unchanged": 6, "ended": 0}


def test_an_end_date_in_the_workbook_ends_the_assignment(county, engine):
    result = county(Book().set(A, 7, "结束日期", "2026-09-30"))
    assert result.counts[A]["ended"] == 1
    assert _assignment(engine, "SL1002", CREDIT_6) == [("2025-06-01", "2026-09-30")]


def test_changed_fields_update_rows_and_the_audit_shows_before_and_after(county, engine):
    book = Book().set(OFF, 3, "手机号", "13900000002").set(E, 8, "地址", "石门村7号")
    result = county(book)
    assert result.counts[OFF] == {"created": 0, "updated": 1, "unchanged": 6, "ended": 0}
    assert result.counts[E]["updated"] == 1
    before, after = _rows(
        engine,
        """SELECT before, after FROM audit_event
                                     WHERE action = 'roster.officer.updated'""",
    )[0]
    assert "13800000002" in str(before) and "13900000002" in str(after)
    assert _rows(engine, "SELECT mobile FROM officer WHERE code = 'SL1001'") == [("13900000002",)]


def test_every_change_is_audited_with_the_file_name_and_sha256(county, engine, tmp_path):
    book = Book().set(J, 5, "上级区划代码", "511000200000")  # 石门村 moves to 青山镇
    result = county(book)
    assert result.counts[J]["updated"] == 1
    assert _rows(engine, "SELECT path FROM jurisdiction WHERE code = '511000100201'") == [
        ("/511000000000/511000200000/511000100201/",)
    ]
    digest = result.sha256
    path = next(tmp_path.glob(f"{result.file}"))
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    events = (
        _rows(engine, "SELECT action, after FROM audit_event WHERE after LIKE :d", d=f"%{digest}%")
        if engine.dialect.name == "sqlite"
        else _rows(
            engine,
            "SELECT action, after::text FROM audit_event WHERE after::text LIKE :d",
            d=f"%{digest}%",
        )
    )
    actions = sorted(a for a, _ in events)
    assert actions == ["roster.import", "roster.jurisdiction.updated"]
    assert all(result.file in str(after) for _, after in events)


def test_dry_run_reports_what_a_real_run_does_and_writes_nothing(county, engine):
    book = Book().set(OFF, 3, "手机号", "13900000002").set(E, 7, "经营状态", "停业")
    before = snapshot(engine)
    dry = county(book, dry_run=True)
    assert snapshot(engine) == before
    real = county(book)
    assert dry.counts == real.counts and dry.counts[A]["ended"] == 1


def test_a_partial_import_touches_only_what_it_lists(county, engine):
    book = Book()
    for sheet in (J, OFF, "食安办人员", A):
        book.drop_sheet(sheet)
    book.sheets[E] = [book.sheets[E][6]]  # only the spare entity, renamed
    book.set(E, 2, "主体名称", "石门村老赵鲜果店")
    result = county(book, partial=True)
    assert result.counts[E] == {"created": 0, "updated": 1, "unchanged": 0, "ended": 0}
    assert sum(c["ended"] for c in result.counts.values()) == 0
    assert _rows(engine, "SELECT COUNT(*) FROM entity WHERE active = :t", t=True) == [(7,)]
    assert _rows(engine, "SELECT name FROM entity WHERE credit_code = :c", c=CREDIT_7) == [
        ("石门村老赵鲜果店",)
    ]


def test_a_partial_import_of_a_new_assignment_ends_the_old_one(county, engine):
    book = Book()
    for sheet in (J, OFF, "食安办人员", E):
        book.drop_sheet(sheet)
    book.sheets[A] = [["SL2004", None, "JY25110000000026", None, None, None, "2026-09-15", None]]
    result = county(book, partial=True)
    assert result.counts[A] == {"created": 1, "updated": 0, "unchanged": 0, "ended": 1}
    rows = _rows(
        engine,
        """SELECT o.code, CAST(a.end_date AS VARCHAR(10)) FROM assignment a
        JOIN officer o ON o.id = a.officer_id JOIN entity e ON e.id = a.entity_id
        WHERE e.licence_no = 'JY25110000000026' ORDER BY a.start_date""",
    )
    assert rows == [("SL2002", "2026-09-14"), ("SL2004", None)]


def test_an_entity_found_by_licence_gets_its_new_credit_code(county, engine):
    from services.roster.credit_code import make_credit_code

    credit = make_credit_code(registry="9", kind="2", area="511000", org_base="11223344")
    book = Book().set(E, 5, "统一社会信用代码", credit)
    result = county(book)
    assert result.counts[E]["updated"] == 1 and result.counts[A]["unchanged"] == 6
    assert _rows(
        engine, "SELECT credit_code FROM entity WHERE licence_no = 'JY25110000000026'"
    ) == [(credit,)]


def test_a_roster_with_closed_entities_imports_then_reimports_without_change(
    engine, tmp_path, set_today
):
    set_today(TODAY)
    book = Book().set(E, 7, "经营状态", "停业").set(E, 5, "经营状态", "注销")
    for number in (1, 2):
        with Session(engine) as session:
            result = import_roster(session=session, path=book.save(tmp_path / f"{number}.xlsx"))
            session.commit()
        assert result.ok
        if number == 1:
            assert result.counts[A] == {"created": 6, "updated": 0, "unchanged": 0, "ended": 0}
    assert result.counts[A] == {"created": 0, "updated": 0, "unchanged": 6, "ended": 0}
    assert _assignment(engine, "SL1002", CREDIT_6) == [("2025-06-01", TODAY)]


def test_audit_moments_of_an_import_are_stored_as_the_orm_stores_them(county, engine):
    from sqlmodel import select

    from models.audit import AuditEvent
    from services.core import clock

    county(Book().set(E, 2, "主体名称", "改名后的食品有限公司"))
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action.like("roster.%"))).all()
    assert len(events) >= 2
    for event in events:  # read back as the same instant on both databases, not 8 h off
        assert abs((event.occurred_at - clock.now()).total_seconds()) < 120, event.action
