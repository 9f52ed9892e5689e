"""Accounts: argon2 passwords, who is signed in (Principal), login with throttling, passwords set
through one-time invitation links, and the demo accounts.

Officers (包保干部) sign in with their 干部编号 or mobile number, 食安办 users with their account,
a village's 联络员/协管员/信息员 with their mobile number (when no officer holds it).
Failed logins are throttled in the database (services.accounts.throttle), per person and per
client address.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from config.policy_model import WebPolicy
from models.enums import AccountKind
from models.informant import Informant
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.user import User
from services.core import audit
from services.core.errors import BadInput
from services.permissions.principal import (
    Account,
    Principal,
    account_kind_of,
    login_of,
    principal_of,
)

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("baobao-timing-equaliser")
KINDS = {"officer": "包保干部", "supervisor": "督办", "admin": "管理员", "informant": "信息员"}
LOGIN_HINT = "包保干部用干部编号或手机号登录，信息员用手机号登录，食安办人员用账号登录"


def web_policy() -> WebPolicy:
    """The [web] section of config/policy.toml."""
    return load_policy().web


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether password matches the hash (always spends the time of one verification)."""
    try:
        _hasher.verify(password_hash or _DUMMY, password)  # raises unless it matches
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False
    return password_hash is not None


def find_person(*, session: Session, login: str) -> tuple[str, Account] | None:
    """The account a login names: 食安办 account, else 干部编号, else a unique officer mobile,
    else an 信息员's mobile (one person may hold both: the officer record signs in)."""
    login = (login or "").strip()
    if not login or "\x00" in login or not login.isprintable():
        return None
    user = session.execute(select(User).where(User.account == login)).scalar_one_or_none()
    if user is not None:
        return user.role, user
    officer = session.execute(select(Officer).where(Officer.code == login)).scalar_one_or_none()
    if officer is None and login.isdigit() and len(login) == 11:
        found = session.execute(select(Officer).where(Officer.mobile == login).limit(2)).scalars()
        matches = list(found)
        officer = matches[0] if len(matches) == 1 else None
        if not matches:
            return _informant(session, login)
    return ("officer", officer) if officer is not None else None


def _informant(session: Session, mobile: str) -> tuple[str, Account] | None:
    informant = session.execute(
        select(Informant).where(Informant.mobile == mobile)
    ).scalar_one_or_none()
    return ("informant", informant) if informant is not None else None


def person_record(*, session: Session, kind: str, person_id: int) -> Account | None:
    """The record of a kind of account (officer, informant, a User role or user) by id."""
    table = account_kind_of(kind)
    if table == AccountKind.OFFICER:
        return session.get(Officer, person_id)
    if table == AccountKind.INFORMANT:
        return session.get(Informant, person_id)
    return session.get(User, person_id)


def authenticate(*, session: Session, login: str, password: str, client: str) -> Principal:
    """The principal of a correct login; BadInput (one message for every failure) otherwise.
    Failures count for the person whichever login string was typed, and for the client
    address, in the database (services.accounts.throttle)."""
    from services.accounts import throttle

    found = find_person(session=session, login=login)
    person = found[1] if found else None
    who = principal_of(person, _place(session, person)) if person else None
    keys = throttle.keys_for(person=who.person if who else None, login=login or "", client=client)
    counts = throttle.failures(session=session, keys=keys)
    if throttle.over_limit(counts, keys):
        policy = web_policy()
        raise BadInput(f"登录失败次数过多，请 {policy.login_lock_minutes} 分钟后再试")
    ok = verify_password(person.password_hash if person else None, password or "")
    if not ok or person is None or not person.active:
        throttle.fail(session=session, keys=keys)
        raise BadInput(f"账号或密码错误（{LOGIN_HINT}）")
    person_key = next(iter(keys))
    if counts.get(person_key):  # earlier failures of this person are forgiven
        throttle.clear(session=session, key=person_key)
    assert who is not None  # a person was found and the password matched
    return who


def principal_for_login(*, session: Session, login: str) -> Principal:
    """The command line's --by: the active person a login string names, as a Principal (the
    operator of the command line is trusted; pages and the API authenticate instead)."""
    found = find_person(session=session, login=login)
    if found is None:
        raise BadInput(f"账号 {login!r} 不存在（应为食安办账号、包保干部编号或手机号）")
    person = found[1]
    if not person.active:
        raise BadInput(f"账号 {login} 已停用")
    return principal_of(person, _place(session, person))


def _place(session: Session, person: Account) -> Jurisdiction:
    place = session.get(Jurisdiction, person.jurisdiction_id)
    assert place is not None  # a person's jurisdiction (a foreign key)
    return place


def check_password(*, session: Session, who: Principal, password: str, client: str) -> None:
    """Check a signed-in person's current password (throttled like a sign-in); BadInput when
    wrong."""
    from services.accounts import throttle

    keys = throttle.keys_for(person=who.person, login=who.account, client=client)
    if throttle.blocked(session=session, keys=keys):
        raise BadInput(f"失败次数过多，请 {web_policy().login_lock_minutes} 分钟后再试")
    record = person_record(session=session, kind=who.account_kind, person_id=who.id)
    if not verify_password(record.password_hash if record else None, password or ""):
        throttle.fail(session=session, keys=keys)
        raise BadInput("当前密码不正确")


def check_new_password(password: str, repeat: str, account: str) -> None:
    """Refuse a weak or mistyped new password (BadInput)."""
    shortest = web_policy().min_password_length
    if password != repeat:
        raise BadInput("两次输入的密码不一致")
    if len(password) < shortest:
        raise BadInput(f"密码至少 {shortest} 位")
    if password.isdigit() or password.strip().lower() == account.lower():
        raise BadInput("密码不能是纯数字，也不能与账号相同")


def set_password(
    *, session: Session, kind: str, person_id: int, password: str, repeat: str, actor: str
) -> None:
    """Set a person's password (argon2), audited; every session and token of the account ends
    and older invitations and one-tap links stop working."""
    from services.accounts import sign_ins

    person = person_record(session=session, kind=kind, person_id=person_id)
    if person is None:
        raise BadInput("账号不存在")
    account, table = login_of(person), account_kind_of(kind)
    check_new_password(password, repeat, account)
    person.password_hash = hash_password(password)
    session.add(person)
    audit.record_event(
        session=session,
        actor=actor,
        action="account.set_password",
        object_type=table,
        object_id=account,
        after={"password": "已设置"},
    )
    sign_ins.end_account(
        session=session,
        account_kind=table,
        account_id=person_id,
        by=f"{actor} 设置密码",
    )
    session.flush()
