"""People by name: the name of each 食安办 account or 干部编号, so pages show names first and
codes only beside them."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from models.officer import Officer
from models.user import User


def names_of(*, session: Session, accounts: Iterable[str]) -> dict[str, str]:
    """The name of each account (食安办 account, else 干部编号) that exists; others are left out."""
    wanted = sorted(set(accounts))
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for code, name in session.execute(
        select(Officer.code, Officer.name).where(Officer.code.in_(wanted))
    ):
        found[code] = name
    for account, name in session.execute(
        select(User.account, User.name).where(User.account.in_(wanted))
    ):
        found[account] = name
    return found
