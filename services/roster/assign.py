"""Assigning an officer to a 未包保 entity in place (the 未包保 page), under the rules of 交接:
the officer's tier is the one the entity's 主体等级 asks for (层级对应) and the officer's
jurisdiction contains the entity; the assignment starts today, is audited, and the settlement
gives the officer the entity's office-held open hazards. The first visit comes with the day's
task generation (rule 2). All or nothing."""

from dataclasses import dataclass

from sqlmodel import Session

from models.enums import EntityStatus
from services.core import clock
from services.core.errors import BadInput
from services.roster.apply_assignments import audit_created
from services.roster.audit_sql import Audit
from services.roster.dialect import Sql
from services.roster.handover import Running, handover_officer, refuse_unfit
from services.roster.settle import settle_ends


@dataclass(frozen=True)
class Assigned:
    entity: str
    officer_code: str
    officer_name: str
    date: str
    hazards_moved: int


def _entity(sql: Sql, entity_id: int, scope_path: str | None) -> tuple[str, str, str]:
    found = sql.rows(
        """SELECT e.name, e.package_grade, j.path, e.status, e.active
           FROM entity e JOIN jurisdiction j ON j.id = e.jurisdiction_id WHERE e.id = :entity""",
        entity=entity_id,
    )
    if not found or (scope_path and not str(found[0][2]).startswith(scope_path)):
        raise BadInput(f"主体 {entity_id} 不存在")
    name, grade, path, status, active = found[0]
    if status != EntityStatus.OPERATING or not active:
        raise BadInput(f"“{name}”不在营，不需要包保")
    return str(name), str(grade), str(path)


def assign_entity(
    *, session: Session, entity_id: int, officer_code: str, actor: str, scope_path: str | None
) -> Assigned:
    """Give a 未包保 entity its officer from today (see the module)."""
    today = clock.today().isoformat()
    officer = handover_officer(session, officer_code, scope_path)
    sql = Sql(session.connection())
    name, grade, path = _entity(sql, entity_id, scope_path)
    day = sql.date_param("day")
    running = sql.scalar(
        f"""SELECT COUNT(*) FROM assignment a JOIN officer o ON o.id = a.officer_id
            WHERE a.entity_id = :entity AND o.active AND a.start_date <= {day}
              AND (a.end_date IS NULL OR a.end_date >= {day})""",
        entity=entity_id,
        day=today,
    )
    if running:
        raise BadInput(f"“{name}”已有包保干部，更换干部请用交接")
    refuse_unfit(session, officer, [Running(None, entity_id, name, grade, path, "")], today)
    last = sql.scalar("SELECT COALESCE(MAX(id), 0) FROM assignment")
    sql.run(
        f"INSERT INTO assignment (officer_id, entity_id, start_date) VALUES (:officer, :entity, {day})",
        officer=officer.id,
        entity=entity_id,
        day=today,
    )
    audit_created(sql, Audit(clock.now(), actor), after_id=int(last))
    settled = settle_ends(session=session, actor=actor)
    return Assigned(name, officer.code, officer.name, today, int(settled["hazards_moved"]))
