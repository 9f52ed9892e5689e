"""Routine task generation: one set-based INSERT … SELECT per (frequency, period).

An assignment owes the routine task of period P (of the frequency the policy gives it) when:
- it started on or before P's first-visit cutoff (policy.first_visit_cutoff: the last start date
  with at least visits.first_visit_min_workdays working days left in P; assignments started
  before P always owe it), and
- it has not ended before max(P's start, today): end_date is NULL or end_date >= that day (an
  end date is the relationship's last day; an assignment already ended on the clock owes
  nothing, and one ending before P starts owes nothing in P), and
- its entity is 在营 (status 'operating') and active, and its officer is active.
The task's due date is the last working day of P; its jurisdiction is its officer's.
Tasks that already exist are skipped twice over: an anti-join keeps re-runs cheap, and
ON CONFLICT DO NOTHING against the partial unique index uq_task_routine makes concurrent runs
and a run completing a killed one safe: no task is ever created twice.

Each run first settles the assignments that ended before today (交接: their open tasks and
hazards go to the entity's new officer, services.roster.settle), then cancels the open routine
tasks of assignments ended before today, of entities no longer 在营 or inactive, and of inactive
officers (cancelled_on = today; never overdue).
period=None means, for each frequency the policy uses, the period containing today;
scope_path limits a run to entities whose jurisdiction path starts with it (a county's
subtree). One audit event records each run's counts. The caller commits.
"""

from typing import TypedDict

from sqlalchemy import text
from sqlmodel import Session

from models.db import is_postgres
from models.enums import EntityStatus, TaskSource, TaskStatus, sql_literal
from services.core import audit, clock, locks
from services.core.bulk import changed_rows
from services.core.calendar import last_workday_of
from services.core.jurisdictions import path_like
from services.core.periods import Period, parse_period, period_containing
from services.roster.settle import settle_ends
from services.tasks import policy

ACTOR = "system"
ROUTINE, OPEN = sql_literal(TaskSource.ROUTINE), sql_literal(TaskStatus.OPEN)
CANCELLED, OPERATING = sql_literal(TaskStatus.CANCELLED), sql_literal(EntityStatus.OPERATING)
ANALYZE_AFTER = 50_000  # rows created in one run


def owed_assignments_sql(*, scope_path: str | None) -> tuple[str, dict[str, object]]:
    """FROM … WHERE of active assignments (aliases a, e, o; :cutoff, :active_from bound later)."""
    sql = (
        "FROM assignment a JOIN entity e ON e.id = a.entity_id "
        "JOIN officer o ON o.id = a.officer_id "
    )
    params: dict[str, object] = {}
    if scope_path:
        sql += "JOIN jurisdiction j ON j.id = e.jurisdiction_id "
    sql += (
        "WHERE a.start_date <= :cutoff "
        "AND (a.end_date IS NULL OR a.end_date >= :active_from) "
        f"AND e.status = {OPERATING} AND e.active AND o.active "
    )
    if scope_path:
        sql += "AND j.path LIKE :scope ESCAPE '\\' "
        params["scope"] = path_like(scope_path)
    return sql, params


def _periods(period: str | None) -> list[Period]:
    if period is not None:
        return [parse_period(period)]
    today = clock.today()
    return [period_containing(today, f) for f in policy.frequencies_in_use()]


def _generate_period(
    *, session: Session, period: Period, scope_path: str | None
) -> tuple[int, int]:
    """Insert the period's missing routine tasks; returns (created, existing)."""
    # The anti-join skips existing tasks cheaply; ON CONFLICT covers concurrent runs.
    today = clock.today()
    where, params = owed_assignments_sql(scope_path=scope_path)
    params |= {
        "cutoff": policy.first_visit_cutoff(period),
        "active_from": max(period.start, today),
        "period": period.name,
        "period_key": period.name,
        "due": last_workday_of(period),
        "today": today,
    }
    if policy.frequencies_in_use() != [period.frequency]:
        frequency, frequency_params = policy.frequency_sql(entity="e", officer="o")
        where += f"AND {frequency} = :frequency "
        params |= frequency_params | {"frequency": period.frequency}
    inserted = changed_rows(
        session.execute(
            text(
                "INSERT INTO inspection_task (source, period, due_date, status, assignment_id, "
                "officer_id, entity_id, jurisdiction_id, place_id, campaign_id, created_on) "
                f"SELECT {ROUTINE}, :period, :due, {OPEN}, a.id, a.officer_id, a.entity_id, "
                f"o.jurisdiction_id, e.jurisdiction_id, NULL, :today {where}"
                "AND NOT EXISTS (SELECT 1 FROM inspection_task t WHERE t.assignment_id = a.id "
                f"AND t.period = :period_key AND t.source = {ROUTINE}) "
                "ORDER BY a.id ON CONFLICT DO NOTHING"
            ),
            params,
        )
    )
    owed = session.execute(text(f"SELECT COUNT(*) {where}"), params).scalar_one()
    return inserted, max(owed - inserted, 0)


