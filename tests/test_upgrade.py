"""Upgrades on real data: a database made by the oldest schema (0001) and filled with the demo
county migrates to the newest with every row kept, backed up first, in one transaction."""

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import MetaData, inspect, select, text
from sqlmodel import Session

from models import Notification
from models.db import get_engine
from services.core import clock
from services.core.bulk import insert_rows, reset_sequences
from services.core.schema import current_revision, head_revision, upgrade
from services.demo import dataset as demo
from services.operations import archive
from services.operations.tables import row_counts
from services.tasks.generation import generate_routine_tasks
from tests.conftest import pg_schema

OLDEST = "0001"


@contextmanager
def empty_database(kind: str, tmp_path):
    """The URL of an empty database (no tables at all) of either kind."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path}/old.db"
        yield url
        get_engine(url).dispose()
        return
    with pg_schema() as url:
        schema = url.rsplit("%3D", 1)[1]
        get_engine(url).dispose()
        with get_engine(url).begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        yield url


@pytest.fixture
def county(engine, set_today):
    """The demo county at the newest schema, with its 2026Q3 tasks and a few outbox rows."""
    demo.fill(engine=engine, scale="county", seed=2)
    set_today("2026-09-22")
    with Session(engine) as session:
        _only_what_the_oldest_schema_holds(session)
        generate_routine_tasks(session=session)
        for n in range(3):
            session.add(
                Notification(
                    channel="email",
                    recipient=f"officer:V{n}",
                    address=f"v{n}@example.cn",
                    subject="提醒",
                    body_text="正文",
                    dedupe_key=f"digest:officer:V{n}:2026-09-22:email",
                    queued_at=clock.now(),
                )
            )
        session.commit()
    with engine.connect() as connection:
        return row_counts(connection)


def _only_what_the_oldest_schema_holds(session) -> None:
    """Leave out what schema 0001 cannot hold: the demo's entities known only by a 登记备案编号
    or by name (摊贩 without a code; 0001 requires a credit code or a licence number), its
    信息员 and its rural banquets with their 现场指导 tasks and hazards (later tables); the
    entity history of the newest schema is rebuilt by its migration, one row per entity."""
    session.execute(text("DELETE FROM informant"))
    session.execute(text("DELETE FROM inspection_task WHERE banquet_id IS NOT NULL"))
    session.execute(text("DELETE FROM hazard WHERE banquet_id IS NOT NULL"))
    session.execute(text("DELETE FROM banquet"))
    unknown = "SELECT id FROM entity WHERE credit_code IS NULL AND licence_no IS NULL"
    session.execute(text(f"DELETE FROM assignment WHERE entity_id IN ({unknown})"))
    session.execute(text(f"DELETE FROM entity_state WHERE entity_id IN ({unknown})"))
    session.execute(text(f"DELETE FROM entity WHERE id IN ({unknown})"))


def copy_rows(source, target) -> None:
    """Copy every row of source into target's tables, columns both have, parents first."""
    old = MetaData()
    old.reflect(bind=target)
    with source.connect() as reading, target.begin() as writing:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            have = {c["name"] for c in inspect(reading).get_columns(table.name)}
            columns = [c.name for c in table.columns if c.name in have]
            rows = reading.execute(
                select(*[text(f'"{c}"') for c in columns]).select_from(text(f'"{table.name}"'))
            )
            insert_rows(writing, table.name, columns, [tuple(map(_plain, row)) for row in rows])
        reset_sequences(writing, [t.name for t in old.sorted_tables if "id" in t.columns])


def _plain(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


@pytest.fixture
def oldest(request, county, engine, tmp_path):
    """A database at revision 0001 holding the demo county's rows; (its URL, expected counts)."""
    with empty_database(request.node.callspec.params["db_url"], tmp_path) as url:
        old = get_engine(url)
        upgrade(engine=old, target=OLDEST)
        copy_rows(engine, old)
        yield url, county


def test_the_oldest_schema_with_the_demo_county_migrates_to_the_newest(oldest, cli, data_dir):
    url, expected = oldest
    engine = get_engine(url)
    assert current_revision(engine=engine) == OLDEST
    with engine.connect() as connection:
        before = row_counts(connection)
    assert before["entity"] == expected["entity"] > 1500  # less those 0001 cannot hold
    assert before["inspection_task"] == expected["inspection_task"] > 1500

    code, out, _ = cli("--db", url, "init", "--json")
    result = json.loads(out)
    assert code == 0 and result["before"] == OLDEST and result["after"] == head_revision()
    with engine.connect() as connection:
        after = row_counts(connection)
    assert after == {**expected, "alembic_version": 1}
    with engine.connect() as connection:  # the migrated columns hold the old rows' values
        assert connection.execute(text("SELECT COUNT(*) FROM notification")).scalar() == 3

    # The backup was taken before migrating: at 0001, with the county's rows.
    manifest = archive.read_manifest(path=result["backup"])
    assert manifest["revision"] == OLDEST
    assert manifest["tables"]["entity"] == expected["entity"]
    assert manifest["tables"]["inspection_task"] == expected["inspection_task"]


def test_a_failing_migration_leaves_the_database_as_it_was(oldest):
    """Every pending migration runs in one transaction: when the last one fails, the earlier
    ones (0002 adds a column, 0003 rebuilds inspection_task) are undone as well."""
    url, expected = oldest
    engine = get_engine(url)
    with engine.begin() as connection:  # the newest migration's table already exists: it fails
        connection.execute(text("CREATE TABLE calendar_year (year INTEGER PRIMARY KEY)"))
    with pytest.raises(Exception, match="calendar_year"):
        upgrade(engine=engine)
    engine.dispose()
    assert current_revision(engine=engine) == OLDEST
    columns = {c["name"] for c in inspect(engine).get_columns("notification")}
    assert "attachments" not in columns  # 0002 rolled back
    keys = {k["name"] for k in inspect(engine).get_foreign_keys("inspection_task")}
    assert "fk_task_assignment" not in keys  # 0003 rolled back
    with engine.connect() as connection:
        counts = row_counts(connection)
    assert counts["inspection_task"] == expected["inspection_task"]
    assert counts["entity"] == expected["entity"]


def test_init_on_an_empty_or_current_database_takes_no_backup(cli, tmp_path, data_dir):
    url = f"sqlite:///{tmp_path}/new.db"
    code, out, _ = cli("--db", url, "init", "--json")
    assert code == 0 and json.loads(out)["backup"] is None
    code, out, _ = cli("--db", url, "init", "--json")
    assert code == 0 and json.loads(out) == {
        "before": head_revision(),
        "after": head_revision(),
        "changed": False,
        "backup": None,
    }
    assert not (data_dir / "backups").exists()


def test_sqlite_upgrade_keeps_foreign_keys_checked(tmp_path):
    """Foreign keys are off only inside the migration; the application's connections check
    them as before."""
    url = f"sqlite:///{tmp_path}/fk.db"
    upgrade(engine=get_engine(url))
    with get_engine(url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
