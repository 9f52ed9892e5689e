"""Settling ended assignments (交接), set-based and once each: nothing is ever left with nobody.

An assignment that ended before today and is not settled yet is settled now:
- when its entity (在营, in the roster) has a current officer other than the predecessor (the
  latest-started running assignment of an active officer), that successor takes over: the
  predecessor's open tasks of the assignment close as 已交接 and the successor gets the same
  tasks (period, due date, campaign); the predecessor's open hazards of the entity move to it
  (and a 责任人 that named the predecessor names the successor);
- without a successor, or when the entity closed (停业/注销) or left the roster, the hazards go
  to the responsible office (officer_id NULL) and the tasks are cancelled as lapsed;
- an office-held open hazard of an entity that has an officer again goes to that officer.
It runs in the caller's transaction: the roster import, `roster handover`, and the daily task
generation (which settles ends that lay in the future when they were entered). Handover rows
and messages: services.roster.handover_notice.
"""

import datetime as dt
from typing import TypedDict

from sqlmodel import Session

from models.enums import EntityStatus, HazardStatus, TaskStatus, sql_literal
from services.core import clock, locks
from services.roster import handover_notice
from services.roster.audit_sql import Audit, insert_audit
from services.roster.dialect import Sql
from services.roster.handover_notice import HandoverItem

OPEN, HANDED_OVER = sql_literal(TaskStatus.OPEN), sql_literal(TaskStatus.HANDED_OVER)
OPERATING = sql_literal(EntityStatus.OPERATING)

OPEN_HAZARD = "({})".format(
    ", ".join(
        sql_literal(s)
        for s in (HazardStatus.PENDING, HazardStatus.RECTIFYING, HazardStatus.AWAITING_VERIFICATION)
    )
)
TABLES = ("st_end", "st_task", "st_hazard")


def _current(sql: Sql, entities: str) -> str:
    """SQL: each listed entity's current officer (n = 1: the latest started) on :today."""
    t = sql.date_param("today")
    return f"""SELECT c.id, c.entity_id, c.officer_id, o.jurisdiction_id,
                      ROW_NUMBER() OVER (PARTITION BY c.entity_id
                                         ORDER BY c.start_date DESC, c.id DESC) AS n
               FROM assignment c JOIN officer o ON o.id = c.officer_id
               WHERE o.active AND c.start_date <= {t} AND (c.end_date IS NULL OR c.end_date >= {t})
                 AND c.entity_id IN ({entities})"""


def _find_ends(sql: Sql, today: str) -> None:
    """st_end: every unsettled end, with its successor (or none) and its first day."""
    t = sql.date_param("today")
    ended = f"""SELECT id, officer_id, entity_id, end_date FROM assignment
                WHERE settled_on IS NULL AND end_date IS NOT NULL AND end_date < {t}"""
    takes_over = f"e.status = {OPERATING} AND e.active AND c.officer_id <> x.officer_id"
    sql.run(
        f"""CREATE TEMPORARY TABLE st_end AS
        WITH ended AS ({ended}), cur AS ({_current(sql, "SELECT entity_id FROM ended")})
        SELECT x.id AS assignment_id, x.officer_id, x.entity_id,
               {sql.day_after("x.end_date")} AS handed_on,
               CASE WHEN {takes_over} THEN c.id END AS to_assignment,
               CASE WHEN {takes_over} THEN c.officer_id END AS to_officer,
               CASE WHEN {takes_over} THEN c.jurisdiction_id END AS to_jurisdiction,
               CASE WHEN e.status = {OPERATING} AND e.active THEN 1 ELSE 0 END AS open_entity,
               CASE WHEN c.officer_id = x.officer_id THEN 1 ELSE 0 END AS continues
        FROM ended x JOIN entity e ON e.id = x.entity_id
        LEFT JOIN cur c ON c.entity_id = x.entity_id AND c.n = 1""",
        today=today,
    )


def _move_tasks(sql: Sql, today: str) -> None:
    """The predecessor's open tasks → 已交接, and the same tasks for the successor."""
    sql.run(f"""CREATE TEMPORARY TABLE st_task AS
        SELECT t.id AS task_id, s.officer_id AS from_officer, s.to_officer, s.to_assignment,
               s.to_jurisdiction, s.handed_on
        FROM st_end s JOIN inspection_task t ON t.assignment_id = s.assignment_id
        WHERE t.status = {OPEN} AND s.to_officer IS NOT NULL""")
    t = sql.date_param("today")
    sql.run(
        f"""INSERT INTO inspection_task (source, period, due_date, status, assignment_id,
                officer_id, entity_id, jurisdiction_id, place_id, campaign_id, created_on)
            SELECT t.source, t.period, t.due_date, {OPEN}, m.to_assignment, m.to_officer,
                   t.entity_id, m.to_jurisdiction, t.place_id, t.campaign_id, {t}
            FROM st_task m JOIN inspection_task t ON t.id = m.task_id WHERE 1 = 1
            ORDER BY t.id ON CONFLICT DO NOTHING""",
        today=today,
    )
    sql.run(
        f"""UPDATE inspection_task SET status = {HANDED_OVER}, handed_over_on = {t}
            WHERE id IN (SELECT task_id FROM st_task)""",
        today=today,
    )


