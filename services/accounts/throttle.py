"""Sign-in throttling held in the database (models.sign_in.LoginFailure), so every process and
worker sees the same counts: failures count for the person (whichever of their login strings was
typed) and for the client address, within [web] login_lock_minutes.

Counts are read and written in a short transaction of their own, so a failure is kept although
the caller's transaction is rolled back.
"""

import datetime as dt

from sqlalchemy import delete, func, select
from sqlmodel import Session

from config.files import load_policy
from config.policy_model import WebPolicy
from models.sign_in import LoginFailure
from services.core import clock


def web_policy() -> WebPolicy:
    """The [web] section of config/policy.toml."""
    return load_policy().web


def keys_for(*, person: str | None, login: str, client: str) -> dict[str, int]:
    """The counters a sign-in attempt counts in, with the failures each allows: the person's
    (or, for a login naming no one, that string's) and the client address's."""
    policy = web_policy()
    who = f"person:{person}" if person else f"login:{login.strip().lower()[:80]}"
    return {
        who: policy.login_max_failures,
        f"client:{client[:64]}": policy.login_max_client_failures,
    }


def _since() -> dt.datetime:
    return clock.now() - dt.timedelta(minutes=web_policy().login_lock_minutes)


def blocked(*, session: Session, keys: dict[str, int]) -> bool:
    """Whether any counter has reached its limit within the lock window."""
    return over_limit(failures(session=session, keys=keys), keys)


def over_limit(counts: dict[str, int], keys: dict[str, int]) -> bool:
    """Whether any counter of counts (failures) has reached its limit in keys."""
    return any(counts.get(key, 0) >= limit for key, limit in keys.items())


def failures(*, session: Session, keys: dict[str, int]) -> dict[str, int]:
    """The failures within the lock window under each key that has any."""
    with Session(session.get_bind()) as own:
        rows = own.execute(
            select(LoginFailure.key, func.count())
            .where(LoginFailure.key.in_(list(keys)), LoginFailure.failed_at > _since())
            .group_by(LoginFailure.key)
        ).all()
    return {key: count for key, count in rows}


def fail(*, session: Session, keys: dict[str, int]) -> None:
    """Count one failure under every key (committed at once)."""
    now = clock.now()
    with Session(session.get_bind()) as own, own.begin():
        own.add_all([LoginFailure(key=key, failed_at=now) for key in keys])
        own.execute(delete(LoginFailure).where(LoginFailure.failed_at <= _stale()))


def _stale() -> dt.datetime:
    return clock.now() - dt.timedelta(days=1, minutes=web_policy().login_lock_minutes)


def clear(*, session: Session, key: str) -> None:
    """Forget a counter's failures (the person signed in)."""
    with Session(session.get_bind()) as own, own.begin():
        own.execute(delete(LoginFailure).where(LoginFailure.key == key))
