"""包保干部: a package officer of one tier, belonging to one jurisdiction of that level."""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.enums import OfficerTier, check_in


class Officer(SQLModel, table=True):
    __tablename__ = "officer"
    __table_args__ = (CheckConstraint(check_in("tier", OfficerTier), name="ck_officer_tier"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)  # 干部编号
    name: str = Field(max_length=50)
    tier: str = Field(max_length=16)
    title: str | None = Field(default=None, max_length=100)  # 职务
    mobile: str = Field(max_length=11, index=True)
    email: str | None = Field(default=None, max_length=200)
    wecom_id: str | None = Field(default=None, max_length=100)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=300)
