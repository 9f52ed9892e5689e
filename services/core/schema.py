"""The database schema: upgrade to the newest Alembic revision, compare models and migrations.

Alembic's heavier modules are imported inside the functions that need them (start-up time).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

from config.settings import ROOT
from models.db import is_postgres

VERSIONS = Path(ROOT) / "migrations"


def alembic_config(url: str) -> "Config":
    """An Alembic config for url, independent of the working directory."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(VERSIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest revision in the migration history."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(VERSIONS)).get_current_head()
    assert head is not None  # migrations/versions holds the history (one head)
    return head


def current_revision(*, engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(*, engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Upgrade the database to target (head) in one transaction; (revision before, after)."""
    from alembic import command

    before = current_revision(engine=engine)
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with _migration_transaction(engine) as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, target)
    after = current_revision(engine=engine)
    assert after is not None  # upgraded: at a revision
    return before, after


@contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction around every pending migration. PostgreSQL's DDL is transactional.
    SQLite's is too, but its Python driver opens transactions only before INSERT/UPDATE/DELETE:
    here the driver's handling is off and BEGIN IMMEDIATE covers the DDL as well. Foreign keys
    are off while Alembic's batch mode rebuilds tables (SQLite's documented procedure for
    schema changes) and checked with PRAGMA foreign_key_check before the commit."""
    if is_postgres(engine):
        with engine.begin() as connection:
            yield connection
        return
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    migrating = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(migrating, "connect")
    def _connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout=30000")
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(migrating, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with migrating.begin() as connection:
            yield connection
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        migrating.dispose()


def require_current(*, engine: Engine) -> None:
    """Refuse to work on a database that is not at head (run ./baobao init first)."""
    from services.core.errors import BadInput

    current = current_revision(engine=engine)
    if current != head_revision():
        state = "尚未初始化" if current is None else f"结构版本为 {current}，不是最新"
        raise BadInput(f"数据库{state}，请先运行 ./baobao init")


def model_differences(*, engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import models  # noqa: F401  (registers every table)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found: list[Any] = compare_metadata(context, SQLModel.metadata)  # alembic's diff tuples
        return found
