"""One person, one login, with what the database keeps: a partial import is checked against every
active record it does not list, and the optional 信息员 sheet, when absent, leaves the stored
信息员 alone (and still in the check)."""

from sqlmodel import Session

from services.roster.importer import import_roster
from tests.support.roster_books import TODAY, Book, counts, snapshot

OFF, U, INF = "包保干部", "食安办人员", "信息员"


def _import(engine, path, **options):
    with Session(engine) as session:
        result = import_roster(session=session, path=path, **options)
        session.commit()
    return result


def test_a_full_import_without_the_informant_sheet_keeps_them(engine, tmp_path, set_today):
    set_today(TODAY)
    assert _import(engine, Book.full().save(tmp_path / "full.xlsx")).ok
    again = _import(engine, Book().save(tmp_path / "five.xlsx"))
    assert again.ok and INF not in again.counts and counts(engine)["informant"] == 2
    dropped = Book.full()
    del dropped.sheets[INF][1]
    result = _import(engine, dropped.save(tmp_path / "one.xlsx"))
    assert result.counts[INF] == {"created": 0, "updated": 0, "unchanged": 1, "ended": 1}


def test_a_partial_import_is_checked_against_the_people_it_does_not_list(
    engine, tmp_path, set_today
):
    set_today(TODAY)
    assert _import(engine, Book.full().save(tmp_path / "full.xlsx")).ok
    before = snapshot(engine)
    users = Book({U: [["SL2002", "新账号", "511000000000", "督办", "13800000099", None, None]]})
    result = _import(engine, users.save(tmp_path / "users.xlsx"), partial=True)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(U, 2, "账号")]
    assert "数据库中在册的包保干部（冯丽）的干部编号" in result.errors[0].message
    informants = Book({INF: [["陈明", "13800000010", "511000200300", "信息员"]]})
    result = _import(engine, informants.save(tmp_path / "informants.xlsx"), partial=True)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(INF, 2, "姓名")]
    assert "钱文" in result.errors[0].message  # 13800000010 is the admin's
    assert snapshot(engine) == before


def test_an_officer_who_is_also_an_office_user_is_linked_not_refused(engine, tmp_path, set_today):
    set_today(TODAY)
    book = Book.full()
    book.add(U, ["zhou", "周建国", "511000000000", "督办", "13800000001", None, None])
    result = _import(engine, book.save(tmp_path / "linked.xlsx"))
    assert result.ok and result.people_linked == 2  # 周建国, and 郑大勇 (officer and 信息员)
