"""An administrator's view of a person's sign-ins: the running sessions and API tokens of every
account of the person, ended one by one or all at once. The pages pass the administrator (whose
subtree must hold the account); the command line passes no one (the whole installation)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.enums import AccountKind, label
from models.informant import Informant
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.sign_in import SignIn
from models.user import User
from services.accounts import sign_ins
from services.accounts.identity import find_person
from services.core import audit
from services.core.errors import BadInput
from services.permissions.principal import ACCOUNT_MODELS, Principal, principal_of
from services.permissions.rules import Action, Target, may


@dataclass(frozen=True)
class PersonSessions:
    """A person (by one of their accounts) and their running sessions and tokens."""

    account: str
    name: str
    person: str
    running: list[sign_ins.Running]
    accounts: dict[str, str]  # "officer:12" → "包保干部 BB001", for the rows


def _target(session: Session, account: str, admin: Principal | None) -> Principal:
    found = find_person(session=session, login=account)
    missing = BadInput(f"账号 {account} 不存在（食安办账号、干部编号或手机号）")
    if found is None:
        raise missing
    person = found[1]
    place = session.get(Jurisdiction, person.jurisdiction_id)
    assert place is not None  # a foreign key
    who = principal_of(person, place)
    if admin is not None and not may(admin, Action.ADMINISTER, Target(path=who.path)):
        raise missing
    return who


def _names(session: Session, rows: list[sign_ins.Running]) -> dict[str, str]:
    names = {}
    logins: dict[str, Any] = {
        AccountKind.OFFICER: Officer.code,
        AccountKind.USER: User.account,
        AccountKind.INFORMANT: Informant.mobile,
    }
    for kind, column in logins.items():
        model = ACCOUNT_MODELS[kind]
        ids = {r.account_id for r in rows if r.account_kind == kind}
        for rid, account in session.execute(select(model.id, column).where(model.id.in_(ids))):
            names[f"{kind}:{rid}"] = f"{label(AccountKind, kind)} {account}"
    return names


def person_sessions(
    *, session: Session, account: str, admin: Principal | None = None
) -> PersonSessions:
    """The running sessions and tokens of the person an account names."""
    who = _target(session, account, admin)
    rows = sign_ins.running(session=session, person=who.person)
    return PersonSessions(who.account, who.name, who.person, rows, _names(session, rows))


def end_sessions(
    *,
    session: Session,
    account: str,
    actor: str,
    session_id: str | None = None,
    admin: Principal | None = None,
) -> int:
    """End one session or token of the person an account names (session_id), or all of the
    person's under every account; audited. How many ended."""
    who = _target(session, account, admin)
    if session_id is None:
        ended = sign_ins.end_person(session=session, person=who.person, by=actor)
    else:
        row = session.get(SignIn, session_id)
        if row is None or row.person != who.person:
            raise BadInput("该登录会话或令牌不存在")
        ended = sign_ins.end(session=session, session_id=session_id, by=actor)
    audit.record_event(
        session=session,
        actor=actor,
        action="account.end_sessions",
        object_type=who.account_kind,
        object_id=who.account,
        after={"session": session_id or "全部", "ended": ended},
    )
    return ended