def _move_hazards(sql: Sql, today: str) -> None:
    """Open hazards follow the entity: to the successor, the office, or back to an officer."""
    sql.run(f"""CREATE TEMPORARY TABLE st_hazard AS
        SELECT h.id AS hazard_id, h.officer_id AS from_officer, MAX(s.to_officer) AS to_officer,
               MAX(s.handed_on) AS handed_on
        FROM hazard h JOIN st_end s ON s.entity_id = h.entity_id AND s.officer_id = h.officer_id
        WHERE h.status IN {OPEN_HAZARD} AND s.continues = 0
        GROUP BY h.id, h.officer_id""")
    held = f"""SELECT entity_id FROM hazard WHERE officer_id IS NULL AND entity_id IS NOT NULL
               AND status IN {OPEN_HAZARD}"""
    sql.run(
        f"""INSERT INTO st_hazard (hazard_id, from_officer, to_officer, handed_on)
            WITH cur AS ({_current(sql, held)})
            SELECT h.id, NULL, c.officer_id, NULL FROM hazard h
            JOIN cur c ON c.entity_id = h.entity_id AND c.n = 1
            JOIN entity e ON e.id = h.entity_id AND e.status = {OPERATING} AND e.active
            WHERE h.officer_id IS NULL AND h.status IN {OPEN_HAZARD}""",
        today=today,
    )
    # 责任人 that named the predecessor (the default duty) names the successor now.
    sql.run("""UPDATE hazard SET responsible_person = (
                   SELECT t.name FROM st_hazard m JOIN officer t ON t.id = m.to_officer
                   WHERE m.hazard_id = hazard.id)
               WHERE id IN (SELECT m.hazard_id FROM st_hazard m
                            JOIN officer f ON f.id = m.from_officer
                            JOIN officer t ON t.id = m.to_officer
                            WHERE f.name = hazard.responsible_person)""")
    sql.run("""UPDATE hazard SET officer_id = (SELECT m.to_officer FROM st_hazard m
                                               WHERE m.hazard_id = hazard.id)
               WHERE id IN (SELECT hazard_id FROM st_hazard)""")


def _audit(sql: Sql, audit: Audit) -> None:
    """One event per task handed over and per hazard that changed hands."""
    code = "(SELECT code FROM officer WHERE id = {0})"
    insert_audit(
        sql,
        audit,
        action="task.handed_over",
        kind="inspection_task",
        object_id="m.task_id",
        before={"status": OPEN, "officer": code.format("m.from_officer")},
        after={"status": HANDED_OVER, "to_officer": code.format("m.to_officer")},
        source="FROM st_task m",
    )
    insert_audit(
        sql,
        audit,
        action="hazard.officer_changed",
        kind="hazard",
        object_id="m.hazard_id",
        before={"officer": code.format("m.from_officer")},
        after={"officer": code.format("m.to_officer"), "reason": "'交接'"},
        source="FROM st_hazard m",
    )


class Settled(TypedDict):
    """A settlement's totals and the handovers it recorded."""

    assignments_settled: int
    tasks_moved: int
    hazards_moved: int
    handovers: list[HandoverItem]


def settle_ends(*, session: Session, actor: str, today: dt.date | None = None) -> Settled:
    """Settle every end due (see the module); returns totals and the handovers made."""
    sql = Sql(session.connection())
    day = (today or clock.today()).isoformat()
    # One settlement at a time (the daily runs of several counties, an import).
    locks.hold(session.connection(), locks.SETTLEMENT)
    for table in TABLES:
        sql.run(f"DROP TABLE IF EXISTS {table}")
    _find_ends(sql, day)
    _move_tasks(sql, day)
    _move_hazards(sql, day)
    _audit(sql, Audit(clock.now(), actor))
    made = handover_notice.record(session=session, sql=sql, actor=actor)
    sql.run(
        f"UPDATE assignment SET settled_on = {sql.date_param('today')} "
        "WHERE id IN (SELECT assignment_id FROM st_end)",
        today=day,
    )
    totals: Settled = {
        "assignments_settled": sql.count("SELECT COUNT(*) FROM st_end"),
        "tasks_moved": sql.count("SELECT COUNT(*) FROM st_task"),
        "hazards_moved": sql.count("SELECT COUNT(*) FROM st_hazard"),
        "handovers": made,
    }
    for table in TABLES:
        sql.run(f"DROP TABLE {table}")
    return totals
