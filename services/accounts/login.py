"""Signing in and out and changing one's password: the steps a page or the API takes, each one
service call (services.accounts.identity checks passwords, sign_ins keeps the sessions)."""

from sqlmodel import Session

from models.enums import SessionKind
from services.accounts import sign_ins
from services.accounts.identity import authenticate, check_password, set_password
from services.permissions.principal import Principal


def open_session(
    *,
    session: Session,
    login: str,
    password: str,
    client: str,
    kind: str = SessionKind.WEB,
    replacing: Principal | None = None,
) -> Principal:
    """Sign in with a login string and password (throttled): a new browser session (ending the
    one it replaces on this browser), or an API token with kind=api; BadInput otherwise."""
    who = authenticate(session=session, login=login, password=password, client=client)
    close(session=session, who=replacing)
    return sign_ins.start(session=session, who=who, kind=kind, client=client)


def close(*, session: Session, who: Principal | None) -> None:
    """Log out: end the session who came through (nothing when no one is signed in)."""
    if who is not None:
        sign_ins.end(session=session, session_id=who.session_id, by=f"{who.account} 退出登录")


def change_password(
    *, session: Session, who: Principal, current: str, password: str, repeat: str, client: str
) -> None:
    """Change who's own password after checking the current one (throttled like a sign-in);
    every session and token of the account ends."""
    check_password(session=session, who=who, password=current, client=client)
    set_password(
        session=session,
        kind=who.account_kind,
        person_id=who.id,
        password=password,
        repeat=repeat,
        actor=who.account,
    )
