"""The health check for a reverse proxy or monitor: the database answers and is at the newest
schema."""

from typing import TypedDict

from sqlalchemy.engine import Engine

from services.operations.doctor import database, migrations


class Part(TypedDict):
    ok: bool
    message: str


class Health(TypedDict):
    """Whether all is well, and each part's own answer."""

    ok: bool
    database: Part
    migrations: Part


def health(*, engine: Engine) -> Health:
    """Whether the database answers and is at the newest schema (see Health)."""
    reached = database(engine=engine)
    current = migrations(engine=engine) if reached.ok else None
    database_part = Part(ok=reached.ok, message=reached.message)
    migrations_part = Part(
        ok=bool(current and current.ok),
        message=current.message if current else "未检查（数据库不可用）",
    )
    return Health(
        ok=database_part["ok"] and migrations_part["ok"],
        database=database_part,
        migrations=migrations_part,
    )
