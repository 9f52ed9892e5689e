"""食安办人员: a food-safety office user (督办 or 管理员) scoped to a jurisdiction subtree."""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from models.enums import UserRole, check_in


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(check_in("role", UserRole), name="ck_user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=50)
    role: str = Field(max_length=16)
    mobile: str | None = Field(default=None, max_length=11)
    email: str | None = Field(default=None, max_length=200)
    wecom_id: str | None = Field(default=None, max_length=100)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=300)
