"""信息员: a village's 联络员 / 协管员 / 信息员, one person per 手机号 (their login and banquet
filings come with the banquet work)."""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.enums import InformantRole, check_in


class Informant(SQLModel, table=True):
    __tablename__ = "informant"
    __table_args__ = (CheckConstraint(check_in("role", InformantRole), name="ck_informant_role"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    mobile: str = Field(max_length=11, unique=True)  # the person's identity and login
    role: str = Field(max_length=16)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)  # a village
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=300)
