"""Advisory locks that serialise work across processes on PostgreSQL, keyed by name within the
current schema (schemas side by side in one database — a county beside a province, the test
suite's workers — never wait on each other). SQLite needs none: it has one writer at a time.
Every caller takes the settlement lock before any other, so two runs never wait on each other
in a circle."""

from sqlalchemy import Connection, text

from models.db import is_postgres

SETTLEMENT = "roster.settle"


def hold(connection: Connection, name: str) -> None:
    """Hold the lock `name` of the current schema until the transaction ends (PostgreSQL)."""
    if is_postgres(connection):
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || :name))"),
            {"name": name},
        )
