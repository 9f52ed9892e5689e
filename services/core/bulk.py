"""Bulk row writing: COPY on PostgreSQL, executemany on SQLite — never one ORM object per row."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import CursorResult, Result, text
from sqlalchemy.engine import Connection

from models.db import is_postgres


def changed_rows(result: Result[Any]) -> int:
    """The rows an INSERT, UPDATE or DELETE wrote (its result is always a cursor's)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def insert_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Insert rows (tuples in column order) into table; returns how many were written."""
    rows = list(rows)
    if not rows:
        return 0
    names = ", ".join(columns)
    if is_postgres(connection):
        driver = connection.connection.driver_connection
        assert driver is not None  # an open connection has its DBAPI connection
        cursor = driver.cursor()
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)


def reset_sequences(connection: Connection, tables: Iterable[str]) -> None:
    """After inserts with explicit ids, move PostgreSQL's id sequences past the largest id."""
    if not is_postgres(connection):
        return
    for table in tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
