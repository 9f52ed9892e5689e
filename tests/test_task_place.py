"""inspection_task.place_id, the jurisdiction of the task's entity that the supervisor lists
find a subtree's tasks by, on both databases: set by every writer (generation, a campaign, a
handover), NULL only for a 现场指导 task, and following an entity the roster moves to another
township, whose office then lists the task while the officer's own office still does."""

import datetime as dt

import pytest
from sqlalchemy import text
from sqlmodel import Session

from services.banquets.filing import Filing
from services.banquets.register import file_banquet
from services.permissions.principal import load_principal
from services.tasks.campaigns import create_campaign
from services.worklists.filters import parse_filter
from services.worklists.tasks import task_page
from tests.support.roster_books import TODAY
from tests.support.roster_county import county_book, load_county, rows

E, STAFF = "包保主体", "食安办人员"
SONGLIN, QINGSHAN = "511000200300", "511000200000"  # 松林村 of 青山镇; the noodle shop is 河口镇's


@pytest.fixture
def county(engine, tmp_path, set_today, monkeypatch):
    return load_county(engine, tmp_path, set_today, monkeypatch)


def _astray(engine) -> list[tuple]:
    """Tasks whose place is not their entity's jurisdiction (none, or a 现场指导 task's NULL)."""
    return rows(
        engine,
        """SELECT t.id, t.source, t.place_id, e.jurisdiction_id FROM inspection_task t
           LEFT JOIN entity e ON e.id = t.entity_id
           WHERE (e.id IS NULL AND t.place_id IS NOT NULL)
              OR (e.id IS NOT NULL AND (t.place_id IS NULL OR t.place_id <> e.jurisdiction_id))""",
    )


def _book():
    book = county_book()
    book.add(STAFF, ["sl_qingshan", "青山镇督办", QINGSHAN, "督办", "13800000012", None, None])
    return book


def test_every_writer_sets_the_place_of_the_task(county, engine, db_url, cli, set_today):
    county(_book())
    with Session(engine) as session:
        create_campaign(session=session, name="中秋专项", due_date=dt.date(2026, 9, 30))
        session.commit()
    code, _, err = cli(
        "--db", db_url, "--today", TODAY, "roster", "handover", "--from", "SL2001", "--to", "SL2005"
    )  # fmt: skip
    assert code == 0, err
    set_today(TODAY)  # the command set its own day
    with Session(engine) as session:  # a 现场指导 task (rule 14): no entity, no place
        filing = Filing(village=SONGLIN, host="陈 婚", event_date=dt.date(2026, 9, 28), diners=200)
        assert file_banquet(session=session, filing=filing, actor="test")["task_id"]
        session.commit()
    sources = dict(rows(engine, "SELECT source, COUNT(*) FROM inspection_task GROUP BY source"))
    handed = rows(engine, "SELECT COUNT(*) FROM inspection_task WHERE status = 'handed_over'")
    assert sources["routine"] > 0 and sources["campaign"] > 0 and sources["banquet"] == 1
    assert handed[0][0] > 0
    assert _astray(engine) == []
    guided = {name for name in _listed(engine, "sl_qingshan") if "陈 婚" in name}
    assert guided and not any("陈 婚" in name for name in _listed(engine, "sl_hekou"))


def _listed(engine, account: str) -> set[str]:
    """The entities of the 2026Q3 tasks a 食安办 account's task list shows."""
    with Session(engine) as session:
        user = session.execute(
            text("SELECT id, role FROM app_user WHERE account = :a"), {"a": account}
        ).one()
        who = load_principal(session=session, kind=user.role, person_id=user.id)
        filters = parse_filter(params={"status": "", "period": "2026Q3"}, kind="tasks")
        return {r.entity_name for r in task_page(session=session, who=who, filters=filters).rows}


def test_a_moved_entity_takes_its_tasks_to_its_new_township(county, engine):
    """The county officer's (SL0001) company: its task's own jurisdiction is the county's, so
    a township office lists it by the entity's place only."""
    county(_book())
    company = "示例县河口食品有限公司"
    assert company in _listed(engine, "sl_hekou")
    assert company not in _listed(engine, "sl_qingshan")
    book = _book()
    row = next(r for r in range(2, 20) if book.get(E, r, "主体名称") == company)
    county(book.set(E, row, "所属区划代码", SONGLIN))
    assert _astray(engine) == []
    assert company in _listed(engine, "sl_qingshan")
    assert company not in _listed(engine, "sl_hekou")


def test_a_subtree_listed_by_id_or_as_a_subquery_lists_the_same(county, engine, monkeypatch):
    """A county's subtree is given to the lists as its ids, a larger one as a subquery
    (services.worklists.scope.LISTED): both list the same tasks."""
    from services.worklists import scope

    county(_book())
    by_id = {a: _listed(engine, a) for a in ("sl_admin", "sl_hekou", "sl_qingshan")}
    monkeypatch.setattr(scope, "LISTED", 1)
    assert {a: _listed(engine, a) for a in by_id} == by_id
    assert by_id["sl_admin"] >= by_id["sl_hekou"] | by_id["sl_qingshan"] and by_id["sl_hekou"]


def test_postgres_connections_plan_each_query_for_its_values(engine):
    """On PostgreSQL (models.db): random_page_cost is 1.1 and no statement is prepared, so no
    plan made for one subtree is reused for another."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    with engine.connect() as connection:
        assert connection.execute(text("SHOW random_page_cost")).scalar_one() == "1.1"
        for _ in range(8):
            connection.execute(text("SELECT count(*) FROM jurisdiction WHERE id > :i"), {"i": 0})
        prepared = connection.execute(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared.scalar_one() == 0


def test_the_web_application_runs_no_parallel_query(db_url, engine):
    """The web application's PostgreSQL connections keep each query in one process."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    from models.db import get_engine
    from web.app import create_app

    with get_engine(db_url).connect() as connection:
        assert connection.execute(text("SHOW max_parallel_workers_per_gather")).scalar() != "0"
    create_app(database_url=db_url)
    get_engine(db_url).dispose()  # connections made from now on
    with get_engine(db_url).connect() as connection:
        assert connection.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
