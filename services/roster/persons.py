"""One person's records: a person is one 手机号, so the officer record, the 食安办 account and the
信息员 with that 手机号 are one person (the roster import keeps them consistent). Other rules that
apply across them (who may close which hazard) ask here."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from models.informant import Informant
from models.officer import Officer
from models.user import User


@dataclass(frozen=True)
class Person:
    mobile: str
    officers: list[Officer] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    informants: list[Informant] = field(default_factory=list)

    @property
    def linked(self) -> bool:
        """Whether the person holds records of more than one kind."""
        return sum(map(bool, (self.officers, self.users, self.informants))) > 1


def person_key(record: str, record_id: int, mobile: str | None) -> str:
    """The key of the person behind a record: "m:<手机号>" when it has one (so linked records
    share it), else "<record>:<id>" (a 食安办 account without a number is a person alone)."""
    return f"m:{mobile}" if mobile else f"{record}:{record_id}"


def mobile_of(key: str) -> str | None:
    """The 手机号 in a person key (None for a record without one)."""
    return key[2:] if key.startswith("m:") else None


def person_of(*, session: Session, mobile: str | None) -> Person | None:
    """The active records of the person with this 手机号 (None for no number)."""
    if not mobile:
        return None
    return Person(
        mobile,
        *(
            list(session.execute(select(m).where(m.mobile == mobile, m.active)).scalars())
            for m in (Officer, User, Informant)
        ),
    )
