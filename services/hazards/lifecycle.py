"""The rectification lifecycle: 待整改 → 整改中 → 待验收 → 已销号, or 待验收 → 整改中.

One table says which move exists and who may make it: the covering officer (包保干部, by 干部编号)
reports rectification but never closes; a 食安办 user (督办 or 管理员) whose jurisdiction contains
the hazard's may do every move, and only such a user verifies (销号) or sends a hazard back.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import Session

from models.enums import HazardStatus, PersonKind, label
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.user import User
from services.core import audit, clock, evidence
from services.core.errors import BadInput
from services.hazards.codes import parse_state

OFFICER, OFFICE = "officer", "office"


@dataclass(frozen=True)
class Move:
    actors: frozenset[str]
    meaning: str
    needs_evidence: bool = False
    needs_note: bool = False


TRANSITIONS: dict[tuple[str, str], Move] = {
    (HazardStatus.PENDING, HazardStatus.RECTIFYING): Move(frozenset({OFFICER, OFFICE}), "开始整改"),
    (HazardStatus.RECTIFYING, HazardStatus.AWAITING_VERIFICATION): Move(
        frozenset({OFFICER, OFFICE}), "报告整改完成，须附整改证据", needs_evidence=True
    ),
    (HazardStatus.AWAITING_VERIFICATION, HazardStatus.CLOSED): Move(
        frozenset({OFFICE}), "验收通过并销号"
    ),
    (HazardStatus.AWAITING_VERIFICATION, HazardStatus.RECTIFYING): Move(
        frozenset({OFFICE}), "验收不通过，须写明原因", needs_note=True
    ),
}
_WHO = {OFFICER: "包保干部", OFFICE: "食安办"}
_KINDS: dict[str, str] = {
    PersonKind.OFFICER: "包保干部",
    PersonKind.SUPERVISOR: "督办",
    PersonKind.ADMIN: "管理员",
}


@dataclass(frozen=True)
class Actor:
    account: str
    kind: str  # "officer" | "supervisor" | "admin"
    id: int
    path: str  # the actor's jurisdiction path

    def describe(self) -> str:
        return f"{_KINDS[self.kind]} {self.account} "


def find_actor(*, session: Session, account: str) -> Actor:
    """The 食安办 user with this account, else the officer with this 干部编号."""
    account = (account or "").strip()
    user = session.execute(select(User).where(User.account == account)).scalar_one_or_none()
    person = (
        user or session.execute(select(Officer).where(Officer.code == account)).scalar_one_or_none()
    )
    if person is None:
        raise BadInput(f"账号 {account!r} 不存在（应为食安办账号或包保干部编号）")
    if not person.active:
        raise BadInput(f"账号 {account} 已停用")
    path = session.get(Jurisdiction, person.jurisdiction_id).path
    kind = user.role if user else PersonKind.OFFICER
    return Actor(account=account, kind=kind, id=person.id, path=path)


def role_on(actor: Actor, hazard: Hazard, hazard_path: str) -> str | None:
    """The actor's role on this hazard: covering officer, office above it, or none."""
    if actor.kind == PersonKind.OFFICER:
        return OFFICER if hazard.officer_id == actor.id else None
    return OFFICE if hazard_path.startswith(actor.path) else None


def allowed_targets(state: str, role: str | None) -> list[str]:
    """The states this role may move a hazard in this state to."""
    return [to for (frm, to), move in TRANSITIONS.items() if frm == state and role in move.actors]


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


def _refuse(hazard: Hazard, target: str, actor: Actor, role: str | None, why: str):
    state = hazard.status
    raise BadInput(
        f"不允许：隐患 {hazard.id} 当前为「{label(HazardStatus, state)}」，{actor.describe()}"
        f"不能改为「{label(HazardStatus, target)}」（{why}）。该账号可执行："
        f"{_describe_moves(state, role, everyone=False)}。此状态允许的变更："
        f"{_describe_moves(state, role, everyone=True)}"
    )


def move_hazard(
    *,
    session: Session,
    hazard_id: int,
    target: str,
    by: str,
    files: Sequence[evidence.EvidenceFile] = (),
    note: str | None = None,
) -> dict:
    """Move a hazard to target if the table allows it for this actor; audited, with its evidence
    (files already checked by services.core.evidence) stored."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        raise BadInput(f"隐患 {hazard_id} 不存在")
    target, actor = parse_state(target), find_actor(session=session, account=by)
    role = role_on(actor, hazard, session.get(Jurisdiction, hazard.jurisdiction_id).path)
    move = TRANSITIONS.get((hazard.status, target))
    if move is None:
        _refuse(hazard, target, actor, role, "没有这样的状态变更")
    if role not in move.actors:
        why = {
            OFFICER: "包保干部只能报告整改，不能验收或销号",
            OFFICE: "无权执行此变更",
            None: "不是该隐患的包保干部"
            if actor.kind == PersonKind.OFFICER
            else "该隐患不在其所属区划内",
        }[role]
        _refuse(hazard, target, actor, role, why)
    note = (note or "").strip() or None
    if move.needs_note and not note:
        raise BadInput("验收不通过须用 --note 写明原因")
    if move.needs_evidence and not files:
        raise BadInput("报告整改完成（→ 待验收）须用 --evidence 附至少一个整改证据文件")
    return _apply(session, hazard, target, actor, list(files), note)


def report_rectified(
    *,
    session: Session,
    hazard_id: int,
    by: str,
    files: Sequence[evidence.EvidenceFile],
    note: str | None = None,
) -> dict:
    """Report rectification (→ 待验收) with its evidence; a hazard still 待整改 is started
    (→ 整改中) first. Returns the last move."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is not None and hazard.status == HazardStatus.PENDING:
        move_hazard(session=session, hazard_id=hazard_id, target=HazardStatus.RECTIFYING, by=by)
    return move_hazard(
        session=session,
        hazard_id=hazard_id,
        target=HazardStatus.AWAITING_VERIFICATION,
        by=by,
        files=files,
        note=note,
    )


def _reported_on(hazard: Hazard, target: str) -> dt.date | None:
    """The day rectification was reported: set on → 待验收, kept on 销号, cleared on 退回."""
    if target == HazardStatus.AWAITING_VERIFICATION:
        return clock.today()
    return hazard.reported_on if target == HazardStatus.CLOSED else None


def _apply(session, hazard, target, actor, files, note) -> dict:
    before = hazard.status
    closed_on = clock.today() if target == "closed" else None
    reported_on = _reported_on(hazard, target)
    changed = session.execute(
        update(Hazard)
        .where(Hazard.id == hazard.id, Hazard.status == before)
        .values(status=target, closed_on=closed_on, reported_on=reported_on)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise BadInput(f"隐患 {hazard.id} 的状态刚被他人改变，请刷新后重试")
    hashes = evidence.attach(
        session=session, hazard_id=hazard.id, files=files, uploaded_by=actor.account
    )
    audit.record_event(
        session=session,
        actor=actor.account,
        action="hazard.move",
        object_type="hazard",
        object_id=hazard.id,
        before={"status": before},
        after={
            "status": target,
            "actor_kind": actor.kind,
            "note": note,
            "evidence": hashes,
            "closed_on": str(closed_on) if closed_on else None,
        },
    )
    session.refresh(hazard)
    return {
        "id": hazard.id,
        "from": before,
        "to": target,
        "by": actor.account,
        "evidence": hashes,
        "note": note,
        "closed_on": closed_on,
    }
