"""Server-side sign-ins: every browser session, one-tap link session and API token is a row, so
logging out, a password change or an administrator can end it; and failed sign-ins, counted in
the database so that every process and worker sees the same counts."""

import datetime as dt

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.enums import AccountKind, SessionKind, check_in


class SignIn(SQLModel, table=True):
    """One session or API token: whose it is, how it came, until when, and whether it ended."""

    __tablename__ = "sign_in"
    __table_args__ = (
        CheckConstraint(check_in("kind", SessionKind), name="ck_sign_in_kind"),
        CheckConstraint(check_in("account_kind", AccountKind), name="ck_sign_in_account_kind"),
        Index("ix_sign_in_account", "account_kind", "account_id"),
    )

    id: str = Field(primary_key=True, max_length=32)  # random; the signed cookie or token names it
    kind: str = Field(max_length=8)
    account_kind: str = Field(max_length=16)
    account_id: int
    person: str = Field(max_length=80, index=True)  # services.roster.persons.person_key
    pv: str = Field(max_length=16)  # the credential version it was issued under
    only_kind: str | None = Field(default=None, max_length=8)  # a one-tap session's one item
    only_id: int | None = None
    client: str | None = Field(default=None, max_length=64)  # the address it was issued to
    created_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None = None
    ended_by: str | None = Field(default=None, max_length=100)


class LoginFailure(SQLModel, table=True):
    """One failed sign-in, under each key it counts for (a person, a client address)."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_time", "key", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120)
    failed_at: dt.datetime
