"""Accounts: argon2 passwords, who is signed in (Principal), login with throttling, passwords set
through one-time invitation links, and the demo accounts.

Officers (包保干部) sign in with their 干部编号 or mobile number, 食安办 users with their account.
Failed logins are throttled in memory, per process (one uvicorn process serves the county).
"""

import datetime as dt
import threading
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from config.policy_model import WebPolicy
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.user import User
from services.accounts.principal import Principal, principal_of
from services.core import audit, clock
from services.core.errors import BadInput

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("baobao-timing-equaliser")
KINDS = {"officer": "包保干部", "supervisor": "督办", "admin": "管理员"}


def web_policy() -> WebPolicy:
    """The [web] section of config/policy.toml."""
    return load_policy().web


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether password matches the hash (always spends the time of one verification)."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


def find_person(*, session: Session, login: str) -> tuple[str, Officer | User] | None:
    """The account a login names: 食安办 account, else 干部编号, else a unique officer mobile."""
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
    return ("officer", officer) if officer is not None else None


class _Throttle:
    """Failed logins per account and per client address within the lock window (in memory)."""

    def __init__(self):
        self.lock, self.failures = threading.Lock(), defaultdict(deque)

    def _recent(self, key: str, now: dt.datetime) -> deque:
        window = dt.timedelta(minutes=web_policy().login_lock_minutes)
        stamps = self.failures[key]
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        return stamps

    def blocked(self, keys: dict[str, int]) -> bool:
        now = clock.now()
        with self.lock:
            return any(len(self._recent(k, now)) >= limit for k, limit in keys.items())

    def fail(self, keys: dict[str, int]) -> None:
        now = clock.now()
        with self.lock:
            for key in keys:
                self._recent(key, now).append(now)

    def clear(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)


throttle = _Throttle()


def authenticate(*, session: Session, login: str, password: str, client: str) -> Principal:
    """The principal of a correct login; BadInput (one message for every failure) otherwise."""
    policy = web_policy()
    account_key = f"account:{(login or '').strip().lower()}"
    keys = {
        account_key: policy.login_max_failures,
        f"client:{client}": policy.login_max_failures * 4,
    }
    if throttle.blocked(keys):
        raise BadInput(f"登录失败次数过多，请 {policy.login_lock_minutes} 分钟后再试")
    found = find_person(session=session, login=login)
    person = found[1] if found else None
    ok = verify_password(person.password_hash if person else None, password or "")
    if not ok or not person.active:
        throttle.fail(keys)
        raise BadInput("账号或密码错误（包保干部用干部编号或手机号登录，食安办人员用账号登录）")
    throttle.clear(account_key)
    return principal_of(person, session.get(Jurisdiction, person.jurisdiction_id))


def principal_for_login(*, session: Session, login: str) -> Principal:
    """The command line's --by: the active person a login string names, as a Principal (the
    operator of the command line is trusted; pages and the API authenticate instead)."""
    found = find_person(session=session, login=login)
    if found is None:
        raise BadInput(f"账号 {login!r} 不存在（应为食安办账号、包保干部编号或手机号）")
    person = found[1]
    if not person.active:
        raise BadInput(f"账号 {login} 已停用")
    return principal_of(person, session.get(Jurisdiction, person.jurisdiction_id))


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
    """Set a person's password (argon2), audited; older sessions and invitations stop working."""
    person = session.get(Officer if kind == "officer" else User, person_id)
    account = person.code if kind == "officer" else person.account
    check_new_password(password, repeat, account)
    person.password_hash = hash_password(password)
    session.add(person)
    audit.record_event(
        session=session,
        actor=actor,
        action="account.set_password",
        object_type="officer" if kind == "officer" else "user",
        object_id=account,
        after={"password": "已设置"},
    )
    session.flush()
