"""The test county for the handover and lifecycle tests (no tests here): the full county with a
second village officer of 柳湾村 (SL2005), its 2026Q3 tasks and a hazard at the noodle shop."""

from sqlalchemy import text
from sqlmodel import Session

from config import settings as settings_module
from services.hazards.create import add_hazard
from services.roster.importer import import_roster
from services.tasks.generation import generate_routine_tasks
from tests.support.roster_books import TODAY, Book

OFF, A = "包保干部", "包保关系"
NOODLES = "JY25110000000018"  # 柳湾村老王面馆, SL2001's (包保关系 row 4)
SUCCESSOR = ["SL2005", "何平", "村级", "村食品安全联络员", "511000100200", "13800000009"]


def rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


def county_book() -> Book:
    """The full test county with SL2005, a second village officer of 柳湾村, and mail."""
    book = Book.full().set(OFF, 5, "邮箱", "sl2001@example.cn")
    book.add(OFF, [*SUCCESSOR, "sl2005@example.cn", None])
    return book


def load_county(engine, tmp_path, set_today, monkeypatch):
    """The county imported on 2026-09-22 with its 2026Q3 tasks and a hazard at the noodle shop
    (mail on); returns run(book) importing a changed book."""
    monkeypatch.setenv("BAOBAO_SMTP_HOST", "127.0.0.1")
    settings_module.reset()
    set_today(TODAY)
    counter = iter(range(100))

    def run(book: Book):
        with Session(engine) as session:
            result = import_roster(
                session=session, path=book.save(tmp_path / f"{next(counter)}.xlsx")
            )
            session.commit()
        assert result.ok, [e.as_dict() for e in result.errors]
        return result

    run(county_book())
    with Session(engine) as session:
        generate_routine_tasks(session=session)
        add_hazard(
            session=session,
            source="投诉举报",
            description="后厨地面积水",
            level="一般",
            entity_key=NOODLES,
            actor="sl_admin",
        )
        session.commit()
    return run


def tasks_of(engine, officer: str) -> list[tuple]:
    return rows(
        engine,
        """SELECT t.status, CAST(t.due_date AS VARCHAR(10)), t.period, e.name,
                  CAST(t.handed_over_on AS VARCHAR(10))
           FROM inspection_task t JOIN officer o ON o.id = t.officer_id
           JOIN entity e ON e.id = t.entity_id WHERE o.code = :code ORDER BY e.name, t.id""",
        code=officer,
    )


def hazard_officer(engine) -> str | None:
    return rows(
        engine,
        "SELECT o.code FROM hazard h LEFT JOIN officer o ON o.id = h.officer_id",
    )[0][0]
