"""Who is signed in: the one Principal that authentication produces (web page, API token, one-tap
link, CLI --by) and that every service deciding who may do what receives. Nothing looks a person
up by an account string after this point; the rules themselves live in
services.permissions.rules.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, literal, select
from sqlmodel import Session

from models.enums import AccountKind, PrincipalKind, label
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.user import User
from services.core import links
from services.roster.persons import person_key

ACCOUNT_MODELS: dict[str, type[Officer] | type[User]] = {
    AccountKind.OFFICER: Officer,
    AccountKind.USER: User,
}


@dataclass(frozen=True)
class Principal:
    """A signed-in person: the record they signed in with (kind, id, account), the person behind
    it (one 手机号 across officer, 食安办 and 信息员 records), the jurisdiction subtree they act
    in, and the credential version (pv) their session or token was issued under. only is set for
    a one-tap link session: (kind, id) of its one item; session_id names the server-side
    session or API token it came through (None for the command line)."""

    kind: str  # PrincipalKind: officer | supervisor | admin
    id: int  # the record's id (Officer.id or User.id)
    account: str  # 干部编号 or 食安办 account, for display and the audit log
    name: str
    jurisdiction_id: int
    jurisdiction_code: str
    jurisdiction_name: str
    path: str  # the jurisdiction's materialised path: the subtree is every path under it
    pv: str  # credential version: a fingerprint of the current password hash
    person: str  # the person key (services.roster.persons.person_key)
    only: tuple[str, int] | None = None
    session_id: str | None = None

    @property
    def account_kind(self) -> str:
        """The table of the record signed in with (AccountKind)."""
        return AccountKind.OFFICER if self.kind == PrincipalKind.OFFICER else AccountKind.USER

    @property
    def roles(self) -> frozenset[str]:
        """The roles this principal acts in (PrincipalKind codes)."""
        return frozenset({self.kind})

    @property
    def is_officer(self) -> bool:
        return self.kind == PrincipalKind.OFFICER

    @property
    def is_office(self) -> bool:
        return self.kind in (PrincipalKind.SUPERVISOR, PrincipalKind.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.kind == PrincipalKind.ADMIN

    @property
    def role_label(self) -> str:
        return label(PrincipalKind, self.kind)

    def describe(self) -> str:
        """How messages name the principal: 督办 duban."""
        return f"{self.role_label} {self.account}"


def principal_of(
    person: Officer | User,
    place: Jurisdiction,
    *,
    only: tuple[str, int] | None = None,
    session_id: str | None = None,
) -> Principal:
    """The principal of a record already loaded (after a password or an admin's choice)."""
    if isinstance(person, Officer):
        kind, account, record = PrincipalKind.OFFICER.value, person.code, AccountKind.OFFICER
    else:
        kind, account, record = person.role, person.account, AccountKind.USER
    assert person.id is not None and place.id is not None  # stored rows
    return Principal(
        kind,
        person.id,
        account,
        person.name,
        place.id,
        place.code,
        place.name,
        place.path,
        links.password_version(person.password_hash),
        person_key(record, person.id, person.mobile),
        only,
        session_id,
    )


def _columns(account_kind: str) -> tuple[Any, ...]:
    account: Any
    kind: Any
    model: Any
    if account_kind == AccountKind.OFFICER:
        account, kind, model = Officer.code, literal(PrincipalKind.OFFICER.value), Officer
    else:
        account, kind, model = User.account, User.role, User
    return (
        account,
        model.name,
        model.active,
        model.password_hash,
        kind,
        model.mobile,
        Jurisdiction.id,
        Jurisdiction.code,
        Jurisdiction.name,
        Jurisdiction.path,
    )


def principal_select(account_kind: str) -> Select[Any]:
    """The select of accounts of a kind with their jurisdiction (callers add the condition)."""
    model = ACCOUNT_MODELS[account_kind]
    return select(*_columns(account_kind)).join(
        Jurisdiction, Jurisdiction.id == model.jurisdiction_id
    )


def principal_query(account_kind: str, person_id: int) -> Select[Any]:
    """The select of one account with its jurisdiction."""
    return principal_select(account_kind).where(ACCOUNT_MODELS[account_kind].id == person_id)


def principal_from_row(
    row: Row[Any] | None,
    *,
    account_kind: str,
    person_id: int,
    only: tuple[str, int] | None = None,
    session_id: str | None = None,
) -> Principal | None:
    """The principal of a principal_query row (None when the account is inactive)."""
    if row is None or not row.active:
        return None
    return Principal(
        row[4],
        person_id,
        row[0],
        row.name,
        row[6],
        row[7],
        row[8],
        row[9],
        links.password_version(row.password_hash),
        person_key(account_kind, person_id, row.mobile),
        only,
        session_id,
    )


def load_principal(
    *,
    session: Session,
    kind: str,
    person_id: int,
    pv: str | None = None,
    only: tuple[str, int] | None = None,
) -> Principal | None:
    """The active person of this kind and id (None when gone, inactive or, when pv is given,
    the password changed since)."""
    account_kind = AccountKind.OFFICER if kind == PrincipalKind.OFFICER else AccountKind.USER
    row = session.execute(principal_query(account_kind, person_id)).first()
    found = principal_from_row(row, account_kind=account_kind, person_id=person_id, only=only)
    if found is None or found.kind != kind:
        return None
    if pv is not None and not links.same(pv, found.pv):
        return None
    return found
