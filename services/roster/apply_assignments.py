"""Write assignment changes: end what ends (never delete, never overwrite the start), open what
is new, with one audit event each."""

from services.roster.audit_sql import Audit, insert_audit
from services.roster.dialect import Sql

ENDED = {"officer": "o.code", "start_date": "a.start_date"}


def apply_assignments(sql: Sql, audit: Audit, *, today: str) -> None:
    """Apply rs_orphan ends, staged end-date changes and new assignments (one created already
    ended is settled at once: it never had tasks or hazards to hand over)."""
    insert_audit(
        sql,
        audit,
        action="ended",
        kind="assignment",
        object_id="a.id",
        before={"end_date": "a.end_date"},
        after={**ENDED, "end_date": "r.new_end", "reason": "r.reason"},
        source="""FROM rs_orphan r JOIN assignment a ON a.id = r.id
                           JOIN officer o ON o.id = a.officer_id""",
    )
    t = sql.date_param("today")
    unsettle = f"CASE WHEN {{0}} IS NULL OR {{0}} >= {t} THEN NULL ELSE assignment.settled_on END"
    sql.run(
        f"""UPDATE assignment SET end_date = r.new_end, settled_on = {unsettle.format("r.new_end")}
            FROM rs_orphan r WHERE assignment.id = r.id""",
        today=today,
    )
    for change, action in (("e", "ended"), ("u", "updated")):
        insert_audit(
            sql,
            audit,
            action=action,
            kind="assignment",
            object_id="a.id",
            before={"end_date": "a.end_date"},
            after={**ENDED, "end_date": "s.final_end", "reason": "'workbook'"},
            source=f"""FROM rs_assignment s JOIN assignment a ON a.id = s.id
                                JOIN officer o ON o.id = a.officer_id
                                WHERE s.change = '{change}'""",
        )
    sql.run(
        f"""UPDATE assignment SET end_date = s.final_end,
                   settled_on = {unsettle.format("s.final_end")}
            FROM rs_assignment s WHERE assignment.id = s.id AND s.change IN ('u', 'e')""",
        today=today,
    )
    last = sql.scalar("SELECT COALESCE(MAX(id), 0) FROM assignment")
    sql.run(
        f"""INSERT INTO assignment (officer_id, entity_id, start_date, end_date, settled_on)
               SELECT COALESCE(o.id, nof.id), COALESCE(e.id, nen.id), s.start_date, s.final_end,
                      CASE WHEN s.final_end < {t} THEN {t} END
               FROM rs_assignment s
               JOIN rs_officer o ON o.rn = s.officer_row
               LEFT JOIN rs_new_officer nof ON nof.rn = o.rn
               JOIN rs_entity e ON e.rn = s.entity_row
               LEFT JOIN rs_new_entity nen ON nen.rn = e.rn
               WHERE s.change = 'c' ORDER BY s.rn""",
        today=today,
    )
    audit_created(sql, audit, after_id=last)


def audit_created(sql: Sql, audit: Audit, *, after_id: int) -> None:
    """One audit event per assignment created since id after_id."""
    insert_audit(
        sql,
        audit,
        action="created",
        kind="assignment",
        object_id="a.id",
        before=None,
        after={
            "officer_id": "a.officer_id",
            "entity_id": "a.entity_id",
            "start_date": "a.start_date",
            "end_date": "a.end_date",
        },
        source=f"FROM assignment a WHERE a.id > {int(after_id)}",
    )
