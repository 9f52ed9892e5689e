"""The village network (联络员/协管员/信息员, the roster's 信息员 sheet) as an administrator sees
it: every village of the subtree with its people, their sign-in state, and invitations by
village or township (a printed sheet: the network has no e-mail, links reach them on paper or
are handed over)."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Subquery, func, insert, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.audit import AuditEvent
from models.enums import AccountKind, InformantRole, JurisdictionLevel, label
from models.informant import Informant
from models.jurisdiction import Jurisdiction
from models.sign_in import SignIn
from services.accounts.identity import web_policy
from services.accounts.invitation_batch import InvitationBatch, InvitedOfficer, invitation_event
from services.accounts.invitations import invitation_link
from services.core.errors import BadInput
from services.core.jurisdictions import by_code, path_like
from services.permissions.principal import Principal
from services.permissions.rules import within_sql

MAX_ROWS = 2000


@dataclass(frozen=True)
class NetworkRow:
    """One village and one of its people (person fields None for a village with nobody)."""

    village_code: str
    village: str
    township: str | None
    informant_id: int | None
    name: str | None
    role: str | None  # Chinese label: 联络员 / 协管员 / 信息员
    mobile: str | None
    active: bool
    has_password: bool
    last_sign_in: dt.datetime | None


def _last_sign_ins() -> Subquery:
    return (
        select(SignIn.account_id, func.max(SignIn.created_at).label("last"))
        .where(SignIn.account_kind == AccountKind.INFORMANT)
        .group_by(SignIn.account_id)
        .subquery()
    )


def village_network(*, session: Session, who: Principal) -> list[NetworkRow]:
    """Every village of who's subtree with its 联络员/协管员/信息员 (villages without any too),
    by township and village, at most MAX_ROWS rows."""
    town, last = aliased(Jurisdiction), _last_sign_ins()
    rows = session.execute(
        select(Jurisdiction.code, Jurisdiction.name, town.name, Informant, last.c.last)
        .outerjoin(town, town.id == Jurisdiction.parent_id)
        .outerjoin(Informant, Informant.jurisdiction_id == Jurisdiction.id)
        .outerjoin(last, last.c.account_id == Informant.id)
        .where(
            Jurisdiction.level == JurisdictionLevel.VILLAGE,
            within_sql(Jurisdiction.path, who),
        )
        .order_by(Jurisdiction.path, Informant.name)
        .limit(MAX_ROWS)
    )
    return [
        NetworkRow(
            code,
            name,
            township,
            person.id if person else None,
            person.name if person else None,
            label(InformantRole, person.role) if person else None,
            person.mobile if person else None,
            bool(person and person.active),
            bool(person and person.password_hash),
            when,
        )
        for code, name, township, person, when in rows
    ]


def _members(session: Session, root: Jurisdiction) -> list[tuple[Informant, str]]:
    return [
        (person, place)
        for person, place in session.execute(
            select(Informant, Jurisdiction.name)
            .join(Jurisdiction, Jurisdiction.id == Informant.jurisdiction_id)
            .where(
                Informant.active,
                Jurisdiction.path.like(path_like(root.path), escape="\\"),
            )
            .order_by(Jurisdiction.path, Informant.name)
        )
    ]


def invite_network(
    *, session: Session, jurisdiction: str, actor: str, scope_path: str | None = None
) -> InvitationBatch:
    """A set-password link, valid [web] sheet_invite_days, for every active 联络员/协管员/信息员
    of a jurisdiction's subtree, for the printed invitation sheet; each link audited."""
    root = by_code(session=session, code=jurisdiction)
    if scope_path is not None and not root.path.startswith(scope_path):
        raise BadInput(f"区划代码 {jurisdiction} 不存在")
    valid = dt.timedelta(days=web_policy().sheet_invite_days)
    invited, events = [], []
    for person, place in _members(session, root):
        link, expires = invitation_link(kind=AccountKind.INFORMANT, person=person, valid=valid)
        invited.append(InvitedOfficer(person.mobile, person.name, place, link, expires, False))
        events.append(
            invitation_event(actor, person.mobile, expires, False, root.code, AccountKind.INFORMANT)
        )
    if not invited:
        raise BadInput(f"{root.name}没有在岗的联络员、协管员或信息员")
    session.execute(insert(AuditEvent), events)
    return InvitationBatch(root.name, root.code, None, tuple(invited), 0, 0, network=True)
