"""区划: the jurisdiction tree, with a materialised path for indexed subtree queries."""

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.enums import JurisdictionLevel, check_in


class Jurisdiction(SQLModel, table=True):
    __tablename__ = "jurisdiction"
    __table_args__ = (
        CheckConstraint(check_in("level", JurisdictionLevel), name="ck_jurisdiction_level"),
        Index("ix_jurisdiction_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=100)
    level: str = Field(max_length=16)
    parent_id: int | None = Field(default=None, foreign_key="jurisdiction.id", index=True)
    # "/<root code>/<child code>/…/<own code>/": a subtree is every path with this prefix.
    path: str = Field(max_length=400)
