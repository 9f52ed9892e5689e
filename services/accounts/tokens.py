"""Who a signed token names. Session cookies and API tokens name a server-side session
({"s": its id, "a": the table of its account}, services.accounts.sign_ins), checked on every
request; invitation links name a person ({"k": kind, "i": id, "pv": password version}), and
the password version voids them once the password changes.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from models.enums import SessionKind
from services.accounts import sign_ins
from services.permissions.principal import Principal

KIND, ID, PASSWORD_VERSION = "k", "i", "pv"
BROWSER = (SessionKind.WEB.value, SessionKind.LINK.value)
API = (SessionKind.API.value,)


@dataclass(frozen=True)
class Claim:
    """The person a token names: kind, id and the password version it was signed with."""

    kind: str
    person_id: int
    pv: str


def person_claims(*, kind: str, person_id: int, pv: str) -> dict[str, str | int]:
    """The payload naming a person (invitations)."""
    return {KIND: kind, ID: person_id, PASSWORD_VERSION: pv}


def principal_claims(who: Principal) -> dict[str, str | None]:
    """The payload of a cookie or API token: the session who signed in through."""
    return sign_ins.claims(who)


def read_claim(payload: Mapping[str, object], *, kinds: Collection[str]) -> Claim | None:
    """The person a payload names when it is complete and its kind one of kinds, else None."""
    kind, person_id, pv = payload.get(KIND), payload.get(ID), payload.get(PASSWORD_VERSION)
    if not isinstance(kind, str) or kind not in kinds:
        return None
    if not isinstance(person_id, int) or not isinstance(pv, str):
        return None
    return Claim(kind=kind, person_id=person_id, pv=pv)


def signed_in(
    *, session: Session, payload: dict[str, Any], kinds: tuple[str, ...] = BROWSER
) -> Principal | None:
    """The person a session cookie (or, with kinds=API, an API token) names while its session
    runs: None when ended, expired, the password changed since, or the account is inactive."""
    return sign_ins.current(session=session, payload=payload, kinds=kinds)
