"""The one definition of which entities a day's figures count, and who covered them that day,
Python and SQL side by side (proved equal by tests/test_entity_history.py on both databases).

A day's figures read the entity history (entity_state, written by every path that changes an
entity: services.roster.entity_history), never today's entity table, so a past day counts what
the system held then: an entity listed later is not counted, one closed since still is, each
under the 业态, grades and jurisdiction it had that day. On today the open rows are the entity
table, so today's figures are the table's.

- *held on D*: the history row with valid_from <= D < valid_to (valid_to NULL: still holds);
- *operating on D*: held on D, in the roster (active) and 在营;
- *covered on D*: an assignment running on D (start <= D <= end) whose officer held it that day:
  the officer is active, or left after D (an officer who leaves the roster has its assignments
  end on the day it left, so before that day it held them).
"""

import datetime as dt

from models.enums import EntityStatus, sql_literal


def held_on(*, valid_from: dt.date, valid_to: dt.date | None, day: dt.date) -> bool:
    """Whether a history row describes its entity on day."""
    return valid_from <= day and (valid_to is None or day < valid_to)


def operating_on(
    *, valid_from: dt.date, valid_to: dt.date | None, active: bool, status: str, day: dt.date
) -> bool:
    """Whether a history row counts its entity as operating (在营, in the roster) on day."""
    held = held_on(valid_from=valid_from, valid_to=valid_to, day=day)
    return held and active and status == EntityStatus.OPERATING


def held_sql(alias: str) -> str:
    """held_on over the entity_state alias, for the day bound as :as_of."""
    return (
        f"{alias}.valid_from <= :as_of AND ({alias}.valid_to IS NULL OR {alias}.valid_to > :as_of)"
    )


def operating_sql(alias: str) -> str:
    """operating_on over the entity_state alias, for the day bound as :as_of."""
    operating = sql_literal(EntityStatus.OPERATING)
    return f"{held_sql(alias)} AND {alias}.active AND {alias}.status = {operating}"


def covers_on(*, start: dt.date, end: dt.date | None, officer_active: bool, day: dt.date) -> bool:
    """Whether an assignment covered its entity on day (its officer holding it then)."""
    running = start <= day and (end is None or day <= end)
    return running and (officer_active or (end is not None and day < end))


def covers_sql(assignment: str, officer: str) -> str:
    """covers_on over an assignment and its officer's aliases, for the day bound as :as_of."""
    a = assignment
    return (
        f"{a}.start_date <= :as_of AND ({a}.end_date IS NULL OR {a}.end_date >= :as_of) "
        f"AND ({officer}.active OR {a}.end_date > :as_of)"
    )
