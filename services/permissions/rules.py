"""Every "who may" rule, in one place: the audiences of pages and API (officer's own work, the
office's subtree, administration, the system), what lies in a principal's scope (Python and SQL
forms side by side), who may make which hazard move, and separation of duties (rule 12 of
docs/domain.md: decided by person, so linked accounts of one 手机号 count as one).

Each rule is a function of a Principal (services.permissions.principal) and what it acts on; the
tests check each as a table of role × jurisdiction × action.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.assignment import Assignment
from models.audit import AuditEvent
from models.enums import AccountKind, HazardStatus, ItemKind, PrincipalKind
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from models.user import User
from services.core.jurisdictions import path_like
from services.permissions.principal import Principal
from services.roster.persons import mobile_of, person_key, person_of

TaskJ, EntityJ = aliased(Jurisdiction), aliased(Jurisdiction)


class Action(StrEnum):
    """What a principal asks to do."""

    OWN_WORK = "own_work"  # 我的任务, 我的隐患: an officer's own lists
    OFFICE_WORK = "office_work"  # the office's pages, lists, downloads and exports of its subtree
    ADMINISTER = "administer"  # people, invitations, sessions, campaigns, handovers of a subtree
    RUN_SYSTEM = "run_system"  # roster, schedule, calendar, doctor: an admin of every county
    SEE = "see"  # read a task, hazard or officer at a place (target)
    RECORD_VISIT = "record_visit"  # record the visit of a task (target: the task)
    ACT_ON_HAZARD = "act_on_hazard"  # make some move on a hazard (target: the hazard)


@dataclass(frozen=True)
class Target:
    """What an action is on: the jurisdiction path it lies at and its covering officer."""

    path: str | None = None
    officer_id: int | None = None


# --- scope --------------------------------------------------------------------------------


def within(who: Principal, path: str | None) -> bool:
    """Whether a jurisdiction path lies in who's subtree (Python form of within_sql)."""
    return path is not None and path.startswith(who.path)


def within_sql(column: Any, who: Principal) -> ColumnElement[bool]:
    """Whether a jurisdiction path column lies in who's subtree (SQL form of within)."""
    condition: ColumnElement[bool] = column.like(path_like(who.path), escape="\\")
    return condition


def owns(who: Principal, officer_id: int | None) -> bool:
    """Whether who is the officer covering it (a one-tap session included)."""
    return who.is_officer and officer_id is not None and officer_id == who.id


def _own_sql(owner_column: Any, id_column: Any, kind: str, who: Principal) -> ColumnElement[bool]:
    """An officer's own rows; a one-tap session narrows them to its one item of this kind."""
    condition: ColumnElement[bool] = owner_column == who.id
    if who.only is not None:
        condition = and_(condition, id_column == (who.only[1] if who.only[0] == kind else -1))
    return condition


def task_scope(who: Principal) -> ColumnElement[bool]:
    """The condition on InspectionTask (joined with TaskJ, EntityJ) for who's scope."""
    if who.is_officer:
        return _own_sql(InspectionTask.officer_id, InspectionTask.id, "task", who)
    if not who.is_office:
        return false()
    return or_(within_sql(TaskJ.path, who), within_sql(EntityJ.path, who))


def hazard_scope(who: Principal) -> ColumnElement[bool]:
    """The condition on Hazard (joined with Jurisdiction) for who's scope."""
    if who.is_officer:
        return _own_sql(Hazard.officer_id, Hazard.id, "hazard", who)
    if not who.is_office:
        return false()
    return within_sql(Jurisdiction.path, who)


# --- audiences and actions ----------------------------------------------------------------


def _full(who: Principal) -> bool:
    return who.only is None


RULES: dict[Action, Callable[[Principal, Target], bool]] = {
    Action.OWN_WORK: lambda who, _: _full(who) and who.is_officer,
    Action.OFFICE_WORK: lambda who, t: _full(who) and who.is_office and _at(who, t),
    Action.ADMINISTER: lambda who, t: _full(who) and who.is_admin and _at(who, t),
    Action.RUN_SYSTEM: lambda who, t: _full(who) and who.is_admin and _at(who, t),
    Action.SEE: lambda who, t: owns(who, t.officer_id) or (who.is_office and within(who, t.path)),
    Action.RECORD_VISIT: lambda who, t: owns(who, t.officer_id),
    Action.ACT_ON_HAZARD: lambda who, t: hazard_role(who, t) is not None,
}


def _at(who: Principal, target: Target) -> bool:
    return target.path is None or within(who, target.path)