def cancel_lapsed_tasks(*, session: Session, scope_path: str | None = None) -> int:
    """Cancel open routine tasks of ended assignments, closed entities and inactive officers."""
    params: dict[str, object] = {"today": clock.today()}
    scope = ""
    if scope_path:
        scope = (
            "JOIN entity se ON se.id = t.entity_id JOIN jurisdiction j "
            "ON j.id = se.jurisdiction_id AND j.path LIKE :scope ESCAPE '\\' "
        )
        params["scope"] = path_like(scope_path)
    task = f"t.status = {OPEN} AND t.source = {ROUTINE}"
    lapsed = (
        f"SELECT t.id FROM assignment a JOIN inspection_task t ON t.assignment_id = a.id {scope}"
        f"WHERE a.end_date < :today AND {task} "
        f"UNION SELECT t.id FROM entity e JOIN inspection_task t ON t.entity_id = e.id {scope}"
        f"WHERE (e.status <> {OPERATING} OR NOT e.active) AND {task} "
        f"UNION SELECT t.id FROM officer o JOIN inspection_task t ON t.officer_id = o.id {scope}"
        f"WHERE NOT o.active AND {task}"
    )
    return changed_rows(
        session.execute(
            text(
                f"UPDATE inspection_task SET status = {CANCELLED}, cancelled_on = :today "
                f"WHERE status = {OPEN} AND id IN ({lapsed})"
            ),
            params,
        )
    )


def _serialise_same_scope(*, session: Session, scope_path: str | None) -> None:
    """On PostgreSQL, make runs over the same scope wait for each other (counties don't)."""
    # The unique index alone prevents duplicates; this also rules out row-lock deadlocks
    # between two identical cancellations scanning in different orders. Taken after the
    # settlement's lock (services.core.locks: one order for every caller).
    locks.hold(session.connection(), f"generate:{scope_path or '/'}")


def _refresh_statistics(*, session: Session, created: int) -> None:
    """After a bulk insert on PostgreSQL, refresh the task table's planner statistics."""
    # Autovacuum would, later; until then the next run's joins are planned for an empty table.
    if created >= ANALYZE_AFTER and is_postgres(session.get_bind()):
        session.execute(text("ANALYZE inspection_task"))


class Generated(TypedDict):
    """What a generation run did: tasks created, already there, cancelled, handed over."""

    created: int
    existing: int
    cancelled: int
    handed_over: int
    periods: list[str]


def generate_routine_tasks(
    *, session: Session, period: str | None = None, scope_path: str | None = None
) -> Generated:
    """Create the routine tasks owed (see Generated)."""
    periods = _periods(period)
    settled = settle_ends(session=session, actor=ACTOR)  # hand over first: never cancel those
    _serialise_same_scope(session=session, scope_path=scope_path)
    cancelled = cancel_lapsed_tasks(session=session, scope_path=scope_path)
    created = existing = 0
    for one in periods:
        new, old = _generate_period(session=session, period=one, scope_path=scope_path)
        created, existing = created + new, existing + old
    _refresh_statistics(session=session, created=created)
    result: Generated = {
        "created": created,
        "existing": existing,
        "cancelled": cancelled,
        "handed_over": settled["tasks_moved"],
        "periods": [p.name for p in periods],
    }
    audit.record_event(
        session=session,
        actor=ACTOR,
        action="tasks.generate",
        object_type="inspection_task",
        object_id=",".join(result["periods"]),
        after={**result, "scope": scope_path},
    )
    session.flush()
    return result
