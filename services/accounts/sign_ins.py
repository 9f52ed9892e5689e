"""Server-side sessions and API tokens (models.sign_in.SignIn): started at sign-in, checked on
every request (one indexed query with the account), ended by logging out, by a password change
(every session of the account) or by an administrator (one, or all of a person's)."""

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, delete, select, update
from sqlmodel import Session

from config.files import load_policy
from models.enums import SessionKind
from models.sign_in import SignIn
from services.core import clock, links
from services.permissions.principal import (
    ACCOUNT_MODELS,
    Principal,
    principal_from_row,
    principal_select,
)


def _lifetime(kind: str) -> dt.timedelta:
    policy = load_policy().web
    if kind == SessionKind.API:
        return dt.timedelta(days=policy.api_token_days)
    return dt.timedelta(hours=policy.session_hours)


def start(*, session: Session, who: Principal, kind: str, client: str | None = None) -> Principal:
    """Record a new session (or API token) for who; returns who naming it (session_id)."""
    now = clock.now()
    row = SignIn(
        id=secrets.token_hex(16),
        kind=kind,
        account_kind=who.account_kind,
        account_id=who.id,
        person=who.person,
        pv=who.pv,
        only_kind=who.only[0] if who.only else None,
        only_id=who.only[1] if who.only else None,
        client=(client or "")[:64] or None,
        created_at=now,
        expires_at=now + _lifetime(kind),
    )
    session.add(row)
    session.execute(  # the account's sessions over for a day are no longer worth keeping
        delete(SignIn)
        .where(
            SignIn.account_kind == who.account_kind,
            SignIn.account_id == who.id,
            SignIn.expires_at < now - dt.timedelta(days=1),
        )
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return replace(who, session_id=row.id)


def claims(who: Principal) -> dict[str, str | None]:
    """What a cookie or API token carries: the session's id and the table of its account."""
    return {"s": who.session_id, "a": who.account_kind}


def current(
    *, session: Session, payload: dict[str, Any], kinds: tuple[str, ...]
) -> Principal | None:
    """The principal of a cookie's or token's session while it runs (not ended, not expired,
    issued under the account's current credential version, the account active), else None."""
    sid, account_kind = payload.get("s"), payload.get("a")
    if not isinstance(sid, str) or account_kind not in ACCOUNT_MODELS:
        return None
    model = ACCOUNT_MODELS[account_kind]
    row = session.execute(
        principal_select(account_kind)
        .add_columns(SignIn.account_id, SignIn.pv, SignIn.only_kind, SignIn.only_id)
        .add_columns(SignIn.expires_at)
        .join(SignIn, SignIn.account_id == model.id)
        .where(
            SignIn.id == sid,
            SignIn.account_kind == account_kind,
            SignIn.ended_at.is_(None),
            SignIn.kind.in_(kinds),
        )
    ).first()
    if row is None or _as_utc(row.expires_at) <= clock.now():
        return None
    only = (row.only_kind, row.only_id) if row.only_kind else None
    found = principal_from_row(
        row, account_kind=account_kind, person_id=row.account_id, only=only, session_id=sid
    )
    if found is None or not links.same(row.pv, found.pv):
        return None
    return found


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def end(*, session: Session, session_id: str | None, by: str) -> int:
    """End one session or token (logout, revocation); how many ended (0 or 1)."""
    if not session_id:
        return 0
    return _end(session, SignIn.id == session_id, by)


def end_account(*, session: Session, account_kind: str, account_id: int, by: str) -> int:
    """End every session and token of one account (its password changed)."""
    condition = and_(SignIn.account_kind == account_kind, SignIn.account_id == account_id)
    return _end(session, condition, by)


def end_person(*, session: Session, person: str, by: str) -> int:
    """End every session and token of a person, under all of their accounts."""
    return _end(session, SignIn.person == person, by)


def _end(session: Session, condition: ColumnElement[bool], by: str) -> int:
    result = session.execute(
        update(SignIn)
        .where(condition, SignIn.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_by=by[:100])
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount)


@dataclass(frozen=True)
class Running:
    """A running session or token, as an administrator sees it."""

    id: str
    kind: str
    account_kind: str
    account_id: int
    client: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    only: str | None


def running(*, session: Session, person: str) -> list[Running]:
    """The person's sessions and tokens still running, newest first."""
    now = clock.now()
    rows = session.execute(
        select(SignIn)
        .where(SignIn.person == person, SignIn.ended_at.is_(None))
        .order_by(SignIn.created_at.desc())
    ).scalars()
    return [
        Running(
            r.id,
            r.kind,
            r.account_kind,
            r.account_id,
            r.client,
            r.created_at,
            r.expires_at,
            f"{r.only_kind}:{r.only_id}" if r.only_kind else None,
        )
        for r in rows
        if _as_utc(r.expires_at) > now
    ]
