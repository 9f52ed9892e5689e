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
from models.informant import Informant
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.user import User
from services.core import links
from services.roster.persons import person_key

Account = Officer | User | Informant
ACCOUNT_MODELS: dict[str, type[Officer] | type[User] | type[Informant]] = {
    AccountKind.OFFICER: Officer,
    AccountKind.USER: User,
    AccountKind.INFORMANT: Informant,
}


def account_kind_of(kind: str) -> str:
    """The table (AccountKind) of a kind of principal or account: officers and 信息员 have their
    own tables; supervisor and admin (User roles) and "user" are 食安办 accounts."""
    if kind in (AccountKind.OFFICER, AccountKind.INFORMANT):
        return AccountKind(kind).value
    return AccountKind.USER.value


def login_of(person: Account) -> str:
    """The login string a record signs in with: 干部编号, 食安办 account, or an 信息员's 手机号."""
    if isinstance(person, Officer):
        return person.code
    return person.account if isinstance(person, User) else person.mobile


@dataclass(frozen=True)
class Principal:
    """A signed-in person: the record they signed in with (kind, id, account), the person behind
    it (one 手机号 across officer, 食安办 and 信息员 records), the jurisdiction subtree they act
    in, and the credential version (pv) their session or token was issued under. only is set for
    a one-tap link session: (kind, id) of its one item; session_id names the server-side
    session or API token it came through (None for the command line)."""

    kind: str  # PrincipalKind: officer | supervisor | admin | informant
    id: int  # the record's id (Officer.id, User.id or Informant.id)
    account: str  # 干部编号, 食安办 account or 信息员 手机号, for display and the audit log
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
        return account_kind_of(self.kind)

    @property
    def roles(self) -> frozenset[str]:
        """The roles this principal acts in (PrincipalKind codes)."""
        return frozenset({self.kind})

    @property
    def is_officer(self) -> bool:
        return self.kind == PrincipalKind.OFFICER

    @property
    def is_informant(self) -> bool:
        """A village's 联络员/协管员/信息员: the banquets of their own village, nothing else."""
        return self.kind == PrincipalKind.INFORMANT

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
    person: Account,
    place: Jurisdiction,
    *,
    only: tuple[str, int] | None = None,
    session_id: str | None = None,
) -> Principal:
    """The principal of a record already loaded (after a password or an admin's choice)."""
    if isinstance(person, Officer):
        kind, record = PrincipalKind.OFFICER.value, AccountKind.OFFICER.value
    elif isinstance(person, Informant):
        kind, record = PrincipalKind.INFORMANT.value, AccountKind.INFORMANT.value
    else:
        kind, record = person.role, AccountKind.USER.value
    assert person.id is not None and place.id is not None  # stored rows
    return Principal(
        kind,
        person.id,
        login_of(person),
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
    """The labelled columns principal_from_row reads, for one table of accounts."""
    account: Any
    kind: Any
    model: Any = ACCOUNT_MODELS[account_kind]
    if account_kind == AccountKind.OFFICER:
        account, kind = Officer.code, literal(PrincipalKind.OFFICER.value)
    elif account_kind == AccountKind.INFORMANT:
        account, kind = Informant.mobile, literal(PrincipalKind.INFORMANT.value)
    else:
        account, kind = User.account, User.role
    return (
        account.label("account"),
        kind.label("kind"),
        model.name.label("name"),
        model.active.label("active"),
        model.password_hash.label("password_hash"),
        model.mobile.label("mobile"),
        Jurisdiction.id.label("jurisdiction_id"),
        Jurisdiction.code.label("jurisdiction_code"),
        Jurisdiction.name.label("jurisdiction_name"),
        Jurisdiction.path.label("jurisdiction_path"),
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
        kind=row.kind,
        id=person_id,
        account=row.account,
        name=row.name,
        jurisdiction_id=row.jurisdiction_id,
        jurisdiction_code=row.jurisdiction_code,
        jurisdiction_name=row.jurisdiction_name,
        path=row.jurisdiction_path,
        pv=links.password_version(row.password_hash),
        person=person_key(account_kind, person_id, row.mobile),
        only=only,
        session_id=session_id,
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
    account_kind = account_kind_of(kind)
    row = session.execute(principal_query(account_kind, person_id)).first()
    found = principal_from_row(row, account_kind=account_kind, person_id=person_id, only=only)
    if found is None or found.kind != kind:
        return None
    if pv is not None and not links.same(pv, found.pv):
        return None
    return found
