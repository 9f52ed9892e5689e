"""The entity history (entity_state): every path that creates or changes entities calls
record_history in its own transaction, after its writes, with the day they take effect.

Set-based and idempotent: an open row that no longer equals its entity is closed on that day
(or replaced, when it opened that day), and every entity without an open row gets one. The
open rows therefore always equal the entity table; figures of a past day read the rows that
held then (services.figures.operating).
"""

import datetime as dt

from sqlalchemy.engine import Connection

from services.roster.dialect import Sql

# What the history keeps of an entity: what decides whether and how a day's figures count it.
TRACKED = ("status", "active", "category", "package_grade", "risk_grade", "jurisdiction_id")


def _changed(sql: Sql) -> str:
    """SQL: the open row entity_state no longer equals its entity."""
    differs = " OR ".join(sql.differs(f"e.{c}", f"entity_state.{c}") for c in TRACKED)
    return (
        "entity_state.valid_to IS NULL AND EXISTS (SELECT 1 FROM entity e "
        f"WHERE e.id = entity_state.entity_id AND ({differs}))"
    )


def record_history(*, connection: Connection, day: dt.date) -> None:
    """Bring the history up to the entity table as of day (changes take effect on day)."""
    sql = Sql(connection)
    on = sql.date_param("day")
    params = {"day": day.isoformat()}
    sql.run(f"DELETE FROM entity_state WHERE valid_from >= {on} AND {_changed(sql)}", **params)
    sql.run(f"UPDATE entity_state SET valid_to = {on} WHERE {_changed(sql)}", **params)
    columns = ", ".join(TRACKED)
    sql.run(
        f"""INSERT INTO entity_state (entity_id, valid_from, {columns})
            SELECT e.id, {on}, {", ".join(f"e.{c}" for c in TRACKED)} FROM entity e
            WHERE NOT EXISTS (SELECT 1 FROM entity_state s
                              WHERE s.entity_id = e.id AND s.valid_to IS NULL)
            ORDER BY e.jurisdiction_id, e.id""",
        **params,
    )
