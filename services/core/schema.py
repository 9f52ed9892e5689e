"""The database schema: upgrade to the newest Alembic revision, compare models and migrations.

Alembic's heavier modules are imported inside the functions that need them (start-up time).
"""

from pathlib import Path

from sqlalchemy.engine import Engine

from config.settings import ROOT

VERSIONS = Path(ROOT) / "migrations"


def alembic_config(url: str):
    """An Alembic config for url, independent of the working directory."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(VERSIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest revision in the migration history."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(VERSIONS)).get_current_head()


def current_revision(*, engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(*, engine: Engine) -> tuple[str | None, str]:
    """Upgrade the database to head; returns (revision before, revision after)."""
    from alembic import command

    before = current_revision(engine=engine)
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    return before, current_revision(engine=engine)


def require_current(*, engine: Engine) -> None:
    """Refuse to work on a database that is not at head (run ./baobao init first)."""
    from services.core.errors import BadInput

    current = current_revision(engine=engine)
    if current != head_revision():
        state = "尚未初始化" if current is None else f"结构版本为 {current}，不是最新"
        raise BadInput(f"数据库{state}，请先运行 ./baobao init")


def model_differences(*, engine: Engine) -> list:
    """What autogenerate would change to make the database match the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import models  # noqa: F401  (registers every table)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)
