"""Invitations by jurisdiction and tier: every active officer of a jurisdiction's subtree (of
one tier, or all) gets a one-time set-password link — by mail when mail reaches them, else on a
printed invitation sheet (one QR code per officer, valid [web] sheet_invite_days) that the
township office hands out. Every link is audited like a single invitation.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.audit import AuditEvent
from models.enums import OfficerTier, label
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.accounts.identity import web_policy
from services.accounts.invitations import invitation_link, invitation_message
from services.core import clock
from services.core.errors import BadInput
from services.core.jurisdictions import by_code, path_like


@dataclass(frozen=True)
class InvitedOfficer:
    """One officer of a batch: the link made for them and how it reaches them."""

    code: str
    name: str
    place: str
    link: str
    expires: dt.datetime
    mailed: bool


@dataclass(frozen=True)
class InvitationBatch:
    """The officers invited in one jurisdiction (and tier), and the mails queued."""

    jurisdiction: str
    code: str
    tier: OfficerTier | None
    officers: tuple[InvitedOfficer, ...]
    queued: int
    not_reached: int  # officers mail cannot reach, left off because no sheet was asked for
    network: bool = False  # the village network (联络员/协管员/信息员), not officers

    @property
    def on_sheet(self) -> tuple[InvitedOfficer, ...]:
        """The officers whose links go on the printed sheet."""
        return tuple(o for o in self.officers if not o.mailed)

    @property
    def title(self) -> str:
        """The sheet's title: 北岭镇（村级）包保干部设置密码邀请单, or the village network's."""
        if self.network:
            return f"{self.jurisdiction}联络员、协管员、信息员设置密码邀请单"
        tier = f"（{label(OfficerTier, self.tier)}）" if self.tier else ""
        return f"{self.jurisdiction}{tier}包保干部设置密码邀请单"


def _officers(
    session: Session, root: Jurisdiction, tier: OfficerTier | None
) -> list[tuple[Officer, str, str | None]]:
    parent = aliased(Jurisdiction)
    query = (
        select(Officer, Jurisdiction.name, parent.name)
        .join(Jurisdiction, Jurisdiction.id == Officer.jurisdiction_id)
        .outerjoin(parent, parent.id == Jurisdiction.parent_id)
        .where(Officer.active, Jurisdiction.path.like(path_like(root.path), escape="\\"))
        .order_by(Jurisdiction.path, Officer.code)
    )
    if tier is not None:
        query = query.where(Officer.tier == tier.value)
    return [(officer, place, parent) for officer, place, parent in session.execute(query)]


def invitation_event(
    actor: str, code: str, expires: dt.datetime, mailed: bool, batch: str, kind: str = "officer"
) -> dict[str, object]:
    """The audit row of one invitation of a batch (as services.core.audit writes it)."""
    return {
        "occurred_at": clock.now(),
        "actor": actor,
        "action": "account.invite",
        "object_type": kind,
        "object_id": code,
        "before": None,
        "after": {"expires": expires.isoformat(), "mailed": mailed, "batch": batch},
    }


def invite_officers(
    *,
    session: Session,
    jurisdiction: str,
    tier: OfficerTier | None,
    actor: str,
    scope_path: str | None = None,
    by_mail: bool = True,
    on_sheet: bool = True,
) -> InvitationBatch:
    """Invite every active officer of a jurisdiction (and tier): by mail when by_mail and mail
    reaches them, else, when on_sheet, with a link for the printed sheet."""
    from notifications import channels
    from services.reminders import outbox

    root = by_code(session=session, code=jurisdiction)
    if scope_path is not None and not root.path.startswith(scope_path):
        raise BadInput(f"区划代码 {jurisdiction} 不存在")
    mail = by_mail and channels.enabled()["email"]
    sheet_valid = dt.timedelta(days=web_policy().sheet_invite_days)
    invited, messages, skipped = [], [], 0
    events: list[dict[str, object]] = []
    for officer, place, parent in _officers(session, root, tier):
        message = None
        if mail and officer.email:
            link, expires = invitation_link(kind="officer", person=officer)
            message = invitation_message(officer, "officer", link, expires)
        if message is None and not on_sheet:
            skipped += 1
            continue
        if message is None:
            link, expires = invitation_link(kind="officer", person=officer, valid=sheet_valid)
        else:
            messages.append(message)
        where = f"{parent} {place}" if parent and place != root.name else place
        invited.append(
            InvitedOfficer(officer.code, officer.name, where, link, expires, bool(message))
        )
        events.append(
            invitation_event(actor, officer.code, expires, message is not None, root.code)
        )
    if not invited and not skipped:
        raise BadInput(f"{root.name}没有{label(OfficerTier, tier) if tier else ''}在岗的包保干部")
    if events:
        session.execute(insert(AuditEvent), events)  # one executemany, as the import's audit
    queued = outbox.enqueue(session=session, messages=messages) if messages else 0
    return InvitationBatch(root.name, root.code, tier, tuple(invited), queued, skipped)


def invitation_sheet(*, batch: InvitationBatch, parts: int | None = None) -> bytes:
    """The printed invitation sheet (PDF) of a batch's officers not reached by mail (laid out in
    parallel parts, one per processor by default: reports.invitation_sheet.render_sheet)."""
    from reports.invitation_sheet import Sheet, SheetCard, render_sheet

    if not batch.on_sheet:
        raise BadInput("所有干部均已通过邮件邀请，无需打印邀请单")
    expires = clock.chinese_moment(batch.on_sheet[0].expires)
    cards: list[SheetCard] = [
        {
            "name": o.name,
            "code": o.code,
            "place": o.place,
            "link": o.link,
            "expires": clock.chinese_moment(o.expires),
        }
        for o in batch.on_sheet
    ]
    who, login = ("本人", "手机号") if batch.network else ("干部本人", "干部编号或手机号")
    note = (
        f"请沿虚线剪开，交给{who}。用手机扫描二维码，按提示设置登录密码（{expires}前有效，"
        f"每个二维码只能使用一次）；之后用{login}登录。"
    )
    sheet: Sheet = {"title": batch.title, "note": note, "cards": cards}
    if batch.network:
        sheet["login"] = "手机号"
    return render_sheet(sheet, parts)
