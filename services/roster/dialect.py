"""The few SQL spellings that differ between SQLite and PostgreSQL, for the roster's bulk SQL."""

import datetime as dt
from typing import Any

from sqlalchemy import CursorResult, bindparam, text
from sqlalchemy.engine import Connection
from sqlmodel.sql.sqltypes import UTCDateTime

from models.db import is_postgres


class Sql:
    """Runs SQL on one connection and spells dialect-specific expressions."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.pg = is_postgres(connection)

    def run(self, statement: str, **params: object) -> CursorResult[Any]:
        """Execute one statement with named parameters (datetimes bound as the ORM binds them)."""
        clause = text(statement)
        moments = [
            bindparam(k, type_=UTCDateTime())
            for k, v in params.items()
            if isinstance(v, dt.datetime)
        ]
        if moments:
            clause = clause.bindparams(*moments)
        return self.connection.execute(clause, params)

    def rows(self, statement: str, **params: object) -> list[tuple[Any, ...]]:
        """The rows of a query, as plain tuples (their columns as the statement lists them)."""
        return [tuple(r) for r in self.run(statement, **params)]

    def scalar(self, statement: str, **params: object) -> Any:
        """The first column of the first row (None without rows)."""
        return self.run(statement, **params).scalar()

    def count(self, statement: str, **params: object) -> int:
        """The number a SELECT COUNT(*) … statement returns."""
        return int(self.run(statement, **params).scalar_one())

    def differs(self, a: str, b: str) -> str:
        """a and b differ, NULLs compared as values."""
        return f"({a} IS DISTINCT FROM {b})" if self.pg else f"({a} IS NOT {b})"

    def day_before(self, day: str) -> str:
        return f"({day} - 1)" if self.pg else f"date({day}, '-1 day')"

    def day_after(self, day: str) -> str:
        return f"({day} + 1)" if self.pg else f"date({day}, '+1 day')"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"MAX({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def date_param(self, name: str) -> str:
        """A bound date parameter (ISO text) usable in comparisons."""
        return f"CAST(:{name} AS DATE)" if self.pg else f":{name}"

    def open_end(self) -> str:
        """The date standing for "no end yet" in overlap comparisons (9999-12-31)."""
        return "DATE '9999-12-31'" if self.pg else "'9999-12-31'"

    def date_literal(self, day: str) -> str:
        """A date constant (day: an ISO date already parsed as one, never user text)."""
        iso = dt.date.fromisoformat(day).isoformat()
        return f"DATE '{iso}'" if self.pg else f"'{iso}'"

    def json(self, pairs: dict[str, str]) -> str:
        """A JSON object built from SQL expressions keyed by name."""
        func = "json_build_object" if self.pg else "json_object"
        args = ", ".join(f"'{key}', {expr}" for key, expr in pairs.items())
        return f"{func}({args})"

    def as_text(self, expr: str) -> str:
        return f"CAST({expr} AS VARCHAR(64))"

    def analyze(self, table: str) -> None:
        """Give the planner statistics on a freshly filled staging table."""
        if self.pg:
            self.run(f"ANALYZE {table}")
