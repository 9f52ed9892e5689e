"""Invitations: one-time set-password links, sent through the outbox when a channel reaches the
person; and the demo accounts of the fictional demo roster.

An invitation is a signed, expiring link carrying the account and a fingerprint of its current
password hash: once a password is set the fingerprint changes, so each link works once.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from sqlalchemy import func, select
from sqlmodel import Session

from models.db import stored_id
from models.enums import AccountKind, JurisdictionLevel, OfficerTier, PrincipalKind, UserRole
from models.informant import Informant
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.user import User
from services.accounts import tokens
from services.accounts.identity import (
    KINDS,
    find_person,
    hash_password,
    person_record,
    verify_password,
    web_policy,
)
from services.core import audit, clock, links
from services.core.errors import BadInput
from services.core.urls import public_url
from services.permissions.principal import Account, account_kind_of, login_of

if TYPE_CHECKING:
    from services.reminders.outbox import Outgoing

DEMO_PASSWORD = "baobao2026"
LOGIN_HINTS: dict[str, str] = {
    AccountKind.OFFICER: "干部编号或手机号",
    AccountKind.INFORMANT: "手机号",
}

UNTIL = "u"  # an invitation valid longer than invite_valid_hours: its end, in Unix seconds


class Invited(TypedDict):
    """An invitation made: whose, its link and end, and the mail queued (address None: none)."""

    account: str
    name: str
    kind: str
    role: str
    link: str
    expires: str
    expires_text: str
    queued: int
    address: str | None
    delivery: NotRequired[dict[str, object]]  # sent, failed, waiting: added by `users invite`


class DemoAccount(TypedDict):
    """A demo account shown on the sign-in page, with the demo password."""

    account: str
    name: str
    role: str
    place: str
    password: str


def invitation_link(
    *, kind: str, person: Account, valid: dt.timedelta | None = None
) -> tuple[str, dt.datetime]:
    """The set-password URL of a person and when it expires: after [web] invite_valid_hours,
    or after valid (a printed sheet's, at most [web] sheet_invite_days)."""
    claims = tokens.person_claims(
        kind=account_kind_of(kind),
        person_id=stored_id(person),
        pv=links.password_version(person.password_hash),
    )
    expires = clock.now() + (valid or dt.timedelta(hours=web_policy().invite_valid_hours))
    if valid is not None:
        claims[UNTIL] = int(expires.timestamp())
    return public_url(f"/invite/{links.sign(links.INVITE, claims)}"), expires


def _invitation_payload(token: str) -> dict[str, Any]:
    """The claims of an unexpired invitation token; links.BadLink otherwise."""
    policy = web_policy()
    try:
        return links.load(links.INVITE, token, max_age_seconds=policy.invite_valid_hours * 3600)
    except links.BadLink as exc:
        if not exc.expired:
            raise
    payload = links.load(links.INVITE, token, max_age_seconds=policy.sheet_invite_days * 86400)
    until = payload.get(UNTIL)
    if not isinstance(until, int) or clock.now().timestamp() > until:
        raise links.BadLink("链接已过期", expired=True)
    return payload


def check_invitation(*, session: Session, token: str) -> tuple[str, Account]:
    """The (account kind, person) an invitation token is for; links.BadLink when unusable."""
    payload = _invitation_payload(token)
    claim = tokens.read_claim(payload, kinds=tuple(AccountKind))
    if claim is None:
        raise links.BadLink("链接无效")
    kind = claim.kind
    person = person_record(session=session, kind=kind, person_id=claim.person_id)
    if person is None or not person.active:
        raise links.BadLink("链接对应的账号不存在或已停用")
    if not links.same(claim.pv, links.password_version(person.password_hash)):
        raise links.BadLink("链接已使用过（密码已设置），如需重设请联系管理员重新邀请")
    return kind, person


def invitation_message(
    person: Account, kind: str, link: str, expires: dt.datetime
) -> "Outgoing | None":
    from services.reminders.daily import mail_address
    from services.reminders.outbox import Outgoing

    address = mail_address(person.name, getattr(person, "email", None))  # 信息员 have no e-mail
    if address is None:
        return None
    account, who = login_of(person), account_kind_of(kind)
    login_hint = LOGIN_HINTS.get(who, "账号")
    text = (
        f"{person.name}，您好：\n\n请打开下面的链接设置包保工作系统的登录密码（"
        f"{clock.chinese_moment(expires)} 前有效，只能使用一次）：\n{link}\n\n"
        f"设置后用{login_hint} {account} 登录。"
        "如非本人操作请忽略本邮件。\n"
    )
    return Outgoing(
        "email",
        f"{who}:{account}",
        address,
        "设置包保工作系统登录密码",
        text,
        None,
        f"invite:{who}:{account}:{link.rsplit('.', 1)[-1][:24]}",
    )


def invite(
    *, session: Session, account: str, actor: str, scope_path: str | None = None, send: bool = True
) -> Invited:
    """Make a one-time set-password link for an account and queue it by mail when possible."""
    found = find_person(session=session, login=account)
    if found is None:
        raise BadInput(f"账号 {account} 不存在（食安办账号、干部编号或手机号）")
    return _invite(session, found[0], found[1], actor, scope_path, send, account)


def invite_informant(
    *, session: Session, informant_id: int, actor: str, scope_path: str | None = None
) -> Invited:
    """invite for one 联络员/协管员/信息员 record (their 手机号 may also be an officer's login)."""
    informant = session.get(Informant, informant_id)
    if informant is None:
        raise BadInput(f"信息员 {informant_id} 不存在")
    return _invite(session, "informant", informant, actor, scope_path, True, informant.mobile)


def _invite(
    session: Session,
    kind: str,
    person: Account,
    actor: str,
    scope_path: str | None,
    send: bool,
    asked: str,
) -> Invited:
    from notifications import channels
    from services.reminders import outbox

    place = session.get(Jurisdiction, person.jurisdiction_id)
    if scope_path is not None and (place is None or not place.path.startswith(scope_path)):
        raise BadInput(f"账号 {asked} 不存在（食安办账号、干部编号或手机号）")
    if not person.active:
        raise BadInput(f"账号 {asked} 已停用")
    link, expires = invitation_link(kind=kind, person=person)
    message = (
        invitation_message(person, kind, link, expires) if channels.enabled()["email"] else None
    )
    account = login_of(person)
    audit.record_event(
        session=session,
        actor=actor,
        action="account.invite",
        object_type=account_kind_of(kind),
        object_id=account,
        after={"expires": expires.isoformat(), "mailed": message is not None},
    )
    queued = outbox.enqueue(session=session, messages=[message]) if message and send else 0
    return {
        "account": account,
        "name": person.name,
        "kind": kind,
        "role": KINDS[kind],
        "link": link,
        "expires": expires.isoformat(timespec="minutes"),
        "expires_text": clock.chinese_moment(expires),
        "queued": queued,
        "address": message.address if message else None,
    }


def demo_roster(*, session: Session) -> bool:
    """Whether this database holds the fictional demo roster (every user at example.cn)."""
    users: int = session.execute(select(func.count()).select_from(User)).scalar_one()
    real: int = session.execute(
        select(func.count())
        .select_from(User)
        .where(func.coalesce(User.email, "").not_like("%@example.cn"))
    ).scalar_one()
    return users > 0 and real == 0


def _demo_people(session: Session) -> list[tuple[str, Officer | User]]:
    users = {
        u.account: u
        for u in session.execute(select(User).where(User.account.in_(("admin", "duban")))).scalars()
    }
    township = session.execute(
        select(User)
        .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
        .where(Jurisdiction.level == JurisdictionLevel.TOWNSHIP, User.role == UserRole.SUPERVISOR)
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()
    people: list[tuple[str, Officer | User]] = [
        (users[a].role, users[a]) for a in ("admin", "duban") if a in users
    ]
    if township is not None:
        people.append(("supervisor", township))
    for tier in (OfficerTier.TOWNSHIP, OfficerTier.VILLAGE):
        officer = session.execute(
            select(Officer)
            .where(Officer.tier == tier, Officer.active)
            .order_by(Officer.id)
            .limit(1)
        ).scalar_one_or_none()
        if officer is not None:
            people.append((PrincipalKind.OFFICER, officer))
    return people


def demo_accounts(*, session: Session) -> list[DemoAccount]:
    """On the demo roster only: a few accounts with the demo password (set when unset)."""
    if not demo_roster(session=session):
        return []
    shown: list[DemoAccount] = []
    for kind, person in _demo_people(session):
        account = login_of(person)  # 干部编号 or account
        if person.password_hash is None:
            person.password_hash = hash_password(DEMO_PASSWORD)
            session.add(person)
            audit.record_event(
                session=session,
                actor="system",
                action="account.demo_password",
                object_type=AccountKind.OFFICER
                if kind == PrincipalKind.OFFICER
                else AccountKind.USER,
                object_id=account,
                after={"password": "演示密码"},
            )
        elif not verify_password(person.password_hash, DEMO_PASSWORD):
            continue
        place = session.get(Jurisdiction, person.jurisdiction_id)
        assert place is not None  # a person's jurisdiction (a foreign key)
        shown.append(
            {
                "account": account,
                "name": person.name,
                "role": KINDS[kind],
                "place": place.name,
                "password": DEMO_PASSWORD,
            }
        )
    session.flush()
    return shown