def may(who: Principal | None, action: Action, target: Target | None = None) -> bool:
    """Whether who may do action (on target, when it names one)."""
    return who is not None and RULES[action](who, target or Target())


def covers_all(who: Principal, county_paths: list[str]) -> bool:
    """RUN_SYSTEM: an administrator whose subtree holds every county."""
    return (
        bool(county_paths)
        and who.is_admin
        and all(may(who, Action.RUN_SYSTEM, Target(path=p)) for p in county_paths)
    )


# --- the hazard lifecycle -----------------------------------------------------------------

OFFICER, OFFICE = "officer", "office"


@dataclass(frozen=True)
class Move:
    actors: frozenset[str]
    meaning: str
    needs_evidence: bool = False
    needs_note: bool = False
    verifies: bool = False  # a verification decision: never by the person who reported


TRANSITIONS: dict[tuple[str, str], Move] = {
    ("pending", "rectifying"): Move(frozenset({OFFICER, OFFICE}), "开始整改"),
    ("rectifying", "awaiting_verification"): Move(
        frozenset({OFFICER, OFFICE}), "报告整改完成，须附整改证据", needs_evidence=True
    ),
    ("awaiting_verification", "closed"): Move(frozenset({OFFICE}), "验收通过并销号", verifies=True),
    ("awaiting_verification", "rectifying"): Move(
        frozenset({OFFICE}), "验收不通过，须写明原因", needs_note=True, verifies=True
    ),
}


def hazard_role(who: Principal, target: Target) -> str | None:
    """who's role on a hazard: its covering officer, an office above it, or none."""
    if who.is_officer:
        return OFFICER if owns(who, target.officer_id) else None
    return OFFICE if who.is_office and _full(who) and within(who, target.path) else None


def allowed_targets(state: str, role: str | None) -> list[str]:
    """The states this role may move a hazard in this state to."""
    return [to for (frm, to), move in TRANSITIONS.items() if frm == state and role in move.actors]


def duty_conflict(*, session: Session, who: Principal, hazard: Hazard, target: str) -> str | None:
    """Why separation of duties forbids who this move (rule 12), or None: the person who
    reported the rectification never verifies it, and an officer never closes a hazard of its
    own entities, whatever account it uses."""
    move = TRANSITIONS.get((hazard.status, target))
    if move is None or not move.verifies:
        return None
    if hazard.id is not None and reporter(session=session, hazard_id=hazard.id) == who.person:
        return "整改由本人报告，须由他人验收"
    if target == HazardStatus.CLOSED and _covers(session, who, hazard):
        return "本人是该主体的包保干部，不能为自己包保的主体销号"
    return None


def _officer_ids(session: Session, who: Principal) -> set[int]:
    """The officer records of who's person (linked by 手机号), who's own included."""
    ids = {who.id} if who.is_officer else set()
    person = person_of(session=session, mobile=mobile_of(who.person))
    return ids | {o.id for o in (person.officers if person else []) if o.id is not None}


def _covers(session: Session, who: Principal, hazard: Hazard) -> bool:
    officers = _officer_ids(session, who)
    if not officers:
        return False
    if hazard.officer_id in officers:
        return True
    if hazard.entity_id is None:
        return False
    return (
        session.execute(
            select(Assignment.id).where(
                Assignment.entity_id == hazard.entity_id,
                Assignment.officer_id.in_(officers),
                Assignment.end_date.is_(None),
            )
        ).first()
        is not None
    )


def reporter(*, session: Session, hazard_id: int) -> str | None:
    """The person key of whoever last reported the hazard's rectification (→ 待验收)."""
    events = session.execute(
        select(AuditEvent.actor, AuditEvent.after)
        .where(
            AuditEvent.object_type == ItemKind.HAZARD,
            AuditEvent.object_id == str(hazard_id),
            AuditEvent.action == "hazard.move",
        )
        .order_by(AuditEvent.id.desc())
    ).all()
    for actor, after in events:
        if (after or {}).get("status") == HazardStatus.AWAITING_VERIFICATION:
            return (after or {}).get("person") or _legacy_person(session, actor, after or {})
    return None


def _legacy_person(session: Session, account: str, after: dict[str, Any]) -> str | None:
    """The person of a report recorded before events named persons (by kind and account)."""
    officer = after.get("actor_kind") == PrincipalKind.OFFICER
    model = Officer if officer else User
    column = Officer.code if officer else User.account
    row = session.execute(select(model.id, model.mobile).where(column == account)).first()
    if row is None:
        return None
    return person_key(AccountKind.OFFICER if officer else AccountKind.USER, row.id, row.mobile)
