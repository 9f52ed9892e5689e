"""An entity's lifecycle on import: 新开 → 未包保 until an assignment covers it; 停业/注销 (or
leaving the roster) cancels its open tasks at once, its assignments end (services.roster.history)
and its open hazards stay visible with the responsible office until closed or withdrawn;
re-opening (在营 again) starts it over: 未包保 until assigned, then owing its visits again."""

from services.roster.audit_sql import Audit, insert_audit
from services.roster.dialect import Sql

# Entities this import closed (停业/注销) or removed from the roster (a full import not listing it).
STOPPED = """SELECT id FROM rs_entity WHERE closing = 1 AND id IS NOT NULL
             UNION SELECT n.id FROM rs_new_entity n JOIN rs_entity s ON s.rn = n.rn
                   WHERE s.status IN ('suspended', 'deregistered')
             UNION SELECT t.id FROM entity t WHERE NOT t.active
                   AND NOT EXISTS (SELECT 1 FROM rs_entity x WHERE x.id = t.id)"""


def cancel_closed(sql: Sql, audit: Audit, *, today: str) -> None:
    """Cancel every open task of the entities this import stopped (cancelled is not overdue)."""
    tasks = f"FROM inspection_task t WHERE t.status = 'open' AND t.entity_id IN ({STOPPED})"
    insert_audit(
        sql,
        audit,
        action="task.cancelled",
        kind="inspection_task",
        object_id="t.id",
        before={"status": "'open'"},
        after={"status": "'cancelled'", "reason": "'主体停业、注销或移出名册'"},
        source=tasks,
    )
    sql.run(
        f"""UPDATE inspection_task SET status = 'cancelled', cancelled_on = {sql.date_param("today")}
            WHERE id IN (SELECT t.id {tasks})""",
        today=today,
    )
