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
