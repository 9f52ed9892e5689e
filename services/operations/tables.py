"""The application's tables in the database in force: names, row counts, emptiness."""

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

VERSION_TABLE = "alembic_version"


def table_names(connection: Connection) -> list[str]:
    """Every table of the current schema (PostgreSQL) or file (SQLite), sorted."""
    return sorted(inspect(connection).get_table_names())


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows per table, read on one connection (one snapshot when in a transaction)."""
    quote = connection.dialect.identifier_preparer.quote
    return {
        name: connection.execute(text(f"SELECT COUNT(*) FROM {quote(name)}")).scalar_one()
        for name in table_names(connection)
    }


def is_empty(*, engine: Engine) -> bool:
    """Whether no table but Alembic's holds a row (a new or freshly initialised database)."""
    with engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        for name in table_names(connection):
            if name == VERSION_TABLE:
                continue
            if connection.execute(text(f"SELECT 1 FROM {quote(name)} LIMIT 1")).first():
                return False
    return True
