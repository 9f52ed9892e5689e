"""Bulk row writing: COPY on PostgreSQL, executemany on SQLite — never one ORM object per row."""

from collections.abc import Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.db import is_postgres


def insert_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence]
) -> int:
    """Insert rows (tuples in column order) into table; returns how many were written."""
    rows = list(rows)
    if not rows:
        return 0
    names = ", ".join(columns)
    if is_postgres(connection):
        cursor = connection.connection.driver_connection.cursor()
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
