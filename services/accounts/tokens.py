"""Who a signed token names: the one spelling of a person in session cookies, API tokens and
invitation links — {"k": kind, "i": id, "pv": password version}, and "o" for the one item of a
one-tap session. The password version voids every token once the password changes.
"""

from dataclasses import dataclass

from sqlmodel import Session

from services.accounts.identity import KINDS
from services.accounts.principal import Principal, load_principal

KIND, ID, PASSWORD_VERSION, ONLY = "k", "i", "pv", "o"


@dataclass(frozen=True)
class Claim:
    """The person a token names: kind, id and the password version it was signed with."""

    kind: str
    person_id: int
    pv: str


def person_claims(*, kind: str, person_id: int, pv: str) -> dict:
    """The payload naming a person."""
    return {KIND: kind, ID: person_id, PASSWORD_VERSION: pv}


def principal_claims(who: Principal) -> dict:
    """The payload naming a signed-in person; a one-tap session keeps its one item."""
    claims = person_claims(kind=who.kind, person_id=who.id, pv=who.pv)
    if who.only is not None:
        claims[ONLY] = list(who.only)
    return claims


def read_claim(payload: dict, *, kinds) -> Claim | None:
    """The person a payload names when it is complete and its kind one of kinds, else None."""
    kind, person_id, pv = payload.get(KIND), payload.get(ID), payload.get(PASSWORD_VERSION)
    if kind not in kinds or not isinstance(person_id, int) or not isinstance(pv, str):
        return None
    return Claim(kind=kind, person_id=person_id, pv=pv)


def signed_in(*, session: Session, payload: dict) -> Principal | None:
    """The active person a session cookie or API token names (None when gone, inactive or the
    password changed since it was signed)."""
    claim = read_claim(payload, kinds=KINDS)
    if claim is None:
        return None
    only = payload.get(ONLY)
    return load_principal(
        session=session,
        kind=claim.kind,
        person_id=claim.person_id,
        pv=claim.pv,
        only=tuple(only) if isinstance(only, list) else None,
    )
