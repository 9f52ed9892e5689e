"""The rectification lifecycle: 待整改 → 整改中 → 待验收 → 已销号, or 待验收 → 整改中.

Who may make which move is services.permissions.rules' (the TRANSITIONS table, the role on a
hazard, separation of duties); this module applies a move for a signed-in Principal, audited.
"""

import datetime as dt
from collections.abc import Sequence
from typing import NoReturn, TypedDict

from sqlalchemy import update
from sqlmodel import Session

from models.db import stored_id
from models.enums import HazardStatus, label
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from services.core import audit, clock, evidence
from services.core.bulk import changed_rows
from services.core.errors import BadInput
from services.hazards.codes import parse_state
from services.permissions import rules as permissions
from services.permissions.principal import Principal
from services.permissions.rules import OFFICE, OFFICER, TRANSITIONS, Target

_WHO = {OFFICER: "包保干部", OFFICE: "食安办"}

# A hazard's move: from and to states, by whom, the evidence stored (sha256s), the note and the
# day it was closed (None unless the move closed it). "from" is a keyword: functional syntax.
Moved = TypedDict(
    "Moved",
    {
        "id": int,
        "from": str,
        "to": str,
        "by": str,
        "evidence": list[str],
        "note": str | None,
        "closed_on": dt.date | None,
    },
)


def target_of(*, session: Session, hazard: Hazard) -> Target:
    """What permissions need of a hazard: where it lies and its covering officer."""
    place = session.get(Jurisdiction, hazard.jurisdiction_id)
    assert place is not None  # a foreign key
    return Target(path=place.path, officer_id=hazard.officer_id)


def moves_for(*, session: Session, who: Principal, hazard_id: int) -> list[str]:
    """The states who may move this hazard to now (separation of duties applied)."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        return []
    role = permissions.hazard_role(who, target_of(session=session, hazard=hazard))
    return [
        to
        for to in permissions.allowed_targets(hazard.status, role)
        if not permissions.duty_conflict(session=session, who=who, hazard=hazard, target=to)
    ]


def _describe_moves(state: str, role: str | None, everyone: bool) -> str:
    moves = [
        (to, m)
        for (frm, to), m in TRANSITIONS.items()
        if frm == state and (everyone or role in m.actors)
    ]
    if not moves:
        return "无"
    return "；".join(
        f"{label(HazardStatus, state)} → {label(HazardStatus, to)}（{m.meaning}，"
        f"{'或'.join(_WHO[a] for a in sorted(m.actors, reverse=True))}）"
        for to, m in moves
    )


def _refuse(hazard: Hazard, target: str, who: Principal, role: str | None, why: str) -> NoReturn:
    state = hazard.status
    raise BadInput(
        f"不允许：隐患 {hazard.id} 当前为「{label(HazardStatus, state)}」，{who.describe()} "
        f"不能改为「{label(HazardStatus, target)}」（{why}）。该账号可执行："
        f"{_describe_moves(state, role, everyone=False)}。此状态允许的变更："
        f"{_describe_moves(state, role, everyone=True)}"
    )


def move_hazard(
    *,
    session: Session,
    hazard_id: int,
    target: str,
    who: Principal,
    files: Sequence[evidence.EvidenceFile] = (),
    note: str | None = None,
) -> Moved:
    """Move a hazard to target if permissions allow it for who; audited, with its evidence
    (files already checked by services.core.evidence) stored."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        raise BadInput(f"隐患 {hazard_id} 不存在")
    target = parse_state(target)
    role = permissions.hazard_role(who, target_of(session=session, hazard=hazard))
    move = TRANSITIONS.get((hazard.status, target))
    if move is None:
        _refuse(hazard, target, who, role, "没有这样的状态变更")
    if role not in move.actors:
        why = {
            OFFICER: "包保干部只能报告整改，不能验收或销号",
            OFFICE: "无权执行此变更",
            None: "不是该隐患的包保干部" if who.is_officer else "该隐患不在其所属区划内",
        }[role]
        _refuse(hazard, target, who, role, why)
    conflict = permissions.duty_conflict(session=session, who=who, hazard=hazard, target=target)
    if conflict:
        _refuse(hazard, target, who, role, conflict)
    note = (note or "").strip() or None
    if move.needs_note and not note:
        raise BadInput("验收不通过须用 --note 写明原因")
    if move.needs_evidence and not files:
        raise BadInput("报告整改完成（→ 待验收）须用 --evidence 附至少一个整改证据文件")
    return _apply(session, hazard, target, who, list(files), note)


def report_rectified(
    *,
    session: Session,
    hazard_id: int,
    who: Principal,
    files: Sequence[evidence.EvidenceFile],
    note: str | None = None,
) -> Moved:
    """Report rectification (→ 待验收) with its evidence; a hazard still 待整改 is started
    (→ 整改中) first. Returns the last move."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is not None and hazard.status == HazardStatus.PENDING:
        move_hazard(session=session, hazard_id=hazard_id, target=HazardStatus.RECTIFYING, who=who)
    return move_hazard(
        session=session,
        hazard_id=hazard_id,
        target=HazardStatus.AWAITING_VERIFICATION,
        who=who,
        files=files,
        note=note,
    )


def swap_status(*, session: Session, hazard: Hazard, status: str, **values: object) -> None:
    """Move the hazard from the state it was read in to status (with values), or BadInput when
    someone else moved it meanwhile."""
    result = session.execute(
        update(Hazard)
        .where(Hazard.id == stored_id(hazard), Hazard.status == hazard.status)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        raise BadInput(f"隐患 {hazard.id} 的状态刚被他人改变，请刷新后重试")


def _reported_on(hazard: Hazard, target: str) -> dt.date | None:
    """The day rectification was reported: set on → 待验收, kept on 销号, cleared on 退回."""
    if target == HazardStatus.AWAITING_VERIFICATION:
        return clock.today()
    return hazard.reported_on if target == HazardStatus.CLOSED else None


def _apply(
    session: Session,
    hazard: Hazard,
    target: str,
    who: Principal,
    files: list[evidence.EvidenceFile],
    note: str | None,
) -> Moved:
    before = hazard.status
    closed_on = clock.today() if target == HazardStatus.CLOSED else None
    reported_on = _reported_on(hazard, target)
    hazard_id = stored_id(hazard)
    swap_status(session=session, hazard=hazard, status=target, closed_on=closed_on,
                reported_on=reported_on)  # fmt: skip
    hashes = evidence.attach(
        session=session, hazard_id=hazard_id, files=files, uploaded_by=who.account
    )
    audit.record_event(
        session=session,
        actor=who.account,
        action="hazard.move",
        object_type="hazard",
        object_id=hazard.id,
        before={"status": before},
        after={
            "status": target,
            "actor_kind": who.kind,
            "person": who.person,
            "note": note,
            "evidence": hashes,
            "closed_on": str(closed_on) if closed_on else None,
        },
    )
    session.refresh(hazard)
    return {
        "id": hazard_id,
        "from": before,
        "to": target,
        "by": who.account,
        "evidence": hashes,
        "note": note,
        "closed_on": closed_on,
    }
